import type { FastifyRequest } from 'fastify';
import { invalidRequest, tooLarge, unsupportedMediaType } from '../../api/errors.js';
import { LIMITS, parseImageFields, type ImageRequest, type InputImage } from '../../api/imageRequest.js';
import { decodeInput } from '../../images/decode.js';
import { RemoteFetchError, type RemoteFetcher } from '../../net/fetchRemote.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Fetches JSON requests' remote image URLs from public addresses only (decorated in app.ts). */
    fetchRemoteImage: RemoteFetcher;
  }
}

const IMAGE_FIELDS = new Set(['image', 'image[]']);
const MASK_FIELDS = new Set(['mask', 'mask[]']);

/**
 * Reads an image request from either encoding into the one typed ImageRequest. Multipart files are
 * streamed with a per-file limit; JSON carries images as data URIs or http(s) URLs (OpenAI's
 * `image_url` shape too).
 */
export async function readImageRequest(request: FastifyRequest, maxUploadBytes: number): Promise<ImageRequest> {
  if (request.isMultipart()) return readMultipart(request, maxUploadBytes);
  const body = request.body;
  if (body === undefined || body === null) {
    throw unsupportedMediaType('Send a JSON body (Content-Type: application/json) or multipart/form-data');
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('The JSON body must be an object', null, 'invalid_json');
  return readJson(body as Record<string, unknown>, maxUploadBytes, request.server.fetchRemoteImage);
}

async function readMultipart(request: FastifyRequest, maxUploadBytes: number): Promise<ImageRequest> {
  const fields: Record<string, unknown> = {};
  const imageBytes: Array<{ bytes: Buffer; param: string }> = [];
  let maskBytes: { bytes: Buffer; param: string } | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const isImage = IMAGE_FIELDS.has(part.fieldname);
      if (!isImage && !MASK_FIELDS.has(part.fieldname)) {
        throw invalidRequest(`Unexpected file field '${part.fieldname}': send input images as image[] and the mask as mask[]`, part.fieldname, 'invalid_field');
      }
      if (isImage && imageBytes.length >= LIMITS.maxInputImages) {
        throw invalidRequest(`Too many input images: at most ${LIMITS.maxInputImages}`, 'image', 'too_many_images');
      }
      if (!isImage && maskBytes) throw invalidRequest('Only one mask is accepted', 'mask', 'too_many_masks');
      const bytes = await part.toBuffer(); // throws 413 past the per-file limit
      const param = isImage ? `image[${imageBytes.length}]` : 'mask';
      if (isImage) imageBytes.push({ bytes, param });
      else maskBytes = { bytes, param };
    } else {
      if (part.valueTruncated) throw tooLarge(`Form field '${part.fieldname}' is too long`, part.fieldname);
      if (IMAGE_FIELDS.has(part.fieldname) || MASK_FIELDS.has(part.fieldname)) {
        throw invalidRequest(`'${part.fieldname}' must be uploaded as a file`, part.fieldname, 'invalid_field');
      }
      fields[part.fieldname] = part.value;
    }
  }
  const scalars = parseImageFields(fields);
  const images = await Promise.all(imageBytes.map((f) => decodeInput(f.bytes, f.param, maxUploadBytes)));
  const mask = maskBytes ? await decodeInput(maskBytes.bytes, maskBytes.param, maxUploadBytes) : undefined;
  return { ...scalars, images, mask };
}

async function readJson(body: Record<string, unknown>, maxUploadBytes: number, fetchRemote: RemoteFetcher): Promise<ImageRequest> {
  const scalars = parseImageFields(body);
  const sources: Array<{ value: unknown; param: string }> = [];
  for (const field of ['images', 'image', 'image[]']) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    const list = Array.isArray(value) ? value : [value];
    list.forEach((item) => sources.push({ value: item, param: `${field}[${sources.length}]` }));
  }
  if (sources.length > LIMITS.maxInputImages) {
    throw invalidRequest(`Too many input images: at most ${LIMITS.maxInputImages}`, 'images', 'too_many_images');
  }
  const maskValue = body.mask ?? body['mask[]'];
  if (maskValue !== undefined && maskValue !== null) {
    const single = Array.isArray(maskValue) ? (maskValue.length === 1 ? maskValue[0] : undefined) : maskValue;
    if (single === undefined) throw invalidRequest('Only one mask is accepted', 'mask', 'too_many_masks');
    sources.push({ value: single, param: 'mask' });
  }
  // One failed input stops the other downloads.
  const controller = new AbortController();
  const decoded = await Promise.all(sources.map(async (s) => decodeInput(await imageBytes(s.value, s.param, maxUploadBytes, fetchRemote, controller.signal), s.param, maxUploadBytes)))
    .finally(() => controller.abort());
  const mask: InputImage | undefined = sources.at(-1)?.param === 'mask' ? decoded.pop() : undefined;
  return { ...scalars, images: decoded, mask };
}

/** The bytes of a data URI, or of a remote http(s) URL fetched from a public address. */
async function imageBytes(value: unknown, param: string, maxUploadBytes: number, fetchRemote: RemoteFetcher, signal: AbortSignal): Promise<Buffer> {
  const uri = imageUri(value, param);
  if (/^data:/i.test(uri)) return dataUriBytes(uri, param, maxUploadBytes);
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(uri)) throw invalidRequest(`'${param}' must be a data URI such as data:image/png;base64,... or an http(s) URL`, param, 'invalid_image');
  try {
    return await fetchRemote(uri, signal);
  } catch (error) {
    if (!(error instanceof RemoteFetchError)) throw error;
    if (error.kind === 'too_large') throw tooLarge(`'${param}': ${error.message}`, param);
    throw invalidRequest(`'${param}': ${error.kind === 'refused' ? 'refused to fetch the image URL' : 'cannot fetch the image URL'}: ${error.message}`, param, 'invalid_image');
  }
}

/** Accepts "data:..." or "https://...", {image_url: "..."} and {image_url: {url: "..."}}. */
function imageUri(value: unknown, param: string): string {
  let uri: unknown = value;
  if (uri && typeof uri === 'object') {
    const entry = uri as { image_url?: unknown; url?: unknown; file_id?: unknown };
    if (entry.file_id !== undefined) throw invalidRequest(`'${param}': file_id references are not supported; send the image as a data URI or a multipart upload`, param, 'invalid_image');
    uri = entry.image_url ?? entry.url;
    if (uri && typeof uri === 'object') uri = (uri as { url?: unknown }).url;
  }
  if (typeof uri !== 'string') throw invalidRequest(`'${param}' must be a data URI or URL string, or an {"image_url": ...} object`, param, 'invalid_image');
  return uri;
}

function dataUriBytes(uri: string, param: string, maxUploadBytes: number): Buffer {
  const match = /^data:([\w.+/-]*)((?:;[\w=.+-]+)*?)(;base64)?,/i.exec(uri.slice(0, 256));
  if (!match) throw invalidRequest(`'${param}' must be a data URI such as data:image/png;base64,...`, param, 'invalid_image');
  const payload = uri.slice(match[0].length);
  if (!match[3]) throw invalidRequest(`'${param}' must be a base64 data URI`, param, 'invalid_image');
  if (Math.floor((payload.length * 3) / 4) > maxUploadBytes + 3) throw tooLarge(`'${param}' is larger than the ${maxUploadBytes} byte limit`, param);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload.replace(/\s+/g, ''))) throw invalidRequest(`'${param}' is not valid base64`, param, 'invalid_image');
  return Buffer.from(payload, 'base64');
}
