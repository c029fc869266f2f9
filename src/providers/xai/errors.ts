import type { UpstreamFailure } from '../errors.js';
import { classifyStatus, upstreamMessage } from '../http.js';

/**
 * What an xAI error means. Bodies are `{"code": "<status sentence>", "error": "<message>"}`; the
 * status alone misleads twice (https://docs.x.ai/developers/debugging): a wrong key is a 400
 * ("An incorrect API key is supplied"), and a team without credits gets a 403 ("doesn't have any
 * credits or licenses yet") or, at its spending limit, a 429.
 */
const WRONG_KEY = /api key/i;
const NO_CREDIT = /credits?|licen[cs]es?|spending limit|billing/i;
// The moderation refusal of a generated image comes back as a 400 "rejected by content moderation".
const MODERATION = /moderation|content policy|safety/i;

export function classifyXaiError(status: number, body: unknown): UpstreamFailure {
  const message = upstreamMessage(body, '');
  if (status === 400 && WRONG_KEY.test(message)) return 'auth';
  if ((status === 402 || status === 403 || status === 429) && NO_CREDIT.test(message)) return 'quota';
  if (status === 400 && MODERATION.test(message)) return 'content_policy';
  return classifyStatus(status);
}
