import { UpstreamError, type UpstreamFailure } from '../errors.js';
import { callUpstream, classifyStatus, upstreamMessage } from '../http.js';
import { isContentPolicyRefusal } from '../together/errors.js';

/**
 * DeepInfra's two image APIs, both Bearer-authenticated JSON POSTs under https://api.deepinfra.com/v1:
 * the OpenAI-compatible /openai/images/generations (`{created, data: [{b64_json, revised_prompt}]}`)
 * and the native /inference/{model} (`{images: [data URIs], nsfw_content_detected, seed,
 * inference_status: {cost, ...}}`), as each model's page documents them (deepinfra.com/{model}/api).
 */

export const DEFAULT_BASE_URL = 'https://api.deepinfra.com/v1';

const trim = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

export const openaiGenerationsUrl = (baseUrl: string) => `${trim(baseUrl)}/openai/images/generations`;

/** The model's own path, `owner/name`, each segment escaped. */
export const inferenceUrl = (baseUrl: string, model: string) => `${trim(baseUrl)}/inference/${model.split('/').map(encodeURIComponent).join('/')}`;

// The pages write `bearer`, the OpenAI-compatible ones `Bearer`; the scheme is case-insensitive (RFC 9110).
export const authHeaders = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

/**
 * The message of an error answer. The native API answers `{detail: {error: "..."}}` (as the AI SDK's
 * DeepInfra provider reads it, github.com/vercel/ai packages/deepinfra/src/deepinfra-image-model.ts),
 * FastAPI validation errors `{detail: [{loc, msg, type}]}`, the OpenAI-compatible API `{error: {message}}`.
 */
export function deepInfraMessage(body: unknown, fallback: string): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  const nested = detail && typeof detail === 'object' && !Array.isArray(detail) ? (detail as { error?: unknown }).error : undefined;
  if (typeof nested === 'string' && nested) return nested.slice(0, 500);
  return upstreamMessage(body, fallback);
}

/**
 * What an error status means. DeepInfra's SDK (github.com/deepinfra/deepinfra-node
 * src/lib/errors/status-errors.ts) names 400 bad request, 401 authentication, 403 permission denied,
 * 404 not found, 429 rate limit, 503 capacity; 402 is an account out of credit. A 4xx naming a safety
 * filter is a content-policy refusal (the same wording test as Together's).
 */
export const classifyDeepInfraError = (status: number, body: unknown): UpstreamFailure =>
  isContentPolicyRefusal(status, deepInfraMessage(body, '')) ? 'content_policy' : classifyStatus(status);

/** One JSON POST; failures become UpstreamErrors carrying DeepInfra's own message. */
export async function postJson(url: string, apiKey: string, body: unknown, signal: AbortSignal): Promise<unknown> {
  let errorBody: unknown;
  const classify = (status: number, answer: unknown) => {
    errorBody = answer;
    return classifyDeepInfraError(status, answer);
  };
  try {
    const response = await callUpstream(url, {
      method: 'POST',
      headers: { ...authHeaders(apiKey), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    }, classify);
    return response.body;
  } catch (error) {
    // callUpstream's generic reader does not know `detail.error`.
    if (error instanceof UpstreamError && errorBody !== undefined) {
      throw new UpstreamError(error.kind, deepInfraMessage(errorBody, error.message), error.status, error.retryAfter);
    }
    throw error;
  }
}
