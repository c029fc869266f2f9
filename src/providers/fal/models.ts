import type { Capabilities, PriceRule, ProviderModel, SizeRule } from '../../catalog/types.js';
import { FAMILIES } from './params.js';

/**
 * The models fal serves here. Endpoint ids are checked against fal's model pages and its JS client's
 * endpoint map (github.com/fal-ai/fal-js, libs/client/src/types/image/endpoint-map.ts). Prices are
 * integer micro-USD as fal bills them. Where fal's own price for an endpoint could not be read, the
 * offer has no price and is refused until the operator sets one (config price overrides); its
 * priceSource says what was found instead.
 *
 * fal.ai itself cannot be fetched from here. Where its figure is given, it was read from verbatim
 * copies: fal's model-page llms.txt files (fal.ai/models/{id}/llms.txt, "## Pricing") copied into public
 * repositories, and fal's pricing API (api.fal.ai/v1/models/pricing: unit price and unit per endpoint)
 * as recorded in public repositories' generated price tables. A price only third parties give is marked
 * "as quoted by".
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
const NANO_BANANA_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16'];
// Seedream 4.5: "total number of pixels must be between 2560*1440 and 4096*4096".
const SEEDREAM_45 = ['2048x2048', '2560x1440', '1440x2560', '2304x1728', '1728x2304', '2496x1664', '1664x2496', '3840x2160', '2160x3840', '4096x4096'];
const RATIO_EXAMPLES = ['1024x1024', '1536x1024', '1024x1536', '1920x1080', '1080x1920'];
// Recraft V4's sizes (the same 14 on every host that lists them: Replicate's and Runware's schemas); V4 Pro's are twice as large.
const RECRAFT_V4 = ['1024x1024', '1536x768', '768x1536', '1280x832', '832x1280', '1216x896', '896x1216', '1152x896', '896x1152', '832x1344', '1280x896', '896x1280', '1344x768', '768x1344'];
const RECRAFT_V4_PRO = ['2048x2048', '3072x1536', '1536x3072', '2560x1664', '1664x2560', '2432x1792', '1792x2432', '2304x1792', '1792x2304', '1664x2688', '2560x1792', '1792x2560', '2688x1536', '1536x2688'];
// Seedream 3.0: "Width and height must be between 512 and 2048".
const SEEDREAM_3 = [...FLUX, '2048x2048'];
const REVE_RATIOS = ['16:9', '9:16', '3:2', '2:3', '4:3', '3:4', '1:1'];

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

/**
 * FLUX.2 [pro]: "$0.03 for the first megapixel of output, plus $0.015 per extra megapixel [...], rounded up to the
 * nearest megapixel" (1024x1024 is one megapixel, 1920x1080 two). Priced per listed size.
 */
function flux2ProTable(sizes: string[]): PriceRule {
  return {
    type: 'table',
    rows: sizes.map((size) => {
      const [w, h] = size.split('x').map(Number);
      return { size, perImageMicros: 30_000 + (Math.ceil((w! * h!) / (1024 * 1024)) - 1) * 15_000 };
    }),
  };
}

