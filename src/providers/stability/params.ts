import { invalidRequest } from '../../api/errors.js';
import { formatSize, type Size } from '../../api/imageRequest.js';
import { nearestAspectRatio } from '../sizing.js';
import type { ProviderCall } from '../types.js';
import { serviceOf, type Service } from './api.js';

/**
 * The text fields of one Stability request, from the request and the router's fitted call. Which
 * extras a model takes comes from its capabilities (models.ts); the files (image, mask) are added by
 * inputs.ts. Whatever Stability cannot honour is mapped to the nearest allowed value or left out,
 * and reported with `call.warn`; an extra outside its documented range is the client's error.
 */

/** Every service's `style_preset` enum. */
export const STYLE_PRESETS = [
  '3d-model', 'analog-film', 'anime', 'cinematic', 'comic-book', 'digital-art', 'enhance', 'fantasy-art', 'isometric',
  'line-art', 'low-poly', 'modeling-compound', 'neon-punk', 'origami', 'photographic', 'pixel-art', 'tile-texture',
] as const;

type ExtraRule =
  | { type: 'string'; maxLength: number }
  | { type: 'integer' | 'number'; min?: number; max?: number }
  | { type: 'enum'; values: readonly string[] };

/** The extras the v2beta schemas document, with their types and ranges. */
const EXTRAS: Record<string, ExtraRule> = {
  negative_prompt: { type: 'string', maxLength: 10_000 },
  seed: { type: 'integer', min: 0, max: 4_294_967_294 },
  style_preset: { type: 'enum', values: STYLE_PRESETS },
  strength: { type: 'number', min: 0, max: 1 },
  cfg_scale: { type: 'number' }, // /generate/sd3 only; the reference gives its defaults (4, or 1 for Turbo and Flash), no range
  grow_mask: { type: 'number', min: 0, max: 100 }, // /edit/inpaint only
};
export const KNOWN_EXTRAS = Object.keys(EXTRAS);

/**
 * `strength` is required with an input image and our API has no such parameter, so an edit without
 * the extra gets this: a clear change that keeps the input's composition. For SD3.5 Flash the
 * reference advises 0.94-0.97 for image-to-image.
 */
const DEFAULT_STRENGTH = 0.7;
const FLASH_STRENGTH = 0.95;

export interface StabilityRequest {
  service: Service;
  fields: Record<string, string>;
}

export function buildFields(call: ProviderCall): StabilityRequest {
  const { request, upstreamModel } = call;
  const service = serviceOf(upstreamModel);
  const edit = request.images.length > 0;
  // Nothing else stops a text-only request to the inpaint model; Stability would refuse it (image is required).
  if (service === 'inpaint' && !edit) throw invalidRequest('Inpainting edits an input image: send one as image[]', 'image', 'missing_required_parameter');
  if (request.mask && service !== 'inpaint') call.warn(`${upstreamModel} takes no mask: the mask was not sent`);
  const aspect = aspectField(call, service);
  const extras = extraFields(call, edit);
  const fields: Record<string, string> = {
    ...(service === 'sd3' && { model: upstreamModel }),
    prompt: request.prompt,
    ...(service === 'sd3' && edit && { mode: 'image-to-image' }),
    ...(edit && service !== 'inpaint' && { strength: extras.strength ?? String(upstreamModel === 'sd3.5-flash' ? FLASH_STRENGTH : DEFAULT_STRENGTH) }),
    ...aspect,
    // Stability makes all three formats; asking for the client's spares a transcode. With an explicit
    // output_compression the pipeline encodes once from a lossless PNG rather than compressing twice.
    output_format: request.outputCompression === undefined ? request.outputFormat : 'png',
  };
  for (const [name, value] of Object.entries(extras)) if (name !== 'strength') fields[name] = value;
  return { service, fields };
}

function aspectField({ request, size, capabilities, upstreamModel, warn }: ProviderCall, service: Service): Record<string, string> {
  const edit = request.images.length > 0;
  // An edit at size auto keeps its input's shape.
  if (edit && request.size === 'auto') return {};
  if (service === 'inpaint') {
    warn(`size ${formatSize(size)} was not sent: inpainting keeps the input image's size`);
    return {};
  }
  if (service === 'sd3' && edit) {
    warn(`size ${formatSize(size)} was not sent: ${upstreamModel} takes an aspect ratio only for text-to-image, so the image keeps the input's shape`);
    return {};
  }
  const rule = capabilities.sizes;
  if (rule.kind !== 'aspect') throw new Error(`Stability models take aspect ratios, not a '${rule.kind}' size rule (${upstreamModel})`);
  const ratio = nearestAspectRatio(size, rule.ratios);
  if (!sameRatio(size, ratio)) warn(`size ${formatSize(size)} is not an aspect ratio ${upstreamModel} offers: asked for the nearest, ${ratio}`);
  return { aspect_ratio: ratio };
}

function sameRatio(size: Size, ratio: string) {
  const [w, h] = ratio.split(':').map(Number);
  return Math.abs(Math.log(size.width / size.height) - Math.log(w! / h!)) < 0.005;
}

/** The documented extras the model takes, as form text; the rest are reported and left out. */
function extraFields({ request, capabilities, upstreamModel, warn }: ProviderCall, edit: boolean): Record<string, string> {
  const documented = capabilities.extras ?? [];
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.extras)) {
    if (!documented.includes(name) || !EXTRAS[name]) {
      warn(`'${name}' is not a documented parameter of ${upstreamModel}: it was not sent`);
    } else if (name === 'strength' && !edit) {
      warn(`'strength' applies only with an input image: it was not sent`);
    } else {
      fields[name] = checked(name, EXTRAS[name], value);
    }
  }
  return fields;
}

/** The extra as its schema types it, as text; a value of another type or out of range is the client's error. */
function checked(name: string, rule: ExtraRule, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
  if (text === undefined) throw invalidRequest(`'${name}' must be ${rule.type === 'string' || rule.type === 'enum' ? 'a string' : 'a number'}`, name, 'invalid_value');
  if (rule.type === 'string') {
    if (typeof value !== 'string') throw invalidRequest(`'${name}' must be a string`, name, 'invalid_value');
    // Passed as sent: a prompt's spacing is the client's.
    if (value.length > rule.maxLength) throw invalidRequest(`'${name}' is longer than ${rule.maxLength} characters`, name, 'invalid_value');
    return value;
  }
  if (rule.type === 'enum') {
    if (!rule.values.includes(text)) throw invalidRequest(`'${name}' must be one of: ${rule.values.join(', ')}`, name, 'invalid_value');
    return text;
  }
  const number = text === '' ? NaN : Number(text);
  const range = `${rule.min ?? '-∞'} to ${rule.max ?? '∞'}`;
  if (!Number.isFinite(number) || (rule.type === 'integer' && !Number.isInteger(number))) {
    throw invalidRequest(`'${name}' must be ${rule.type === 'integer' ? 'an integer' : 'a number'}`, name, 'invalid_value');
  }
  if ((rule.min !== undefined && number < rule.min) || (rule.max !== undefined && number > rule.max)) {
    throw invalidRequest(`'${name}' must be between ${range}`, name, 'invalid_value');
  }
  return String(number);
}
