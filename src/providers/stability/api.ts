/**
 * Stability AI's Stable Image API (v2beta): one multipart/form-data POST per image, authenticated
 * with `Authorization: Bearer <key>`. Reference: https://platform.stability.ai/docs/api-reference
 * (the same text as https://api.stability.ai/v2beta/openapi.json).
 */

export const DEFAULT_BASE_URL = 'https://api.stability.ai';

/** The services this adapter calls; every SD3.5 model is `sd3` with a `model` field. */
export type Service = 'core' | 'ultra' | 'sd3' | 'inpaint';

const PATHS: Record<Service, string> = {
  core: '/v2beta/stable-image/generate/core',
  ultra: '/v2beta/stable-image/generate/ultra',
  sd3: '/v2beta/stable-image/generate/sd3',
  inpaint: '/v2beta/stable-image/edit/inpaint',
};

/** The `model` values /generate/sd3 documents (the sd3-* names are re-routed to these since 2025-04-17). */
export const SD3_MODELS = ['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'] as const;

/** The service an upstream model name stands for: `core`, `ultra`, `inpaint`, or an SD3.5 model name. */
export function serviceOf(upstreamModel: string): Service {
  if (upstreamModel === 'core' || upstreamModel === 'ultra' || upstreamModel === 'inpaint') return upstreamModel;
  if (upstreamModel.startsWith('sd3')) return 'sd3';
  throw new Error(`'${upstreamModel}' is not a Stability service (core, ultra, inpaint or an sd3.5-* model)`);
}

export const serviceUrl = (baseUrl: string, service: Service) => `${baseUrl.replace(/\/+$/, '')}${PATHS[service]}`;

/**
 * JSON answers (`{image, finish_reason, seed}`) rather than raw bytes: the shared HTTP helper reads
 * bodies as text, and the finish reason then travels in the body instead of a header.
 */
export function requestHeaders(apiKey: string, user?: string): Record<string, string> {
  return {
    authorization: `Bearer ${apiKey}`,
    accept: 'application/json',
    // Documented (at most 256 characters, our own limit for `user` too) for Stability's moderation reports.
    ...(user && { 'stability-client-user-id': user }),
  };
}
