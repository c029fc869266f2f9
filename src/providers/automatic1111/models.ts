import type { Capabilities, ProviderModel } from '../../catalog/types.js';

/**
 * The one model an AUTOMATIC1111 / Forge server offers here: whatever checkpoint it has loaded, or
 * the one A1111_MODEL names (sent as `override_settings.sd_model_checkpoint`). It runs on the
 * operator's own GPU, so it is free unless the config file prices it.
 */

export const PRICE_SOURCE = 'self-hosted: set a price in the config file to charge for it';

/** The extras passed through, with their types in StableDiffusionProcessing (modules/processing.py). */
export const EXTRA_TYPES = {
  steps: 'integer',
  cfg_scale: 'number',
  seed: 'integer',
  sampler_name: 'string',
  negative_prompt: 'string',
  denoising_strength: 'number',
} as const;

export const capabilities: Capabilities = {
  // Any width and height the model's latent space takes (a multiple of 8); 2048 keeps a consumer GPU alive.
  sizes: { kind: 'range', min: 64, max: 2048, multipleOf: 8 },
  // The API's own default (StableDiffusionProcessing width/height = 512): the checkpoint is unknown here.
  defaultSize: '512x512',
  listedSizes: ['auto', '512x512', '768x768', '1024x1024', '1152x896', '896x1152', '1216x832', '832x1216'],
  quality: false,
  edit: true, // /sdapi/v1/img2img with one init image
  mask: true, // inpainting: `mask`, white = repaint (the adapter converts OpenAI's transparent-means-edit masks)
  maxImagesPerCall: 8, // batch_size
  maxInputImages: 1,
  promptRequired: false, // prompt defaults to ""
  maxPromptLength: 32000,
  outputFormats: ['webp', 'jpeg', 'png'], // the server answers in its samples_format (png by default); the pipeline transcodes
  transparentBackground: false,
  extras: Object.keys(EXTRA_TYPES),
};

/** The catalog entry; A1111_MODEL, when set, names the checkpoint it serves. */
export function modelsFor(env: Record<string, string | undefined>): ProviderModel[] {
  const checkpoint = env.A1111_MODEL?.trim();
  return [
    {
      model: {
        id: 'automatic1111/default',
        name: checkpoint ? `AUTOMATIC1111 / Forge: ${checkpoint}` : 'AUTOMATIC1111 / Forge (the checkpoint the server has loaded)',
        aliases: ['a1111', 'forge'],
        releaseDate: '2022-08-22', // stable-diffusion-webui's first public release
        curatedRank: 90,
      },
      offer: { upstreamModel: 'default', price: { type: 'free' }, priceSource: PRICE_SOURCE, capabilities },
    },
  ];
}

/** Built from the server's environment at start, like the adapter's settings. */
export const models: ProviderModel[] = modelsFor(process.env);
