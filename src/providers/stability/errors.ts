import type { UpstreamFailure } from '../errors.js';
import { classifyStatus } from '../http.js';

/**
 * What a Stability error means. Errors are `{"id", "name", "errors": [...]}`; the name tells apart
 * answers that share a status (https://platform.stability.ai/docs/api-reference, every v2beta path).
 */

// 403 `content_moderation`: "Your request was flagged by our content moderation system". 422
// `public_figure`: "Our system detected the likeness of a public figure in your image".
const CONTENT_POLICY_NAMES = new Set(['content_moderation', 'public_figure']);

function errorName(body: unknown): string | undefined {
  const name = (body as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** `classify` for callUpstream: the documented name first, then the status (401 auth, 402 quota, 429, 5xx...). */
export function classifyStabilityError(status: number, body: unknown): UpstreamFailure {
  const name = errorName(body);
  if (name && CONTENT_POLICY_NAMES.has(name)) return 'content_policy';
  if (status === 413) return 'rejected'; // "Your request was larger than 10MiB"
  return classifyStatus(status);
}

/** `name: first error; second error` from a Stability error body, or undefined for another shape. */
export function stabilityMessage(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const name = errorName(body);
  return `${name ? `${name}: ` : ''}${errors.map(String).join('; ')}`.slice(0, 500);
}
