import type { FastifyRequest } from 'fastify';
import { invalidRequest, tooLarge, unsupportedMediaType } from '../../api/errors.js';
import { LIMITS, parseImageFields, type ImageRequest, type InputImage } from '../../api/imageRequest.js';
import { decodeInput } from '../../images/decode.js';

const IMAGE_FIELDS = new Set(['image', 'image[]']);
const MASK_FIELDS = new Set(['mask', 'mask[]']);

/**
 * Reads an image request from either encoding into the one typed ImageRequest. Multipart files are
 * streamed with a per-file limit; JSON carries images as data URIs (OpenAI's `image_url` shape too).
 */
export async function readImageRequest(request: FastifyRequest, maxUploadBytes: number): Promise<ImageRequest> {
  if (request.isMultipart()) return readMultipart(request, maxUploadBytes);
  const body = request.body;
  if (body === undefined || body === null) {
    throw unsupportedMediaType('Send a JSON body (Content-Type: application/json) or multipart/form-data');
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('The JSON body must be an object', null, 'invalid_json');
  return readJson(body as Record<string, unknown>, maxUploadBytes);
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

async function readJson(body: Record<string, unknown>, maxUploadBytes: number): Promise<ImageRequest> {
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
  const images = await Promise.all(sources.map((s) => decodeInput(dataUriBytes(s.value, s.param, maxUploadBytes), s.param, maxUploadBytes)));
  let mask: InputImage | undefined;
  const maskValue = body.mask ?? body['mask[]'];
  if (maskValue !== undefined && maskValue !== null) {
    const single = Array.isArray(maskValue) ? (maskValue.length === 1 ? maskValue[0] : undefined) : maskValue;
    if (single === undefined) throw invalidRequest('Only one mask is accepted', 'mask', 'too_many_masks');
    mask = await decodeInput(dataUriBytes(single, 'mask', maxUploadBytes), 'mask', maxUploadBytes);
  }
  return { ...scalars, images, mask };
}

/** Accepts "data:image/png;base64,...", {image_url: "data:..."} and {image_url: {url: "data:..."}}. */
function dataUriBytes(value: unknown, param: string, maxUploadBytes: number): Buffer {
  let uri: unknown = value;
  if (uri && typeof uri === 'object') {
    const entry = uri as { image_url?: unknown; url?: unknown; file_id?: unknown };
    if (entry.file_id !== undefined) throw invalidRequest(`'${param}': file_id references are not supported; send the image as a data URI or a multipart upload`, param, 'invalid_image');
    uri = entry.image_url ?? entry.url;
    if (uri && typeof uri === 'object') uri = (uri as { url?: unknown }).url;
  }
  if (typeof uri !== 'string') throw invalidRequest(`'${param}' must be a data URI string or an {"image_url": ...} object`, param, 'invalid_image');
  if (/^https?:\/\//i.test(uri)) {
    throw invalidRequest(`'${param}': remote image URLs are not fetched yet; send a data URI (data:image/png;base64,...) or a multipart upload`, param, 'invalid_image');
  }
  const match = /^data:([\w.+/-]*)((?:;[\w=.+-]+)*?)(;base64)?,/i.exec(uri.slice(0, 256));
  if (!match) throw invalidRequest(`'${param}' must be a data URI such as data:image/png;base64,...`, param, 'invalid_image');
  const payload = uri.slice(match[0].length);
  if (!match[3]) throw invalidRequest(`'${param}' must be a base64 data URI`, param, 'invalid_image');
  if (Math.floor((payload.length * 3) / 4) > maxUploadBytes + 3) throw tooLarge(`'${param}' is larger than the ${maxUploadBytes} byte limit`, param);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload.replace(/\s+/g, ''))) throw invalidRequest(`'${param}' is not valid base64`, param, 'invalid_image');
  return Buffer.from(payload, 'base64');
}
