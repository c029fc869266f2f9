import { LIMITS } from '../../api/imageRequest.js';
import type { Capabilities, ProviderModel } from '../../catalog/types.js';
import { MODEL_SPECS } from './params.js';

/**
 * The image models served through DeepInfra, each with the price on its own page
 * (deepinfra.com/{model}/api, read 2026-11-21). Capabilities follow from the request mapping in
 * params.ts.
 *
 * FLUX.1 [schnell] and [dev] are priced per pixel and per step; they go through the native API,
 * which reports each call's cost, so they are `reported` prices: charged what DeepInfra reports,
 * never above the page's formula at the largest size and the most steps the adapter sends.
 *
 * Not offered: stability/sdxl (DeepInfra's stability-ai/sdxl is billed per second of GPU time,
 * "$0.0005 / sec", which no ceiling can be read from), and bytedance/seedream-4, qwen/qwen-image and
 * hidream/hidream-i1-full (no DeepInfra page for them could be found, so neither their input schema
 * nor a price).
 */

const READ = '2026-11-21';
const page = (model: string, price: string) => `https://deepinfra.com/${model}/api ("${price}"), read ${READ}`;

function capabilities(upstreamModel: string, defaultSize: string, listedSizes: string[]): Capabilities {
  const spec = MODEL_SPECS[upstreamModel]!;
  return {
    sizes: spec.sizeRule,
    defaultSize,
    listedSizes,
    quality: false, // no quality setting
    edit: false, // no input images on these models' documented APIs
    mask: false,
    maxImagesPerCall: spec.maxN,
    maxInputImages: 0,
    promptRequired: true,
    maxPromptLength: LIMITS.maxPromptLength, // the pages state no maximum
    outputFormats: ['webp', 'jpeg', 'png'], // the pipeline converts the PNGs these models make
    transparentBackground: false,
    extras: Object.keys(spec.extras),
  };
}

const FLUX_LISTED = ['auto', '1024x1024', '1024x768', '768x1024', '1024x576', '576x1024', '512x512'];

export const models: ProviderModel[] = [
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-1.1-pro'], releaseDate: '2024-10-02', curatedRank: 20 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX-1.1-pro',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: page('black-forest-labs/FLUX-1.1-pro', '$0.04 / image'),
      capabilities: capabilities('black-forest-labs/FLUX-1.1-pro', '1024x1024', ['auto', '1024x1024', '1024x768', '768x1024', '1440x960', '960x1440']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-schnell', name: 'FLUX.1 [schnell]', aliases: ['flux-schnell'], releaseDate: '2024-08-01', curatedRank: 30 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX-1-schnell',
      // 1024x1024 at 4 steps: $0.0005 x 1 x 1 x 4.
      price: { type: 'reported', maxPerImageMicros: 2_000 },
      priceSource: page('black-forest-labs/FLUX-1-schnell', '$0.0005 x (width / 1024) x (height / 1024) x iters'),
      capabilities: capabilities('black-forest-labs/FLUX-1-schnell', '1024x1024', FLUX_LISTED),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-dev', name: 'FLUX.1 [dev]', aliases: ['flux-dev'], releaseDate: '2024-08-01', curatedRank: 40 },
    offer: {
      upstreamModel: 'black-forest-labs/FLUX-1-dev',
      // 1024x1024 at 25 steps: $0.009 x 1 x 1 x 1.
      price: { type: 'reported', maxPerImageMicros: 9_000 },
      priceSource: page('black-forest-labs/FLUX-1-dev', '$0.009 x (width / 1024) x (height / 1024) x (iters / 25)'),
      capabilities: capabilities('black-forest-labs/FLUX-1-dev', '1024x1024', FLUX_LISTED),
    },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-large', name: 'Stable Diffusion 3.5 Large', aliases: ['sd-3.5-large'], releaseDate: '2024-10-22', curatedRank: 60 },
    offer: {
      upstreamModel: 'stabilityai/sd3.5',
      price: { type: 'fixed', perImageMicros: 60_000 },
      priceSource: page('stabilityai/sd3.5', '$0.06 / img'),
      // About one megapixel in each ratio ("ideal for professional use cases at 1 megapixel").
      capabilities: capabilities('stabilityai/sd3.5', '1024x1024', ['auto', '1024x1024', '1344x768', '768x1344', '1216x832', '832x1216']),
    },
  },
];
