import { LIMITS } from '../../api/imageRequest.js';
import type { Capabilities, ProviderModel } from '../../catalog/types.js';
import { MODEL_INPUTS, sizeRule } from './params.js';

/**
 * The models served through Replicate. Capabilities follow from each model's input mapping in
 * params.ts, so the catalog cannot promise what the adapter does not send.
 *
 * Prices are Replicate's per-image prices for official models. replicate.com could not be fetched
 * from where these were written, so each source names the page that quotes Replicate's price (or,
 * for luma/photon, the stored copy of Replicate's own page).
 *
 * Not added: black-forest-labs/flux-2-dev and flux-2-flex (billed per input and output megapixel in two tiers, which a
 * fixed price cannot express), black-forest-labs/flux-krea-dev (quotes of its price disagree: $0.025 and $0.06),
 * black-forest-labs/flux-2-pro (billed per run plus per input and output megapixel, which
 * a fixed price cannot express; BFL's own offer serves it), recraft-ai/recraft-v3-svg (SVG output:
 * rasterising it would sell recraft-v3 at twice the price), minimax/image-01 (no quote of Replicate's
 * price found that names its source).
 */

const READ = '2026-11-21';
const quoted = (replicateUrl: string, via: string) => `${replicateUrl} (as quoted by ${via}), read ${READ}`;
const OPENAI_HK = 'https://oauth.openai-hk.com/docs/en/lab/replicate.html';
/** Per-model price lines copied from replicate.com model pages, snapshot of 2026-02-07. */
const SYSTEMSCULPT = 'https://github.com/SystemSculpt/obsidian-systemsculpt-ai/blob/main/src/services/canvasflow/ReplicateModelCatalog.ts (snapshot of 2026-02-07)';
const lumenfall = (path: string) => `https://lumenfall.ai/models/${path}`;

function capabilities(upstreamModel: string, defaultSize: string, listedSizes: string[]): Capabilities {
  const spec = MODEL_INPUTS[upstreamModel]!;
  return {
    sizes: sizeRule(spec),
    defaultSize,
    listedSizes,
    quality: false, // none of these schemas has a quality setting
    edit: spec.images !== undefined,
    mask: false, // none of these schemas takes a mask
    maxImagesPerCall: spec.count?.max ?? 1,
    maxInputImages: spec.images?.max ?? 0,
    promptRequired: true, // `prompt` is required in every schema here
    maxPromptLength: LIMITS.maxPromptLength, // the schemas give no maximum
    outputFormats: ['webp', 'jpeg', 'png'], // the pipeline converts what the model makes
    transparentBackground: false,
    extras: Object.keys(spec.extras),
  };
}

