import sharp from 'sharp';
import { formatSize, type InputImage, type Size } from '../../api/imageRequest.js';
import { closeRatio, nearestAspectRatio, nearestTier } from '../sizing.js';
import type { ProviderCall } from '../types.js';

/**
 * ImageRequest -> the Gemini API's request bodies, declared per upstream model from the docs.
 * Nothing is dropped quietly: whatever the model cannot honour is mapped to the nearest allowed
 * value or left out, and either way reported with `call.warn`.
 */

/** What one provider extra becomes upstream; `parse` returns undefined for a value it cannot send. */
interface ExtraRule {
  field: string;
  expects: string;
  parse(value: unknown): unknown;
}

export interface UpstreamSpec {
  api: 'generateContent' | 'predict';
  aspectRatios: string[];
  /** Resolution tiers sent as `imageSize`; a model with one tier gets no `imageSize` (it is its default). */
  imageSizes: Tier[];
  /** Extras by the snake_case name clients send (camelCase is accepted too). */
  extras: Record<string, ExtraRule>;
}

type Tier = '1K' | '2K' | '4K';
const TIER_PIXELS: Record<Tier, number> = { '1K': 1024 * 1024, '2K': 2048 * 2048, '4K': 4096 * 4096 };

const integer: ExtraRule['parse'] = (v) => {
  const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
};
const oneOf = (values: string[]): ExtraRule['parse'] => (v) =>
  typeof v === 'string' && values.includes(v.trim().toLowerCase()) ? v.trim().toLowerCase() : undefined;

// https://ai.google.dev/gemini-api/docs/image-generation (aspect ratios and imageSize per model);
// `seed` is a GenerationConfig field (https://ai.google.dev/api/generate-content),
// the docs do not say whether image models honour it.
export const GEMINI_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
// Nano Banana 2.1 adds the extreme 1:4, 4:1, 1:8 and 8:1 (14 ratios; "512" is refused, 1K/2K/4K are not).
export const NANO_BANANA_2_RATIOS = [...GEMINI_RATIOS, '1:4', '4:1', '1:8', '8:1'];
const GEMINI_EXTRAS: Record<string, ExtraRule> = { seed: { field: 'seed', expects: 'an integer', parse: integer } };

// https://ai.google.dev/gemini-api/docs/imagen: numberOfImages (sampleCount) 1-4, aspectRatio,
// imageSize 1K/2K (Standard and Ultra only), personGeneration. No seed or negative prompt there.
export const IMAGEN_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'];
const PERSON_GENERATION = ['dont_allow', 'allow_adult', 'allow_all'];
const IMAGEN_EXTRAS: Record<string, ExtraRule> = {
  person_generation: { field: 'personGeneration', expects: `one of ${PERSON_GENERATION.join(', ')}`, parse: oneOf(PERSON_GENERATION) },
};
export const IMAGEN_MAX_SAMPLES = 4;

const gemini = (imageSizes: Tier[], aspectRatios = GEMINI_RATIOS): UpstreamSpec => ({ api: 'generateContent', aspectRatios, imageSizes, extras: GEMINI_EXTRAS });
const imagen = (imageSizes: Tier[]): UpstreamSpec => ({ api: 'predict', aspectRatios: IMAGEN_RATIOS, imageSizes, extras: IMAGEN_EXTRAS });

export const UPSTREAM_SPECS: Record<string, UpstreamSpec> = {
  'gemini-nano-banana-2.1': gemini(['1K', '2K', '4K'], NANO_BANANA_2_RATIOS),
  // "Supported image_size values: 1024px (1K). (Note: 2K and 4K are not supported)": no imageSize is sent.
  'gemini-3.1-flash-lite-image': gemini(['1K']),
  'gemini-2.5-flash-image': gemini(['1K']),
  'gemini-3-pro-image': gemini(['1K', '2K', '4K']),
  'imagen-4.0-generate-001': imagen(['1K', '2K']),
  'imagen-4.0-ultra-generate-001': imagen(['1K', '2K']),
  'imagen-4.0-fast-generate-001': imagen(['1K']),
};

/** The spec of an upstream model; one not listed gets its family's most conservative spec. */
export const specFor = (model: string): UpstreamSpec => UPSTREAM_SPECS[model] ?? (model.startsWith('imagen-') ? imagen(['1K']) : gemini(['1K']));

