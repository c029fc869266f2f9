import { classifyStatus } from '../http.js';
import type { UpstreamFailure } from '../errors.js';

/**
 * Google's error answers are `{"error":{"code","message","status","details"}}`
 * (https://ai.google.dev/gemini-api/docs/generate-content/api-errors). The status name says more
 * than the HTTP code: a bad API key comes back as 400 INVALID_ARGUMENT with reason API_KEY_INVALID,
 * and "enable billing" as 400 FAILED_PRECONDITION.
 */
export function classifyGoogleError(status: number, body: unknown): UpstreamFailure {
  const error = (body as { error?: { status?: unknown; details?: unknown } } | null)?.error;
  const reasons = Array.isArray(error?.details) ? error.details.map((d) => (d as { reason?: unknown })?.reason) : [];
  if (reasons.includes('API_KEY_INVALID')) return 'auth';
  switch (error?.status) {
    case 'INVALID_ARGUMENT':
      return 'rejected';
    case 'FAILED_PRECONDITION':
      return 'quota'; // the operator's project needs billing: another provider may serve it
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return 'auth';
    case 'RESOURCE_EXHAUSTED':
      return 'rate_limited';
    case 'UNAVAILABLE':
      return 'overloaded';
    case 'DEADLINE_EXCEEDED':
      return 'timeout'; // Google gave up after starting: the job may have run
    case 'INTERNAL':
      return 'server_error';
    default:
      return classifyStatus(status);
  }
}
