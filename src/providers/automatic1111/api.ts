import { UpstreamError } from '../errors.js';
import { classifyStatus } from '../http.js';
import type { UpstreamFailure } from '../errors.js';

/**
 * The HTTP surface of AUTOMATIC1111's stable-diffusion-webui (and Forge, which keeps it): the server
 * runs with `--api` (or `--nowebui`) and answers `POST /sdapi/v1/txt2img` and `POST /sdapi/v1/img2img`
 * synchronously with `{images: [base64...], parameters, info}` (modules/api/api.py, modules/api/models.py).
 *
 * Authentication: started with `--api-auth user:password` ("Set authentication for API like
 * username:password", modules/cmd_args.py), every /sdapi route requires HTTP basic auth (FastAPI
 * HTTPBasic in Api.auth). A1111_API_KEY holds that `user:password` pair; without it nothing is sent.
 */

export const DEFAULT_BASE_URL = 'http://127.0.0.1:7860';

export const txt2imgUrl = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/sdapi/v1/txt2img`;
export const img2imgUrl = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/sdapi/v1/img2img`;

/** `Authorization: Basic ...` for `--api-auth user:password`; a value without a colon cannot be one. */
export function authHeaders(apiKey: string | undefined): Record<string, string> {
  if (!apiKey) return {};
  if (!apiKey.includes(':')) {
    throw new UpstreamError('auth', 'A1111_API_KEY must be user:password, as given to the server\'s --api-auth');
  }
  return { authorization: `Basic ${Buffer.from(apiKey, 'utf8').toString('base64')}` };
}

/**
 * The server's statuses: 422 is FastAPI's request validation (`{detail: [...]}`), 401 a refused
 * --api-auth, 404 an unknown sampler/script (`{error, detail}`) - or, with FastAPI's bare
 * `{detail: "Not Found"}`, a server started without `--api`: a configuration problem, not the request's.
 */
export function classifyA1111(status: number, body: unknown): UpstreamFailure {
  if (status === 404 && (body as { detail?: unknown } | null)?.detail === 'Not Found') return 'server_error';
  return classifyStatus(status);
}

/**
 * A clearer message than the body's first field: the route-missing 404 says how to fix it, and the
 * API's exception body (`{error: "RuntimeError", detail, body, errors: "CUDA out of memory..."}`,
 * api_middleware's handle_exception) names the exception with its text.
 */
export function explain(error: unknown, body: unknown): unknown {
  if (!(error instanceof UpstreamError)) return error;
  if (error.status === 404 && error.kind === 'server_error') {
    return new UpstreamError('server_error', 'the server has no /sdapi/v1 routes: start it with --api (or --nowebui)', 404);
  }
  const b = body as { error?: unknown; detail?: unknown; errors?: unknown } | null;
  if (b && typeof b === 'object' && typeof b.error === 'string') {
    const text = [b.detail, b.errors].find((t): t is string => typeof t === 'string' && t.length > 0);
    if (text) return new UpstreamError(error.kind, `${b.error}: ${text}`.slice(0, 500), error.status, error.retryAfter);
  }
  return error;
}
