import type { Capabilities, PriceRule, ProviderModel, SizeRule } from '../../catalog/types.js';
import { FAMILIES } from './params.js';

/**
 * The models fal serves here. Endpoint ids are checked against fal's model pages and its JS client's
 * endpoint map (github.com/fal-ai/fal-js, libs/client/src/types/image/endpoint-map.ts). Prices are
 * integer micro-USD as fal bills them. Where fal's own price for an endpoint could not be read, the
 * offer has no price and is refused until the operator sets one (config price overrides); its
 * priceSource says what was found instead.
 */

const READ = 'read 2026-11-21';

/** fal's `ImageSize` takes any width and height; these common sizes are offered. */
const SMALL = ['1024x1024', '1024x768', '768x1024', '1024x576', '576x1024', '512x512'];
const FLUX = [...SMALL, '1536x1024', '1024x1536'];
// Seedream 4: "The minimum total image area is 921600 pixels" (smaller sizes are scaled up), up to 4K.
const SEEDREAM = ['1024x1024', '1536x1024', '1024x1536', '1792x1024', '1024x1792', '2048x2048', '2560x1440', '1440x2560', '4096x4096'];
// fal's docs do not say which custom sizes Ideogram and Recraft accept; these are standard sizes of theirs.
const IDEOGRAM = ['1024x1024', '1152x896', '896x1152', '1216x832', '832x1216', '1344x768', '768x1344'];
const RECRAFT = ['1024x1024', '1536x1024', '1024x1536'];
const FLUX_PRO_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'];
const RATIO_EXAMPLES = ['1024x1024', '1536x1024', '1024x1536', '1920x1080', '1080x1920'];

/**
 * fal bills these "per megapixel", "by rounding up to the nearest megapixel", and prices a 1024x1024
 * image as one megapixel: a megapixel is read as 1024x1024 pixels. Priced per listed size, so the
 * rounding is exact.
 */
function perMegapixel(sizes: string[], micros: number): PriceRule {
  return {
    type: 'table',
    rows: sizes.map((size) => {
      const [w, h] = size.split('x').map(Number);
      return { size, perImageMicros: Math.ceil((w! * h!) / (1024 * 1024)) * micros };
    }),
  };
}

/** Image counts, input images, quality and extras come from the endpoints' schemas in params.ts. */
function capabilities(upstreamModel: string, sizes: SizeRule, options: { maxPromptLength?: number } = {}): Capabilities {
  const family = FAMILIES[upstreamModel]!;
  const endpoints = [family.textToImage, ...(family.imageToImage ? [family.imageToImage] : [])];
  const listed = sizes.kind === 'list' ? sizes.sizes : RATIO_EXAMPLES;
  return {
    sizes,
    defaultSize: '1024x1024',
    listedSizes: ['auto', ...listed],
    quality: Boolean(family.textToImage.renderingSpeed),
    edit: Boolean(family.imageToImage),
    // No model here takes a mask: Ideogram's v3/edit does, but fal does not document its mask convention.
    mask: false,
    maxImagesPerCall: Math.min(...endpoints.map((e) => e.maxImages ?? 1)),
    maxInputImages: family.imageToImage?.images?.max ?? 0,
    promptRequired: true,
    // fal's schemas set no prompt limit except where given; the API's own ceiling applies there.
    maxPromptLength: options.maxPromptLength ?? 32000,
    // fal makes jpeg or png; the pipeline converts to the format asked for.
    outputFormats: ['webp', 'jpeg', 'png'],
    transparentBackground: false,
    extras: [...new Set(endpoints.flatMap((e) => Object.keys(e.extras)))],
  };
}

const list = (sizes: string[]): SizeRule => ({ kind: 'list', sizes });
const aspect: SizeRule = { kind: 'aspect', ratios: FLUX_PRO_RATIOS };

const unpriced = (page: string, found: string) =>
  `not priced: fal's page ${page} could not be read here (${READ}); ${found}. Set a price to enable this offer.`;

