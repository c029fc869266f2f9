import type { Capabilities, ProviderModel } from '../../catalog/types.js';
import { IMAGEN_MAX_SAMPLES, IMAGEN_RATIOS, UPSTREAM_SPECS } from './params.js';

/**
 * The Gemini API's image models. Prices are Google's paid-tier prices in integer micro-USD. Gemini
 * image models are billed by token (https://ai.google.dev/gemini-api/docs/pricing), so they use
 * `reported` prices from `usageMetadata`; each ceiling is the documented largest output plus a
 * generous input allowance (8,000 prompt tokens and every input image at its largest token count).
 */

const PRICING_PAGE = 'https://ai.google.dev/gemini-api/docs/pricing';

const geminiCapabilities = (upstreamModel: string, listedSizes: string[], maxInputImages: number): Capabilities => ({
  sizes: { kind: 'aspect', ratios: UPSTREAM_SPECS[upstreamModel]!.aspectRatios },
  defaultSize: '1024x1024',
  listedSizes,
  quality: false,
  edit: true, // input images go in as inline_data parts
  mask: false, // edits are steered by the prompt alone
  maxImagesPerCall: 1, // one image per generateContent call
  maxInputImages,
  promptRequired: true,
  maxPromptLength: 32000,
  outputFormats: ['webp', 'jpeg', 'png'],
  transparentBackground: false,
  extras: ['seed'],
});

const imagenCapabilities = (listedSizes: string[]): Capabilities => ({
  sizes: { kind: 'aspect', ratios: IMAGEN_RATIOS },
  defaultSize: '1024x1024',
  listedSizes,
  quality: false,
  edit: false, // text-to-image only on the Gemini API
  mask: false,
  maxImagesPerCall: IMAGEN_MAX_SAMPLES,
  maxInputImages: 0,
  promptRequired: true,
  maxPromptLength: 32000, // the docs give 480 tokens; longer prompts get Google's own 400
  outputFormats: ['webp', 'jpeg', 'png'],
  transparentBackground: false,
  extras: ['person_generation'],
});

/**
 * Nano Banana 2.1 and 2 Lite prices: the pricing page as transcribed, with its "tokens per image", in
 * two public codebases (the page itself is not in the reachable copy): github.com code citing "the
 * official Gemini API pricing page ... Last updated 2026-10-09 UTC" (GEMINI_IMAGE_MODELS) and a price
 * table "asOf 2026-10-08" that notes the 4K token count (pricing page 3,780, model docs 2,520; the
 * higher one is used). LiteLLM's day-0 post (docs.litellm.ai, 2026-10-06) gives the same 2.1 rates.
 */
const TRANSCRIBED = 'read 2026-11-21 through transcriptions of its 2026-10-08/09 version (rates and tokens per image) in public code and LiteLLM\'s Nano Banana 2.1 post';

