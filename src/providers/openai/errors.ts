import type { UpstreamFailure } from '../errors.js';
import { classifyStatus } from '../http.js';

/**
 * What an OpenAI error means. Errors are `{"error": {"message", "type", "param", "code"}}`
 * (https://platform.openai.com/docs/guides/error-codes); the code says more than the status.
 */

// dall-e refusals are `content_policy_violation`, GPT image ones `moderation_blocked`; both are 400s.
const CONTENT_POLICY_CODES = new Set(['content_policy_violation', 'moderation_blocked']);
// 429 "You exceeded your current quota" is `insufficient_quota`; the older 400 `billing_hard_limit_reached`
// and the newer 429 `credit_balance_exhausted` say the same: the account needs money, not patience.
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'credit_balance_exhausted']);

function errorFields(body: unknown): { code?: string; type?: string } {
  const error = (body as { error?: unknown } | null)?.error;
  if (!error || typeof error !== 'object') return {};
  const { code, type } = error as Record<string, unknown>;
  return { code: typeof code === 'string' ? code : undefined, type: typeof type === 'string' ? type : undefined };
}

/** The failure an error answer documents, when its code names one; undefined otherwise. */
export function documentedFailure(body: unknown): UpstreamFailure | undefined {
  const { code, type } = errorFields(body);
  if (code && CONTENT_POLICY_CODES.has(code)) return 'content_policy';
  if ((code && QUOTA_CODES.has(code)) || type === 'insufficient_quota') return 'quota';
  // 503 "Slow Down": the project's traffic grew too fast. Like a 429, it is about pace, not health.
  if (code === 'slow_down') return 'rate_limited';
  return undefined;
}

/** `classify` for callUpstream: the documented code first, then the status (401/403 auth, 429 rate limit, 503 overload...). */
export const classifyOpenAiError = (status: number, body: unknown): UpstreamFailure => documentedFailure(body) ?? classifyStatus(status);
