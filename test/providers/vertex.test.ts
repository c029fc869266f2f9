import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actualCost } from '../../src/billing/pricing.js';
import { googleModule } from '../../src/providers/google/index.js';
import { imagenModels as geminiApiImagen, models as geminiApiModels } from '../../src/providers/google/models.js';
import { geminiBody } from '../../src/providers/google/params.js';
import { buildProviders, mergeModels } from '../../src/providers/registry.js';
import { DEFAULT_BASE_URL, resolveBaseUrl } from '../../src/providers/vertex/api.js';
import { CLOUD_PLATFORM_SCOPE, JWT_BEARER_GRANT } from '../../src/providers/vertex/auth.js';
import { VertexProvider, vertexModule } from '../../src/providers/vertex/index.js';
import { imagenModels, models } from '../../src/providers/vertex/models.js';
import { vertexImagenBody, vertexSpecFor } from '../../src/providers/vertex/params.js';
import { sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, solidImage } from '../helpers/images.js';
import { makeCall, rejection, testSettings } from '../helpers/providerCall.js';
import {
  acceptsBody, check, expectFoxResult, expectImagenFoxResult, expectListedSizesFit, expectLiveImage, FOURTEEN_RATIOS, FOX_BODY, foxCall, IMAGEN_IDS,
  imagenFoxCall, knowsModel, onlyKeys, panoramaBody, panoramaCall, readFixture, referenceJpeg, TEN_RATIOS, Violation, withImages, type GoogleService,
} from './geminiShared.js';

/**
 * The Vertex adapter against one fake that plays both Google services: the OAuth token endpoint
 * (which verifies the service account's RS256 JWT against its public key, the claims and the grant)
 * and Vertex's `publishers/google/models/{model}:generateContent|:predict` (which checks the project,
 * location, model, the Bearer token it issued and the body contract the google tests hold the Gemini
 * API to). The key pair is made at run time; its private key only ever lives in a temporary file.
 * Answers are the google fixtures (the same bodies) and test/fixtures/providers/vertex.
 */

const fixture = (name: string) => readFixture('vertex', name);
const googleFixture = (name: string) => readFixture('google', name);

const PROJECT = 'pixelrouter-test';
const CLIENT_EMAIL = `pixelrouter@${PROJECT}.iam.gserviceaccount.com`;
const KEY_ID = '0123456789abcdef0123456789abcdef01234567';

// --- The fake Google: token endpoint -------------------------------------------------------------

let fake: FakeUpstream;
let publicKey: KeyObject;
let clock: number;
const now = () => clock;
let tokenSerial = 0;
/** Tokens the fake issued, with when they expire (on the test's clock). */
const issued = new Map<string, number>();
/** Overrides the token endpoint's answer (after the assertion checks). */
let tokenAnswer: ((res: http.ServerResponse) => void) | undefined;

const decodeSegment = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

function tokenEndpoint(req: RecordedRequest, res: http.ServerResponse) {
  try {
    check(req.method === 'POST', 'the token request must be a POST');
    check(req.headers['content-type'] === 'application/x-www-form-urlencoded', 'the token request must be form-encoded');
    const form = new URLSearchParams(req.body.toString('utf8'));
    check([...form.keys()].sort().join() === 'assertion,grant_type', `unexpected form fields ${[...form.keys()].join()}`);
    check(form.get('grant_type') === JWT_BEARER_GRANT, `grant_type ${form.get('grant_type')}`);
    const [header, claims, signature, ...rest] = (form.get('assertion') ?? '').split('.');
    check(header && claims && signature && rest.length === 0, 'the assertion is not a JWT');
    check(verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')), 'Invalid JWT Signature.');
    check(JSON.stringify(decodeSegment(header!)) === JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KEY_ID }), 'bad JWT header');
    const jwt = decodeSegment(claims!);
    onlyKeys(jwt, ['iss', 'sub', 'aud', 'scope', 'iat', 'exp'], 'claims');
    check(jwt.iss === CLIENT_EMAIL && jwt.sub === CLIENT_EMAIL, 'iss and sub must be the service account');
    check(jwt.aud === `${fake.url}/token`, `aud ${jwt.aud}`);
    check(jwt.scope === CLOUD_PLATFORM_SCOPE, `scope ${jwt.scope}`);
    check(Math.abs(jwt.iat - Math.floor(clock / 1000)) <= 2 && jwt.exp === jwt.iat + 3600, 'iat must be now and exp an hour later');
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    return sendJson(res, 400, { error: 'invalid_grant', error_description: error.message });
  }
  if (tokenAnswer) return tokenAnswer(res);
  const token = `ya29.test-token-${++tokenSerial}`;
  const body: Record<string, any> = { ...fixture('token'), access_token: token };
  issued.set(token, clock + body.expires_in * 1000);
  sendJson(res, 200, body);
}

