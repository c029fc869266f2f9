import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UpstreamError, type UpstreamFailure } from '../errors.js';
import { callUpstream } from '../http.js';

/**
 * Service-account authentication without Google's SDK, as "Using OAuth 2.0 for Server to Server
 * Applications" describes it (https://developers.google.com/identity/protocols/oauth2/service-account#httprest):
 * a JWT signed RS256 with the key file's private key, exchanged at the key file's `token_uri` for an
 * access token (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`), which is cached until a
 * minute before it expires.
 */

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/** Google refuses assertions that live longer than an hour. */
const ASSERTION_LIFETIME_S = 3600;
/** A token is replaced this long before Google says it expires. */
const REFRESH_MARGIN_MS = 60_000;
/** The exchange runs on its own clock: a call that gives up must not fail the others waiting for the same token. */
const TOKEN_TIMEOUT_MS = 30_000;

/** What is used from a service-account key file (https://cloud.google.com/iam/docs/keys-create-delete). */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: KeyObject;
  privateKeyId?: string;
  projectId?: string;
  tokenUri: string;
}

/** A key file that cannot be used; the message says which file and why. */
export class CredentialsError extends Error {}

export function readServiceAccountKey(path: string): ServiceAccountKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CredentialsError(`cannot read the key file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CredentialsError(`the key file ${path} is not JSON`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new CredentialsError(`the key file ${path} is not a JSON object`);
  const fields = json as Record<string, unknown>;
  const field = (name: string) => (typeof fields[name] === 'string' && fields[name] ? (fields[name] as string) : undefined);
  if (fields.type !== undefined && fields.type !== 'service_account') {
    throw new CredentialsError(`the key file ${path} holds a credential of type ${String(fields.type)}, not a service-account key`);
  }
  const clientEmail = field('client_email');
  const pem = field('private_key');
  const missing = [!clientEmail && 'client_email', !pem && 'private_key'].filter(Boolean);
  if (missing.length > 0) throw new CredentialsError(`the key file ${path} is not a service-account key (no ${missing.join(' or ')})`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem!);
  } catch (error) {
    throw new CredentialsError(`the private_key in ${path} cannot be read (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new CredentialsError(`the private_key in ${path} is not an RSA key`);
  return { clientEmail: clientEmail!, privateKey, privateKeyId: field('private_key_id'), projectId: field('project_id'), tokenUri: field('token_uri') ?? DEFAULT_TOKEN_URI };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The signed assertion: `iss`/`sub` the service account, `aud` the token endpoint, one hour from `nowMs`. */
export function signAssertion(key: ServiceAccountKey, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.privateKeyId && { kid: key.privateKeyId }) };
  const claims = { iss: key.clientEmail, sub: key.clientEmail, aud: key.tokenUri, scope: CLOUD_PLATFORM_SCOPE, iat, exp: iat + ASSERTION_LIFETIME_S };
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

/**
 * OAuth errors are `{"error","error_description"}` (RFC 6749 section 5.2): a refused key (invalid_grant,
 * invalid_client) is the operator's credential; a busy or failing token endpoint made no image either,
 * so another provider may serve the request.
 */
function classifyTokenError(status: number): UpstreamFailure {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'overloaded';
  return 'auth';
}

/** Access tokens for one key: one exchange at a time, cached until a minute before they expire. */
export class AccessTokens {
  private cached?: { token: string; refreshAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly key: ServiceAccountKey,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `token` once the API refused it (revoked, or expired early); a newer one is kept. */
  invalidate(token: string) {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async exchange(): Promise<string> {
    const issuedAt = this.now();
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: signAssertion(this.key, issuedAt) });
    let refusal: unknown;
    let answer;
    try {
      answer = await callUpstream(
        this.key.tokenUri,
        { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: body.toString(), signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) },
        (status, errorBody) => {
          refusal = errorBody;
          return classifyTokenError(status);
        },
      );
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      const { error: code, error_description: description } = (refusal ?? {}) as { error?: unknown; error_description?: unknown };
      const said = typeof code === 'string' ? `${code}${typeof description === 'string' ? `: ${description}` : ''}` : error.message;
      throw new UpstreamError(error.kind, `no access token from ${this.key.tokenUri} for ${this.key.clientEmail} (${said})`, error.status, error.retryAfter);
    }
    const { access_token: token, expires_in: expiresIn, token_type: tokenType } = (answer.body ?? {}) as { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
    if (typeof token !== 'string' || !token) throw new UpstreamError('bad_response', `the token endpoint ${this.key.tokenUri} answered without an access_token`);
    if (tokenType !== undefined && String(tokenType).toLowerCase() !== 'bearer') throw new UpstreamError('bad_response', `the token endpoint issued a ${String(tokenType)} token, not a Bearer token`);
    const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : ASSERTION_LIFETIME_S;
    this.cached = { token, refreshAt: issuedAt + lifetimeS * 1000 - REFRESH_MARGIN_MS };
    return token;
  }
}
