import sharp from 'sharp';
import { formatSize, type InputImage, type Quality, type Size } from '../../api/imageRequest.js';
import { UpstreamError } from '../errors.js';
import { closeRatio, nearestAspectRatio, nearestTier } from '../sizing.js';
import type { ProviderCall } from '../types.js';
import type { Endpoint } from './api.js';

/**
 * ImageRequest -> the JSON body of xAI's /images/generations or /images/edits. Nothing is dropped
 * quietly: whatever a model cannot take is mapped to the nearest value or left out, with `call.warn`.
 *
 * Source: https://docs.x.ai/developers/model-capabilities/images/generation (aspect ratios, 1k/2k,
 * up to 10 images, up to 3 input images, base64 output) and the REST reference as mirrored at
 * withone.ai (fields; `size` and `style` "not supported"), read 2026-11-21.
 */

export const XAI_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9', '2:3', '3:2', '9:19.5', '19.5:9', '9:20', '20:9', '1:2', '2:1'];
export const MAX_IMAGES = 10;
export const MAX_INPUT_IMAGES = 3;

type Tier = '1k' | '1.5k' | '2k';
const TIER_PIXELS: Record<Tier, number> = { '1k': 1024 * 1024, '1.5k': 1536 * 1536, '2k': 2048 * 2048 };

export interface ModelSpec {
  resolutions: Tier[];
  /** Our quality to the model's; absent where the model has no quality setting. */
  quality?: Record<Exclude<Quality, 'auto'>, string>;
}

export const MODEL_SPECS: Record<string, ModelSpec> = {
  'grok-imagine-image': { resolutions: ['1k', '2k'] },
  'grok-imagine-image-quality': { resolutions: ['1k', '2k'] },
  // Grok Imagine Image 2.0 adds a 1.5k tier and a low/medium quality setting (no "high").
  'grok-imagine-image-2.0': { resolutions: ['1k', '1.5k', '2k'], quality: { low: 'low', medium: 'medium', high: 'medium' } },
};

/** A model the table does not know gets the base model's (most conservative) spec. */
export const specFor = (model: string): ModelSpec => MODEL_SPECS[model] ?? MODEL_SPECS['grok-imagine-image']!;

export interface XaiRequest {
  endpoint: Endpoint;
  body: Record<string, unknown>;
}

export async function xaiRequest(call: ProviderCall): Promise<XaiRequest> {
  const { request, upstreamModel: model } = call;
  const spec = specFor(model);
  const images = request.images;
  if (images.length > MAX_INPUT_IMAGES) throw new UpstreamError('rejected', `${model} accepts at most ${MAX_INPUT_IMAGES} input images`);
  if (request.mask) call.warn(`mask is not supported by ${model} (it edits from the prompt alone); ignored`);
  commonWarnings(call, spec);

  const body: Record<string, unknown> = { model, prompt: request.prompt, n: fitN(call) };
  // Inline base64 spares downloading from xAI's temporary URLs.
  body.response_format = 'b64_json';
  Object.assign(body, fitSize(call, spec));
  const quality = fitQuality(call, spec);
  if (quality) body.quality = quality;
  if (images.length === 1) body.image = { url: await dataUri(images[0]!) };
  if (images.length > 1) body.images = await Promise.all(images.map(async (image) => ({ url: await dataUri(image) })));
  if (request.user) body.user = request.user;
  for (const key of Object.keys(request.extras)) call.warn(`extra '${key}' is not supported by ${model}; not sent`);
  return { endpoint: images.length > 0 ? 'edits' : 'generations', body };
}

function fitN(call: ProviderCall): number {
  if (call.n <= MAX_IMAGES) return call.n;
  call.warn(`n=${call.n} mapped to ${MAX_IMAGES}, the most ${call.upstreamModel} makes per request`);
  return MAX_IMAGES;
}

/** The router already warns where the offer's capabilities say no; these cover an offer that claims more. */
function commonWarnings({ request, upstreamModel: model, capabilities, warn }: ProviderCall, spec: ModelSpec) {
  if (request.quality !== 'auto' && !spec.quality && capabilities.quality) warn(`quality is not supported by ${model}; ignored`);
  if (request.background === 'transparent' && capabilities.transparentBackground) warn(`background transparent is not supported by ${model}; ignored`);
}

function fitQuality(call: ProviderCall, spec: ModelSpec): string | undefined {
  const quality = call.request.quality;
  if (quality === 'auto' || !spec.quality) return undefined;
  const upstream = spec.quality[quality];
  if (upstream !== quality) call.warn(`${call.upstreamModel} has no '${quality}' quality; used '${upstream}'`);
  return upstream;
}

/**
 * The size as an aspect ratio and a resolution tier (xAI takes no pixel size). With size `auto` no
 * ratio is sent; neither is one for a single-image edit, whose output keeps the input's ratio.
 */
function fitSize(call: ProviderCall, spec: ModelSpec): { aspect_ratio?: string; resolution: Tier } {
  const size = formatSize(call.size);
  const fitted: { aspect_ratio?: string; resolution: Tier } = { resolution: nearestTier(call.size, spec.resolutions, TIER_PIXELS) };
  if (call.request.size !== 'auto') {
    if (call.request.images.length === 1) {
      call.warn(`${call.upstreamModel} keeps the input image's aspect ratio when editing one image; size ${size} sets only the resolution`);
    } else {
      fitted.aspect_ratio = nearestAspectRatio(call.size, XAI_RATIOS);
      if (!closeRatio(call.size, fitted.aspect_ratio)) call.warn(`size ${size} mapped to aspect_ratio ${fitted.aspect_ratio}`);
    }
  }
  if (fitted.resolution !== nearestTier(call.size, ['1k', '1.5k', '2k'], TIER_PIXELS)) {
    call.warn(`size ${size} mapped to the ${fitted.resolution} resolution, the nearest ${call.upstreamModel} makes`);
  }
  return fitted;
}



// xAI reads jpg, png and webp input images; anything else goes as PNG.
const PASS_THROUGH = new Set(['png', 'jpeg', 'webp']);

async function dataUri(image: InputImage): Promise<string> {
  const [format, bytes] = PASS_THROUGH.has(image.format) ? [image.format, image.bytes] : ['png', await sharp(image.bytes).png().toBuffer()];
  return `data:image/${format};base64,${bytes.toString('base64')}`;
}
