import type { UpstreamFailure } from '../errors.js';
import { classifyStatus, upstreamMessage } from '../http.js';

/**
 * What a Together error means. Errors are OpenAI-shaped, `{id, error: {message, type, param, code}}`
 * (as quoted in github.com/HeyPuter/puter/issues/2084), with the statuses of
 * https://docs.together.ai/docs/error-codes: 400 invalid request, 401 bad key, 402 the account's
 * spending limit (quota), 403 no access to the model (tier, data-sharing setting: the operator's
 * key cannot use it, so `auth`), 404 unknown model, 429 rate limit, 500 server error, 503 overloaded.
 */

/**
 * Together documents no error code for a refused prompt or image, so a 4xx whose message names a
 * safety filter is read as a content-policy refusal. The DeepInfra adapter shares the wording test.
 */
export const CONTENT_POLICY_WORDING = /nsfw|content[ _-]?(policy|moderation)|safety (filter|checker|system)|moderated|flagged/i;

export const isContentPolicyRefusal = (status: number, message: string) => status >= 400 && status < 500 && status !== 429 && CONTENT_POLICY_WORDING.test(message);

/** `classify` for callUpstream: a refusal by wording, otherwise by status. */
export const classifyTogetherError = (status: number, body: unknown): UpstreamFailure =>
  isContentPolicyRefusal(status, upstreamMessage(body, '')) ? 'content_policy' : classifyStatus(status);
