import { classifyGoogleError } from '../google/errors.js';
import { geminiBody } from '../google/params.js';
import { parseGeminiResponse, parseImagenResponse } from '../google/response.js';
import { UpstreamError } from '../errors.js';
import { callUpstream, type UpstreamResponse } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { bearerHeaders, DEFAULT_BASE_URL, DEFAULT_LOCATION, generateContentUrl, predictUrl, resolveBaseUrl } from './api.js';
import { AccessTokens, CredentialsError, readServiceAccountKey } from './auth.js';
import { models } from './models.js';
import { vertexImagenBody, vertexSpecFor } from './params.js';

/** Where one configured Vertex project is reached, and the tokens for it. */
interface VertexTarget {
  project: string;
  location: string;
  baseUrl: string;
  tokens: AccessTokens;
}

export interface VertexOptions {
  /** The clock tokens are issued and expired by (tests move it). */
  now?: () => number;
}

/**
 * Google's image models on Vertex AI, authenticated as a service account: the Gemini image models
 * through `:generateContent` and Imagen through `:predict`, with the Gemini API adapter's request and
 * response mapping (src/providers/google). Configured by VERTEX_CREDENTIALS (or
 * GOOGLE_APPLICATION_CREDENTIALS), VERTEX_PROJECT, VERTEX_LOCATION and VERTEX_BASE_URL.
 */
export class VertexProvider implements ImageProvider {
  readonly id = 'vertex';
  private target?: VertexTarget;

  constructor(
    private readonly settings: ProviderSettings,
    private readonly options: VertexOptions = {},
  ) {}

  /** True once a readable service-account key (and a project) is configured. */
  isAvailable() {
    try {
      this.resolveTarget();
      return true;
    } catch {
      return false;
    }
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const { project, location, baseUrl, tokens } = this.resolveTarget();
    const spec = vertexSpecFor(call.upstreamModel);
    const post = (url: string, body: unknown) => authorizedPost(tokens, url, JSON.stringify(body), call.signal);
    if (spec.api === 'predict') {
      const body = vertexImagenBody(call, spec);
      const answer = await post(predictUrl(baseUrl, project, location, call.upstreamModel), body);
      return { images: await parseImagenResponse(answer.body, body.parameters.sampleCount, call.warn) };
    }
    const answer = await post(generateContentUrl(baseUrl, project, location, call.upstreamModel), await geminiBody(call, spec));
    return parseGeminiResponse(answer.body, 1);
  }

  /** The settings, read once the key file loads; until then every call says what is missing. */
  private resolveTarget(): VertexTarget {
    if (this.target) return this.target;
    const env = this.settings.env ?? {};
    const variable = env.VERTEX_CREDENTIALS ? 'VERTEX_CREDENTIALS' : env.GOOGLE_APPLICATION_CREDENTIALS ? 'GOOGLE_APPLICATION_CREDENTIALS' : undefined;
    if (!variable) throw new UpstreamError('auth', 'no Vertex AI credentials: set VERTEX_CREDENTIALS (or GOOGLE_APPLICATION_CREDENTIALS) to a service-account key file');
    let key;
    try {
      key = readServiceAccountKey(env[variable]!);
    } catch (error) {
      if (error instanceof CredentialsError) throw new UpstreamError('auth', `${variable}: ${error.message}`);
      throw error;
    }
    const project = env.VERTEX_PROJECT || key.projectId;
    if (!project) throw new UpstreamError('auth', `no Vertex AI project: set VERTEX_PROJECT (the key file ${env[variable]} has no project_id)`);
    const location = env.VERTEX_LOCATION || DEFAULT_LOCATION;
    // The location becomes part of the host name: only a location's own characters may reach it.
    if (!/^[a-z0-9-]+$/.test(location)) throw new UpstreamError('auth', `VERTEX_LOCATION '${location}' is not a Google Cloud location (like us-central1 or global)`);
    this.target = { project, location, baseUrl: resolveBaseUrl(this.settings.baseUrl, location), tokens: new AccessTokens(key, this.options.now) };
    return this.target;
  }
}

/**
 * One POST with the cached access token. A 401 means the token was refused before anything ran
 * (revoked, or expired early): it is replaced once and the call sent again; a second 401 stands.
 */
async function authorizedPost(tokens: AccessTokens, url: string, body: string, signal: AbortSignal): Promise<UpstreamResponse> {
  const send = (token: string) => callUpstream(url, { method: 'POST', headers: bearerHeaders(token), body, signal }, classifyGoogleError);
  const token = await tokens.get();
  try {
    return await send(token);
  } catch (error) {
    if (!(error instanceof UpstreamError) || error.status !== 401) throw error;
    tokens.invalidate(token);
    return send(await tokens.get());
  }
}

export const vertexModule: ProviderModule = {
  id: 'vertex',
  name: 'Google Cloud Vertex AI',
  envPrefix: 'VERTEX', // VERTEX_CREDENTIALS, VERTEX_PROJECT, VERTEX_LOCATION, VERTEX_BASE_URL
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new VertexProvider(settings),
  models,
};