export const models: ProviderModel[] = [
  {
    // Google's successor to Nano Banana 2 (gemini-3.1-flash-image, deprecated 2026-10-06 and shut down on the
    // Gemini API on 2026-10-29 per the same sources, so not declared here):
    // https://ai.google.dev/gemini-api/docs/models/gemini-nano-banana-2.1, released 2026-10-07.
    model: { id: 'google/gemini-nano-banana-2.1', name: 'Nano Banana 2.1', aliases: ['nano-banana-2.1'], releaseDate: '2026-10-07', curatedRank: 4 },
    offer: {
      upstreamModel: 'gemini-nano-banana-2.1',
      // $1.50 / 1M input tokens, $30 / 1M image output tokens: 1,120 tokens at 1K ($0.0336), 1,680 at 2K,
      // 3,780 at 4K ($0.1134). Thinking tokens ($7.50 / 1M) are not counted, see response.ts.
      // Ceiling: 4K 113,400 + prompt 8,000 tokens 12,000 + 14 images x 1,120 tokens 23,520, rounded up.
      price: { type: 'reported', maxPerImageMicros: 150_000, tokens: { inputPerMillionMicros: 1_500_000, imageInputPerMillionMicros: 1_500_000, outputPerMillionMicros: 30_000_000 } },
      priceSource: `${PRICING_PAGE}, ${TRANSCRIBED}`,
      // Up to 14 reference images (10 objects, 4 characters).
      capabilities: geminiCapabilities('gemini-nano-banana-2.1', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1080', '1080x1920', '2048x2048', '4096x4096', '4096x1024', '1024x4096'], 14),
    },
  },
  {
    // Nano Banana 2 Lite, stable, released 2026-06-30: https://ai.google.dev/gemini-api/docs/models/gemini-3.1-flash-lite-image
    // (1K only; ratios 1:1, 3:2, 2:3, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9).
    model: { id: 'google/gemini-3.1-flash-lite-image', name: 'Nano Banana 2 Lite (Gemini 3.1 Flash Lite Image)', aliases: ['nano-banana-2-lite'], releaseDate: '2026-06-30', curatedRank: 7 },
    offer: {
      upstreamModel: 'gemini-3.1-flash-lite-image',
      // $0.25 / 1M input tokens, $30 / 1M image output tokens (1,120 tokens, $0.0336 per image).
      // Ceiling: 33,600 + prompt 8,000 tokens 2,000 + 14 images x 1,120 tokens 3,920, rounded up.
      price: { type: 'reported', maxPerImageMicros: 40_000, tokens: { inputPerMillionMicros: 250_000, imageInputPerMillionMicros: 250_000, outputPerMillionMicros: 30_000_000 } },
      priceSource: `${PRICING_PAGE}, ${TRANSCRIBED}`,
      // The model page gives no input-image limit (65,536 input tokens); 14 is what gateways serving it accept.
      capabilities: geminiCapabilities('gemini-3.1-flash-lite-image', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1080', '1080x1920'], 14),
    },
  },
  {
    model: { id: 'google/gemini-3-pro-image', name: 'Nano Banana Pro (Gemini 3 Pro Image)', aliases: ['nano-banana-pro'], releaseDate: '2025-11-20', curatedRank: 2 },
    offer: {
      // GA name since 2026-05-28; `gemini-3-pro-image-preview` was shut down on 2026-06-25
      // (https://ai.google.dev/gemini-api/docs/deprecations).
      upstreamModel: 'gemini-3-pro-image',
      // $2.00 / 1M input tokens (text and image), $120 / 1M image output tokens ($0.134 per 1K/2K
      // image, $0.24 per 4K). Ceiling: 4K 2,000 tokens 240,000 + prompt 16,000 + 14 images x 1,120 tokens 31,360, rounded up.
      price: { type: 'reported', maxPerImageMicros: 290_000, tokens: { inputPerMillionMicros: 2_000_000, imageInputPerMillionMicros: 2_000_000, outputPerMillionMicros: 120_000_000 } },
      priceSource: `${PRICING_PAGE}, read 2026-11-21 (through a verbatim transcription of 2026-09-20)`,
      capabilities: geminiCapabilities('gemini-3-pro-image', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1080', '1080x1920', '2048x2048', '4096x4096'], 14),
    },
  },
  {
    model: { id: 'google/gemini-2.5-flash-image', name: 'Nano Banana (Gemini 2.5 Flash Image)', aliases: ['nano-banana'], releaseDate: '2025-10-02', curatedRank: 35 },
    offer: {
      // Deprecated: https://ai.google.dev/gemini-api/docs/deprecations gives 2026-10-02 as its earliest
      // shutdown date, which has passed; gateways report it still answers. Kept, ranked below the current models.
      upstreamModel: 'gemini-2.5-flash-image',
      // $0.30 / 1M input tokens, $30 / 1M image output tokens (1,290 tokens, $0.039 per image).
      // Ceiling: 38,700 + prompt 2,400 + 3 images x 10,000 tokens 9,000 (large inputs are tiled), rounded up.
      price: { type: 'reported', maxPerImageMicros: 51_000, tokens: { inputPerMillionMicros: 300_000, imageInputPerMillionMicros: 300_000, outputPerMillionMicros: 30_000_000 } },
      priceSource: `${PRICING_PAGE}, read 2026-11-21 (through a transcription of 2026-08-24)`,
      // The output sizes Google lists per aspect ratio (https://ai.google.dev/gemini-api/docs/image-generation);
      // it "works best with up to 3 images as input".
      capabilities: geminiCapabilities('gemini-2.5-flash-image', ['auto', '1024x1024', '832x1248', '1248x832', '864x1184', '1184x864', '896x1152', '1152x896', '768x1344', '1344x768', '1536x672'], 3),
    },
  },
];

/**
 * Imagen 4 on the Gemini API. Google shut every Imagen model down on 2026-08-17
 * (https://ai.google.dev/gemini-api/docs/imagen: "Imagen models are shut down. Use Nano Banana"),
 * so these are not in `models`: listing them would sell models that answer 404. The adapter still
 * speaks `:predict`, for a compatible base URL or in case Google brings them back.
 * Prices: $0.04 / $0.06 / $0.02 per image, from the pricing page before the shutdown (quoted at
 * https://discuss.ai.google.dev/t/issue-with-url-context-tooling/101173).
 */
const IMAGEN_PRICE_SOURCE = `${PRICING_PAGE} before Imagen's shutdown, as quoted at https://discuss.ai.google.dev/t/issue-with-url-context-tooling/101173, read 2026-11-21`;
const imagenSizes = ['auto', '1024x1024', '1920x1080', '1080x1920', '1600x1200', '1200x1600'];

export const imagenModels: ProviderModel[] = [
  {
    model: { id: 'google/imagen-4', name: 'Imagen 4', releaseDate: '2025-08-14', curatedRank: 20 },
    offer: { upstreamModel: 'imagen-4.0-generate-001', price: { type: 'fixed', perImageMicros: 40_000 }, priceSource: IMAGEN_PRICE_SOURCE, capabilities: imagenCapabilities([...imagenSizes, '2048x2048']) },
  },
  {
    model: { id: 'google/imagen-4-ultra', name: 'Imagen 4 Ultra', releaseDate: '2025-08-14', curatedRank: 24 },
    offer: { upstreamModel: 'imagen-4.0-ultra-generate-001', price: { type: 'fixed', perImageMicros: 60_000 }, priceSource: IMAGEN_PRICE_SOURCE, capabilities: imagenCapabilities([...imagenSizes, '2048x2048']) },
  },
  {
    model: { id: 'google/imagen-4-fast', name: 'Imagen 4 Fast', releaseDate: '2025-08-14', curatedRank: 22 },
    offer: { upstreamModel: 'imagen-4.0-fast-generate-001', price: { type: 'fixed', perImageMicros: 20_000 }, priceSource: IMAGEN_PRICE_SOURCE, capabilities: imagenCapabilities(imagenSizes) },
  },
];
