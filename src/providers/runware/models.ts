import type { Capabilities, ModelInfo, PriceRule, ProviderModel, SizeRule } from '../../catalog/types.js';
import { EXTRA_RULES, type ModelSpec } from './params.js';

/**
 * The models served through Runware, by AIR id (ids and sizes from each model's page under
 * https://runware.ai/docs/models, cross-checked with the AIR registry of Runware's own SDK,
 * github.com/Runware/runware-typescript src/types/task-map.ts).
 *
 * Prices: every task asks for `includeCost`, so what Runware reports is what is charged; the rule
 * declares the most one image can cost, reserved beforehand. Partner models have a fixed price per
 * image (https://runware.ai/docs/platform/pricing, "Fixed Price"); Runware-hosted open models are
 * billed by compute time, so their ceiling scales the documented example to the largest size and
 * step count the adapter sends.
 *
 * Not added: FLUX.1 [schnell] (runware:100@1) and Qwen-Image (runware:108@1): no Runware price found
 * in its docs; Ideogram 3.0 (ideogram:4@1): its size table could not be read in full;
 * SDXL, SD 3.5 Large and Recraft V3: not among the AIR ids Runware's docs list today.
 */

const READ = 'read 2026-11-21';
const page = (slug: string) => `https://runware.ai/docs/models/${slug}`;
const quoted = (slug: string, price: string) => `${page(slug)} (Pricing: ${price}), ${READ}`;

/** A partner model's fixed price, reported per image. */
const perImage = (usd: number): PriceRule => ({ type: 'reported', maxPerImageMicros: Math.round(usd * 1_000_000) });

/** A compute-priced model: the documented 1024x1024 example scaled by area and steps to the largest job allowed. */
function computeCeiling(exampleUsd: number, exampleSteps: number, maxSide: number): PriceRule {
  const area = (maxSide * maxSide) / (1024 * 1024);
  const steps = EXTRA_RULES.steps.max / exampleSteps;
  return { type: 'reported', maxPerImageMicros: Math.ceil(exampleUsd * 1_000_000 * area * steps) };
}

const list = (...sizes: string[]): SizeRule => ({ kind: 'list', sizes });
/** The generic imageInference limits: 128-2048 pixels, divisible by 64. */
const DIFFUSION_SIZES: SizeRule = { kind: 'range', min: 128, max: 2048, multipleOf: 64 };
const DIFFUSION_LISTED = ['auto', '1024x1024', '1152x896', '896x1152', '1344x768', '768x1344', '2048x2048'];
const KONTEXT_SIZES = list('1568x672', '1392x752', '1184x880', '1248x832', '1024x1024', '832x1248', '880x1184', '752x1392', '672x1568');
const IMAGEN_SIZES = list('1024x1024', '768x1408', '1408x768', '896x1280', '1280x896');
// Recraft V4's 1K sizes and V4 Pro's 2K sizes ("The following dimension combinations are supported").
const RECRAFT_V4_SIZES = list(
  '1024x1024', '1536x768', '768x1536', '1280x832', '832x1280', '1216x896', '896x1216', '1152x896', '896x1152', '832x1344', '1280x896', '896x1280',
  '1344x768', '768x1344',
);
const RECRAFT_V4_PRO_SIZES = list(
  '2048x2048', '3072x1536', '1536x3072', '2560x1664', '1664x2560', '2432x1792', '1792x2432', '2304x1792', '1792x2304', '1664x2688', '2560x1792', '1792x2560',
  '2688x1536', '1536x2688',
);

interface Entry {
  model: ModelInfo;
  air: string;
  spec: ModelSpec;
  sizes: SizeRule;
  defaultSize: string;
  /** Defaults to every size of a list rule. */
  listedSizes?: string[];
  /** numberResults: 1-20 for the models Runware runs; partner models are asked for one image per task. */
  maxImagesPerCall: number;
  /** "2-3000 characters" unless the model page says otherwise. */
  maxPromptLength?: number;
  price?: PriceRule;
  priceSource: string;
}

