import sharp from 'sharp';
import { invalidRequest } from '../../api/errors.js';
import { formatSize, type InputImage, type Size } from '../../api/imageRequest.js';
import type { SizeRule } from '../../catalog/types.js';
import { nearestAspectRatio } from '../sizing.js';
import type { ProviderCall } from '../types.js';

/**
 * The submit body of one BFL job, from the request and the router's fitted call. Which fields a
 * model takes comes from its capabilities (models.ts): a `range` size rule means width/height, an
 * `aspect` rule means aspect_ratio, `maxInputImages` the input_image slots, `extras` the documented
 * pass-through fields. Whatever BFL cannot honour is changed to the nearest allowed value or left
 * out, and reported with `call.warn`.
 */

/** Extras' types in BFL's OpenAPI schemas; multipart clients send every value as text. */
const EXTRA_TYPES: Record<string, 'integer' | 'number' | 'boolean'> = {
  seed: 'integer',
  safety_tolerance: 'integer',
  steps: 'integer',
  guidance: 'number',
  prompt_upsampling: 'boolean',
  raw: 'boolean',
};
export const KNOWN_EXTRAS = Object.keys(EXTRA_TYPES);

/** input_image, input_image_2 ... input_image_8: the names BFL gives its reference image slots. */
const imageField = (index: number) => (index === 0 ? 'input_image' : `input_image_${index + 1}`);

/** Formats BFL decodes for certain (jpeg, png, webp appear in its docs); others are sent as PNG. */
const SENDABLE_FORMATS = new Set(['png', 'jpeg', 'webp']);

export async function buildBody(call: ProviderCall): Promise<Record<string, unknown>> {
  const { request } = call;
  if (request.quality !== 'auto') call.warn(`BFL has no quality setting: quality '${request.quality}' was ignored`);
  if (request.mask) call.warn(`${call.upstreamModel} takes no mask: the mask was not sent`);
  return {
    prompt: request.prompt,
    ...sizeFields(call),
    ...(await imageFields(call)),
    // jpeg and png are the formats every BFL model documents; webp is then made from the lossless png.
    output_format: request.outputFormat === 'jpeg' ? 'jpeg' : 'png',
    ...extraFields(call),
  };
}

function sizeFields({ request, size, capabilities, upstreamModel, warn }: ProviderCall): Record<string, unknown> {
  // An edit at size auto keeps its input's shape: BFL matches the first input image when no size is sent.
  if (request.size === 'auto' && request.images.length > 0) return {};
  const rule = capabilities.sizes;
  if (rule.kind === 'aspect') {
    const ratio = nearestAspectRatio(size, rule.ratios);
    if (!sameRatio(size, ratio)) warn(`size ${formatSize(size)} is not an aspect ratio ${upstreamModel} offers: asked for the nearest, ${ratio}`);
    return { aspect_ratio: ratio };
  }
  if (rule.kind === 'range') {
    const fitted = { width: fitDimension(size.width, rule), height: fitDimension(size.height, rule) };
    if (fitted.width !== size.width || fitted.height !== size.height) {
      warn(`size ${formatSize(size)} is not available on ${upstreamModel}: asked for the nearest, ${formatSize(fitted)}`);
    }
    return fitted;
  }
  throw new Error(`BFL models take a size range or aspect ratios, not a '${rule.kind}' size rule (${upstreamModel})`);
}

const fitDimension = (value: number, rule: Extract<SizeRule, { kind: 'range' }>) =>
  Math.min(rule.max, Math.max(rule.min, Math.round(value / rule.multipleOf) * rule.multipleOf));

function sameRatio(size: Size, ratio: string) {
  const [w, h] = ratio.split(':').map(Number);
  return Math.abs(Math.log(size.width / size.height) - Math.log(w! / h!)) < 0.005;
}

async function imageFields({ request, capabilities, upstreamModel, warn }: ProviderCall): Promise<Record<string, string>> {
  const images = request.images.slice(0, capabilities.maxInputImages);
  if (images.length < request.images.length) {
    warn(`${upstreamModel} takes at most ${capabilities.maxInputImages} input images: ${request.images.length - images.length} were not sent`);
  }
  const fields: Record<string, string> = {};
  for (const [index, image] of images.entries()) fields[imageField(index)] = await base64(image);
  return fields;
}

/** Bare base64, as BFL's examples send it ("Base64 encoded image or URL"). */
async function base64(image: InputImage): Promise<string> {
  const bytes = SENDABLE_FORMATS.has(image.format) ? image.bytes : await sharp(image.bytes).png().toBuffer();
  return bytes.toString('base64');
}

function extraFields({ request, capabilities, upstreamModel, warn }: ProviderCall): Record<string, unknown> {
  const documented = capabilities.extras ?? [];
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.extras)) {
    if (!documented.includes(name)) {
      warn(`'${name}' is not a documented parameter of ${upstreamModel}: it was not sent`);
      continue;
    }
    fields[name] = typed(name, value);
  }
  return fields;
}

/** The extra as BFL's schema types it; a value that is not of that type is the client's error. */
function typed(name: string, value: unknown): unknown {
  const type = EXTRA_TYPES[name];
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (text === 'true' || text === 'false') return text === 'true';
    throw invalidRequest(`'${name}' must be true or false`, name, 'invalid_value');
  }
  if (type === 'integer' || type === 'number') {
    const number = typeof value === 'number' ? value : text ? Number(text) : NaN;
    if (Number.isFinite(number) && (type === 'number' || Number.isInteger(number))) return number;
    throw invalidRequest(`'${name}' must be ${type === 'integer' ? 'an integer' : 'a number'}`, name, 'invalid_value');
  }
  return value;
}
