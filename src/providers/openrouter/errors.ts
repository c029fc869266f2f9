import type { UpstreamFailure } from '../errors.js';
import { classifyStatus } from '../http.js';

/**
 * What an OpenRouter error means. Bodies are `{"error": {"code", "message", "metadata"}}` and the
 * status equals `error.code` (https://openrouter.ai/docs/api/reference/errors-and-debugging):
 * 402 out of credits, 403 permissions, guardrail or moderation (a moderation flag carries
 * `metadata.reasons` and `flagged_input`), 408 timeout, 429 rate limit, 502 "model is down or we
 * received an invalid response from it", 503 "no available model provider that meets your routing
 * requirements". The Image API adds 524 (edge timeout) and 529 (provider overloaded).
 */
export function classifyOpenRouterError(status: number, body: unknown): UpstreamFailure {
  const metadata = ((body as { error?: { metadata?: unknown } } | null)?.error?.metadata ?? {}) as Record<string, unknown>;
  switch (status) {
    case 402:
      return 'quota';
    case 403:
      // A flagged input is about the request; a guardrail or missing permission is about the key.
      return Array.isArray(metadata.reasons) || 'flagged_input' in metadata ? 'content_policy' : 'auth';
    case 408:
    case 524:
      return 'timeout'; // it may have run
    case 502:
      return 'server_error'; // the model may have produced (and billed) something
    case 503:
    case 529:
      return 'overloaded'; // nothing ran: another provider may serve it
    default:
      return classifyStatus(status);
  }
}
