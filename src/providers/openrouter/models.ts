import type { Capabilities, PriceRule, ProviderModel } from '../../catalog/types.js';
import { MODEL_SPECS } from './params.js';

/**
 * Models served through OpenRouter's Image API, under the shared ids so their offers merge with the
 * direct providers'. OpenRouter charges each call's `usage.cost`, so prices are `reported`; the ceiling
 * is the dearest image the offer can ask for, from OpenRouter's model pages (which pass the makers'
 * rates through). Model pages were read through public mirrors of openrouter.ai on 2026-11-21.
 */

const READ = 'read 2026-11-21; charged as reported in usage.cost';

const capabilities = (upstreamModel: string, listedSizes: string[], defaultSize = '1024x1024'): Capabilities => {
  const spec = MODEL_SPECS[upstreamModel]!;
  return {
    sizes: { kind: 'aspect', ratios: spec.aspectRatios },
    defaultSize,
    listedSizes,
    quality: spec.quality,
    edit: spec.maxInputImages > 0, // reference images go in as input_references
    mask: false,
    maxImagesPerCall: spec.maxImages,
    maxInputImages: spec.maxInputImages,
    promptRequired: true,
    maxPromptLength: 32000,
    outputFormats: ['webp', 'jpeg', 'png'], // the pipeline transcodes what comes back
    transparentBackground: false,
    extras: Object.keys(spec.extras),
  };
};

/**
 * FLUX.2 on OpenRouter: a first output megapixel, then each further output megapixel and every input
 * megapixel at a lower rate. The ceiling is the largest output (2K, 2048x2048) with all 8 inputs
 * counted at that size too, as the BFL offer does.
 */
function flux2Price(firstMpMicros: number, furtherMpMicros: number): PriceRule {
  const largest = (2048 * 2048) / 1_000_000;
  return { type: 'reported', maxPerImageMicros: Math.ceil(firstMpMicros + (largest - 1) * furtherMpMicros + 8 * largest * furtherMpMicros) };
}

