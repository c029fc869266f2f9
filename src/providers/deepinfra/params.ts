import { formatSize, type Size } from '../../api/imageRequest.js';
import type { SizeRule } from '../../catalog/types.js';
import { UpstreamError } from '../errors.js';
import { nearestAspectRatio } from '../sizing.js';
import type { ProviderCall } from '../types.js';
import { fitExtras, integer, number, text, type ExtraRule } from '../extras.js';

/**
 * Which DeepInfra API each model is called through, and how a call becomes its JSON body. Field
 * names, ranges and enums are those of each model's page, deepinfra.com/{model}/api (read
 * 2026-11-21). Models whose page documents the native input schema go through /inference/{model},
 * which reports what the call cost; a model documented only through the OpenAI-compatible API goes
 * through /openai/images/generations.
 */

export type Endpoint = 'openai' | 'inference';

type SizeInput =
  /** OpenAI-compatible: `size: "WxH"`. */
  | { kind: 'size' }
  /** Native: `width` and `height`. */
  | { kind: 'pixels' }
  /** Native: `aspect_ratio`, from which the model picks its pixels. */
  | { kind: 'aspect'; ratios: string[] };

export interface ModelSpec {
  endpoint: Endpoint;
  size: SizeInput;
  sizeRule: SizeRule;
  /** `n` (OpenAI-compatible) or `num_images` (native): "1 ≤ num_images ≤ 4" on every page here. */
  maxN: number;
  extras: Record<string, ExtraRule>;
}

/** The pages' `seed`: "random seed, empty means random", 0 ≤ seed < 2^64. */
const seed = integer(0);

/**
 * FLUX.1 on the native API takes width and height from 128 to 1024 ("Allowed values: 128 256 384 448
 * 512 ... 960 1024", multiples of 64 from 384): the range below keeps to those values.
 */
const FLUX_NATIVE_SIZES: SizeRule = { kind: 'range', min: 384, max: 1024, multipleOf: 64 };

const SD35_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '9:16', '9:21'];

export const MODEL_SPECS: Record<string, ModelSpec> = {
  // Its page documents only the OpenAI-compatible API: model, prompt, n (1-4), size, response_format
  // (b64_json only), user. Sizes are BFL's limits for FLUX1.1 [pro]: 256-1440, multiples of 32.
  'black-forest-labs/FLUX-1.1-pro': {
    endpoint: 'openai', size: { kind: 'size' }, sizeRule: { kind: 'range', min: 256, max: 1440, multipleOf: 32 }, maxN: 4, extras: {},
  },
  // "$0.0005 x (width / 1024) x (height / 1024) x iters": steps are capped at schnell's 4 (its
  // description: "high-quality images in only 1 to 4 steps") so the price ceiling holds.
  'black-forest-labs/FLUX-1-schnell': {
    endpoint: 'inference', size: { kind: 'pixels' }, sizeRule: FLUX_NATIVE_SIZES, maxN: 4,
    extras: { seed, num_inference_steps: integer(1, 4, 'DeepInfra charges per step; 4 is what the price ceiling covers') },
  },
  // "$0.009 x (width / 1024) x (height / 1024) x (iters / 25)": capped at the default 25 steps.
  'black-forest-labs/FLUX-1-dev': {
    endpoint: 'inference', size: { kind: 'pixels' }, sizeRule: FLUX_NATIVE_SIZES, maxN: 4,
    extras: { seed, num_inference_steps: integer(1, 25, 'DeepInfra charges per step; the default 25 is what the price ceiling covers') },
  },
  // Stable Diffusion 3.5 Large (8B), "$0.06 / img": prompt, negative_prompt, num_images (1-4),
  // num_inference_steps (1-50, default 35), aspect_ratio, guidance_scale (0-20), seed.
  'stabilityai/sd3.5': {
    endpoint: 'inference', size: { kind: 'aspect', ratios: SD35_RATIOS }, sizeRule: { kind: 'aspect', ratios: SD35_RATIOS }, maxN: 4,
    extras: { seed, negative_prompt: text(), num_inference_steps: integer(1, 50), guidance_scale: number(0, 20) },
  },
};

export function specFor(upstreamModel: string): ModelSpec {
  const spec = MODEL_SPECS[upstreamModel];
  if (!spec) throw new Error(`deepinfra: no request mapping for '${upstreamModel}'`);
  return spec;
}

export interface UpstreamRequest {
  endpoint: Endpoint;
  body: Record<string, unknown>;
}

/** The endpoint and JSON body for a call. None of these models takes an input image or a mask. */
export function upstreamRequest(call: ProviderCall): UpstreamRequest {
  const { request, upstreamModel: model } = call;
  const spec = specFor(model);
  if (request.images.length > 0) throw new UpstreamError('rejected', `${model} does not accept input images on DeepInfra`);
  const n = fitN(call, spec);
  const size = sizeFields(call, spec.size);
  const extras = fitExtras(call, spec.extras);
  if (spec.endpoint === 'openai') {
    // Only b64_json is supported, and it is the default; it is sent anyway to pin the answer's shape.
    const body: Record<string, unknown> = { model, prompt: request.prompt, n, ...size, response_format: 'b64_json', ...extras };
    if (request.user) body.user = request.user;
    return { endpoint: 'openai', body };
  }
  return { endpoint: 'inference', body: { prompt: request.prompt, num_images: n, ...size, ...extras } };
}

function fitN(call: ProviderCall, spec: ModelSpec): number {
  if (call.n <= spec.maxN) return call.n;
  call.warn(`${call.upstreamModel} makes at most ${spec.maxN} images per request; asked for ${spec.maxN} instead of ${call.n}`);
  return spec.maxN;
}

function sizeFields(call: ProviderCall, size: SizeInput): Record<string, unknown> {
  if (size.kind === 'pixels') return { width: call.size.width, height: call.size.height };
  if (size.kind === 'size') return { size: formatSize(call.size) };
  const ratio = nearestAspectRatio(call.size, size.ratios);
  if (!hasRatio(call.size, ratio)) call.warn(`size ${formatSize(call.size)} is not available for ${call.upstreamModel}; using aspect ratio ${ratio}`);
  return { aspect_ratio: ratio };
}

const hasRatio = (size: Size, ratio: string) => {
  const [w, h] = ratio.split(':').map(Number);
  return size.width * h! === size.height * w!;
};