export const models: ProviderModel[] = [
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-1.1-pro'], releaseDate: '2024-10-02', curatedRank: 20 },
    offer: {
      upstreamModel: 'fal-ai/flux-pro/v1.1',
      priceSource: unpriced('https://fal.ai/models/fal-ai/flux-pro/v1.1', 'third-party listings disagree ($0.04 per image; $0.04 or $0.055 per megapixel)'),
      capabilities: capabilities('fal-ai/flux-pro/v1.1', list(SMALL)),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-1.1-pro-ultra', name: 'FLUX1.1 [pro] ultra', aliases: ['flux-1.1-pro-ultra'], releaseDate: '2024-11-06', curatedRank: 21 },
    offer: {
      upstreamModel: 'fal-ai/flux-pro/v1.1-ultra',
      price: { type: 'fixed', perImageMicros: 60_000 },
      priceSource: `https://fal.ai/docs/model-api-reference/image-generation-api/flux-pro-v1.1-ultra ("$0.06 per image"), ${READ}`,
      capabilities: capabilities('fal-ai/flux-pro/v1.1-ultra', aspect),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-dev', name: 'FLUX.1 [dev]', aliases: ['flux-dev'], releaseDate: '2024-08-01', curatedRank: 22 },
    offer: {
      upstreamModel: 'fal-ai/flux/dev',
      price: perMegapixel(FLUX, 25_000),
      priceSource: `https://fal.ai/models/fal-ai/flux-1/dev/playground ("$0.025 per megapixel", "billed by rounding up to the nearest megapixel"; the same FLUX.1 [dev] as fal-ai/flux/dev, whose own page was not read), ${READ}`,
      capabilities: capabilities('fal-ai/flux/dev', list(FLUX)),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-schnell', name: 'FLUX.1 [schnell]', aliases: ['flux-schnell'], releaseDate: '2024-08-01', curatedRank: 23 },
    offer: {
      upstreamModel: 'fal-ai/flux/schnell',
      priceSource: unpriced('https://fal.ai/models/fal-ai/flux/schnell', 'third-party listings say $0.003 per megapixel or per image'),
      capabilities: capabilities('fal-ai/flux/schnell', list(FLUX)),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-pro', name: 'FLUX.1 Kontext [pro]', aliases: ['flux-kontext-pro'], releaseDate: '2025-05-29', curatedRank: 24 },
    offer: {
      upstreamModel: 'fal-ai/flux-pro/kontext/text-to-image',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: `https://fal.ai/models/fal-ai/flux-pro/kontext/llms.txt ("$0.04 per images", the edit endpoint; the text-to-image endpoint's page was not read, third-party lists give it the same $0.04), ${READ}`,
      capabilities: capabilities('fal-ai/flux-pro/kontext/text-to-image', aspect),
    },
  },
  {
    model: { id: 'bytedance/seedream-4', name: 'Seedream 4.0', aliases: ['seedream-4'], releaseDate: '2025-09-09', curatedRank: 25 },
    offer: {
      upstreamModel: 'fal-ai/bytedance/seedream/v4/text-to-image',
      priceSource: unpriced(
        'https://fal.ai/models/fal-ai/bytedance/seedream/v4/text-to-image',
        'lumenfall.ai quotes $0.03 per image from it for text-to-image; no price was found for the edit endpoint this offer also uses',
      ),
      capabilities: capabilities('fal-ai/bytedance/seedream/v4/text-to-image', list(SEEDREAM)),
    },
  },
  {
    model: { id: 'recraft/recraft-v3', name: 'Recraft V3', aliases: ['recraft-v3'], releaseDate: '2024-10-30', curatedRank: 26 },
    offer: {
      upstreamModel: 'fal-ai/recraft/v3/text-to-image',
      priceSource: unpriced(
        'https://fal.ai/models/fal-ai/recraft/v3/text-to-image',
        'third-party lists say $0.04 per image, and fal\'s schema says "Vector images cost 2X as much", which a per-image price cannot follow',
      ),
      // Recraft's prompt field: "maxLength 1000" in fal's schema.
      capabilities: capabilities('fal-ai/recraft/v3/text-to-image', list(RECRAFT), { maxPromptLength: 1000 }),
    },
  },
  {
    model: { id: 'ideogram/ideogram-v3', name: 'Ideogram 3.0', aliases: ['ideogram-v3'], releaseDate: '2025-03-26', curatedRank: 27 },
    offer: {
      upstreamModel: 'fal-ai/ideogram/v3',
      priceSource: unpriced(
        'https://fal.ai/models/fal-ai/ideogram/v3',
        'fal prices its Ideogram custom-models endpoint at $0.03 TURBO, $0.06 BALANCED, $0.09 QUALITY (fal.ai/models/fal-ai/ideogram/custom-models/generate/llms.txt), not confirmed for v3',
      ),
      capabilities: capabilities('fal-ai/ideogram/v3', list(IDEOGRAM)),
    },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-large', name: 'Stable Diffusion 3.5 Large', aliases: ['sd-3.5-large'], releaseDate: '2024-10-22', curatedRank: 28 },
    offer: {
      upstreamModel: 'fal-ai/stable-diffusion-v35-large',
      priceSource: unpriced('https://fal.ai/models/fal-ai/stable-diffusion-v35-large', 'no price for it was found'),
      capabilities: capabilities('fal-ai/stable-diffusion-v35-large', list(FLUX)),
    },
  },
  {
    model: { id: 'qwen/qwen-image', name: 'Qwen-Image', aliases: ['qwen-image'], releaseDate: '2025-08-04', curatedRank: 29 },
    offer: {
      upstreamModel: 'fal-ai/qwen-image',
      priceSource: unpriced('https://fal.ai/models/fal-ai/qwen-image', 'third-party lists say about $0.02 per image without the unit fal bills by'),
      capabilities: capabilities('fal-ai/qwen-image', list(FLUX)),
    },
  },
  {
    model: { id: 'hidream/hidream-i1-full', name: 'HiDream-I1 Full', aliases: ['hidream-i1-full'], releaseDate: '2025-04-07', curatedRank: 30 },
    offer: {
      upstreamModel: 'fal-ai/hidream-i1-full',
      price: perMegapixel(FLUX, 50_000),
      priceSource: `https://fal.ai/models/fal-ai/hidream-i1-full ($0.05 per megapixel for it and its image-to-image endpoint, as quoted from this page by lumenfall.ai/models/hidream-ai/hidream-i1-full, "source: official"; rounding to whole megapixels as on fal's FLUX.1 [dev] page), ${READ}`,
      capabilities: capabilities('fal-ai/hidream-i1-full', list(FLUX)),
    },
  },
];
