import type { Capabilities, PriceRule, ProviderModel } from '../../catalog/types.js';
import { MODEL_RULES } from './params.js';

/**
 * OpenAI's image models. GPT image models are billed by tokens (text and image input, image output),
 * so they are priced from the usage each answer reports, capped at a ceiling; DALL·E models have a
 * fixed price per image by size and quality.
 *
 * Lifecycle as https://developers.openai.com/api/docs/deprecations and the model pages showed it on
 * 2026-11-21: current are gpt-image-2.6-sunburst / -flare (the recommended replacements), then
 * gpt-image-2.5-sunburst / -flare and gpt-image-2. Deprecated: gpt-image-1.5 and gpt-image-1-mini
 * (shutdown 2026-12-01). Shut down: gpt-image-1 (2026-10-23), dall-e-3 and dall-e-2 (2026-05-12).
 * The old ones stay declared, ranked last, for accounts and compatible base URLs that still serve them.
 */

const rules = (upstreamModel: string) => MODEL_RULES[upstreamModel]!;

/** Sizes, images per call, inputs, extras and transparency come from the table the request mapping uses. */
function capabilities(upstreamModel: string, own: Pick<Capabilities, 'quality' | 'maxPromptLength'>): Capabilities {
  const r = rules(upstreamModel);
  return {
    sizes: { kind: 'list', sizes: [...r.sizes] },
    defaultSize: '1024x1024',
    listedSizes: ['auto', ...r.sizes],
    edit: r.maxInputImages > 0,
    mask: r.maxInputImages > 0,
    maxImagesPerCall: r.maxN,
    maxInputImages: r.maxInputImages,
    promptRequired: true,
    // The pipeline transcodes DALL·E's PNGs; GPT image models make all three natively.
    outputFormats: ['webp', 'jpeg', 'png'],
    transparentBackground: r.transparentBackground,
    extras: Object.keys(r.extras),
    ...own,
  };
}

const gptImage = { quality: true, maxPromptLength: 32000 };

/**
 * GPT Image 2, 2.5 and 2.6 share one price: $5 text input, $8 image input, $30 image output per 1M
 * tokens (model pages and https://developers.openai.com/api/docs/pricing; OpenAI publishes no per-image
 * price for them). The ceiling is the dearest listed image at the top quality plus an input allowance:
 * 14,272 output tokens ($0.428, 2048x2048 at `high` on gpt-image-2 / `max` on 2.5 and 2.6, by the
 * token formula of OpenAI's image cost calculator) + 8,000 prompt tokens ($0.04) + about 16,500
 * image-input tokens ($0.132). OpenAI documents no token count per input image for these models, so
 * an edit whose reference images take more than that is charged at most the ceiling.
 */
const GPT_IMAGE_2_PRICE: PriceRule = {
  type: 'reported',
  maxPerImageMicros: 600_000,
  tokens: { inputPerMillionMicros: 5_000_000, imageInputPerMillionMicros: 8_000_000, outputPerMillionMicros: 30_000_000 },
};
const GPT_IMAGE_2_CALCULATOR =
  'token counts per size and quality: the formula behind the calculator at https://developers.openai.com/api/docs/guides/image-generation#calculating-costs, as published at https://community.openai.com/t/gpt-image-2-output-pricing-calculator-online-and-in-your-code/1382699 (reproduces the guide\'s 7,024 tokens for 1024x1024 high)';
const gptImage2Source = (modelPage: string) =>
  `${modelPage} and https://developers.openai.com/api/docs/pricing (text in $5, image in $8, image out $30 per 1M tokens), read 2026-11-21; ${GPT_IMAGE_2_CALCULATOR}`;