// --- The fake Google: Vertex ---------------------------------------------------------------------

const GEMINI_MODELS: Record<string, { ratios: string[]; imageSizes: string[] }> = {
  'gemini-nano-banana-2.1': { ratios: FOURTEEN_RATIOS, imageSizes: ['1K', '2K', '4K'] },
  'gemini-3.1-flash-image': { ratios: FOURTEEN_RATIOS, imageSizes: ['1K', '2K', '4K'] },
  'gemini-3-pro-image': { ratios: TEN_RATIOS, imageSizes: ['1K', '2K', '4K'] },
  'gemini-2.5-flash-image': { ratios: TEN_RATIOS, imageSizes: [] },
};
/** What Vertex serves. The bodies are the Gemini API's (the contract in geminiShared.ts) but for Imagen's size field. */
const VERTEX: GoogleService = {
  gemini: GEMINI_MODELS,
  // Imagen on Vertex (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-api):
  // its resolution is `sampleImageSize`, 1K/2K on Standard and Ultra; Fast has one size.
  imagen: {
    'imagen-4.0-generate-001': { imageSizes: ['1K', '2K'] },
    'imagen-4.0-ultra-generate-001': { imageSizes: ['1K', '2K'] },
    'imagen-4.0-fast-generate-001': { imageSizes: [] },
  },
  inputMimeTypes: ['image/png', 'image/jpeg', 'image/webp'],
  imagenSizeField: 'sampleImageSize',
};

/** Where the fake expects calls (tests that configure another project or location move it). */
let expected = { project: PROJECT, location: 'us-central1' };
type Answer = (req: RecordedRequest, res: http.ServerResponse) => void;
let answer: Answer;
const VERTEX_PATH = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(generateContent|predict)$/;

