import { ApiError } from '../api/errors.js';

/**
 * How an upstream call failed. The kind decides two things: whether another provider may be tried
 * (only where the failed one cannot have produced a paid image), and what the client is told.
 */
export type UpstreamFailure =
  | 'unreachable' // nothing was sent: connection refused, DNS failure
  | 'rate_limited' // 429
  | 'auth' // the operator's key was refused
  | 'quota' // the operator's account is out of credit
  | 'overloaded' // the provider's documented "try later" answers (503, 529)
  | 'content_policy' // the provider refused the prompt or image
  | 'rejected' // the provider refused the request as invalid
  | 'timeout' // no answer in time; the job may have run
  | 'server_error' // 5xx or a broken connection after sending
  | 'bad_response'; // an answer we cannot use (malformed, no image, too large)

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    readonly status?: number,
    /** Seconds the upstream asked us to wait (Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

const FALLBACK_KINDS = new Set<UpstreamFailure>(['unreachable', 'rate_limited', 'auth', 'quota', 'overloaded']);

/** True where the failed call cannot have made an image someone pays for, so the next provider may run. */
export const canFallBack = (error: unknown) => error instanceof UpstreamError && FALLBACK_KINDS.has(error.kind);

/** Failures that say something about the provider's health (not about the request). */
export const countsAgainstProvider = (error: unknown) =>
  error instanceof UpstreamError && !['content_policy', 'rejected'].includes(error.kind);

/** What the client hears when no provider could serve the request. */
export function upstreamToApiError(provider: string, error: UpstreamError): ApiError {
  const from = `${provider}: ${error.message}`;
  switch (error.kind) {
    case 'content_policy':
      return new ApiError(400, 'invalid_request_error', 'content_policy_violation', `The provider refused the request under its content policy (${from})`, 'prompt');
    case 'rejected':
      return new ApiError(400, 'invalid_request_error', 'upstream_rejected', `The provider rejected the request (${from})`);
    case 'timeout':
      return new ApiError(504, 'upstream_timeout', 'upstream_timeout', `The provider did not answer in time (${from})`);
    case 'rate_limited':
      return new ApiError(429, 'rate_limit_error', 'rate_limit_exceeded', `The provider is rate limiting requests (${from})`, null, { 'retry-after': String(error.retryAfter ?? 10) });
    case 'overloaded':
      return new ApiError(503, 'service_unavailable', 'service_unavailable', `The provider is overloaded, please retry (${from})`, null, { 'retry-after': String(error.retryAfter ?? 10) });
    default:
      return new ApiError(502, 'upstream_error', 'upstream_error', `The provider failed (${from})`);
  }
}
