import type { Capabilities, ProviderModel } from '../../catalog/types.js';

/**
 * The image services of Stability's Stable Image API. The upstream model is the service (`core`,
 * `ultra`, `inpaint`) or, for /generate/sd3, the `model` value. Each service charges a flat number
 * of credits per successful generation, as its reference page says under "Credits"; Stability sells
 * credits at $10 per 1,000 (https://platform.stability.ai/pricing), so 1 credit = $0.01 = 10,000
 * micro-USD. Failed and moderated (403) requests are not charged.
 *
 * Inpainting is its own service (/edit/inpaint, its own model and price, no model parameter), so it
 * is its own model here: a mask sent to Ultra, Core or an SD3.5 model is refused rather than served
 * quietly by another model at another price.
 */

const REFERENCE = 'https://platform.stability.ai/docs/api-reference#tag';
const CREDIT = '1 credit = $0.01: https://platform.stability.ai/pricing sells 1,000 for $10';
const source = (anchor: string, quote: string) => `${REFERENCE}/${anchor}/post ("${quote}"; ${CREDIT}), read 2026-11-21`;
const GENERATE_SD3 = 'Generate/paths/~1v2beta~1stable-image~1generate~1sd3';
const credits = (amount: number) => ({ type: 'fixed' as const, perImageMicros: Math.round(amount * 10_000) });

/** The `aspect_ratio` enum of /generate/core, /ultra and /sd3. */
export const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'];

const common = {
  sizes: { kind: 'aspect', ratios: ASPECT_RATIOS },
  defaultSize: '1024x1024',
  // Sizes of exactly the documented ratios; Stability picks the pixels (1 MP, 1.5 MP for Core).
  listedSizes: ['auto', '1024x1024', '1280x720', '720x1280', '1536x1024', '1024x1536', '1280x1024', '1024x1280', '1344x576', '576x1344'],
  quality: false,
  mask: false,
  maxImagesPerCall: 1, // one image per request; the router fans n out
  promptRequired: true, // "prompt: required, 1..10000 characters" on every service
  maxPromptLength: 10_000,
  outputFormats: ['webp', 'jpeg', 'png'],
  transparentBackground: false,
} satisfies Partial<Capabilities>;

const core: Capabilities = { ...common, edit: false, maxInputImages: 0, extras: ['negative_prompt', 'seed', 'style_preset'] };
/** Ultra takes an optional `image` with the `strength` it then requires. */
const ultra: Capabilities = { ...common, edit: true, maxInputImages: 1, extras: ['negative_prompt', 'seed', 'style_preset', 'strength'] };
/** SD3.5: `mode=image-to-image` with `image` and `strength`; `cfg_scale` only here. */
const sd3: Capabilities = { ...common, edit: true, maxInputImages: 1, extras: ['negative_prompt', 'seed', 'style_preset', 'cfg_scale', 'strength'] };
/** Inpaint: the output keeps the input image's size, so sizes are not asked for (see params.ts). */
const inpaint: Capabilities = { ...common, edit: true, mask: true, maxInputImages: 1, extras: ['negative_prompt', 'seed', 'style_preset', 'grow_mask'] };

export const models: ProviderModel[] = [
  {
    model: { id: 'stability/stable-image-ultra', name: 'Stable Image Ultra', aliases: ['stable-image-ultra'], releaseDate: '2024-04-17', curatedRank: 24 },
    offer: {
      upstreamModel: 'ultra',
      price: credits(8),
      priceSource: source('Generate/paths/~1v2beta~1stable-image~1generate~1ultra', 'The Ultra service uses 8 credits per successful result'),
      capabilities: ultra,
    },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-large', name: 'Stable Diffusion 3.5 Large', aliases: ['sd-3.5-large', 'sd3.5-large'], releaseDate: '2024-10-22', curatedRank: 28 },
    offer: { upstreamModel: 'sd3.5-large', price: credits(6.5), priceSource: source(GENERATE_SD3, 'SD 3.5 Large: Flat rate of 6.5 credits per successful generation'), capabilities: sd3 },
  },
  {
    model: { id: 'stability/stable-image-core', name: 'Stable Image Core', aliases: ['stable-image-core'], releaseDate: '2024-04-17', curatedRank: 32 },
    offer: {
      upstreamModel: 'core',
      price: credits(3),
      priceSource: source('Generate/paths/~1v2beta~1stable-image~1generate~1core', 'Flat rate of 3 credits per successful generation'),
      capabilities: core,
    },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-large-turbo', name: 'Stable Diffusion 3.5 Large Turbo', aliases: ['sd3.5-large-turbo'], releaseDate: '2024-10-22', curatedRank: 34 },
    offer: { upstreamModel: 'sd3.5-large-turbo', price: credits(4), priceSource: source(GENERATE_SD3, 'SD 3.5 Large Turbo: Flat rate of 4 credits per successful generation'), capabilities: sd3 },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-medium', name: 'Stable Diffusion 3.5 Medium', aliases: ['sd3.5-medium'], releaseDate: '2024-10-29', curatedRank: 36 },
    offer: { upstreamModel: 'sd3.5-medium', price: credits(3.5), priceSource: source(GENERATE_SD3, 'SD 3.5 Medium: Flat rate of 3.5 credits per successful generation'), capabilities: sd3 },
  },
  {
    // "A distilled version of Stable Diffusion 3.5 Medium ... a 4 step process instead of 40".
    model: { id: 'stability/stable-diffusion-3.5-flash', name: 'Stable Diffusion 3.5 Flash', aliases: ['sd3.5-flash'], releaseDate: '2025-09-25', curatedRank: 38 },
    offer: { upstreamModel: 'sd3.5-flash', price: credits(2.5), priceSource: source(GENERATE_SD3, 'SD 3.5 Flash: Flat rate of 2.5 credits per successful generation'), capabilities: sd3 },
  },
  {
    model: { id: 'stability/stable-image-inpaint', name: 'Stable Image Inpaint', aliases: ['stable-image-inpaint'], releaseDate: '2024-04-17', curatedRank: 45 },
    offer: {
      upstreamModel: 'inpaint',
      price: credits(5),
      priceSource: source('Edit/paths/~1v2beta~1stable-image~1edit~1inpaint', 'Flat rate of 5 credits per successful generation'),
      capabilities: inpaint,
    },
  },
];