function vertexEndpoint(req: RecordedRequest, res: http.ServerResponse) {
  const match = VERTEX_PATH.exec(req.path);
  const [, project, location, model = '', method] = match ?? [];
  if (req.method !== 'POST' || !match || project !== expected.project || location !== expected.location || !knowsModel(VERTEX, method!, model)) {
    const notFound = fixture('error-not-found');
    notFound.error.message = notFound.error.message.replace('<MODEL_PATH>', req.path.replace(/^\/v1\//, '').replace(/:\w+$/, ''));
    return sendJson(res, 404, notFound);
  }
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const expiresAt = token ? issued.get(token) : undefined;
  if (expiresAt === undefined || clock >= expiresAt) return sendJson(res, 401, fixture('error-unauthenticated'));
  if (acceptsBody(VERTEX, method!, model, req, res)) answer(req, res);
}

// --- Tests ---------------------------------------------------------------------------------------

let dir: string;
let keyPath: string;
let red: Buffer;
let green: Buffer;

const keyFile = (privateKeyPem: string, overrides: Record<string, unknown> = {}) => ({
  type: 'service_account',
  project_id: PROJECT,
  private_key_id: KEY_ID,
  private_key: privateKeyPem,
  client_email: CLIENT_EMAIL,
  client_id: '100000000000000000001',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: `${fake.url}/token`,
  ...overrides,
});
const writeKey = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return file;
};
const newRsaPem = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A provider on the fake, configured as the server configures it (VERTEX_BASE_URL set). */
const vertex = (env: Record<string, string | undefined> = { VERTEX_CREDENTIALS: keyPath }) =>
  new VertexProvider(testSettings(`${fake.url}/v1`, { apiKey: undefined, baseUrlConfigured: true, env }), { now });

const tokenRequests = () => fake.requests.filter((r) => r.path === '/token');
const vertexRequests = () => fake.requests.filter((r) => r.path !== '/token');
const assertionOf = (req: RecordedRequest) => {
  const [header, claims] = new URLSearchParams(req.body.toString()).get('assertion')!.split('.');
  return { header: decodeSegment(header!), claims: decodeSegment(claims!) };
};

beforeAll(async () => {
  [red, green] = await Promise.all([solidImage(32, 32, { r: 255, g: 0, b: 0 }), solidImage(32, 32, { r: 0, g: 255, b: 0 })]);
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  publicKey = pair.publicKey;
  fake = await startFakeUpstream((req, res) => (req.path === '/token' ? tokenEndpoint(req, res) : vertexEndpoint(req, res)));
  dir = mkdtempSync(path.join(tmpdir(), 'pixelrouter-vertex-'));
  keyPath = writeKey('service-account.json', keyFile(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
  clock = Date.UTC(2026, 10, 21, 12, 0, 0);
  expected = { project: PROJECT, location: 'us-central1' };
  tokenAnswer = undefined;
  answer = (_req, res) => sendJson(res, 200, withImages('generate-content-image', { PNG: red }));
});

describe('vertex: service-account access tokens', () => {
  it('mints one token with a signed JWT and reuses it for later calls', async () => {
    const provider = vertex();
    await provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }));
    await provider.generate(makeCall({ upstreamModel: 'gemini-3-pro-image' }));

    expect(tokenRequests()).toHaveLength(1);
    const { header, claims } = assertionOf(tokenRequests()[0]!);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: KEY_ID });
    const iat = clock / 1000;
    expect(claims).toEqual({ iss: CLIENT_EMAIL, sub: CLIENT_EMAIL, aud: `${fake.url}/token`, scope: 'https://www.googleapis.com/auth/cloud-platform', iat, exp: iat + 3600 });
    expect(vertexRequests().map((r) => r.headers.authorization)).toEqual(['Bearer ya29.test-token-' + tokenSerial, 'Bearer ya29.test-token-' + tokenSerial]);
  });

  it('calls made at once share one token exchange', async () => {
    const provider = vertex();
    await Promise.all([1, 2, 3].map(() => provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }))));
    expect(tokenRequests()).toHaveLength(1);
    expect(new Set(vertexRequests().map((r) => r.headers.authorization)).size).toBe(1);
  });

  it('replaces the token a minute before it expires', async () => {
    const provider = vertex();
    await provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }));
    const first = vertexRequests()[0]!.headers.authorization;

    clock += (3599 - 61) * 1000; // 61 s left: still used
    await provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }));
    expect(tokenRequests()).toHaveLength(1);
    expect(vertexRequests()[1]!.headers.authorization).toBe(first);

    clock += 2000; // 59 s left: replaced, with an assertion issued now
    await provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }));
    expect(tokenRequests()).toHaveLength(2);
    expect(assertionOf(tokenRequests()[1]!).claims.iat).toBe(Math.floor(clock / 1000));
    expect(vertexRequests()[2]!.headers.authorization).not.toBe(first);
  });

  it('a 401 from Vertex gets one new token and one retry', async () => {
    const provider = vertex();
    await provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }));
    const first = vertexRequests()[0]!.headers.authorization!;
    issued.delete(first.slice('Bearer '.length)); // revoked on Google's side

    const result = await provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }));
    expect(result.images).toHaveLength(1);
    expect(tokenRequests()).toHaveLength(2);
    const [, refused, retried] = vertexRequests().map((r) => r.headers.authorization);
    expect(refused).toBe(first);
    expect(retried).not.toBe(first);

    // A second 401 stands: one refresh, one retry, then the auth failure.
    fake.requests.length = 0;
    answer = (_req, res) => sendJson(res, 401, fixture('error-unauthenticated'));
    const error = await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })));
    expect([error.kind, error.status]).toEqual(['auth', 401]);
    expect(vertexRequests()).toHaveLength(2);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('a key the token endpoint refuses is an auth failure that says why, and reaches no model', async () => {
    // Signed with another key than the one Google holds for the service account.
    const forged = vertex({ VERTEX_CREDENTIALS: writeKey('forged.json', keyFile(newRsaPem())) });
    const error = await rejection(forged.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })));
    expect([error.kind, error.status]).toEqual(['auth', 400]);
    expect(error.message).toBe(`no access token from ${fake.url}/token for ${CLIENT_EMAIL} (invalid_grant: Invalid JWT Signature.)`);
    expect(vertexRequests()).toHaveLength(0);

    tokenAnswer = (res) => sendJson(res, 400, fixture('token-invalid-grant'));
    expect((await rejection(vertex().generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('auth');
    // A failing token endpoint made no image: another provider may serve the request.
    tokenAnswer = (res) => sendJson(res, 503, { error: 'temporarily_unavailable' });
    expect((await rejection(vertex().generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('overloaded');
    tokenAnswer = (res) => sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599 });
    expect((await rejection(vertex().generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('bad_response');
    expect(vertexRequests()).toHaveLength(0);
  });
});

describe('vertex: Gemini image models (generateContent)', () => {
  it('text-to-image sends exactly the Gemini API body to the project, location and model', async () => {
    const call = foxCall();
    const result = await vertex().generate(call);

    expect(vertexRequests()).toHaveLength(1);
    const [req] = vertexRequests();
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-2.5-flash-image:generateContent`);
    expect(req!.headers.authorization).toBe(`Bearer ya29.test-token-${tokenSerial}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.json).toEqual(FOX_BODY);
    await expectFoxResult(call, result, red);
  });

  it('Nano Banana 2 (Vertex only): a wide 2K image with a seed and a reference image, thought images dropped', async () => {
    answer = (_req, res) => sendJson(res, 200, withImages('generate-content-thinking', { THOUGHT_PNG: red, PNG: green }));
    const jpeg = await referenceJpeg();
    const call = panoramaCall('gemini-3.1-flash-image', jpeg);
    const result = await vertex().generate(call);

    expect(vertexRequests()[0]!.path).toBe(`/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-3.1-flash-image:generateContent`);
    expect(vertexRequests()[0]!.json).toEqual(panoramaBody(jpeg));
    expect(call.warnings).toEqual([]);
    expect(await pixelAt(result.images[0]!.bytes, 1, 1)).toEqual({ r: 0, g: 255, b: 0 });
    expect(result.usage).toEqual({ inputTokens: 12, imageInputTokens: 2240, outputTokens: 1120 });
  });
});

describe('vertex: Imagen (predict)', () => {
  it('sends the Imagen body with sampleImageSize, decodes the images and reports filtered ones', async () => {
    answer = (_req, res) => sendJson(res, 200, withImages('predict-images', { PNG: red, PNG2: green }));
    const call = imagenFoxCall();
    const result = await vertex().generate(call);

    const [req] = vertexRequests();
    expect(req!.path).toBe(`/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict`);
    expect(req!.headers.authorization).toBe(`Bearer ya29.test-token-${tokenSerial}`);
    expect(req!.json).toEqual({
      instances: [{ prompt: 'a red fox' }],
      parameters: { sampleCount: 3, aspectRatio: '4:3', sampleImageSize: '1K', personGeneration: 'allow_adult' },
    });
    expectImagenFoxResult(call, result, green);
  });

  it('asks Ultra for 2K and Fast for its one size', async () => {
    answer = (_req, res) => sendJson(res, 200, { predictions: [{ bytesBase64Encoded: red.toString('base64'), mimeType: 'image/png' }] });
    const provider = vertex();
    await provider.generate(makeCall({ upstreamModel: 'imagen-4.0-ultra-generate-001', fields: { size: '2048x2048' } }));
    const fast = makeCall({ upstreamModel: 'imagen-4.0-fast-generate-001', fields: { size: '2048x2048' } });
    await provider.generate(fast);
    expect(vertexRequests().map((r) => r.json.parameters)).toEqual([
      { sampleCount: 1, aspectRatio: '1:1', sampleImageSize: '2K' },
      { sampleCount: 1, aspectRatio: '1:1' },
    ]);
    expect(fast.warnings).toEqual(['size 2048x2048 mapped to the 1K resolution, the nearest imagen-4.0-fast-generate-001 makes']);
  });
});

describe('vertex: errors', () => {
  const cases: Array<[string, number, string, () => Record<string, any>]> = [
    ['error-invalid-argument', 400, 'rejected', () => fixture('error-invalid-argument')],
    ['error-permission-denied', 403, 'auth', () => fixture('error-permission-denied')],
    ['error-resource-exhausted', 429, 'rate_limited', () => fixture('error-resource-exhausted')],
    ['error-internal', 500, 'server_error', () => fixture('error-internal')],
    ['google error-unavailable', 503, 'overloaded', () => googleFixture('error-unavailable')],
  ];
  for (const [name, status, kind, body] of cases) {
    it(`${status} ${body().error.status} (${name}) -> ${kind}`, async () => {
      answer = (_req, res) => sendJson(res, status, body());
      const error = await rejection(vertex().generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })));
      expect([error.kind, error.status, error.message]).toEqual([kind, status, body().error.message]);
      expect(vertexRequests()).toHaveLength(1); // only a 401 is sent again
    });
  }

  it('a model the project or location does not serve is a 404 rejection', async () => {
    const error = await rejection(vertex().generate(makeCall({ upstreamModel: 'imagen-3.0-capability-001' })));
    expect([error.kind, error.status]).toEqual(['rejected', 404]);
    expect(error.message).toBe(`Publisher Model \`projects/${PROJECT}/locations/us-central1/publishers/google/models/imagen-3.0-capability-001\` not found.`);
  });

  it('a 200 stopped by IMAGE_SAFETY is content_policy; one without an image is bad_response', async () => {
    answer = (_req, res) => sendJson(res, 200, googleFixture('generate-content-image-safety'));
    expect((await rejection(vertex().generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('content_policy');
    answer = (_req, res) => sendJson(res, 200, googleFixture('generate-content-text-only'));
    expect((await rejection(vertex().generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('bad_response');
  });

  it('a token endpoint nobody answers is unreachable', async () => {
    const closed = await startFakeUpstream(() => {});
    await closed.close();
    const provider = vertex({ VERTEX_CREDENTIALS: writeKey('closed-token-uri.json', { ...JSON.parse(readFileSync(keyPath, 'utf8')), token_uri: `${closed.url}/token` }) });
    expect((await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('unreachable');
  });
});

describe('vertex: configuration', () => {
  it('is available only with a readable service-account key', () => {
    expect(vertex({}).isAvailable()).toBe(false);
    expect(new VertexProvider(testSettings(fake.url, { apiKey: 'an-api-key-is-not-enough' })).isAvailable()).toBe(false);
    expect(vertex({ VERTEX_CREDENTIALS: path.join(dir, 'missing.json') }).isAvailable()).toBe(false);
    expect(vertex({ VERTEX_CREDENTIALS: writeKey('not-json.json', 'not json') }).isAvailable()).toBe(false);
    expect(vertex().isAvailable()).toBe(true);
    expect(vertex({ GOOGLE_APPLICATION_CREDENTIALS: keyPath }).isAvailable()).toBe(true);
    expect(vertex({ VERTEX_CREDENTIALS: keyPath, GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, 'missing.json') }).isAvailable()).toBe(true);
  });

  it('a missing or unusable key file is a clear auth error, before anything is sent', async () => {
    const pem = JSON.parse(readFileSync(keyPath, 'utf8')).private_key as string;
    const missing = path.join(dir, 'missing.json');
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'no Vertex AI credentials: set VERTEX_CREDENTIALS (or GOOGLE_APPLICATION_CREDENTIALS) to a service-account key file'],
      [{ VERTEX_CREDENTIALS: missing }, `VERTEX_CREDENTIALS: cannot read the key file ${missing} (ENOENT)`],
      [{ GOOGLE_APPLICATION_CREDENTIALS: missing }, `GOOGLE_APPLICATION_CREDENTIALS: cannot read the key file ${missing} (ENOENT)`],
      [{ VERTEX_CREDENTIALS: writeKey('bad.json', '{"type": "service_account",') }, `VERTEX_CREDENTIALS: the key file ${path.join(dir, 'bad.json')} is not JSON`],
      [{ VERTEX_CREDENTIALS: writeKey('user.json', { type: 'authorized_user', client_id: 'x', refresh_token: 'y' }) }, `VERTEX_CREDENTIALS: the key file ${path.join(dir, 'user.json')} holds a credential of type authorized_user, not a service-account key`],
      [{ VERTEX_CREDENTIALS: writeKey('no-key.json', { ...keyFile(pem), private_key: undefined }) }, `VERTEX_CREDENTIALS: the key file ${path.join(dir, 'no-key.json')} is not a service-account key (no private_key)`],
      [{ VERTEX_CREDENTIALS: writeKey('bad-pem.json', keyFile('-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n')) }, `VERTEX_CREDENTIALS: the private_key in ${path.join(dir, 'bad-pem.json')} cannot be read`],
      [{ VERTEX_CREDENTIALS: writeKey('no-project.json', keyFile(pem, { project_id: undefined })) }, `no Vertex AI project: set VERTEX_PROJECT (the key file ${path.join(dir, 'no-project.json')} has no project_id)`],
      [{ VERTEX_CREDENTIALS: keyPath, VERTEX_LOCATION: 'evil.example/x' }, "VERTEX_LOCATION 'evil.example/x' is not a Google Cloud location (like us-central1 or global)"],
    ];
    for (const [env, message] of cases) {
      const provider = vertex(env);
      expect(provider.isAvailable(), message).toBe(false);
      const error = await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })));
      expect(error.kind).toBe('auth');
      expect(error.message.startsWith(message), `${error.message} / ${message}`).toBe(true);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('VERTEX_PROJECT and VERTEX_LOCATION choose where calls go', async () => {
    expected = { project: 'another-project', location: 'europe-west4' };
    await vertex({ VERTEX_CREDENTIALS: keyPath, VERTEX_PROJECT: 'another-project', VERTEX_LOCATION: 'europe-west4' }).generate(makeCall({ upstreamModel: 'gemini-3-pro-image' }));
    expect(vertexRequests()[0]!.path).toBe('/v1/projects/another-project/locations/europe-west4/publishers/google/models/gemini-3-pro-image:generateContent');
  });

  it('builds the regional or global endpoint, or takes VERTEX_BASE_URL as given', () => {
    expect(resolveBaseUrl(DEFAULT_BASE_URL, 'us-central1')).toBe('https://us-central1-aiplatform.googleapis.com/v1');
    expect(resolveBaseUrl(DEFAULT_BASE_URL, 'europe-west4')).toBe('https://europe-west4-aiplatform.googleapis.com/v1');
    expect(resolveBaseUrl(DEFAULT_BASE_URL, 'global')).toBe('https://aiplatform.googleapis.com/v1');
    expect(resolveBaseUrl('https://vertex-proxy.internal/v1/', 'global')).toBe('https://vertex-proxy.internal/v1');
    expect(resolveBaseUrl('https://{location}-aiplatform.mycorp.example/v1', 'asia-northeast1')).toBe('https://asia-northeast1-aiplatform.mycorp.example/v1');
  });

  it('joins the registry with VERTEX_* read from the environment', async () => {
    const shared = { maxDownloadBytes: 10 * 1024 * 1024, pollIntervalMs: 10 };
    expect(buildProviders([vertexModule], {}, shared).get('vertex')!.isAvailable()).toBe(false);
    const providers = buildProviders([vertexModule], { VERTEX_CREDENTIALS: keyPath, VERTEX_BASE_URL: `${fake.url}/v1/` }, shared);
    expect(providers.get('vertex')!.isAvailable()).toBe(true);
    clock = Date.now(); // the registry's adapter runs on the real clock
    await providers.get('vertex')!.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' }));
    expect(vertexRequests()[0]!.path).toBe(`/v1/projects/${PROJECT}/locations/us-central1/publishers/google/models/gemini-2.5-flash-image:generateContent`);
  });
});

describe('vertex: module and catalog', () => {
  it('is the vertex module', () => {
    expect(vertexModule).toMatchObject({ id: 'vertex', envPrefix: 'VERTEX', defaultBaseUrl: 'https://{location}-aiplatform.googleapis.com/v1' });
    expect(vertexModule.models).toBe(models);
    expect(vertexModule.create(testSettings(fake.url)).id).toBe('vertex');
  });

  it('declares the models Vertex serves, under the ids the google module uses, with sound prices', async () => {
    expect(models.map((m) => [m.model.id, m.offer.upstreamModel])).toEqual([
      ['google/gemini-nano-banana-2.1', 'gemini-nano-banana-2.1'],
      ['google/gemini-3-pro-image', 'gemini-3-pro-image'],
      ['google/gemini-3.1-flash-image', 'gemini-3.1-flash-image'],
      ['google/gemini-2.5-flash-image', 'gemini-2.5-flash-image'],
    ]);
    // Imagen is discontinued on Vertex too: declared, not served.
    expect(imagenModels.map((m) => [m.model.id, m.offer.upstreamModel])).toEqual(IMAGEN_IDS);
    const geminiApiIds = [...geminiApiModels, ...geminiApiImagen].map((m) => m.model.id);
    for (const { model, offer } of [...models, ...imagenModels]) {
      expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      if (model.id !== 'google/gemini-3.1-flash-image') expect(geminiApiIds).toContain(model.id);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(offer.priceSource).toMatch(/^https:\/\/cloud\.google\.com\/vertex-ai\/generative-ai\/pricing, read 2026-11-21/);
      const amounts = JSON.stringify(offer.price).match(/-?\d+(\.\d+)?/g)!.map(Number);
      expect(amounts.every((n) => Number.isSafeInteger(n) && n >= 0), JSON.stringify(offer.price)).toBe(true);
      const spec = vertexSpecFor(offer.upstreamModel);
      expect(offer.capabilities.sizes).toEqual({ kind: 'aspect', ratios: spec.aspectRatios });
      expect(offer.capabilities.maxImagesPerCall).toBe(spec.api === 'predict' ? 4 : 1);
      if (spec.api === 'generateContent') expect(spec.aspectRatios).toEqual(GEMINI_MODELS[offer.upstreamModel]!.ratios);
      await expectListedSizesFit(offer, (call) => (spec.api === 'predict' ? vertexImagenBody(call, spec) : geminiBody(call, spec)));
    }
  });

  it('merges its offers with the google module and prices tokens at Vertex rates', () => {
    const merged = mergeModels([googleModule, vertexModule]);
    expect(merged.find((m) => m.id === 'google/gemini-3-pro-image')!.providers.map((p) => p.provider)).toEqual(['google', 'vertex']);
    expect(merged.find((m) => m.id === 'google/gemini-3.1-flash-image')!.providers.map((p) => p.provider)).toEqual(['vertex']);

    const call = makeCall({ upstreamModel: 'gemini-3.1-flash-image' });
    const price = models.find((m) => m.model.id === 'google/gemini-3.1-flash-image')!.offer.price!;
    // 9 prompt tokens at $0.50/M + one 1K image (1,120 tokens) at $60/M = $0.0672045, rounded up.
    expect(actualCost(price, call.request, call.size, 1, { inputTokens: 9, imageInputTokens: 0, outputTokens: 1120 }, { marginPercent: 0 })).toBe(67_205);
    // A 4K image with 14 reference images and a long prompt stays under the ceiling.
    expect(actualCost(price, call.request, call.size, 1, { inputTokens: 8000, imageInputTokens: 14 * 1120, outputTokens: 2520 }, { marginPercent: 0 })).toBe(163_040);
    const pro = models.find((m) => m.model.id === 'google/gemini-3-pro-image')!.offer.price!;
    // $2/M in, $120/M out: a 1K image is $0.1344 plus the prompt.
    expect(actualCost(pro, call.request, call.size, 1, { inputTokens: 9, imageInputTokens: 0, outputTokens: 1120 }, { marginPercent: 0 })).toBe(134_418);
  });
});

describe('vertex: live', () => {
  // Spends about $0.04 of the operator's credit; skipped unless VERTEX_CREDENTIALS is set.
  it.runIf(process.env.VERTEX_CREDENTIALS)('makes one real image', { timeout: 120_000 }, async () => {
    const live = new VertexProvider({ baseUrl: process.env.VERTEX_BASE_URL || DEFAULT_BASE_URL, env: process.env, maxDownloadBytes: 20 * 1024 * 1024, pollIntervalMs: 1000 });
    expect(live.isAvailable()).toBe(true);
    await expectLiveImage(live);
  });
});