const ENTRIES: Entry[] = [
  {
    model: { id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX1.1 [pro]', aliases: ['flux-pro-1.1'], releaseDate: '2024-10-02', curatedRank: 20 },
    air: 'bfl:2@1',
    spec: { extras: {} },
    // "Supported dimensions: 256-1440 pixels"; multiples of 64 as for every imageInference size, so 1408 at most.
    sizes: { kind: 'range', min: 256, max: 1408, multipleOf: 64 },
    defaultSize: '1024x1024',
    listedSizes: ['auto', '1024x1024', '1024x768', '768x1024', '1280x768', '768x1280', '1408x1408'],
    maxImagesPerCall: 1,
    price: perImage(0.04),
    priceSource: quoted('bfl-flux-1-1-pro', '1k $0.04'),
  },
  {
    model: { id: 'black-forest-labs/flux-1.1-pro-ultra', name: 'FLUX1.1 [pro] ultra', aliases: ['flux-pro-1.1-ultra'], releaseDate: '2024-11-06', curatedRank: 22 },
    air: 'bfl:2@2',
    spec: { extras: {} },
    sizes: list('3136x1344', '2752x1536', '2368x1792', '2496x1664', '2048x2048', '1664x2496', '1792x2368', '1536x2752', '1344x3136'),
    defaultSize: '2048x2048',
    maxImagesPerCall: 1,
    price: perImage(0.06),
    priceSource: quoted('bfl-flux-1-1-pro-ultra', '2k $0.06'),
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-pro', name: 'FLUX.1 Kontext [pro]', aliases: ['flux-kontext-pro'], releaseDate: '2025-05-29', curatedRank: 21 },
    air: 'bfl:3@1',
    // "Supports referenceImages with 2 images" (https://runware.ai/docs/en/providers/bfl).
    spec: { inputs: { kind: 'references', max: 2 }, sizeFromReferences: true, extras: {} },
    sizes: KONTEXT_SIZES,
    defaultSize: '1024x1024',
    maxImagesPerCall: 1,
    price: perImage(0.04),
    priceSource: quoted('bfl-flux-1-kontext-pro', '"Each image generation costs $0.04 at 1024x1024"'),
  },
  {
    model: { id: 'black-forest-labs/flux-kontext-max', name: 'FLUX.1 Kontext [max]', aliases: ['flux-kontext-max'], releaseDate: '2025-05-29', curatedRank: 23 },
    air: 'bfl:4@1',
    spec: { inputs: { kind: 'references', max: 2 }, sizeFromReferences: true, extras: {} },
    sizes: KONTEXT_SIZES,
    defaultSize: '1024x1024',
    maxImagesPerCall: 1,
    price: perImage(0.08),
    priceSource: quoted('bfl-flux-1-kontext-max', '"Each image generation costs $0.08 at 1024x1024"'),
  },
  {
    model: { id: 'bytedance/seedream-4', name: 'Seedream 4.0', aliases: ['seedream-4'], releaseDate: '2025-09-09', curatedRank: 25 },
    air: 'bytedance:5@0',
    // "Supports up to 14 images via referenceImages" (https://runware.ai/docs/en/providers/bytedance).
    spec: { inputs: { kind: 'references', max: 14 }, sizeFromReferences: true, extras: {} },
    sizes: list(
      '1024x1024', '2048x2048', '2304x1728', '1728x2304', '2560x1440', '1440x2560', '2496x1664', '1664x2496', '3024x1296',
      '4096x4096', '4608x3456', '3456x4608', '5120x2880', '2880x5120', '4992x3328', '3328x4992', '6048x2592',
    ),
    defaultSize: '1024x1024', // the configuration the price is stated for
    listedSizes: ['auto', '1024x1024', '2048x2048', '2560x1440', '1440x2560', '4096x4096'],
    maxImagesPerCall: 1,
    maxPromptLength: 2000, // "Positive prompt: 1-2000 characters"
    // Priced per image; the page states the price at 1024x1024 only (Seedream is priced flat per image at ByteDance).
    price: perImage(0.03),
    priceSource: quoted('bytedance-seedream-4-0', '"Each image generation costs $0.03 at 1024x1024"'),
  },
  {
    model: { id: 'google/gemini-2.5-flash-image', name: 'Nano Banana (Gemini 2.5 Flash Image)', aliases: ['nano-banana'], releaseDate: '2025-10-02', curatedRank: 35 },
    air: 'google:4@1',
    // "Supports up to 8 images via referenceImages"; with them the output "matches reference image aspect ratio".
    spec: { inputs: { kind: 'references', max: 8 }, sizeFromReferences: true, extras: {} },
    sizes: list('1024x1024', '1248x832', '832x1248', '1184x864', '864x1184', '1152x896', '896x1152', '1344x768', '768x1344', '1536x672'),
    defaultSize: '1024x1024',
    maxImagesPerCall: 1,
    price: perImage(0.039),
    priceSource: quoted('google-nano-banana', '"Each image generation costs $0.039 at 1024x1024"'),
  },
  {
    model: { id: 'google/imagen-4', name: 'Imagen 4', aliases: ['imagen-4'], releaseDate: '2025-05-20', curatedRank: 20 },
    air: 'google:2@1',
    spec: { extras: {} },
    sizes: IMAGEN_SIZES,
    defaultSize: '1024x1024',
    maxImagesPerCall: 1,
    price: perImage(0.04),
    priceSource: quoted('google-imagen-4-preview', '"Each image generation costs $0.04 at 1024x1024"'),
  },
  {
    model: { id: 'google/imagen-4-ultra', name: 'Imagen 4 Ultra', releaseDate: '2025-08-14', curatedRank: 24 },
    air: 'google:2@2',
    spec: { extras: {} },
    sizes: IMAGEN_SIZES,
    defaultSize: '1024x1024',
    maxImagesPerCall: 1,
    price: perImage(0.06),
    priceSource: quoted('google-imagen-4-ultra', '"Each image generation costs $0.06 at 1024x1024"'),
  },
  {
    model: { id: 'google/imagen-4-fast', name: 'Imagen 4 Fast', releaseDate: '2025-08-14', curatedRank: 22 },
    air: 'google:2@3',
    spec: { extras: {} },
    sizes: IMAGEN_SIZES,
    defaultSize: '1024x1024',
    maxImagesPerCall: 1,
    price: perImage(0.02),
    priceSource: quoted('google-imagen-4-fast', '$0.02 for each of its five sizes'),
  },
  {
    model: { id: 'hidream/hidream-i1-full', name: 'HiDream-I1 Full', aliases: ['hidream-i1-full'], releaseDate: '2025-04-07', curatedRank: 30 },
    air: 'runware:97@1',
    spec: { extras: pick('negativePrompt', 'seed', 'steps', 'CFGScale') },
    sizes: DIFFUSION_SIZES,
    defaultSize: '1024x1024',
    listedSizes: DIFFUSION_LISTED,
    maxImagesPerCall: 20,
    price: computeCeiling(0.009, 30, 2048),
    priceSource: `${quoted('hidream-i1-full', '"$0.009 at 1024x1024 · 30 steps"')}; ceiling scaled to 2048x2048 and 100 steps`,
  },
  {
    model: { id: 'recraft/recraft-v4', name: 'Recraft V4', aliases: ['recraft-v4'], releaseDate: '2026-02-17', curatedRank: 40 },
    air: 'recraft:v4@0',
    // Text to image only: the reference images it takes guide style, and no price is stated for them.
    spec: { extras: {} },
    sizes: RECRAFT_V4_SIZES,
    defaultSize: '1024x1024',
    listedSizes: ['auto', '1024x1024', '1536x768', '768x1536', '1344x768', '768x1344'],
    maxImagesPerCall: 1,
    // The page prices 1024x1024; Recraft V4 is priced per image at every host that lists it.
    price: perImage(0.04),
    priceSource: quoted('recraft-v4', '1024x1024 $0.04'),
  },
  {
    model: { id: 'recraft/recraft-v4-pro', name: 'Recraft V4 Pro', aliases: ['recraft-v4-pro'], releaseDate: '2026-02-17', curatedRank: 41 },
    air: 'recraft:v4-pro@0',
    spec: { extras: {} },
    sizes: RECRAFT_V4_PRO_SIZES,
    defaultSize: '2048x2048',
    listedSizes: ['auto', '2048x2048', '3072x1536', '1536x3072', '2688x1536', '1536x2688'],
    maxImagesPerCall: 1,
    price: perImage(0.25),
    priceSource: quoted('recraft-v4-pro', '2048 x 2048 $0.25'),
  },
  {
    model: { id: 'black-forest-labs/flux-dev', name: 'FLUX.1 [dev]', aliases: ['flux-dev'], releaseDate: '2024-08-01', curatedRank: 30 },
    air: 'runware:101@1',
    // inputs.seedImage / inputs.maskImage: image-to-image and inpainting (Flux1DevParams in Runware's SDK).
    spec: { inputs: { kind: 'seed', mask: true }, extras: pick('negativePrompt', 'seed', 'steps', 'CFGScale', 'strength') },
    sizes: DIFFUSION_SIZES,
    defaultSize: '1024x1024',
    listedSizes: DIFFUSION_LISTED,
    maxImagesPerCall: 20,
    // Billed by compute and no example price found: unpriced, so refused until the operator sets one.
    priceSource: `none published: no price for runware:101@1 in Runware's docs (https://runware.ai/docs/platform/pricing: compute-based), ${READ}`,
  },
];

function pick(...names: Array<keyof typeof EXTRA_RULES>): ModelSpec['extras'] {
  return Object.fromEntries(names.map((name) => [name, EXTRA_RULES[name]]));
}

function capabilities(entry: Entry): Capabilities {
  const { spec, sizes } = entry;
  return {
    sizes,
    defaultSize: entry.defaultSize,
    listedSizes: entry.listedSizes ?? ['auto', ...(sizes.kind === 'list' ? sizes.sizes : [])],
    quality: false, // no quality setting on these models
    edit: spec.inputs !== undefined,
    mask: spec.inputs?.kind === 'seed' && spec.inputs.mask,
    maxImagesPerCall: entry.maxImagesPerCall,
    maxInputImages: !spec.inputs ? 0 : spec.inputs.kind === 'seed' ? 1 : spec.inputs.max,
    promptRequired: true, // positivePrompt is required
    maxPromptLength: entry.maxPromptLength ?? 3000,
    outputFormats: ['webp', 'jpeg', 'png'], // outputFormat JPG, PNG or WEBP
    transparentBackground: false,
    extras: Object.keys(spec.extras),
  };
}

/** How each AIR id takes its inputs, for params.ts and inputs.ts. */
export const MODEL_SPECS: Record<string, ModelSpec> = Object.fromEntries(ENTRIES.map((e) => [e.air, e.spec]));

export const models: ProviderModel[] = ENTRIES.map((entry) => ({
  model: entry.model,
  offer: {
    upstreamModel: entry.air,
    ...(entry.price && { price: entry.price }),
    priceSource: entry.priceSource,
    capabilities: capabilities(entry),
  },
}));
