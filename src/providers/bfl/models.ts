import type { Capabilities, PriceRule, ProviderModel } from '../../catalog/types.js';

/**
 * The models BFL's API serves (paths and fields from https://api.bfl.ai/openapi.json). The upstream
 * model is the endpoint's path. Prices are BFL's published ones, in micro-USD (1 credit = $0.01).
 */

const FLUX1_PRICES = 'https://docs.bfl.ml/quick_start/pricing, read 2026-11-21';
const FLUX2_PRICES =
  'https://bfl.ai/pricing (per-megapixel rates as BFL publishes them in github.com/black-forest-labs/skills, skills/bfl-api/SKILL.md), read 2026-11-21';

/** "Aspect ratio of the image between 21:9 and 9:21" (Ultra and Kontext): the usual ratios in that span. */
const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16', '9:21'];

const common = {
  quality: false,
  mask: false,
  maxImagesPerCall: 1, // one image per job; the router fans out n
  // The docs give no prompt limit for FLUX.1 (FLUX.2: "up to 32K tokens"): the API's own ceiling applies.
  maxPromptLength: 32000,
  // BFL makes jpeg or png; the pipeline transcodes to webp.
  outputFormats: ['webp', 'jpeg', 'png'],
  // No BFL model documents a transparent background.
  transparentBackground: false,
} satisfies Partial<Capabilities>;

/** FLUX1.1 [pro] and FLUX.1 [dev]: width and height, 256-1440 in multiples of 32 (their default is 1024x768). */
const flux1Pixels = {
  ...common,
  sizes: { kind: 'range', min: 256, max: 1440, multipleOf: 32 },
  defaultSize: '1024x768',
  listedSizes: ['auto', '1024x1024', '1024x768', '768x1024', '1344x768', '768x1344', '1440x1440'],
  edit: false, // image_prompt (Redux) steers rather than edits: not offered as image-to-image
  maxInputImages: 0,
  promptRequired: false, // prompt defaults to "" in the schema
} satisfies Partial<Capabilities>;

/** Kontext: aspect_ratio (images of about 1 MP), up to 4 input images (2-4 are "Experimental Multiref"). */
const kontext: Capabilities = {
  ...common,
  sizes: { kind: 'aspect', ratios: ASPECT_RATIOS },
  defaultSize: '1024x1024',
  listedSizes: ['auto', '1024x1024', '1280x720', '720x1280', '1024x768', '768x1024'],
  edit: true,
  maxInputImages: 4,
  promptRequired: true,
  extras: ['seed', 'safety_tolerance', 'prompt_upsampling'],
};

/** FLUX.2 [pro] and [max] (schema Flux2Inputs): width/height from 64, multiples of 16 and at most 4 MP; 8 input images. */
const flux2: Capabilities = {
  ...common,
  sizes: { kind: 'range', min: 64, max: 2048, multipleOf: 16 },
  defaultSize: '1024x1024',
  listedSizes: ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1088', '1088x1920', '2048x2048'],
  edit: true,
  maxInputImages: 8,
  promptRequired: true,
  extras: ['seed', 'safety_tolerance'],
};

/**
 * FLUX.2 is priced per megapixel (cents): a first output megapixel, then each further output
 * megapixel and every input megapixel at a lower rate. BFL reports each job's cost, which is what is
 * charged; this is the most a job can cost, reserved beforehand: the largest output (2048x2048) with
 * every input counted at that size too (the docs do not say how inputs are capped).
 */
function flux2Price(firstMpCents: number, furtherMpCents: number, maxInputs: number): PriceRule {
  const largest = (2048 * 2048) / 1_000_000;
  const cents = firstMpCents + (largest - 1) * furtherMpCents + maxInputs * largest * furtherMpCents;
  return { type: 'reported', maxPerImageMicros: Math.ceil(cents * 10_000) };
}

export const models: ProviderModel[] = [
  {
    model: { id: 'black-forest-labs/flux-2-pro', name: 'FLUX.2 [pro]', aliases: ['flux-2-pro'], releaseDate: '2025-11-25', curatedRank: 10 },
    offer: { upstreamModel: 'flux-2-pro', price: flux2Price(3, 1.5, 8), priceSource: FLUX2_PRICES, capabilities: flux2 },
  },
  {
    model: { id: 'black-forest-labs/flux-2-max', name: 'FLUX.2 [max]', aliases: ['flux-2-max'], releaseDate: '2025-12-01', curatedRank: 14 },
    offer: { upstreamModel: 'flux-2-max', price: flux2Price(7, 3, 8), priceSource: FLUX2_PRICES, capabilities: flux2 },
  },
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-pro-1.1'], releaseDate: '2024-10-02', curatedRank: 20 },
    offer: {
      upstreamModel: 'flux-pro-1.1',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: FLUX1_PRICES,
      capabilities: { ...flux1Pixels, extras: ['seed', 'safety_tolerance', 'prompt_upsampling'] },
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-pro', name: 'FLUX.1 Kontext [pro]', aliases: ['flux-kontext-pro'], releaseDate: '2025-05-29', curatedRank: 21 },
    offer: { upstreamModel: 'flux-kontext-pro', price: { type: 'fixed', perImageMicros: 40_000 }, priceSource: FLUX1_PRICES, capabilities: kontext },
  },
  {
    model: { id: 'black-forest-labs/flux-1.1-pro-ultra', name: 'FLUX1.1 [pro] ultra', aliases: ['flux-pro-1.1-ultra'], releaseDate: '2024-11-06', curatedRank: 22 },
    offer: {
      upstreamModel: 'flux-pro-1.1-ultra',
      // Raw mode (`raw: true`) is priced the same: "FLUX1.1 [pro] Raw 6 credits".
      price: { type: 'fixed', perImageMicros: 60_000 },
      priceSource: FLUX1_PRICES,
      capabilities: {
        ...common,
        // Ultra makes images of up to 4 MP in the ratio asked for (its default is 16:9).
        sizes: { kind: 'aspect', ratios: ASPECT_RATIOS },
        defaultSize: '2048x2048',
        listedSizes: ['auto', '2048x2048', '2560x1440', '1440x2560', '2304x1728', '1728x2304'],
        edit: false, // image_prompt remixes rather than edits: not offered as image-to-image
        maxInputImages: 0,
        promptRequired: false,
        extras: ['seed', 'safety_tolerance', 'prompt_upsampling', 'raw'],
      },
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-max', name: 'FLUX.1 Kontext [max]', aliases: ['flux-kontext-max'], releaseDate: '2025-05-29', curatedRank: 23 },
    offer: { upstreamModel: 'flux-kontext-max', price: { type: 'fixed', perImageMicros: 80_000 }, priceSource: FLUX1_PRICES, capabilities: kontext },
  },
  {
    model: { id: 'black-forest-labs/flux-dev', name: 'FLUX.1 [dev]', aliases: ['flux-dev'], releaseDate: '2024-08-01', curatedRank: 30 },
    offer: {
      upstreamModel: 'flux-dev',
      // The API serves /v1/flux-dev, but BFL's pricing page lists no price for it: unpriced, so this
      // offer is skipped until the operator sets one (other providers of the model still serve it).
      priceSource: `none published: ${FLUX1_PRICES}`,
      capabilities: { ...flux1Pixels, extras: ['seed', 'safety_tolerance', 'prompt_upsampling', 'steps', 'guidance'] },
    },
  },
];
