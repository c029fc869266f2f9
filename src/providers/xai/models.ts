import type { Capabilities, PriceRule, ProviderModel } from '../../catalog/types.js';
import { MAX_IMAGES, MAX_INPUT_IMAGES, MODEL_SPECS, XAI_RATIOS } from './params.js';

/**
 * xAI's Grok Imagine image models. Every answer carries what the call was billed
 * (`usage.cost_in_usd_ticks`, https://docs.x.ai/developers/cost-tracking), so prices are `reported`
 * and capped at a ceiling. Image generation is "flat per-image pricing"; "image edits are billed for
 * both the input image and the generated output image" (https://docs.x.ai/developers/model-capabilities/images),
 * at a rate the pages we could read do not give. Each ceiling therefore counts the dearest output
 * and every input image (up to 3) as if it cost an output image too: 4 x the per-image price.
 *
 * grok-2-image(-1212) is not declared: it is gone from xAI's current model list and guides.
 */

const ceiling = (perImageMicros: number): PriceRule => ({ type: 'reported', maxPerImageMicros: perImageMicros * (1 + MAX_INPUT_IMAGES) });

const capabilities = (upstreamModel: string, listedSizes: string[]): Capabilities => ({
  sizes: { kind: 'aspect', ratios: XAI_RATIOS },
  defaultSize: '1024x1024',
  listedSizes,
  quality: Boolean(MODEL_SPECS[upstreamModel]!.quality),
  edit: true,
  mask: false, // edits are steered by the prompt
  maxImagesPerCall: MAX_IMAGES,
  maxInputImages: MAX_INPUT_IMAGES,
  promptRequired: true,
  maxPromptLength: 32000, // the docs give no limit; xAI's own 400 applies
  outputFormats: ['webp', 'jpeg', 'png'], // xAI makes JPEGs; the pipeline transcodes
  transparentBackground: false,
  extras: [],
});

const SIZES = ['auto', '1024x1024', '1024x768', '768x1024', '1280x720', '720x1280', '2048x2048', '2560x1440', '1440x2560'];

export const models: ProviderModel[] = [
  {
    model: { id: 'xai/grok-imagine-image-2.0', name: 'Grok Imagine Image 2.0', aliases: ['grok-imagine-image-2.0'], releaseDate: '2026-08-07', curatedRank: 11 },
    offer: {
      upstreamModel: 'grok-imagine-image-2.0',
      // $0.04 per image at its default; $0.02-0.08 by resolution and quality. Ceiling from $0.08.
      price: ceiling(80_000),
      priceSource:
        'https://docs.x.ai/developers/models/grok-imagine-image-2.0 as quoted by models.dev (github.com/anomalyco/models.dev, "$0.04 per image", released 2026-08-07) and docs.apiyi.com ("$0.02-0.08 per image" by resolution and quality, xAI\'s list prices), read 2026-11-21; charged as reported by cost_in_usd_ticks',
      capabilities: capabilities('grok-imagine-image-2.0', [...SIZES, '1536x1536']),
    },
  },
  {
    // Replaces grok-imagine-image-pro ("deprecated as of May 15, 2026. Use grok-imagine-image-quality").
    model: { id: 'xai/grok-imagine-image-quality', name: 'Grok Imagine Image Quality', aliases: ['grok-imagine-image-quality'], releaseDate: '2026-04-03', curatedRank: 13 },
    offer: {
      upstreamModel: 'grok-imagine-image-quality',
      price: ceiling(50_000),
      priceSource:
        'https://docs.x.ai/developers/models (xAI\'s page not in the reachable copy) as quoted by atlascloud.ai ("USD0.05 per image output") and public model tables ($0.05), read 2026-11-21; charged as reported by cost_in_usd_ticks',
      capabilities: capabilities('grok-imagine-image-quality', SIZES),
    },
  },
  {
    model: { id: 'xai/grok-imagine-image', name: 'Grok Imagine Image', aliases: ['grok-imagine-image'], releaseDate: '2026-01-28', curatedRank: 16 },
    offer: {
      upstreamModel: 'grok-imagine-image',
      price: ceiling(20_000),
      priceSource:
        'https://docs.x.ai/docs/guides/video-generation (Imagine overview: image generation and editing "$0.02 / image", 1K & 2K) and https://docs.x.ai/developers/cost-tracking ("An image generation with cost_in_usd_ticks: 200000000 cost $0.02"), read 2026-11-21; charged as reported by cost_in_usd_ticks',
      capabilities: capabilities('grok-imagine-image', SIZES),
    },
  },
];
