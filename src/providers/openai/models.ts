import type { Capabilities, ProviderModel } from '../../catalog/types.js';
import { MODEL_RULES } from './params.js';

/**
 * OpenAI's image models. GPT image models are billed by tokens (text and image input, image output),
 * so they are priced from the usage each answer reports, capped at the dearest image (high quality,
 * largest size); DALL·E models have a fixed price per image by size and quality.
 *
 * Status as OpenAI's model pages showed it on 2026-11-21: gpt-image-1 "shut down on 2026-10-23",
 * dall-e-3 and dall-e-2 "deprecated and removed from the API", gpt-image-1-mini "deprecated". They
 * stay listed for accounts and compatible base URLs that still serve them.
 */

const rules = (upstreamModel: string) => MODEL_RULES[upstreamModel]!;

/** Sizes, images per call, inputs and extras come from the same table the request mapping uses. */
function capabilities(upstreamModel: string, own: Pick<Capabilities, 'quality' | 'maxPromptLength' | 'transparentBackground'>): Capabilities {
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
    extras: Object.keys(r.extras),
    ...own,
  };
}

const gptImage = { quality: true, maxPromptLength: 32000, transparentBackground: true };

export const models: ProviderModel[] = [
  {
    model: { id: 'openai/gpt-image-1.5', name: 'GPT Image 1.5', aliases: ['gpt-image-1.5'], releaseDate: '2025-12-16', curatedRank: 3 },
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
    model: { id: 'openai/gpt-image-1', name: 'GPT Image 1', aliases: ['gpt-image-1'], releaseDate: '2025-04-23', curatedRank: 8 },
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
    model: { id: 'openai/gpt-image-1-mini', name: 'GPT Image 1 mini', aliases: ['gpt-image-1-mini'], releaseDate: '2025-10-06', curatedRank: 12 },
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
    model: { id: 'openai/dall-e-3', name: 'DALL·E 3', aliases: ['dall-e-3'], releaseDate: '2023-11-06', curatedRank: 30 },
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
      capabilities: capabilities('dall-e-3', { quality: true, maxPromptLength: 4000, transparentBackground: false }),
    },
  },
  {
    model: { id: 'openai/dall-e-2', name: 'DALL·E 2', aliases: ['dall-e-2'], releaseDate: '2022-11-03', curatedRank: 60 },
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
      capabilities: capabilities('dall-e-2', { quality: false, maxPromptLength: 1000, transparentBackground: false }),
    },
  },
];
