import type { UpstreamFailure } from '../errors.js';

/**
 * Runware's failures (https://runware.ai/docs/platform/errors): an `errors` array of
 * `{code, message, parameter, taskType, taskUUID}`, with an HTTP status on REST. The docs warn the
 * codes are still being standardised, so the code is read by its documented families (the same ones
 * Runware's own SDK groups by, github.com/Runware/runware-typescript src/errors.ts) and the status
 * decides the rest.
 */

export interface RunwareError {
  code?: string;
  message?: string;
  parameter?: unknown;
  taskType?: string;
  taskUUID?: string;
}

/** Code families, most specific first: `providerRateLimitExceeded` is a rate limit, not a provider fault. */
const CODE_KINDS: Array<[RegExp, UpstreamFailure]> = [
  [/ratelimit|toomanyrequests/i, 'rate_limited'],
  [/credit|balance|quota|payment/i, 'quota'],
  [/nsfw|unsafe|sensitive|contentpolicy|moderat|safety|blocked/i, 'content_policy'],
  [/apikey|unauthori[sz]ed|forbidden|permission|authenticat|accountsuspended|accountdisabled/i, 'auth'],
  [/timeout/i, 'timeout'],
  [/^(invalid|missing|unsupported|conflict|duplicate|incompatible|unknownparameter|max)/i, 'rejected'],
];

/**
 * The status codes of https://runware.ai/docs/platform/errors and /platform/rate-limits: 503 is a
 * "temporary capacity constraint, retry", 504 "exceeded maximum queue wait time" (a sync task may
 * still run and be billed, so it is a timeout, never a fallback).
 */
function statusKind(status: number): UpstreamFailure {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'overloaded';
  if (status === 504) return 'timeout';
  if (status >= 400 && status < 500) return 'rejected';
  return 'server_error'; // 5xx, or an error reported inside a 200 answer
}

export function failureKind(status: number, error: RunwareError | undefined): UpstreamFailure {
  const code = error?.code ?? '';
  return CODE_KINDS.find(([pattern]) => pattern.test(code))?.[1] ?? statusKind(status);
}

/** The first error in an answer, when it has any. */
export function firstError(body: unknown): RunwareError | undefined {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors[0] && typeof errors[0] === 'object' ? (errors[0] as RunwareError) : undefined;
}

/** "code: message (parameter)" for the client, short. */
export function describeError(error: RunwareError | undefined, fallback: string): string {
  if (!error) return fallback;
  const parameter = typeof error.parameter === 'string' ? ` (${error.parameter})` : '';
  const text = [error.code, error.message].filter((s) => typeof s === 'string' && s).join(': ');
  return `${text || fallback}${parameter}`.slice(0, 500);
}