/** Image counts, input images, quality and extras come from the endpoints' schemas in params.ts. */
function capabilities(upstreamModel: string, sizes: SizeRule, options: { maxPromptLength?: number; defaultSize?: string } = {}): Capabilities {
  const family = FAMILIES[upstreamModel]!;
  const endpoints = [family.textToImage, ...(family.imageToImage ? [family.imageToImage] : [])];
  const listed = sizes.kind === 'list' ? sizes.sizes : RATIO_EXAMPLES;
  return {
    sizes,
    defaultSize: options.defaultSize ?? '1024x1024',
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
const nanoBananaAspect: SizeRule = { kind: 'aspect', ratios: NANO_BANANA_RATIOS };
const reveAspect: SizeRule = { kind: 'aspect', ratios: REVE_RATIOS };

/** fal's figure, read from a verbatim copy (see the top of this file). */
const falCopy = (page: string, figure: string, copy: string) => `${page} (${figure}; ${copy}), ${READ}`;
const LLMS_COPY = "fal's llms.txt for it, as copied verbatim into a public GitHub repository";
const PRICING_API_COPY = "fal's pricing API value, as recorded in a public GitHub repository's generated fal price table";

/** fal's figure as a third party quotes it from fal's page (lumenfall.ai marks its figures "source: official"). */
const quotedBy = (page: string, figure: string, by: string) => `${page} (${figure}, as quoted by ${by}), ${READ}`;

const unpriced = (page: string, found: string) =>
  `not priced: fal's page ${page} could not be read here (${READ}); ${found}. Set a price to enable this offer.`;

export const models: ProviderModel[] = [
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-1.1-pro'], releaseDate: '2024-10-02', curatedRank: 20 },
    offer: {
      upstreamModel: 'fal-ai/flux-pro/v1.1',
      // Every listed size is at most one megapixel: $0.04 each, whether fal rounds megapixels up or not.
      price: perMegapixel(SMALL, 40_000),
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/flux-pro/v1.1',
        '$0.04 per megapixel (unit price 0.04, unit "megapixels"); lumenfall.ai and LiteLLM quote $0.04 per image, one skill file $0.055/MP',
        PRICING_API_COPY,
      ),
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
      price: perMegapixel(FLUX, 3_000),
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/flux/schnell',
        '"$0.003 per megapixels", unit "megapixels"; rounding to whole megapixels as on fal\'s FLUX.1 [dev] page',
        "fal's pricing text and API unit as recorded in public GitHub repositories' generated fal price tables",
      ),
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
      price: { type: 'fixed', perImageMicros: 30_000 },
      priceSource: `https://fal.ai/models/fal-ai/bytedance/seedream/v4/text-to-image ($0.03 per image, as quoted by lumenfall.ai and public GitHub projects; the edit endpoint's $0.03 per image is fal's pricing API value as recorded in public GitHub repositories), ${READ}`,
      capabilities: capabilities('fal-ai/bytedance/seedream/v4/text-to-image', list(SEEDREAM)),
    },
  },
  {
    model: { id: 'recraft/recraft-v3', name: 'Recraft V3', aliases: ['recraft-v3'], releaseDate: '2024-10-30', curatedRank: 26 },
    offer: {
      upstreamModel: 'fal-ai/recraft/v3/text-to-image',
      // Vector styles ($0.08) are refused in params.ts, so every image sent costs the raster price.
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/recraft/v3/text-to-image',
        '"$0.04 per image (or $0.08 if you are using a vector style)"',
        "fal's pricing text as recorded in public GitHub repositories' generated fal price tables",
      ),
      // Recraft's prompt field: "maxLength 1000" in fal's schema.
      capabilities: capabilities('fal-ai/recraft/v3/text-to-image', list(RECRAFT), { maxPromptLength: 1000 }),
    },
  },
  {
    model: { id: 'ideogram/ideogram-v3', name: 'Ideogram 3.0', aliases: ['ideogram-v3'], releaseDate: '2025-03-26', curatedRank: 27 },
    offer: {
      upstreamModel: 'fal-ai/ideogram/v3',
      // rendering_speed sets the price; quality auto sends none and gets fal's default, BALANCED.
      price: {
        type: 'table',
        rows: [
          { quality: 'low', perImageMicros: 30_000 },
          { quality: 'medium', perImageMicros: 60_000 },
          { quality: 'high', perImageMicros: 90_000 },
          { perImageMicros: 60_000 },
        ],
      },
      priceSource: `https://fal.ai/models/fal-ai/ideogram/v3 ($0.03 TURBO, $0.06 BALANCED, $0.09 QUALITY per image, as quoted by public GitHub projects and LiteLLM's price table ($0.06 BALANCED); fal gives the same three figures for its Ideogram custom-models endpoint, fal.ai/models/fal-ai/ideogram/custom-models/generate/llms.txt), ${READ}`,
      capabilities: capabilities('fal-ai/ideogram/v3', list(IDEOGRAM)),
    },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-large', name: 'Stable Diffusion 3.5 Large', aliases: ['sd-3.5-large'], releaseDate: '2024-10-22', curatedRank: 28 },
    offer: {
      upstreamModel: 'fal-ai/stable-diffusion-v35-large',
      priceSource: unpriced(
        'https://fal.ai/models/fal-ai/stable-diffusion-v35-large',
        'third-party figures disagree ($0.065 per megapixel, $0.035 per megapixel "estimated", $0.02 per image) and none is fal\'s own',
      ),
      capabilities: capabilities('fal-ai/stable-diffusion-v35-large', list(FLUX)),
    },
  },
  {
    model: { id: 'qwen/qwen-image', name: 'Qwen-Image', aliases: ['qwen-image'], releaseDate: '2025-08-04', curatedRank: 29 },
    offer: {
      upstreamModel: 'fal-ai/qwen-image',
      // The same rate for its image-to-image endpoint.
      price: perMegapixel(FLUX, 20_000),
      priceSource: `https://fal.ai/models/fal-ai/qwen-image ($0.02 per megapixel for it and fal-ai/qwen-image/image-to-image, as quoted by public GitHub projects' fal price tables; rounding to whole megapixels as on fal's FLUX.1 [dev] page), ${READ}`,
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
  {
    model: { id: 'black-forest-labs/flux-kontext-max', name: 'FLUX.1 Kontext [max]', aliases: ['flux-kontext-max'], releaseDate: '2025-05-29', curatedRank: 23 },
    offer: {
      upstreamModel: 'fal-ai/flux-pro/kontext/max/text-to-image',
      price: { type: 'fixed', perImageMicros: 80_000 },
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/flux-pro/kontext/max',
        '"Price: $0.08 per images", the same for .../max/text-to-image',
        LLMS_COPY,
      ),
      capabilities: capabilities('fal-ai/flux-pro/kontext/max/text-to-image', aspect),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-pro', name: 'FLUX.2 [pro]', aliases: ['flux-2-pro'], releaseDate: '2025-11-25', curatedRank: 10 },
    offer: {
      upstreamModel: 'fal-ai/flux-2-pro',
      price: flux2ProTable(FLUX),
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/flux-2-pro',
        '"$0.03 for the first megapixel of output, plus $0.015 per extra megapixel of input and output, rounded up to the nearest megapixel"',
        LLMS_COPY,
      ),
      capabilities: capabilities('fal-ai/flux-2-pro', list(FLUX)),
    },
  },
  {
    model: { id: 'google/gemini-2.5-flash-image', name: 'Nano Banana (Gemini 2.5 Flash Image)', aliases: ['nano-banana'], releaseDate: '2025-10-02', curatedRank: 4 },
    offer: {
      upstreamModel: 'fal-ai/nano-banana',
      // The page says $0.039; fal's pricing API bills 0.0398 per image (also for the edit, as fal-ai/gemini-25-flash-image/edit).
      price: { type: 'fixed', perImageMicros: 39_800 },
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/nano-banana',
        '"Your request will cost $0.039 per image"; unit price 0.0398 per image',
        "fal's pricing text and API value as recorded in public GitHub repositories' generated fal price tables",
      ),
      capabilities: capabilities('fal-ai/nano-banana', nanoBananaAspect),
    },
  },
  {
    model: { id: 'google/gemini-3-pro-image', name: 'Nano Banana Pro (Gemini 3 Pro Image)', aliases: ['nano-banana-pro'], releaseDate: '2025-11-20', curatedRank: 2 },
    offer: {
      upstreamModel: 'fal-ai/nano-banana-pro',
      // 1K output (resolution is never sent) and no web search: the base price applies.
      price: { type: 'fixed', perImageMicros: 150_000 },
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/nano-banana-pro',
        '"$0.15 per image [...] 4K outputs will be charged at double the standard rate. If web search is used, an additional $0.015", the same for /edit',
        LLMS_COPY,
      ),
      capabilities: capabilities('fal-ai/nano-banana-pro', nanoBananaAspect),
    },
  },
  {
    model: { id: 'bytedance/seedream-4.5', name: 'Seedream 4.5', aliases: ['seedream-4.5'], releaseDate: '2025-12-03', curatedRank: 24 },
    offer: {
      upstreamModel: 'fal-ai/bytedance/seedream/v4.5/text-to-image',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/bytedance/seedream/v4.5/text-to-image',
        '"Price: $0.04 per images"; the edit endpoint\'s $0.04 per image as quoted by public GitHub projects',
        "fal's pricing text as recorded in public GitHub repositories' generated fal price tables",
      ),
      capabilities: capabilities('fal-ai/bytedance/seedream/v4.5/text-to-image', list(SEEDREAM_45), { defaultSize: '2048x2048' }),
    },
  },
  {
    model: { id: 'tencent/hunyuan-image-3', name: 'HunyuanImage 3.0', aliases: ['hunyuan-image-3'], releaseDate: '2025-09-28', curatedRank: 31 },
    offer: {
      upstreamModel: 'fal-ai/hunyuan-image/v3/text-to-image',
      price: perMegapixel(FLUX, 100_000),
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/hunyuan-image/v3/text-to-image',
        '"Price: $0.1 per megapixels"; rounding to whole megapixels as on fal\'s FLUX.1 [dev] page',
        LLMS_COPY,
      ),
      capabilities: capabilities('fal-ai/hunyuan-image/v3/text-to-image', list(FLUX)),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-dev', name: 'FLUX.2 [dev]', aliases: ['flux-2-dev'], releaseDate: '2025-11-25', curatedRank: 32 },
    offer: {
      upstreamModel: 'fal-ai/flux-2',
      // Rounded up to whole megapixels of 1024x1024 (lumenfall.ai's notes for this endpoint), as on fal's FLUX.1 [dev] page.
      price: perMegapixel(FLUX, 12_000),
      priceSource: falCopy('https://fal.ai/models/fal-ai/flux-2', '"Price: $0.012 per megapixels"', LLMS_COPY),
      capabilities: capabilities('fal-ai/flux-2', list(FLUX)),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-flex', name: 'FLUX.2 [flex]', aliases: ['flux-2-flex'], releaseDate: '2025-11-25', curatedRank: 33 },
    offer: {
      upstreamModel: 'fal-ai/flux-2-flex',
      price: perMegapixel(FLUX, 50_000),
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/flux-2-flex',
        '"$0.05 per megapixel on both input and output side, rounded up to the nearest megapixel"; text to image only here, so output only',
        LLMS_COPY,
      ),
      capabilities: capabilities('fal-ai/flux-2-flex', list(FLUX)),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-1-krea-dev', name: 'FLUX.1 Krea [dev]', aliases: ['flux-krea-dev', 'flux-1-krea-dev'], releaseDate: '2025-07-31', curatedRank: 34 },
    offer: {
      upstreamModel: 'fal-ai/flux/krea',
      price: perMegapixel(FLUX, 25_000),
      priceSource: `https://fal.ai/models/fal-ai/flux-1/krea/llms.txt ("Price: $0.025 per megapixels" for the same FLUX.1 Krea [dev]; fal's API reference for fal-ai/flux/krea: "per-megapixel pricing [...] 40 generations per $1.00 at standard sizes"; rounding to whole megapixels as on fal's FLUX.1 [dev] page), ${READ}`,
      capabilities: capabilities('fal-ai/flux/krea', list(FLUX)),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-klein-9b', name: 'FLUX.2 [klein] 9B', aliases: ['flux-2-klein-9b'], releaseDate: '2026-01-15', curatedRank: 35 },
    offer: {
      upstreamModel: 'fal-ai/flux-2/klein/9b',
      price: perMegapixel(FLUX, 6_000),
      priceSource: `https://fal.ai/models/fal-ai/flux-2/klein/9b/llms.txt ("Price: $0.006 per megapixels"; rounding to whole megapixels as on fal's FLUX.1 [dev] page), ${READ}`,
      capabilities: capabilities('fal-ai/flux-2/klein/9b', list(FLUX)),
    },
  },
  {
    model: { id: 'tencent/hunyuan-image-2.1', name: 'HunyuanImage 2.1', aliases: ['hunyuan-image-2.1'], releaseDate: '2025-09-08', curatedRank: 36 },
    offer: {
      upstreamModel: 'fal-ai/hunyuan-image/v2.1/text-to-image',
      price: perMegapixel(FLUX, 100_000),
      priceSource: falCopy(
        'https://fal.ai/models/fal-ai/hunyuan-image/v2.1/text-to-image',
        '"Price: $0.1 per megapixels"; rounding to whole megapixels as on fal\'s FLUX.1 [dev] page',
        LLMS_COPY,
      ),
      capabilities: capabilities('fal-ai/hunyuan-image/v2.1/text-to-image', list(FLUX)),
    },
  },
  {
    model: { id: 'bytedance/seedream-3', name: 'Seedream 3.0', aliases: ['seedream-3'], releaseDate: '2025-04-15', curatedRank: 37 },
    offer: {
      upstreamModel: 'fal-ai/bytedance/seedream/v3/text-to-image',
      price: { type: 'fixed', perImageMicros: 30_000 },
      priceSource: `https://fal.ai/models/fal-ai/bytedance/seedream/v3/text-to-image/llms.txt ("Price: $0.03 per images"), ${READ}`,
      capabilities: capabilities('fal-ai/bytedance/seedream/v3/text-to-image', list(SEEDREAM_3)),
    },
  },
  {
    model: { id: 'qwen/qwen-image-2512', name: 'Qwen-Image-2512', aliases: ['qwen-image-2512'], releaseDate: '2025-12-31', curatedRank: 38 },
    offer: {
      upstreamModel: 'fal-ai/qwen-image-2512',
      price: perMegapixel(FLUX, 20_000),
      priceSource: falCopy('https://fal.ai/models/fal-ai/qwen-image-2512', '"0.02 per megapixel (rounded up to the nearest megapixel)"', LLMS_COPY),
      capabilities: capabilities('fal-ai/qwen-image-2512', list(FLUX)),
    },
  },
  {
    model: { id: 'tongyi/z-image-turbo', name: 'Z-Image Turbo', aliases: ['z-image-turbo'], releaseDate: '2025-11-27', curatedRank: 39 },
    offer: {
      upstreamModel: 'fal-ai/z-image/turbo',
      // fal does not say how it rounds; whole megapixels of 1024x1024 (as its other per-megapixel pages) never under-reserve.
      price: perMegapixel(FLUX, 5_000),
      priceSource: `https://fal.ai/docs/model-api-reference/image-generation-api/z-image-turbo ("$0.005 per megapixel", "200 megapixels per $1.00 on fal"), ${READ}`,
      capabilities: capabilities('fal-ai/z-image/turbo', list(FLUX)),
    },
  },
  {
    model: { id: 'recraft/recraft-v4', name: 'Recraft V4', aliases: ['recraft-v4'], releaseDate: '2026-02-17', curatedRank: 40 },
    offer: {
      upstreamModel: 'fal-ai/recraft/v4/text-to-image',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quotedBy('https://fal.ai/models/fal-ai/recraft/v4/text-to-image', '$0.04 per image', 'https://lumenfall.ai/models/recraft-ai/recraft-v4/llms.txt ("source: official", effective 2026-03-10)'),
      // Recraft V4 takes prompts "up to 10,000 characters".
      capabilities: capabilities('fal-ai/recraft/v4/text-to-image', list(RECRAFT_V4), { maxPromptLength: 10_000 }),
    },
  },
  {
    model: { id: 'recraft/recraft-v4-pro', name: 'Recraft V4 Pro', aliases: ['recraft-v4-pro'], releaseDate: '2026-02-17', curatedRank: 41 },
    offer: {
      upstreamModel: 'fal-ai/recraft/v4/pro/text-to-image',
      price: { type: 'fixed', perImageMicros: 250_000 },
      priceSource: falCopy('https://fal.ai/models/fal-ai/recraft/v4/pro/text-to-image', '"Price: $0.25 per images"', LLMS_COPY),
      capabilities: capabilities('fal-ai/recraft/v4/pro/text-to-image', list(RECRAFT_V4_PRO), { maxPromptLength: 10_000, defaultSize: '2048x2048' }),
    },
  },
  {
    model: { id: 'recraft/recraft-v4.1', name: 'Recraft V4.1', aliases: ['recraft-v4.1'], releaseDate: '2026-05-14', curatedRank: 42 },
    offer: {
      upstreamModel: 'fal-ai/recraft/v4.1/text-to-image',
      // fal's page says $0.04; an earlier copy of it said $0.035: the higher figure is charged.
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: `https://fal.ai/models/fal-ai/recraft/v4.1/text-to-image/llms.txt ("Price: $0.04 per images"; an earlier verbatim copy in a public GitHub repository reads $0.035), ${READ}`,
      capabilities: capabilities('fal-ai/recraft/v4.1/text-to-image', list(RECRAFT_V4), { maxPromptLength: 10_000 }),
    },
  },
  {
    model: { id: 'reve/reve-image', name: 'Reve Image', aliases: ['reve-image', 'reve'], releaseDate: '2025-03-24', curatedRank: 43 },
    offer: {
      upstreamModel: 'fal-ai/reve/text-to-image',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quotedBy('https://fal.ai/models/fal-ai/reve/text-to-image', '$0.04 per image', 'https://lumenfall.ai/models/reve-ai/reve/llms.txt ("source: official", effective 2025-12-29)'),
      capabilities: capabilities('fal-ai/reve/text-to-image', reveAspect),
    },
  },
  {
    model: { id: 'hidream/hidream-i1-fast', name: 'HiDream-I1 Fast', aliases: ['hidream-i1-fast'], releaseDate: '2025-04-07', curatedRank: 44 },
    offer: {
      upstreamModel: 'fal-ai/hidream-i1-fast',
      price: perMegapixel(FLUX, 10_000),
      priceSource: quotedBy(
        'https://fal.ai/models/fal-ai/hidream-i1-fast',
        '$0.01 per megapixel; rounding to whole megapixels as on fal\'s FLUX.1 [dev] page',
        'https://lumenfall.ai/models/hidream-ai/hidream-i1-fast/llms.txt ("source: official", effective 2026-01-02)',
      ),
      capabilities: capabilities('fal-ai/hidream-i1-fast', list(FLUX)),
    },
  },
];
