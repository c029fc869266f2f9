import { LIMITS } from '../../api/imageRequest.js';
import type { Capabilities, PriceRule, ProviderModel } from '../../catalog/types.js';
import { MAX_N, MODEL_RULES, SIZE_RULE, STANDARD_SIZES } from './params.js';

/**
 * The image models served through Together AI. Capabilities follow from each model's request mapping
 * in params.ts, so the catalog cannot promise what the adapter does not send.
 *
 * Which models: Together's serverless image catalog as of 2026-10-07, as Together itself republishes
 * it in github.com/togethercomputer/skills (skills/together-ai/references/images/models.md): it
 * says FLUX.1 [schnell], FLUX.1 [dev], Imagen 4.0, HiDream, DreamShaper and SD 3 Medium "are no
 * longer listed", and neither FLUX.1 Kontext [dev] nor FLUX.1 Krea [dev] (retired 2026-05-27) is in
 * it, so black-forest-labs/flux-schnell, flux-dev, flux-kontext-dev, flux-1-krea-dev,
 * google/imagen-4 and hidream/hidream-i1-full are not offered here.
 *
 * FLUX.2 [dev] and [flex] are partner-hosted: Together answers 403 third_party_data_sharing_blocked unless the
 * organization enables third-party data sharing (models.md above).
 *
 * Prices: Together bills every one of these per megapixel of output (FLUX prices are "at the
 * default step count", see params.ts). together.ai/pricing could not be read from where these were
 * written; each source names the page that quotes Together's figure.
 */

const READ = '2026-11-21';
const ONE_API = 'https://github.com/Laisky/one-api/blob/main/relay/adaptor/togetherai/constants.go';
const quoted = (figure: string, page: string) => `${page} (${figure}, as quoted by ${ONE_API}), read ${READ}`;
const PRICING = 'https://www.together.ai/pricing';
const SERVERLESS = 'https://docs.together.ai/docs/serverless-models';

const perMegapixel = (micros: number): PriceRule => ({ type: 'per_megapixel', perMegapixelMicros: micros });

function capabilities(upstreamModel: string): Capabilities {
  const rules = MODEL_RULES[upstreamModel]!;
  return {
    sizes: SIZE_RULE,
    defaultSize: '1024x1024',
    listedSizes: ['auto', ...STANDARD_SIZES],
    quality: false, // no quality setting in the API
    edit: rules.imageInput,
    mask: false, // no mask field
    maxImagesPerCall: MAX_N,
    maxInputImages: rules.imageInput ? 1 : 0,
    promptRequired: true, // `prompt` is required
    maxPromptLength: LIMITS.maxPromptLength, // "Maximum length varies by model", never stated
    outputFormats: ['webp', 'jpeg', 'png'], // the pipeline converts what the model makes
    transparentBackground: false,
    extras: Object.keys(rules.extras),
  };
}

export const models: ProviderModel[] = [
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-1.1-pro'], releaseDate: '2024-10-02', curatedRank: 20 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX.1.1-pro',
      price: perMegapixel(40_000),
      priceSource: quoted('$0.04 per megapixel', PRICING),
      capabilities: capabilities('black-forest-labs/FLUX.1.1-pro'),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-pro', name: 'FLUX.1 Kontext [pro]', aliases: ['flux-kontext-pro'], releaseDate: '2025-05-29', curatedRank: 15 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX.1-kontext-pro',
      price: perMegapixel(40_000),
      priceSource: quoted('$0.04 per megapixel at the default 28 steps', PRICING),
      capabilities: capabilities('black-forest-labs/FLUX.1-kontext-pro'),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-max', name: 'FLUX.1 Kontext [max]', aliases: ['flux-kontext-max'], releaseDate: '2025-05-29', curatedRank: 23 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX.1-kontext-max',
      price: perMegapixel(80_000),
      priceSource: quoted('$0.08 per megapixel at the default 28 steps', PRICING),
      capabilities: capabilities('black-forest-labs/FLUX.1-kontext-max'),
    },
  },
  {
    model: { id: 'bytedance/seedream-4', name: 'Seedream 4.0', aliases: ['seedream-4'], releaseDate: '2025-09-09', curatedRank: 10 },
    offer: {
      upstreamModel: 'ByteDance-Seed/Seedream-4.0',
      price: perMegapixel(30_000),
      priceSource: quoted('$0.03 per megapixel', SERVERLESS),
      capabilities: capabilities('ByteDance-Seed/Seedream-4.0'),
    },
  },
  {
    model: { id: 'qwen/qwen-image', name: 'Qwen-Image', aliases: ['qwen-image'], releaseDate: '2025-08-04', curatedRank: 29 },
    offer: {
      upstreamModel: 'Qwen/Qwen-Image',
      price: perMegapixel(5_800),
      priceSource: quoted('$0.0058 per megapixel', SERVERLESS),
      capabilities: capabilities('Qwen/Qwen-Image'),
    },
  },
  {
    model: { id: 'stability/sdxl', name: 'Stable Diffusion XL', aliases: ['sdxl'], releaseDate: '2023-07-26', curatedRank: 70 },
    offer: {
      upstreamModel: 'stabilityai/stable-diffusion-xl-base-1.0',
      price: perMegapixel(1_900),
      priceSource: quoted('$0.0019 per megapixel', SERVERLESS),
      capabilities: capabilities('stabilityai/stable-diffusion-xl-base-1.0'),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-dev', name: 'FLUX.2 [dev]', aliases: ['flux-2-dev'], releaseDate: '2025-11-25', curatedRank: 32 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX.2-dev',
      price: perMegapixel(15_400),
      priceSource: quoted('$0.0154 per megapixel', PRICING),
      capabilities: capabilities('black-forest-labs/FLUX.2-dev'),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-flex', name: 'FLUX.2 [flex]', aliases: ['flux-2-flex'], releaseDate: '2025-11-25', curatedRank: 33 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX.2-flex',
      price: perMegapixel(30_000),
      priceSource: quoted('$0.03 per megapixel', PRICING),
      capabilities: capabilities('black-forest-labs/FLUX.2-flex'),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-max', name: 'FLUX.2 [max]', aliases: ['flux-2-max'], releaseDate: '2025-12-01', curatedRank: 14 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX.2-max',
      price: perMegapixel(70_000),
      priceSource: quoted('$0.07 per megapixel', PRICING),
      capabilities: capabilities('black-forest-labs/FLUX.2-max'),
    },
  },
  {
    model: { id: 'bytedance/seedream-3', name: 'Seedream 3.0', aliases: ['seedream-3'], releaseDate: '2025-04-15', curatedRank: 37 },
    offer: {
      upstreamModel: 'ByteDance-Seed/Seedream-3.0',
      price: perMegapixel(18_000),
      priceSource: quoted('$0.018 per megapixel', SERVERLESS),
      capabilities: capabilities('ByteDance-Seed/Seedream-3.0'),
    },
  },
];