export const models: ProviderModel[] = [
  {
    model: { id: 'openai/gpt-image-2.6-sunburst', name: 'GPT Image 2.6 Sunburst', aliases: ['gpt-image-2.6-sunburst'], releaseDate: '2026-11-04', curatedRank: 1 },
    offer: {
      upstreamModel: 'gpt-image-2.6-sunburst',
      price: GPT_IMAGE_2_PRICE,
      priceSource: gptImage2Source('https://developers.openai.com/api/docs/models/gpt-image-2.6-sunburst'),
      capabilities: capabilities('gpt-image-2.6-sunburst', gptImage),
    },
  },
  {
    model: { id: 'openai/gpt-image-2.6-flare', name: 'GPT Image 2.6 Flare', aliases: ['gpt-image-2.6-flare'], releaseDate: '2026-11-04', curatedRank: 3 },
    offer: {
      upstreamModel: 'gpt-image-2.6-flare',
      price: GPT_IMAGE_2_PRICE,
      priceSource: gptImage2Source('https://developers.openai.com/api/docs/models/gpt-image-2.6-flare'),
      capabilities: capabilities('gpt-image-2.6-flare', gptImage),
    },
  },
  {
    // There is no bare `gpt-image-2.5`: the 2.5 generation is two models (snapshots -2026-09-08).
    model: { id: 'openai/gpt-image-2.5-sunburst', name: 'GPT Image 2.5 Sunburst', aliases: ['gpt-image-2.5-sunburst'], releaseDate: '2026-09-08', curatedRank: 5 },
    offer: {
      upstreamModel: 'gpt-image-2.5-sunburst',
      price: GPT_IMAGE_2_PRICE,
      priceSource: gptImage2Source('https://developers.openai.com/api/docs/models/gpt-image-2.5-sunburst'),
      capabilities: capabilities('gpt-image-2.5-sunburst', gptImage),
    },
  },
  {
    model: { id: 'openai/gpt-image-2.5-flare', name: 'GPT Image 2.5 Flare', aliases: ['gpt-image-2.5-flare'], releaseDate: '2026-09-08', curatedRank: 6 },
    offer: {
      upstreamModel: 'gpt-image-2.5-flare',
      price: GPT_IMAGE_2_PRICE,
      priceSource: gptImage2Source('https://developers.openai.com/api/docs/models/gpt-image-2.5-flare'),
      capabilities: capabilities('gpt-image-2.5-flare', gptImage),
    },
  },
  {
    model: { id: 'openai/gpt-image-2', name: 'GPT Image 2', aliases: ['gpt-image-2'], releaseDate: '2026-04-21', curatedRank: 8 },
    offer: {
      upstreamModel: 'gpt-image-2',
      price: GPT_IMAGE_2_PRICE,
      priceSource: gptImage2Source('https://developers.openai.com/api/docs/models/gpt-image-2'),
      capabilities: capabilities('gpt-image-2', gptImage),
    },
  },
  {
    // Deprecated: shutdown 2026-12-01 (replacement gpt-image-2.6-sunburst or -flare).
    model: { id: 'openai/gpt-image-1.5', name: 'GPT Image 1.5', aliases: ['gpt-image-1.5'], releaseDate: '2025-12-16', curatedRank: 40 },
    offer: {
      upstreamModel: 'gpt-image-1.5',
      price: {
        type: 'reported',
        maxPerImageMicros: 200_000, // high quality, 1024x1536
        tokens: { inputPerMillionMicros: 5_000_000, imageInputPerMillionMicros: 8_000_000, outputPerMillionMicros: 32_000_000 },
      },
      priceSource:
        'https://developers.openai.com/api/docs/pricing (not in the reachable copy; figures as mirrored by https://www.llmreference.com/model/gpt-image-1.5/openai-api, refreshed 2026-05-10: text in $5, image in $8, image out $32 per 1M tokens, high 1024x1536 $0.20), read 2026-11-21',
      capabilities: capabilities('gpt-image-1.5', gptImage),
    },
  },
  {
    // Shut down on OpenAI's API on 2026-10-23.
    model: { id: 'openai/gpt-image-1', name: 'GPT Image 1', aliases: ['gpt-image-1'], releaseDate: '2025-04-23', curatedRank: 70 },
    offer: {
      upstreamModel: 'gpt-image-1',
      price: {
        type: 'reported',
        maxPerImageMicros: 250_000, // high quality, 1024x1536 and 1536x1024
        tokens: { inputPerMillionMicros: 5_000_000, imageInputPerMillionMicros: 10_000_000, outputPerMillionMicros: 40_000_000 },
      },
      priceSource: 'https://developers.openai.com/ja-JP/api/docs/models/gpt-image-1, read 2026-11-21',
      capabilities: capabilities('gpt-image-1', gptImage),
    },
  },
  {
    // Deprecated: shutdown 2026-12-01 (replacement gpt-image-2.6-sunburst or -flare).
    model: { id: 'openai/gpt-image-1-mini', name: 'GPT Image 1 mini', aliases: ['gpt-image-1-mini'], releaseDate: '2025-10-06', curatedRank: 45 },
    offer: {
      upstreamModel: 'gpt-image-1-mini',
      price: {
        type: 'reported',
        maxPerImageMicros: 52_000, // high quality, 1024x1536 and 1536x1024
        tokens: { inputPerMillionMicros: 2_000_000, imageInputPerMillionMicros: 2_500_000, outputPerMillionMicros: 8_000_000 },
      },
      priceSource: 'https://developers.openai.com/de-DE/api/docs/models/gpt-image-1-mini, read 2026-11-21',
      capabilities: capabilities('gpt-image-1-mini', gptImage),
    },
  },
  {
    // Shut down on OpenAI's API (2026-05-12).
    model: { id: 'openai/dall-e-3', name: 'DALL·E 3', aliases: ['dall-e-3'], releaseDate: '2023-11-06', curatedRank: 80 },
    offer: {
      upstreamModel: 'dall-e-3',
      // hd rows first: the first matching row wins, and every other quality is sent as standard.
      price: {
        type: 'table',
        rows: [
          { size: '1024x1024', quality: 'high', perImageMicros: 80_000 },
          { size: '1792x1024', quality: 'high', perImageMicros: 120_000 },
          { size: '1024x1792', quality: 'high', perImageMicros: 120_000 },
          { size: '1024x1024', perImageMicros: 40_000 },
          { size: '1792x1024', perImageMicros: 80_000 },
          { size: '1024x1792', perImageMicros: 80_000 },
        ],
      },
      priceSource:
        'https://openai.com/api/pricing as mirrored in https://github.com/kevinhermawan/Canvas/blob/main/model-info.json (pricing_updated_at 2023-12-25); https://developers.openai.com/api/docs/models/dall-e-3 no longer lists a price; read 2026-11-21',
      capabilities: capabilities('dall-e-3', { quality: true, maxPromptLength: 4000 }),
    },
  },
  {
    // Shut down on OpenAI's API (2026-05-12).
    model: { id: 'openai/dall-e-2', name: 'DALL·E 2', aliases: ['dall-e-2'], releaseDate: '2022-11-03', curatedRank: 90 },
    offer: {
      upstreamModel: 'dall-e-2',
      price: {
        type: 'table',
        rows: [
          { size: '256x256', perImageMicros: 16_000 },
          { size: '512x512', perImageMicros: 18_000 },
          { size: '1024x1024', perImageMicros: 20_000 },
        ],
      },
      priceSource:
        'https://openai.com/api/pricing as mirrored in https://github.com/kevinhermawan/Canvas/blob/main/model-info.json (pricing_updated_at 2023-12-25); https://developers.openai.com/api/docs/models/dall-e-2 no longer lists a price; read 2026-11-21',
      // One quality only ("standard"); a 1000-character prompt limit.
      capabilities: capabilities('dall-e-2', { quality: false, maxPromptLength: 1000 }),
    },
  },
];
