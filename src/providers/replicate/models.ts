import { LIMITS } from '../../api/imageRequest.js';
import type { Capabilities, ProviderModel } from '../../catalog/types.js';
import { MODEL_INPUTS, sizeRule } from './params.js';

/**
 * The models served through Replicate. Capabilities follow from each model's input mapping in
 * params.ts, so the catalog cannot promise what the adapter does not send.
 *
 * Prices are Replicate's per-image prices for official models. replicate.com could not be fetched
 * from where these were written, so each source names the page that quotes Replicate's price.
 */

const READ = '2026-11-21';
const quoted = (replicateUrl: string, via: string) => `${replicateUrl} (as quoted by ${via}), read ${READ}`;
const OPENAI_HK = 'https://oauth.openai-hk.com/docs/en/lab/replicate.html';

function capabilities(upstreamModel: string, defaultSize: string, listedSizes: string[]): Capabilities {
  const spec = MODEL_INPUTS[upstreamModel]!;
  return {
    sizes: sizeRule(spec),
    defaultSize,
    listedSizes,
    quality: false, // none of these schemas has a quality setting
    edit: spec.images !== undefined,
    mask: false, // none of these schemas takes a mask
    maxImagesPerCall: spec.count?.max ?? 1,
    maxInputImages: spec.images?.max ?? 0,
    promptRequired: true, // `prompt` is required in every schema here
    maxPromptLength: LIMITS.maxPromptLength, // the schemas give no maximum
    outputFormats: ['webp', 'jpeg', 'png'], // the pipeline converts what the model makes
    transparentBackground: false,
    extras: Object.keys(spec.extras),
  };
}

export const models: ProviderModel[] = [
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-1.1-pro'], releaseDate: '2024-10-02', curatedRank: 20 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-1.1-pro',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-1.1-pro', 'https://lumenfall.ai/models/black-forest-labs/flux1.1-pro and ' + OPENAI_HK),
      capabilities: capabilities('black-forest-labs/flux-1.1-pro', '1024x1024', ['auto', '512x512', '1024x1024', '1024x768', '768x1024', '1440x960', '960x1440']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-1.1-pro-ultra', name: 'FLUX1.1 [pro] Ultra', aliases: ['flux-1.1-pro-ultra'], releaseDate: '2024-11-06', curatedRank: 25 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-1.1-pro-ultra',
      price: { type: 'fixed', perImageMicros: 60_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-1.1-pro-ultra', OPENAI_HK),
      // Up to 4 megapixels; only the shape of the size reaches the model.
      capabilities: capabilities('black-forest-labs/flux-1.1-pro-ultra', '2048x2048', ['auto', '2048x2048']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-dev', name: 'FLUX.1 [dev]', aliases: ['flux-dev'], releaseDate: '2024-08-01', curatedRank: 40 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-dev',
      price: { type: 'fixed', perImageMicros: 25_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-dev', OPENAI_HK),
      capabilities: capabilities('black-forest-labs/flux-dev', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-schnell', name: 'FLUX.1 [schnell]', aliases: ['flux-schnell'], releaseDate: '2024-08-01', curatedRank: 30 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-schnell',
      price: { type: 'fixed', perImageMicros: 3_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-schnell', 'https://lumenfall.ai/models/black-forest-labs/flux.1-schnell/llms.txt'),
      capabilities: capabilities('black-forest-labs/flux-schnell', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-pro', name: 'FLUX.1 Kontext [pro]', aliases: ['flux-kontext-pro'], releaseDate: '2025-05-29', curatedRank: 15 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-kontext-pro',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-kontext-pro', OPENAI_HK),
      capabilities: capabilities('black-forest-labs/flux-kontext-pro', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'bytedance/seedream-4', name: 'Seedream 4.0', aliases: ['seedream-4'], releaseDate: '2025-09-09', curatedRank: 10 },
    offer: {
      upstreamModel: 'bytedance/seedream-4',
      price: { type: 'fixed', perImageMicros: 30_000 },
      priceSource: quoted('https://replicate.com/bytedance/seedream-4', 'https://lumenfall.ai/models/bytedance/seedream-4/llms.txt'),
      // The schema's own default: size 2K, width and height 2048.
      capabilities: capabilities('bytedance/seedream-4', '2048x2048', ['auto', '1024x1024', '2048x2048', '2304x1728', '1728x2304', '4096x4096']),
    },
  },
  {
    model: { id: 'recraft/recraft-v3', name: 'Recraft V3', aliases: ['recraft-v3'], releaseDate: '2024-10-30', curatedRank: 35 },
    offer: {
      upstreamModel: 'recraft-ai/recraft-v3',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/recraft-ai/recraft-v3', OPENAI_HK),
      capabilities: capabilities('recraft-ai/recraft-v3', '1024x1024', ['auto', '1024x1024', '1365x1024', '1024x1365', '1536x1024', '1024x1536', '1820x1024', '1024x1820']),
    },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-large', name: 'Stable Diffusion 3.5 Large', aliases: ['sd-3.5-large'], releaseDate: '2024-10-22', curatedRank: 60 },
    offer: {
      upstreamModel: 'stability-ai/stable-diffusion-3.5-large',
      price: { type: 'fixed', perImageMicros: 65_000 },
      priceSource: quoted('https://replicate.com/stability-ai/stable-diffusion-3.5-large', 'https://lumenfall.ai/models/stability-ai/stable-diffusion-3.5-large/llms.txt'),
      capabilities: capabilities('stability-ai/stable-diffusion-3.5-large', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'google/imagen-4', name: 'Imagen 4', aliases: ['imagen-4'], releaseDate: '2025-05-20', curatedRank: 12 },
    offer: {
      upstreamModel: 'google/imagen-4',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/google/imagen-4', 'https://lumenfall.ai/models/google/imagen-4.0-generate-001/llms.txt'),
      capabilities: capabilities('google/imagen-4', '1024x1024', ['auto', '1024x1024']),
    },
  },
];