/** Gemini image models: `POST models/{model}:generateContent`. */
export async function geminiBody(call: ProviderCall, spec: UpstreamSpec) {
  const { request, upstreamModel: model } = call;
  if (call.n > 1) call.warn(`n=${call.n} but ${model} makes one image per call; asked for 1`);
  if (request.mask) call.warn(`mask is not supported by ${model} (it edits from the prompt alone); ignored`);
  commonWarnings(call);
  const imageConfig = fitSize(call, spec);
  return {
    contents: [{ parts: [{ text: request.prompt }, ...(await Promise.all(request.images.map(inlinePart)))] }],
    generationConfig: {
      responseModalities: ['IMAGE'], // text parts would be paid for and thrown away
      ...(Object.keys(imageConfig).length > 0 && { imageConfig }),
      ...mapExtras(call, spec),
    },
  };
}

/** Imagen: `POST models/{model}:predict`, text-to-image only on the Gemini API. */
export function imagenBody(call: ProviderCall, spec: UpstreamSpec) {
  const { request, upstreamModel: model } = call;
  if (request.images.length > 0) call.warn(`input images are not supported by ${model} (text-to-image only); ignored`);
  if (request.mask) call.warn(`mask is not supported by ${model}; ignored`);
  if (call.n > IMAGEN_MAX_SAMPLES) call.warn(`n=${call.n} mapped to ${IMAGEN_MAX_SAMPLES}, the most ${model} makes per call`);
  commonWarnings(call);
  return {
    instances: [{ prompt: request.prompt }],
    parameters: { sampleCount: Math.min(call.n, IMAGEN_MAX_SAMPLES), ...fitSize(call, spec), ...mapExtras(call, spec) },
  };
}

/** The router already warns where the offer's capabilities say no; these cover an offer that claims more. */
function commonWarnings({ request, upstreamModel: model, capabilities, warn }: ProviderCall) {
  if (request.quality !== 'auto' && capabilities.quality) warn(`quality is not supported by ${model}; ignored`);
  if (request.background === 'transparent' && capabilities.transparentBackground) warn(`background transparent is not supported by ${model}; ignored`);
}

/**
 * The requested size as the aspect ratio and resolution tier the model takes. With size `auto` no
 * ratio is sent: the model then matches its input image, or makes a square.
 */
function fitSize(call: ProviderCall, spec: UpstreamSpec): { aspectRatio?: string; imageSize?: Tier } {
  const fitted: { aspectRatio?: string; imageSize?: Tier } = {};
  const size = formatSize(call.size);
  if (call.request.size !== 'auto') {
    fitted.aspectRatio = nearestAspectRatio(call.size, spec.aspectRatios);
    if (!closeRatio(call.size, fitted.aspectRatio)) call.warn(`size ${size} mapped to aspectRatio ${fitted.aspectRatio}`);
  }
  const wanted = nearestTier(call.size, ['1K', '2K', '4K'], TIER_PIXELS);
  const tier = nearestTier(call.size, spec.imageSizes, TIER_PIXELS);
  if (tier !== wanted) call.warn(`size ${size} mapped to the ${tier} resolution, the nearest ${call.upstreamModel} makes`);
  if (spec.imageSizes.length > 1) fitted.imageSize = tier;
  return fitted;
}



function mapExtras(call: ProviderCall, spec: UpstreamSpec): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call.request.extras)) {
    const rule = spec.extras[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
    if (!rule) {
      call.warn(`extra '${key}' is not supported by ${call.upstreamModel}; not sent`);
      continue;
    }
    const parsed = rule.parse(value);
    if (parsed === undefined) call.warn(`extra '${key}' must be ${rule.expects}; not sent`);
    else mapped[rule.field] = parsed;
  }
  return mapped;
}

// Gemini reads PNG, JPEG, WebP, HEIC and HEIF (https://ai.google.dev/gemini-api/docs/image-understanding);
// sharp reports AVIF as heif too, so only the first three pass as they are and the rest become PNG.
const PASS_THROUGH = new Set(['png', 'jpeg', 'webp']);

async function inlinePart(image: InputImage) {
  const [format, bytes] = PASS_THROUGH.has(image.format) ? [image.format, image.bytes] : ['png', await sharp(image.bytes).png().toBuffer()];
  return { inline_data: { mime_type: `image/${format}`, data: bytes.toString('base64') } };
}
