import { UpstreamError } from '../errors.js';

/**
 * Black Forest Labs' HTTP surface (https://api.bfl.ai/openapi.json, https://docs.bfl.ml): every model
 * is its own endpoint, `POST {base}/{model}`, answering `{id, polling_url}`; the job is then polled
 * with GET on that URL. Both calls authenticate with the `x-key` header.
 */

export const DEFAULT_BASE_URL = 'https://api.bfl.ai/v1';

export const authHeaders = (apiKey: string) => ({ 'x-key': apiKey });

/** The submit endpoint of a model: its upstream name is the path (`flux-pro-1.1`, `flux-kontext-pro`...). */
export const submitUrl = (baseUrl: string, upstreamModel: string) => `${baseUrl.replace(/\/+$/, '')}/${upstreamModel}`;

/** BFL's own hosts; the global endpoint hands out polling URLs on regional ones (api.eu2.bfl.ai...). */
const BFL_DOMAINS = ['bfl.ai', 'bfl.ml'];

/**
 * The polling URL to follow, as given (docs: "always use the polling_url returned"). It receives the
 * API key, so it must be on the configured base URL's origin or an https BFL host.
 */
export function trustedPollingUrl(baseUrl: string, raw: unknown): string {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new UpstreamError('bad_response', `the provider answered without a usable polling_url (${String(raw).slice(0, 100)})`);
  }
  const sameOrigin = url.origin === new URL(baseUrl).origin;
  const bflHost = url.protocol === 'https:' && BFL_DOMAINS.some((d) => url.hostname === d || url.hostname.endsWith(`.${d}`));
  if (!sameOrigin && !bflHost) throw new UpstreamError('bad_response', `the polling_url points to an unexpected host (${url.host}); the API key is not sent there`);
  return url.href;
}
