/** The OpenAI error envelope: every non-2xx answer carries exactly this shape. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error meant for the client: its status, type and code go out as they are. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code = 'invalid_request') =>
  new ApiError(400, 'invalid_request_error', code, message, param);

export const unknownModel = (model: string) =>
  new ApiError(400, 'invalid_request_error', 'model_not_found', `Model '${model}' does not support image generation`, 'model');

export const invalidApiKey = (message = 'Invalid API key') =>
  new ApiError(401, 'authentication_error', 'invalid_api_key', message);

export const permissionDenied = (message: string, code = 'forbidden') => new ApiError(403, 'permission_error', code, message);

export const notFound = (message: string, code = 'not_found') => new ApiError(404, 'not_found_error', code, message);

export const tooLarge = (message: string, param: string | null = null) =>
  new ApiError(413, 'invalid_request_error', 'request_too_large', message, param);

export const unsupportedMediaType = (message: string) =>
  new ApiError(415, 'invalid_request_error', 'unsupported_media_type', message);

export const rateLimited = (message: string, headers: Record<string, string>) =>
  new ApiError(429, 'rate_limit_error', 'rate_limit_exceeded', message, null, headers);

export const serviceUnavailable = (message = 'Service temporarily unavailable, please retry') =>
  new ApiError(503, 'service_unavailable', 'service_unavailable', message);
