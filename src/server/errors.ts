import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidRequest, notFound, tooLarge, unsupportedMediaType } from '../api/errors.js';

/** Turns whatever was thrown into the client-facing error. Framework and parser errors get real statuses. */
export function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest(`Malformed JSON body: ${error.message}`, null, 'invalid_json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(code === 'FST_REQ_FILE_TOO_LARGE' ? 'An uploaded file is larger than the per-file limit' : 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return unsupportedMediaType('Unsupported Content-Type: send application/json or multipart/form-data');
    case 'FST_FILES_LIMIT':
      return invalidRequest('Too many files: at most 16 images and one mask', 'image', 'too_many_images');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return invalidRequest('Too many form fields', null, 'too_many_fields');
    case 'FST_PROTO_VIOLATION':
      return invalidRequest('Forbidden field name', null, 'invalid_field');
    case '22021': // PostgreSQL's text refuses NUL, which only a caller's input (an id in the path, a name) can carry
      return invalidRequest('Text must not contain NUL (\\u0000) characters', null, 'invalid_value');
  }
  if (error instanceof SyntaxError) return invalidRequest(`Malformed JSON body: ${error.message}`, null, 'invalid_json');
  const status = (error as FastifyError).statusCode;
  if (status === 413) return tooLarge(error.message);
  if (status && status >= 400 && status < 500) {
    // Busboy's "Unexpected end of form", "Malformed part header" and the like.
    return new ApiError(status, 'invalid_request_error', 'invalid_request', error.message);
  }
  return new ApiError(500, 'api_error', 'internal_error', 'Internal server error');
}

/** Errors the router raises before any hook or handler (a malformed %-escape in the path): the same envelope. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const apiError = toApiError(error);
  reply.status(apiError.status).send(apiError.toBody());
}

export function registerErrorHandlers(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let apiError = toApiError(error);
    // Multipart parsing failures surface as plain Errors from busboy; they are the client's.
    if (apiError.status === 500 && /multipart|boundary|Unexpected end of form|Malformed part/i.test(error.message)) {
      apiError = invalidRequest(`Malformed multipart body: ${error.message}`, null, 'invalid_multipart');
    }
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    // A body refused midway (a multipart part rejected while more was on the way) is left paused, and
    // the next request on that keep-alive connection would hang: discard the rest, as Node does for
    // bodies nobody started reading.
    if (!request.raw.readableEnded) request.raw.unpipe().resume();
    reply.status(apiError.status).headers(apiError.headers).send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = notFound(`No route for ${request.method} ${request.url.split('?')[0]}`, 'route_not_found');
    reply.status(404).send(error.toBody());
  });
}
