import { callUpstream, classifyStatus } from '../http.js';
import type { UpstreamFailure } from '../errors.js';
import { asPrediction, type Prediction } from './response.js';

/**
 * Replicate's HTTP API (https://replicate.com/docs/reference/http): create a prediction, read it
 * back. Errors are RFC 7807 problem documents (`{title, detail, status}`).
 */

export const DEFAULT_BASE_URL = 'https://api.replicate.com/v1';

export interface ReplicateSettings {
  apiKey: string;
  baseUrl: string;
}

const authHeader = (settings: ReplicateSettings) => ({ authorization: `Bearer ${settings.apiKey}` });

/** 401 auth, 402 out of credit, 422 invalid input, 429 throttled; any 5xx is the server's failure. */
const classify = (status: number): UpstreamFailure => (status >= 500 ? 'server_error' : classifyStatus(status));

/**
 * Official models (`owner/name`) run their current version at /models/{owner}/{name}/predictions;
 * a pinned version (`owner/name:version`) goes to /predictions with the version id in the body.
 */
export function predictionEndpoint(baseUrl: string, upstreamModel: string, input: Record<string, unknown>) {
  const [model, version] = upstreamModel.split(':');
  if (version) return { url: `${baseUrl}/predictions`, body: { version, input } };
  return { url: `${baseUrl}/models/${model}/predictions`, body: { input } };
}

/**
 * Starts a prediction in sync mode: `Prefer: wait` holds the request open up to 60 s (the default;
 * the docs allow `wait=n` for 1-60) and usually answers with the finished prediction.
 */
export async function createPrediction(settings: ReplicateSettings, upstreamModel: string, input: Record<string, unknown>, signal: AbortSignal): Promise<Prediction> {
  const { url, body } = predictionEndpoint(settings.baseUrl, upstreamModel, input);
  const response = await callUpstream(url, {
    method: 'POST',
    headers: { ...authHeader(settings), 'content-type': 'application/json', prefer: 'wait' },
    body: JSON.stringify(body),
    signal,
  }, classify);
  return asPrediction(response.body);
}

/**
 * Reads a prediction again. `urls.get` is followed only on the API's own origin, so the key never
 * goes anywhere else; otherwise the documented /predictions/{id} path is used.
 */
export async function getPrediction(settings: ReplicateSettings, prediction: Prediction, signal: AbortSignal): Promise<Prediction> {
  const own = prediction.urls?.get && sameOrigin(prediction.urls.get, settings.baseUrl);
  const url = own ? prediction.urls!.get! : `${settings.baseUrl}/predictions/${encodeURIComponent(prediction.id)}`;
  const response = await callUpstream(url, { headers: authHeader(settings), signal }, classify);
  return asPrediction(response.body);
}

/**
 * The docs say output files need the Authorization header, and that they are served from
 * replicate.delivery and its subdomains: the key is sent there and to the API's own origin only.
 */
export function downloadHeaders(settings: ReplicateSettings, url: string): Record<string, string> {
  const host = new URL(url).hostname;
  const delivery = host === 'replicate.delivery' || host.endsWith('.replicate.delivery');
  return delivery || sameOrigin(url, settings.baseUrl) ? authHeader(settings) : {};
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
