import { UpstreamError, type UpstreamFailure } from '../errors.js';
import { callUpstream, classifyStatus } from '../http.js';

/**
 * fal's queue API (https://docs.fal.ai/model-endpoints/queue, https://fal.ai/docs/api-reference/inference-api):
 * POST {base}/{endpoint id} with the input JSON answers a ticket with request_id, status_url,
 * response_url and cancel_url; GET status_url until `status` is COMPLETED (IN_QUEUE and IN_PROGRESS
 * come before); GET response_url for the result, or the failure with its HTTP status; PUT cancel_url
 * to drop a request that has not started. Every call carries `Authorization: Key <key>`.
 */

export const DEFAULT_BASE_URL = 'https://queue.fal.run';

export const authHeaders = (apiKey: string) => ({ authorization: `Key ${apiKey}` });

export interface Ticket {
  requestId: string;
  statusUrl: string;
  responseUrl: string;
  cancelUrl?: string;
}

/**
 * What a failure means. Model errors carry `detail` as a list of typed errors
 * (https://docs.fal.ai/errors); `content_policy_violation` is the content checker refusing the input
 * or output. Everything else goes by status (422 validation errors are 'rejected').
 */
export function classifyFal(status: number, body: unknown): UpstreamFailure {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail) && detail.some((d) => (d as { type?: unknown })?.type === 'content_policy_violation')) return 'content_policy';
  return classifyStatus(status);
}

export async function submit(baseUrl: string, endpointId: string, input: unknown, apiKey: string, signal: AbortSignal): Promise<Ticket> {
  const answer = await callUpstream(`${baseUrl}/${endpointId}`, {
    method: 'POST',
    headers: { ...authHeaders(apiKey), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(input),
    signal,
  }, classifyFal);
  return readTicket(answer.body, baseUrl);
}

function readTicket(body: any, baseUrl: string): Ticket {
  if (typeof body?.request_id !== 'string' || !body.request_id) throw new UpstreamError('bad_response', 'fal accepted the request without a request_id');
  return {
    requestId: body.request_id,
    statusUrl: trusted(baseUrl, body.status_url, 'status_url'),
    responseUrl: trusted(baseUrl, body.response_url, 'response_url'),
    ...(typeof body.cancel_url === 'string' && { cancelUrl: trusted(baseUrl, body.cancel_url, 'cancel_url') }),
  };
}

/** fal says to follow the URLs it returns, but the key goes with them: only to the queue's own origin. */
function trusted(baseUrl: string, url: unknown, field: string): string {
  if (typeof url !== 'string') throw new UpstreamError('bad_response', `fal's answer has no ${field}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UpstreamError('bad_response', `fal's ${field} is not a URL`);
  }
  if (parsed.origin !== new URL(baseUrl).origin) throw new UpstreamError('bad_response', `fal's ${field} points outside ${new URL(baseUrl).origin}; not followed`);
  return parsed.href;
}

/** True once the request is COMPLETED (its result, success or failure, is then at response_url). */
export async function isCompleted(ticket: Ticket, apiKey: string, signal: AbortSignal): Promise<boolean> {
  let answer;
  try {
    answer = await callUpstream<any>(ticket.statusUrl, { headers: { ...authHeaders(apiKey), accept: 'application/json' }, signal }, classifyFal);
  } catch (error) {
    // The request is already queued; a passing 429 or 5xx on the status read is retried (fal's own clients do), bounded by the signal.
    if (error instanceof UpstreamError && error.status !== undefined && (error.status === 429 || error.status >= 500)) return false;
    throw error;
  }
  const status = answer.body?.status;
  if (status === 'COMPLETED') return true;
  if (status === 'IN_QUEUE' || status === 'IN_PROGRESS') return false;
  // The docs name only these three statuses.
  throw new UpstreamError('bad_response', `fal reported an unknown status '${String(status).slice(0, 40)}'`);
}

/** The result JSON; a failed request answers here with its status and `detail` (thrown as UpstreamError). */
export async function fetchResult(ticket: Ticket, apiKey: string, signal: AbortSignal): Promise<unknown> {
  const answer = await callUpstream(ticket.responseUrl, { headers: { ...authHeaders(apiKey), accept: 'application/json' }, signal }, classifyFal);
  return answer.body;
}

/** Best effort: frees the queue slot of a request nobody waits for (fal only cancels requests not yet running). */
export function cancel(ticket: Ticket, apiKey: string): void {
  if (!ticket.cancelUrl) return;
  fetch(ticket.cancelUrl, { method: 'PUT', headers: authHeaders(apiKey), signal: AbortSignal.timeout(5_000) })
    .then((response) => response.body?.cancel())
    .catch(() => {});
}
