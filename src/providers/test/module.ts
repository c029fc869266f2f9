import type { ProviderModule } from '../module.js';
import { TestProvider } from './index.js';

/** The free local `test/test` model: always available, no key, no network. */
export const testModule: ProviderModule = {
  id: 'test',
  name: 'pixelrouter test model',
  envPrefix: 'PIXELROUTER_TEST',
  defaultBaseUrl: 'local:',
  create: () => new TestProvider(),
  models: [
    {
      model: { id: 'test/test', name: 'Test model (free, local, deterministic)', aliases: ['test'], releaseDate: '2025-01-01', curatedRank: 1000 },
      offer: {
        upstreamModel: 'test',
        price: { type: 'free' },
        priceSource: 'free: generated locally',
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
          extras: ['seed'],
        },
      },
    },
  ],
};
