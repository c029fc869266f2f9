import type { ModelEntry } from './types.js';

/**
 * The model catalog as data. Each entry lists its providers in priority order with their own names,
 * prices and limits. Real providers join in the providers issue; `test/test` is always here.
 */
export const MODELS: ModelEntry[] = [
  {
    id: 'test/test',
    name: 'Test model (free, local, deterministic)',
    aliases: ['test'],
    releaseDate: '2025-01-01',
    curatedRank: 0,
    providers: [
      {
        provider: 'test',
        upstreamModel: 'test',
        price: { type: 'free' },
        capabilities: {
          sizes: { kind: 'range', min: 64, max: 4096, multipleOf: 1 },
          defaultSize: '1024x1024',
          listedSizes: ['auto', '256x256', '512x512', '1024x1024', '1024x1536', '1536x1024', '1792x1024', '1024x1792'],
          quality: true,
          edit: true,
          mask: true,
          maxImagesPerCall: 10,
          maxInputImages: 16,
          promptRequired: false,
          maxPromptLength: 32000,
          outputFormats: ['webp', 'jpeg', 'png'],
          transparentBackground: true,
        },
      },
    ],
  },
];
