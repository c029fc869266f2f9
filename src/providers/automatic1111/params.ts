import sharp from 'sharp';
import { invalidRequest } from '../../api/errors.js';
import { formatSize, type InputImage, type Size } from '../../api/imageRequest.js';
import type { SizeRule } from '../../catalog/types.js';
import type { ProviderCall } from '../types.js';
import { EXTRA_TYPES } from './models.js';

/**
 * The body of one txt2img or img2img call, from the request and the router's fitted call. Field names
 * and types are StableDiffusionProcessing's (modules/processing.py), which the API exposes as its
 * request models (modules/api/models.py). Defaults the adapter always sends, so a call does not
 * depend on the server's API defaults: steps 20 and cfg_scale 7 (the web UI's defaults; the API's
 * own steps default is 50), seed -1 (random), negative_prompt "". The sampler is left to the server
 * unless `sampler_name` is sent.
 */

export type Endpoint = 'txt2img' | 'img2img';
export const KNOWN_EXTRAS = Object.keys(EXTRA_TYPES);

const DEFAULTS = { steps: 20, cfg_scale: 7, seed: -1 };
/** Formats the server decodes for certain (PIL reads them); others are sent as PNG. */
const SENDABLE_FORMATS = new Set(['png', 'jpeg', 'webp']);

export async function buildBody(call: ProviderCall, checkpoint?: string): Promise<{ endpoint: Endpoint; body: Record<string, unknown> }> {
  const { request } = call;
  const extras = extraFields(call);
  const edit = request.images.length > 0;
  const body: Record<string, unknown> = {
    prompt: request.prompt,
    negative_prompt: extras.negative_prompt ?? '',
    ...sizeFields(call),
    batch_size: call.n,
    steps: extras.steps ?? DEFAULTS.steps,
    cfg_scale: extras.cfg_scale ?? DEFAULTS.cfg_scale,
    seed: extras.seed ?? DEFAULTS.seed,
    ...(extras.sampler_name !== undefined && { sampler_name: extras.sampler_name }),
  };
  if (checkpoint) {
    // The checkpoint stays loaded afterwards: restoring it after every call would reload two models per request.
    body.override_settings = { sd_model_checkpoint: checkpoint };
    body.override_settings_restore_afterwards = false;
  }
  if (!edit) {
    if (extras.denoising_strength !== undefined) call.warn("'denoising_strength' only applies to image edits (img2img): it was not sent");
    if (request.mask) call.warn('a mask needs an input image: the mask was not sent');
    return { endpoint: 'txt2img', body };
  }
  if (request.images.length > call.capabilities.maxInputImages) {
    call.warn(`AUTOMATIC1111 takes one input image: ${request.images.length - 1} were not sent`);
  }
  const init = request.images[0]!;
  body.init_images = [await base64(init)];
  // The API's default (0.75), sent so the call does not depend on it.
  body.denoising_strength = extras.denoising_strength ?? 0.75;
  if (request.mask) {
    body.mask = (await a1111Mask(request.mask, { width: init.width, height: init.height })).toString('base64');
    body.inpainting_mask_invert = 0; // white = repaint, which is what a1111Mask makes
  }
  return { endpoint: 'img2img', body };
}

function sizeFields({ request, size, capabilities, warn }: ProviderCall): Size {
  const rule = capabilities.sizes;
  if (rule.kind !== 'range') throw new Error(`AUTOMATIC1111 takes a size range, not a '${rule.kind}' size rule`);
  // An edit at size auto keeps its input's shape (the server resizes the input to width x height).
  if (request.size === 'auto' && request.images.length > 0) return fitShape(request.images[0]!, rule);
  const fitted = { width: fitDimension(size.width, rule), height: fitDimension(size.height, rule) };
  if (fitted.width !== size.width || fitted.height !== size.height) {
    warn(`size ${formatSize(size)} is not available on AUTOMATIC1111: asked for the nearest, ${formatSize(fitted)}`);
  }
  return fitted;
}