export const models: ProviderModel[] = [
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-1.1-pro'], releaseDate: '2024-10-02', curatedRank: 20 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-1.1-pro',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-1.1-pro', 'https://lumenfall.ai/models/black-forest-labs/flux1.1-pro and ' + OPENAI_HK),
      capabilities: capabilities('black-forest-labs/flux-1.1-pro', '1024x1024', ['auto', '512x512', '1024x1024', '1024x768', '768x1024', '1440x960', '960x1440']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-1.1-pro-ultra', name: 'FLUX1.1 [pro] Ultra', aliases: ['flux-1.1-pro-ultra'], releaseDate: '2024-11-06', curatedRank: 25 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-1.1-pro-ultra',
      price: { type: 'fixed', perImageMicros: 60_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-1.1-pro-ultra', OPENAI_HK),
      // Up to 4 megapixels; only the shape of the size reaches the model.
      capabilities: capabilities('black-forest-labs/flux-1.1-pro-ultra', '2048x2048', ['auto', '2048x2048']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-dev', name: 'FLUX.1 [dev]', aliases: ['flux-dev'], releaseDate: '2024-08-01', curatedRank: 40 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-dev',
      price: { type: 'fixed', perImageMicros: 25_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-dev', OPENAI_HK),
      capabilities: capabilities('black-forest-labs/flux-dev', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-schnell', name: 'FLUX.1 [schnell]', aliases: ['flux-schnell'], releaseDate: '2024-08-01', curatedRank: 30 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-schnell',
      price: { type: 'fixed', perImageMicros: 3_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-schnell', 'https://lumenfall.ai/models/black-forest-labs/flux.1-schnell/llms.txt'),
      capabilities: capabilities('black-forest-labs/flux-schnell', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-pro', name: 'FLUX.1 Kontext [pro]', aliases: ['flux-kontext-pro'], releaseDate: '2025-05-29', curatedRank: 15 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-kontext-pro',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-kontext-pro', OPENAI_HK),
      capabilities: capabilities('black-forest-labs/flux-kontext-pro', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'bytedance/seedream-4', name: 'Seedream 4.0', aliases: ['seedream-4'], releaseDate: '2025-09-09', curatedRank: 10 },
    offer: {
      upstreamModel: 'bytedance/seedream-4',
      price: { type: 'fixed', perImageMicros: 30_000 },
      priceSource: quoted('https://replicate.com/bytedance/seedream-4', 'https://lumenfall.ai/models/bytedance/seedream-4/llms.txt'),
      // The schema's own default: size 2K, width and height 2048.
      capabilities: capabilities('bytedance/seedream-4', '2048x2048', ['auto', '1024x1024', '2048x2048', '2304x1728', '1728x2304', '4096x4096']),
    },
  },
  {
    model: { id: 'recraft/recraft-v3', name: 'Recraft V3', aliases: ['recraft-v3'], releaseDate: '2024-10-30', curatedRank: 35 },
    offer: {
      upstreamModel: 'recraft-ai/recraft-v3',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/recraft-ai/recraft-v3', OPENAI_HK),
      capabilities: capabilities('recraft-ai/recraft-v3', '1024x1024', ['auto', '1024x1024', '1365x1024', '1024x1365', '1536x1024', '1024x1536', '1820x1024', '1024x1820']),
    },
  },
  {
    model: { id: 'stability/stable-diffusion-3.5-large', name: 'Stable Diffusion 3.5 Large', aliases: ['sd-3.5-large'], releaseDate: '2024-10-22', curatedRank: 60 },
    offer: {
      upstreamModel: 'stability-ai/stable-diffusion-3.5-large',
      price: { type: 'fixed', perImageMicros: 65_000 },
      priceSource: quoted('https://replicate.com/stability-ai/stable-diffusion-3.5-large', 'https://lumenfall.ai/models/stability-ai/stable-diffusion-3.5-large/llms.txt'),
      capabilities: capabilities('stability-ai/stable-diffusion-3.5-large', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'google/imagen-4', name: 'Imagen 4', aliases: ['imagen-4'], releaseDate: '2025-05-20', curatedRank: 12 },
    offer: {
      upstreamModel: 'google/imagen-4',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/google/imagen-4', 'https://lumenfall.ai/models/google/imagen-4.0-generate-001/llms.txt'),
      capabilities: capabilities('google/imagen-4', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'google/imagen-4-ultra', name: 'Imagen 4 Ultra', releaseDate: '2025-08-14', curatedRank: 24 },
    offer: {
      upstreamModel: 'google/imagen-4-ultra',
      price: { type: 'fixed', perImageMicros: 60_000 },
      priceSource: quoted('https://replicate.com/google/imagen-4-ultra', `${SYSTEMSCULPT} and ${lumenfall('google/imagen-4.0-ultra-generate-001/llms.txt')}`),
      capabilities: capabilities('google/imagen-4-ultra', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'google/imagen-4-fast', name: 'Imagen 4 Fast', releaseDate: '2025-08-14', curatedRank: 22 },
    offer: {
      upstreamModel: 'google/imagen-4-fast',
      price: { type: 'fixed', perImageMicros: 20_000 },
      priceSource: quoted('https://replicate.com/google/imagen-4-fast', `${SYSTEMSCULPT} and ${lumenfall('google/imagen-4.0-fast-generate-001')}`),
      capabilities: capabilities('google/imagen-4-fast', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    // The same model as Google's gemini-2.5-flash-image; the offers merge.
    model: { id: 'google/gemini-2.5-flash-image', name: 'Nano Banana (Gemini 2.5 Flash Image)', aliases: ['nano-banana'], releaseDate: '2025-10-02', curatedRank: 4 },
    offer: {
      upstreamModel: 'google/nano-banana',
      price: { type: 'fixed', perImageMicros: 39_000 },
      priceSource: quoted('https://replicate.com/google/nano-banana', `${SYSTEMSCULPT} and ${lumenfall('google/gemini-2.5-flash-image/llms.txt')}`),
      // Google's output sizes for the ten ratios (about 1 MP each).
      capabilities: capabilities('google/nano-banana', '1024x1024', ['auto', '1024x1024', '832x1248', '1248x832', '864x1184', '1184x864', '896x1152', '1152x896', '768x1344', '1344x768', '1536x672']),
    },
  },
  {
    model: { id: 'google/gemini-3-pro-image', name: 'Nano Banana Pro (Gemini 3 Pro Image)', aliases: ['nano-banana-pro'], releaseDate: '2025-11-20', curatedRank: 2 },
    offer: {
      upstreamModel: 'google/nano-banana-pro',
      // $0.15 per 1K or 2K image; 4K ($0.30) is never asked for (params.ts).
      price: { type: 'fixed', perImageMicros: 150_000 },
      priceSource: quoted('https://replicate.com/google/nano-banana-pro', `${SYSTEMSCULPT} and ${lumenfall('google/gemini-3-pro-image-preview?mode=image-edit')}`),
      // Replicate's default is 2K, the same price as 1K.
      capabilities: capabilities('google/nano-banana-pro', '2048x2048', ['auto', '1024x1024', '2048x2048']),
    },
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-max', name: 'FLUX.1 Kontext [max]', aliases: ['flux-kontext-max'], releaseDate: '2025-05-29', curatedRank: 23 },
    offer: {
      upstreamModel: 'black-forest-labs/flux-kontext-max',
      price: { type: 'fixed', perImageMicros: 80_000 },
      priceSource: quoted('https://replicate.com/black-forest-labs/flux-kontext-max', `${lumenfall('black-forest-labs/flux.1-kontext-max/llms.txt')} and ${OPENAI_HK}`),
      capabilities: capabilities('black-forest-labs/flux-kontext-max', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'bytedance/seedream-4.5', name: 'Seedream 4.5', aliases: ['seedream-4.5'], releaseDate: '2025-12-03', curatedRank: 9 },
    offer: {
      upstreamModel: 'bytedance/seedream-4.5',
      // One price for 2K and 4K.
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/bytedance/seedream-4.5', SYSTEMSCULPT),
      capabilities: capabilities('bytedance/seedream-4.5', '2048x2048', ['auto', '2048x2048', '4096x4096']),
    },
  },
  {
    model: { id: 'ideogram/ideogram-v3-turbo', name: 'Ideogram 3.0 Turbo', aliases: ['ideogram-v3-turbo'], releaseDate: '2025-03-26', curatedRank: 28 },
    offer: {
      upstreamModel: 'ideogram-ai/ideogram-v3-turbo',
      price: { type: 'fixed', perImageMicros: 30_000 },
      priceSource: quoted('https://replicate.com/ideogram-ai/ideogram-v3-turbo', SYSTEMSCULPT),
      capabilities: capabilities('ideogram-ai/ideogram-v3-turbo', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'ideogram/ideogram-v3-quality', name: 'Ideogram 3.0 Quality', aliases: ['ideogram-v3-quality'], releaseDate: '2025-03-26', curatedRank: 26 },
    offer: {
      upstreamModel: 'ideogram-ai/ideogram-v3-quality',
      price: { type: 'fixed', perImageMicros: 90_000 },
      priceSource: quoted('https://replicate.com/ideogram-ai/ideogram-v3-quality', SYSTEMSCULPT),
      capabilities: capabilities('ideogram-ai/ideogram-v3-quality', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'qwen/qwen-image', name: 'Qwen-Image', aliases: ['qwen-image'], releaseDate: '2025-08-04', curatedRank: 29 },
    offer: {
      upstreamModel: 'qwen/qwen-image',
      price: { type: 'fixed', perImageMicros: 25_000 },
      priceSource: quoted('https://replicate.com/qwen/qwen-image', SYSTEMSCULPT),
      capabilities: capabilities('qwen/qwen-image', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'luma/photon', name: 'Luma Photon', aliases: ['photon'], releaseDate: '2024-12-03', curatedRank: 45 },
    offer: {
      upstreamModel: 'luma/photon',
      price: { type: 'fixed', perImageMicros: 30_000 },
      priceSource: `https://replicate.com/luma/photon (stored copy of the model page: "$0.03 per output image"), read ${READ}`,
      capabilities: capabilities('luma/photon', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'luma/photon-flash', name: 'Luma Photon Flash', aliases: ['photon-flash'], releaseDate: '2024-12-03', curatedRank: 46 },
    offer: {
      upstreamModel: 'luma/photon-flash',
      price: { type: 'fixed', perImageMicros: 10_000 },
      priceSource: `https://replicate.com/luma/photon-flash (stored copy of the model page: "$0.01 per output image"), read ${READ}`,
      capabilities: capabilities('luma/photon-flash', '1024x1024', ['auto', '1024x1024']),
    },
  },
  {
    model: { id: 'recraft/recraft-v4', name: 'Recraft V4', aliases: ['recraft-v4'], releaseDate: '2026-02-17', curatedRank: 40 },
    offer: {
      upstreamModel: 'recraft-ai/recraft-v4',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: `https://replicate.com/blog/recraft-v4 (Replicate's launch post: "Recraft V4 [...] $0.04/image"), read ${READ}`,
      capabilities: { ...capabilities('recraft-ai/recraft-v4', '1024x1024', ['auto', '1024x1024', '1536x768', '768x1536', '1344x768', '768x1344']), maxPromptLength: 10_000 },
    },
  },
  {
    model: { id: 'recraft/recraft-v4-pro', name: 'Recraft V4 Pro', aliases: ['recraft-v4-pro'], releaseDate: '2026-02-17', curatedRank: 41 },
    offer: {
      upstreamModel: 'recraft-ai/recraft-v4-pro',
      price: { type: 'fixed', perImageMicros: 250_000 },
      priceSource: `https://replicate.com/blog/recraft-v4 (Replicate's launch post: "Recraft V4 Pro [...] $0.25/image"), read ${READ}`,
      capabilities: { ...capabilities('recraft-ai/recraft-v4-pro', '2048x2048', ['auto', '2048x2048', '3072x1536', '1536x3072', '2688x1536', '1536x2688']), maxPromptLength: 10_000 },
    },
  },
  {
    model: { id: 'reve/reve-image', name: 'Reve Image', aliases: ['reve-image', 'reve'], releaseDate: '2025-03-24', curatedRank: 43 },
    offer: {
      upstreamModel: 'reve/create',
      price: { type: 'fixed', perImageMicros: 40_000 },
      priceSource: quoted('https://replicate.com/reve/create', `${lumenfall('reve-ai/reve/llms.txt')} ("source: official", effective 2026-01-02)`),
      capabilities: capabilities('reve/create', '1024x1024', ['auto', '1024x1024', '1536x1024', '1024x1536', '1920x1080', '1080x1920']),
    },
  },
  {
    // Ideogram 3.0 at its default speed (BALANCED): the same model fal serves with a rendering speed per quality.
    model: { id: 'ideogram/ideogram-v3', name: 'Ideogram 3.0', aliases: ['ideogram-v3'], releaseDate: '2025-03-26', curatedRank: 27 },
    offer: {
      upstreamModel: 'ideogram-ai/ideogram-v3-balanced',
      price: { type: 'fixed', perImageMicros: 60_000 },
      priceSource: quoted('https://replicate.com/ideogram-ai/ideogram-v3-balanced', SYSTEMSCULPT),
      capabilities: capabilities('ideogram-ai/ideogram-v3-balanced', '1024x1024', ['auto', '1024x1024']),
    },
  },
];