export const models: ProviderModel[] = [
  {
    model: { id: 'google/gemini-3-pro-image', name: 'Nano Banana Pro (Gemini 3 Pro Image)', aliases: ['nano-banana-pro'], releaseDate: '2025-11-20', curatedRank: 2 },
    offer: {
      // The GA slug (`google/gemini-3-pro-image-preview` was the preview's, as on Google's own API).
      upstreamModel: 'google/gemini-3-pro-image',
      // $2/M input tokens, image output at Google's $120/M (1K/2K $0.134, 4K $0.24 per image).
      // Ceiling as the Google offer's: 4K 240,000 + prompt 16,000 + 14 input images 31,360, rounded up.
      price: { type: 'reported', maxPerImageMicros: 290_000 },
      priceSource: `https://openrouter.ai/google/gemini-3-pro-image-preview ($2/M input, $12/M text output) as mirrored by aicoach.pw, with Google's image-output rate (https://ai.google.dev/gemini-api/docs/pricing), ${READ}`,
      capabilities: capabilities('google/gemini-3-pro-image', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1080', '1080x1920', '2048x2048', '4096x4096']),
    },
  },
  {
    model: { id: 'openai/gpt-image-2', name: 'GPT Image 2', aliases: ['gpt-image-2'], releaseDate: '2026-04-21', curatedRank: 8 },
    offer: {
      upstreamModel: 'openai/gpt-image-2',
      // OpenAI's token rates ($5 text in, $8 image in, $30 image out per 1M); at most 2K here. Ceiling
      // as the OpenAI offer's: 2048x2048 at high quality plus a prompt and image-input allowance.
      price: { type: 'reported', maxPerImageMicros: 600_000 },
      priceSource: `https://openrouter.ai/docs/guides/overview/multimodal/image-generation (openai/gpt-image-2 on the Image API; its model page not in the reachable copy) with OpenAI's rates (https://developers.openai.com/api/docs/pricing), ${READ}`,
      capabilities: capabilities('openai/gpt-image-2', ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048', '2048x1152', '1152x2048']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-pro', name: 'FLUX.2 [pro]', aliases: ['flux-2-pro'], releaseDate: '2025-11-25', curatedRank: 10 },
    offer: {
      upstreamModel: 'black-forest-labs/flux.2-pro',
      price: flux2Price(30_000, 15_000),
      priceSource: `https://openrouter.ai/black-forest-labs/flux.2-pro ("$0.015 for each megapixel on the input [...] The first megapixel is charged $0.03 and then each subsequent MP will be charged $0.015"), ${READ}`,
      capabilities: capabilities('black-forest-labs/flux.2-pro', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1088', '1088x1920', '2048x2048']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-max', name: 'FLUX.2 [max]', aliases: ['flux-2-max'], releaseDate: '2025-12-01', curatedRank: 14 },
    offer: {
      upstreamModel: 'black-forest-labs/flux.2-max',
      price: flux2Price(70_000, 30_000),
      priceSource: `https://openrouter.ai/black-forest-labs/flux.2-max ("$0.03 for each megapixel on the input [...] The first generated megapixel is charged $0.07. Each subsequent megapixel is charged $0.03") as mirrored by openrouter.haiouai.com, ${READ}`,
      capabilities: capabilities('black-forest-labs/flux.2-max', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1088', '1088x1920', '2048x2048']),
    },
  },
  {
    model: { id: 'bytedance/seedream-4.5', name: 'Seedream 4.5', aliases: ['seedream-4.5'], releaseDate: '2025-12-03', curatedRank: 24 },
    offer: {
      upstreamModel: 'bytedance-seed/seedream-4.5',
      price: { type: 'reported', maxPerImageMicros: 40_000 },
      priceSource: `https://openrouter.ai/bytedance-seed/seedream-4.5 ("Pricing is $0.04 per output image, regardless of size") as mirrored by amlak-ai.pages.dev, ${READ}`,
      capabilities: capabilities('bytedance-seed/seedream-4.5', ['auto', '2048x2048', '2560x1440', '1440x2560', '2304x1728', '1728x2304', '4096x4096'], '2048x2048'),
    },
  },
  {
    model: { id: 'google/gemini-2.5-flash-image', name: 'Nano Banana (Gemini 2.5 Flash Image)', aliases: ['nano-banana'], releaseDate: '2025-10-02', curatedRank: 35 },
    offer: {
      upstreamModel: 'google/gemini-2.5-flash-image',
      // $0.30/M input, image output at Google's $30/M (1,290 tokens, $0.039 per image). Ceiling as the
      // Google offer's: 38,700 + prompt 2,400 + 3 input images 9,000, rounded up.
      price: { type: 'reported', maxPerImageMicros: 51_000 },
      priceSource: `https://openrouter.ai/google/gemini-2.5-flash-image ($0.30/M input, $2.50/M text output) as mirrored by amlak-ai.pages.dev, with Google's image-output rate (https://ai.google.dev/gemini-api/docs/pricing), ${READ}`,
      capabilities: capabilities('google/gemini-2.5-flash-image', ['auto', '1024x1024', '1248x832', '832x1248', '1344x768', '768x1344', '1184x864', '864x1184']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-flex', name: 'FLUX.2 [flex]', aliases: ['flux-2-flex'], releaseDate: '2025-11-25', curatedRank: 33 },
    offer: {
      upstreamModel: 'black-forest-labs/flux.2-flex',
      price: flux2Price(60_000, 60_000),
      priceSource: `https://openrouter.ai/black-forest-labs/flux.2-flex/api ("We charge $0.06 for each megapixel on both input and output side"), ${READ}`,
      capabilities: capabilities('black-forest-labs/flux.2-flex', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1088', '1088x1920', '2048x2048']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-2-klein-4b', name: 'FLUX.2 [klein] 4B', aliases: ['flux-2-klein-4b'], releaseDate: '2026-01-15', curatedRank: 45 },
    offer: {
      upstreamModel: 'black-forest-labs/flux.2-klein-4b',
      // The largest output asked for is 2K (2048x2048, 4.19 MP): $0.014 + 3.19 x $0.001.
      price: { type: 'reported', maxPerImageMicros: Math.ceil(14_000 + ((2048 * 2048) / 1_000_000 - 1) * 1_000) },
      priceSource: `https://openrouter.ai/black-forest-labs/flux.2-klein-4b ("Pricing is based on the output image. The first generated megapixel is charged $0.014. Each subsequent megapixel is charged $0.001."), ${READ}`,
      capabilities: capabilities('black-forest-labs/flux.2-klein-4b', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1088', '1088x1920', '2048x2048']),
    },
  },
];