const fitDimension = (value: number, rule: Extract<SizeRule, { kind: 'range' }>) =>
  Math.min(rule.max, Math.max(rule.min, Math.round(value / rule.multipleOf) * rule.multipleOf));

/** The input's size, scaled into the range if needed (keeping its shape where the range allows), in multiples of the rule's step. */
function fitShape(image: { width: number; height: number }, rule: Extract<SizeRule, { kind: 'range' }>): Size {
  const scale = Math.max(rule.min / Math.min(image.width, image.height), Math.min(1, rule.max / Math.max(image.width, image.height)));
  return { width: fitDimension(image.width * scale, rule), height: fitDimension(image.height * scale, rule) };
}

/** Bare base64, as `decode_base64_to_image` takes it (it also strips a data: prefix). */
async function base64(image: InputImage): Promise<string> {
  const bytes = SENDABLE_FORMATS.has(image.format) ? image.bytes : await sharp(image.bytes).png().toBuffer();
  return bytes.toString('base64');
}

/**
 * The mask as A1111 reads it: an opaque greyscale PNG, white where to repaint (create_binary_mask
 * keeps an opaque mask's luminance, and takes the alpha channel of a transparent one with OPAQUE
 * meaning repaint - the opposite of OpenAI's convention, where transparent pixels mark the edit).
 * So: a mask with transparency repaints its transparent pixels; one without, its white pixels.
 * It is scaled to the input image's size, which the server's crop and overlay assume.
 */
export async function a1111Mask(mask: InputImage, size: Size): Promise<Buffer> {
  const { width, height } = size;
  const rgba = await sharp(mask.bytes).resize(width, height, { fit: 'fill' }).ensureAlpha().raw().toBuffer();
  const pixels = width * height;
  let usesAlpha = false;
  for (let p = 0; p < pixels && !usesAlpha; p++) if (rgba[p * 4 + 3]! < 250) usesAlpha = true;
  const grey = Buffer.alloc(pixels);
  for (let p = 0; p < pixels; p++) {
    const o = p * 4;
    const repaint = usesAlpha ? rgba[o + 3]! < 128 : 0.299 * rgba[o]! + 0.587 * rgba[o + 1]! + 0.114 * rgba[o + 2]! >= 128;
    grey[p] = repaint ? 255 : 0;
  }
  return sharp(grey, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

type Extras = { -readonly [K in keyof typeof EXTRA_TYPES]?: (typeof EXTRA_TYPES)[K] extends 'string' ? string : number };

/** The documented extras, typed; anything else is reported and left out. */
function extraFields({ request, capabilities, warn }: ProviderCall): Extras {
  const documented = capabilities.extras ?? [];
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.extras)) {
    if (!documented.includes(name) || !(name in EXTRA_TYPES)) {
      warn(`'${name}' is not a parameter AUTOMATIC1111 takes here: it was not sent`);
      continue;
    }
    fields[name] = typed(name as keyof typeof EXTRA_TYPES, value);
  }
  return fields as Extras;
}

/** The extra as the API types it; a value that is not of that type is the client's error. */
function typed(name: keyof typeof EXTRA_TYPES, value: unknown): unknown {
  const type = EXTRA_TYPES[name];
  if (type === 'string') {
    if (typeof value !== 'string') throw invalidRequest(`'${name}' must be a string`, name, 'invalid_value');
    return value;
  }
  const text = typeof value === 'string' ? value.trim() : undefined;
  const number = typeof value === 'number' ? value : text ? Number(text) : NaN;
  if (!Number.isFinite(number) || (type === 'integer' && !Number.isInteger(number))) {
    throw invalidRequest(`'${name}' must be ${type === 'integer' ? 'an integer' : 'a number'}`, name, 'invalid_value');
  }
  if (name === 'steps' && number < 1) throw invalidRequest("'steps' must be at least 1", name, 'invalid_value');
  if (name === 'denoising_strength' && (number < 0 || number > 1)) throw invalidRequest("'denoising_strength' must be between 0 and 1", name, 'invalid_value');
  return number;
}
