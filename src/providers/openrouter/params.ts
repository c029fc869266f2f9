import sharp from 'sharp';
import { formatSize, type InputImage, type Size } from '../../api/imageRequest.js';
import { UpstreamError } from '../errors.js';
import { closeRatio, nearestAspectRatio, nearestTier } from '../sizing.js';
import type { ProviderCall } from '../types.js';

/**
 * ImageRequest -> the body of OpenRouter's POST /images, declared per model. The fields are the Image
 * API's (ImageGenerationRequest in github.com/OpenRouterTeam/typescript-sdk): `aspect_ratio`,
 * `resolution` ("512", "1K", "2K", "4K"), `n`, `quality`, `seed`, `input_references`. Endpoints take
 * different subsets ("an absent parameter is unsupported by that endpoint", OpenRouterTeam/skills,
 * openrouter-images/references/images-api.md), so each model sends only what its own maker documents
 * (the same limits this project's direct adapters declare); anything else is warned and left out.
 */

type Tier = '1K' | '2K' | '4K';
const TIER_PIXELS: Record<Tier, number> = { '1K': 1024 * 1024, '2K': 2048 * 2048, '4K': 4096 * 4096 };

interface ExtraRule {
  expects: string;
  parse(value: unknown): unknown;
}

export interface ModelSpec {
  aspectRatios: string[];
  /** Sent as `resolution` only when there is more than one (a single tier is the model's default). */
  resolutions: Tier[];
  /** Images per request; `n` is sent only where more than one is possible. */
  maxImages: number;
  maxInputImages: number;
  /** low / medium / high sent as they are (GPT Image). */
  quality: boolean;
  extras: Record<string, ExtraRule>;
}

const integer: ExtraRule = {
  expects: 'an integer',
  parse: (v) => {
    const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
  },
};

// https://ai.google.dev/gemini-api/docs/image-generation
const GEMINI_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
// The ratios of GPT Image 2's standard sizes (1024x1024, 1536x1024, 2048x1152...).
const GPT_IMAGE_RATIOS = ['1:1', '3:2', '2:3', '16:9', '9:16'];
// BytePlus' recommended Seedream 4.5 sizes; it makes 2K to 4K images.
const SEEDREAM_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'];
// FLUX.2 takes any size up to 4 MP; these are the usual ratios between 21:9 and 9:21.
const FLUX_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16', '9:21'];

const spec = (s: Partial<ModelSpec> & Pick<ModelSpec, 'aspectRatios' | 'resolutions' | 'maxInputImages'>): ModelSpec => ({ maxImages: 1, quality: false, extras: {}, ...s });

export const MODEL_SPECS: Record<string, ModelSpec> = {
  'google/gemini-2.5-flash-image': spec({ aspectRatios: GEMINI_RATIOS, resolutions: ['1K'], maxInputImages: 3 }),
  'google/gemini-3-pro-image': spec({ aspectRatios: GEMINI_RATIOS, resolutions: ['1K', '2K', '4K'], maxInputImages: 14 }),
  'openai/gpt-image-2': spec({ aspectRatios: GPT_IMAGE_RATIOS, resolutions: ['1K', '2K'], maxImages: 10, maxInputImages: 16, quality: true }),
  'bytedance-seed/seedream-4.5': spec({ aspectRatios: SEEDREAM_RATIOS, resolutions: ['2K', '4K'], maxInputImages: 14 }),
  'black-forest-labs/flux.2-pro': spec({ aspectRatios: FLUX_RATIOS, resolutions: ['1K', '2K'], maxInputImages: 8, extras: { seed: integer } }),
  'black-forest-labs/flux.2-max': spec({ aspectRatios: FLUX_RATIOS, resolutions: ['1K', '2K'], maxInputImages: 8, extras: { seed: integer } }),
  'black-forest-labs/flux.2-flex': spec({ aspectRatios: FLUX_RATIOS, resolutions: ['1K', '2K'], maxInputImages: 8, extras: { seed: integer } }),
  // FLUX.2 [klein] 4B: priced on the output image only; text to image here (its reference-image limit on OpenRouter is unstated).
  'black-forest-labs/flux.2-klein-4b': spec({ aspectRatios: FLUX_RATIOS, resolutions: ['1K', '2K'], maxInputImages: 0, extras: { seed: integer } }),
};

/** A model the table does not know gets the most conservative spec: square, one default-size image, no inputs. */
export const specFor = (model: string): ModelSpec => MODEL_SPECS[model] ?? spec({ aspectRatios: ['1:1'], resolutions: ['1K'], maxInputImages: 0 });

export async function imageRequestBody(call: ProviderCall): Promise<Record<string, unknown>> {
  const { request, upstreamModel: model } = call;
  const s = specFor(model);
  if (request.images.length > s.maxInputImages) {
    throw new UpstreamError('rejected', s.maxInputImages === 0 ? `${model} does not accept input images` : `${model} accepts at most ${s.maxInputImages} input images`);
  }
  if (request.mask) call.warn(`mask is not supported by ${model} (it edits from the prompt alone); ignored`);
  commonWarnings(call, s);

  const body: Record<string, unknown> = { model, prompt: request.prompt, ...fitSize(call, s) };
  if (s.maxImages > 1) body.n = Math.min(call.n, s.maxImages);
  if (call.n > s.maxImages) call.warn(`n=${call.n} but ${model} makes at most ${s.maxImages} per request; asked for ${s.maxImages}`);
  if (s.quality && request.quality !== 'auto') body.quality = request.quality;
  Object.assign(body, mapExtras(call, s));
  if (request.images.length > 0) {
    body.input_references = await Promise.all(request.images.map(async (image) => ({ type: 'image_url', image_url: { url: await dataUri(image) } })));
  }
  return body;
}

/** The router already warns where the offer's capabilities say no; these cover an offer that claims more. */
function commonWarnings({ request, upstreamModel: model, capabilities, warn }: ProviderCall, s: ModelSpec) {
  if (request.quality !== 'auto' && !s.quality && capabilities.quality) warn(`quality is not supported by ${model}; ignored`);
  if (request.background === 'transparent' && capabilities.transparentBackground) warn(`background transparent is not supported by ${model}; ignored`);
}

/**
 * The size as an aspect ratio and a resolution tier; OpenRouter derives each provider's pixels.
 * With size `auto` no ratio is sent: the model picks (or follows its input image).
 */
function fitSize(call: ProviderCall, s: ModelSpec): { aspect_ratio?: string; resolution?: Tier } {
  const fitted: { aspect_ratio?: string; resolution?: Tier } = {};
  const size = formatSize(call.size);
  if (call.request.size !== 'auto') {
    fitted.aspect_ratio = nearestAspectRatio(call.size, s.aspectRatios);
    if (!closeRatio(call.size, fitted.aspect_ratio)) call.warn(`size ${size} mapped to aspect_ratio ${fitted.aspect_ratio}`);
  }
  const tier = nearestTier(call.size, s.resolutions, TIER_PIXELS);
  if (tier !== nearestTier(call.size, ['1K', '2K', '4K'], TIER_PIXELS)) call.warn(`size ${size} mapped to the ${tier} resolution, the nearest ${call.upstreamModel} makes`);
  if (s.resolutions.length > 1) fitted.resolution = tier;
  return fitted;
}



function mapExtras(call: ProviderCall, s: ModelSpec): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call.request.extras)) {
    const rule = s.extras[key];
    if (!rule) {
      call.warn(`extra '${key}' is not supported by ${call.upstreamModel}; not sent`);
      continue;
    }
    const parsed = rule.parse(value);
    if (parsed === undefined) call.warn(`extra '${key}' must be ${rule.expects}; not sent`);
    else mapped[key] = parsed;
  }
  return mapped;
}

// The Image API reads PNG, JPEG, WebP and GIF references; anything else goes as PNG.
const PASS_THROUGH = new Set(['png', 'jpeg', 'webp', 'gif']);

async function dataUri(image: InputImage): Promise<string> {
  const [format, bytes] = PASS_THROUGH.has(image.format) ? [image.format, image.bytes] : ['png', await sharp(image.bytes).png().toBuffer()];
  return `data:image/${format};base64,${bytes.toString('base64')}`;
}
