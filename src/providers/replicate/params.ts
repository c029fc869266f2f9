import sharp from 'sharp';
import { formatSize, type InputImage, type OutputFormat, type Size } from '../../api/imageRequest.js';
import { boolean, fitExtra, integer, number, oneOf, type ExtraRule } from '../extras.js';
import { nearestAspectRatio } from '../sizing.js';
import type { SizeRule } from '../../catalog/types.js';
import type { ProviderCall } from '../types.js';

/**
 * How each Replicate model's `input` is built from a call, as data. Field names, ranges and enums
 * are the models' published input schemas (replicate.com/{owner}/{name}/api). Whatever a model
 * cannot honour is mapped to the nearest value it accepts, or left out, and always reported.
 */

type SizeInput =
  /** width/height within a range, alongside the fields that switch the model to custom sizes. */
  | { kind: 'pixels'; mode: Record<string, string>; min: number; max: number; multipleOf: number }
  /** `size: "WxH"` from a fixed list (the router has already fitted the size to it). */
  | { kind: 'named'; sizes: string[] }
  /**
   * `aspect_ratio`; `matchInput` is the value that keeps an input image's shape. `resolution` is a
   * field setting the output's scale: the smallest tier about as large as the requested size.
   */
  | { kind: 'aspect'; ratios: string[]; matchInput?: string; resolution?: ResolutionTiers };

/**
 * Values of a resolution field, smallest first, each with its nominal side ("2K": 2048): the tier
 * makes about side x side pixels in any aspect ratio.
 */
interface ResolutionTiers {
  field: string;
  tiers: Array<{ value: string; side: number }>;
}

export interface ModelInput {
  size: SizeInput;
  /** Values of `output_format`; absent when the model has no choice. */
  outputFormats?: Array<'webp' | 'jpg' | 'png'>;
  /** The field asking for several images in one prediction, and its maximum. */
  count?: { field: string; max: number };
  /** Where input images go; `list` for an array field. */
  images?: { field: string; list: boolean; max: number; formats: string[] };
  /** The schema says the output takes the input image's aspect ratio whatever is asked. */
  shapeFromImage?: boolean;
  extras: Record<string, ExtraRule>;
  /** Tighter rules that apply when input images are sent. */
  extrasWithImages?: Record<string, ExtraRule>;
}


const FLUX_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'];
// "Must be jpeg, png, gif, or webp" (flux-kontext-pro); the other schemas do not say, so the same set is assumed.
const IMAGE_FORMATS = ['jpeg', 'png', 'gif', 'webp'];
// Gemini takes png, jpeg, webp, heic and heif (no gif); anything else is sent as PNG.
const GEMINI_IMAGE_FORMATS = ['jpeg', 'png', 'webp'];
const GEMINI_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const IMAGEN_RATIOS = ['1:1', '9:16', '16:9', '3:4', '4:3'];
const safetyFilterLevel = oneOf('block_low_and_above', 'block_medium_and_above', 'block_only_high');

const kontext = (): ModelInput => ({
  size: { kind: 'aspect', ratios: [...FLUX_RATIOS, '2:1', '1:2'], matchInput: 'match_input_image' },
  outputFormats: ['jpg', 'png'],
  images: { field: 'input_image', list: false, max: 1, formats: IMAGE_FORMATS },
  extras: { seed: integer(), safety_tolerance: integer(0, 6), prompt_upsampling: boolean },
  // "2 is currently the maximum allowed when input images are used."
  extrasWithImages: { safety_tolerance: integer(0, 2) },
});

const imagen = (): ModelInput => ({
  size: { kind: 'aspect', ratios: IMAGEN_RATIOS },
  outputFormats: ['jpg', 'png'],
  extras: { safety_filter_level: safetyFilterLevel },
});

/**
 * Ideogram v3 (turbo, balanced, quality share one schema). `image` is for inpainting and needs a
 * `mask` (black = repaint), which is not mapped: text to image only. `resolution` would override the
 * aspect ratio; it is left at its default.
 */
const ideogramV3 = (): ModelInput => ({
  size: { kind: 'aspect', ratios: ['1:3', '3:1', '1:2', '2:1', '9:16', '16:9', '10:16', '16:10', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '1:1'] },
  extras: {
    seed: integer(0, 2147483647),
    magic_prompt_option: oneOf('Auto', 'On', 'Off'),
    style_type: oneOf('None', 'Auto', 'General', 'Realistic', 'Design'),
  },
});

/** Luma Photon and Photon Flash. The reference images (image, style, character) steer rather than edit: text to image only. */
const photon = (): ModelInput => ({
  size: { kind: 'aspect', ratios: ['1:1', '3:4', '4:3', '9:16', '16:9', '9:21', '21:9'] },
  extras: { seed: integer() },
});

// Recraft V4's sizes (Runware's and Scenario's copies of the model's options), V4 Pro's at 2K.
const RECRAFT_V4_SIZES = ['1024x1024', '1536x768', '768x1536', '1280x832', '832x1280', '1216x896', '896x1216', '1152x896', '896x1152', '832x1344', '1280x896', '896x1280', '1344x768', '768x1344'];
const RECRAFT_V4_PRO_SIZES = ['2048x2048', '3072x1536', '1536x3072', '2560x1664', '1664x2560', '2432x1792', '1792x2432', '2304x1792', '1792x2304', '1664x2688', '2560x1792', '1792x2560', '2688x1536', '1536x2688'];

export const MODEL_INPUTS: Record<string, ModelInput> = {
  'black-forest-labs/flux-1.1-pro': {
    size: { kind: 'pixels', mode: { aspect_ratio: 'custom' }, min: 256, max: 1440, multipleOf: 32 },
    outputFormats: ['webp', 'jpg', 'png'],
    extras: { seed: integer(), safety_tolerance: integer(1, 6), prompt_upsampling: boolean, output_quality: integer(0, 100) },
  },
  'black-forest-labs/flux-1.1-pro-ultra': {
    size: { kind: 'aspect', ratios: FLUX_RATIOS },
    outputFormats: ['jpg', 'png'],
    extras: { seed: integer(), safety_tolerance: integer(1, 6), raw: boolean },
  },
  'black-forest-labs/flux-dev': {
    size: { kind: 'aspect', ratios: FLUX_RATIOS },
    outputFormats: ['webp', 'jpg', 'png'],
    count: { field: 'num_outputs', max: 4 },
    images: { field: 'image', list: false, max: 1, formats: IMAGE_FORMATS },
    shapeFromImage: true,
    extras: {
      seed: integer(), guidance: number(0, 10), num_inference_steps: integer(1, 50), prompt_strength: number(0, 1),
      output_quality: integer(0, 100), go_fast: boolean,
    },
  },
  'black-forest-labs/flux-schnell': {
    size: { kind: 'aspect', ratios: FLUX_RATIOS },
    outputFormats: ['webp', 'jpg', 'png'],
    count: { field: 'num_outputs', max: 4 },
    extras: { seed: integer(), num_inference_steps: integer(1, 4), output_quality: integer(0, 100), go_fast: boolean },
  },
  'black-forest-labs/flux-kontext-pro': kontext(),
  'black-forest-labs/flux-kontext-max': kontext(),
  'bytedance/seedream-4': {
    size: { kind: 'pixels', mode: { size: 'custom' }, min: 1024, max: 4096, multipleOf: 1 },
    images: { field: 'image_input', list: true, max: 10, formats: IMAGE_FORMATS },
    extras: {},
  },
  'recraft-ai/recraft-v3': {
    size: {
      kind: 'named',
      sizes: [
        '1024x1024', '1365x1024', '1024x1365', '1536x1024', '1024x1536', '1820x1024', '1024x1820', '1024x2048',
        '2048x1024', '1434x1024', '1024x1434', '1024x1280', '1280x1024', '1707x1024', '1024x1707',
      ],
    },
    extras: {
      style: oneOf(
        'any', 'realistic_image', 'digital_illustration', 'digital_illustration/pixel_art', 'digital_illustration/hand_drawn',
        'digital_illustration/grain', 'digital_illustration/infantile_sketch', 'digital_illustration/2d_art_poster',
        'digital_illustration/handmade_3d', 'digital_illustration/hand_drawn_outline', 'digital_illustration/engraving_color',
        'digital_illustration/2d_art_poster_2', 'realistic_image/b_and_w', 'realistic_image/hard_flash', 'realistic_image/hdr',
        'realistic_image/natural_light', 'realistic_image/studio_portrait', 'realistic_image/enterprise', 'realistic_image/motion_blur',
      ),
    },
  },
  'stability-ai/stable-diffusion-3.5-large': {
    size: { kind: 'aspect', ratios: ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '9:16', '9:21'] },
    outputFormats: ['webp', 'jpg', 'png'],
    images: { field: 'image', list: false, max: 1, formats: IMAGE_FORMATS },
    shapeFromImage: true,
    extras: { seed: integer(), negative_prompt: { type: 'string' }, cfg: number(1, 10), prompt_strength: number(0, 1) },
  },
  'google/imagen-4': imagen(),
  'google/imagen-4-ultra': imagen(),
  'google/imagen-4-fast': imagen(),
  'google/nano-banana': {
    size: { kind: 'aspect', ratios: GEMINI_RATIOS, matchInput: 'match_input_image' },
    outputFormats: ['jpg', 'png'],
    // The schema says "supports multiple images" without a maximum; Google: "works best with up to 3".
    images: { field: 'image_input', list: true, max: 3, formats: GEMINI_IMAGE_FORMATS },
    extras: {},
  },
  'google/nano-banana-pro': {
    // 1K and 2K cost the same; 4K costs twice as much and is not offered (the price is fixed).
    size: {
      kind: 'aspect', ratios: GEMINI_RATIOS, matchInput: 'match_input_image',
      resolution: { field: 'resolution', tiers: [{ value: '1K', side: 1024 }, { value: '2K', side: 2048 }] },
    },
    outputFormats: ['jpg', 'png'],
    images: { field: 'image_input', list: true, max: 14, formats: GEMINI_IMAGE_FORMATS },
    extras: { safety_filter_level: safetyFilterLevel },
  },
  'bytedance/seedream-4.5': {
    // 2K and 4K at one price. Custom width/height is not used: Seedream 4.5 makes no 1K images.
    size: {
      kind: 'aspect', ratios: ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'], matchInput: 'match_input_image',
      resolution: { field: 'size', tiers: [{ value: '2K', side: 2048 }, { value: '4K', side: 4096 }] },
    },
    images: { field: 'image_input', list: true, max: 14, formats: IMAGE_FORMATS },
    extras: {},
  },
  'ideogram-ai/ideogram-v3-turbo': ideogramV3(),
  'ideogram-ai/ideogram-v3-quality': ideogramV3(),
  'qwen/qwen-image': {
    // `image` (with `strength`) is image-to-image; its output shape is undocumented, so not offered.
    size: { kind: 'aspect', ratios: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'] },
    outputFormats: ['webp', 'jpg', 'png'],
    extras: {
      seed: integer(), negative_prompt: { type: 'string' }, go_fast: boolean, enhance_prompt: boolean,
      image_size: oneOf('optimize_for_quality', 'optimize_for_speed'),
    },
  },
  'luma/photon': photon(),
  // Photon Flash: Photon's schema (replicate.com/luma/photon-flash/versions/4235af60/api).
  'luma/photon-flash': photon(),
  // Recraft V4 / V4 Pro: `size` from a list (an `aspect_ratio` would override it; not sent). No style field.
  'recraft-ai/recraft-v4': { size: { kind: 'named', sizes: RECRAFT_V4_SIZES }, extras: {} },
  'recraft-ai/recraft-v4-pro': { size: { kind: 'named', sizes: RECRAFT_V4_PRO_SIZES }, extras: {} },
  // Reve's create endpoint: prompt and aspect_ratio.
  'reve/create': { size: { kind: 'aspect', ratios: ['16:9', '9:16', '3:2', '2:3', '4:3', '3:4', '1:1'] }, extras: {} },
  'ideogram-ai/ideogram-v3-balanced': ideogramV3(),
};

/** The sizes a model takes, as the router's size rule. */
export function sizeRule(spec: ModelInput): SizeRule {
  const size = spec.size;
  if (size.kind === 'pixels') return { kind: 'range', min: size.min, max: size.max, multipleOf: size.multipleOf };
  if (size.kind === 'named') return { kind: 'list', sizes: size.sizes };
  return { kind: 'aspect', ratios: size.ratios };
}

/** The input mapping of an upstream model name, pinned (`owner/name:version`) or not. */
export function modelInput(upstreamModel: string): ModelInput {
  const spec = MODEL_INPUTS[upstreamModel.split(':')[0]!];
  if (!spec) throw new Error(`replicate: no input mapping for '${upstreamModel}'`);
  return spec;
}

/** The prediction `input` for a call; `images` are the input images as data URIs. */
export function buildInput(call: ProviderCall, spec: ModelInput, images: string[]): Record<string, unknown> {
  const input: Record<string, unknown> = { prompt: call.request.prompt, ...sizeFields(call, spec, images.length > 0) };
  if (images.length > 0 && spec.images) input[spec.images.field] = spec.images.list ? images : images[0];
  if (spec.count) input[spec.count.field] = call.n;
  const format = outputFormat(call, spec);
  if (format) input.output_format = format;
  const rules = { ...spec.extras, ...(images.length > 0 ? spec.extrasWithImages : {}) };
  for (const [name, value] of Object.entries(call.request.extras)) {
    const rule = rules[name];
    if (!rule) {
      call.warn(`'${name}' is not a parameter of this model; not sent`);
      continue;
    }
    const fitted = fitExtra(name, value, rule, (message) => call.warn(message));
    if (fitted !== undefined) input[name] = fitted;
  }
  return input;
}

function sizeFields(call: ProviderCall, spec: ModelInput, withImages: boolean): Record<string, unknown> {
  const size = spec.size;
  if (size.kind === 'pixels') return { ...size.mode, width: call.size.width, height: call.size.height };
  if (size.kind === 'named') return { size: formatSize(call.size) };
  return { ...aspectFields(call, spec, withImages), ...(size.resolution && resolutionField(call, size.resolution)) };
}

function aspectFields(call: ProviderCall, spec: ModelInput, withImages: boolean): Record<string, unknown> {
  const size = spec.size as Extract<SizeInput, { kind: 'aspect' }>;
  if (withImages && spec.shapeFromImage) {
    if (call.request.size !== 'auto') call.warn(`size ${formatSize(call.size)} does not apply with an input image: the output keeps the input image's aspect ratio`);
    return {};
  }
  if (withImages && size.matchInput && call.request.size === 'auto') return { aspect_ratio: size.matchInput };
  const ratio = nearestAspectRatio(call.size, size.ratios);
  if (!hasRatio(call.size, ratio)) call.warn(`size ${formatSize(call.size)} is not available for this model; using aspect ratio ${ratio}`);
  return { aspect_ratio: ratio };
}

/**
 * The smallest tier with about as many pixels as the requested size (10% leeway: a 2K 16:9 image is
 * 2752x1536); past the largest, the largest, said so.
 */
function resolutionField(call: ProviderCall, resolution: ResolutionTiers): Record<string, string> {
  const area = call.size.width * call.size.height;
  const tier = resolution.tiers.find((t) => area <= t.side * t.side * 1.1);
  if (tier) return { [resolution.field]: tier.value };
  const largest = resolution.tiers[resolution.tiers.length - 1]!;
  call.warn(`size ${formatSize(call.size)} is larger than this model makes here; using ${resolution.field} ${largest.value} (about ${largest.side}x${largest.side} pixels)`);
  return { [resolution.field]: largest.value };
}

const hasRatio = (size: Size, ratio: string) => {
  const [w, h] = ratio.split(':').map(Number);
  return size.width * h! === size.height * w!;
};

/**
 * The client's format when the model makes it; otherwise PNG, which the pipeline converts without a
 * second lossy step. With an explicit output_compression the pipeline re-encodes anyway, so PNG too.
 */
function outputFormat(call: ProviderCall, spec: ModelInput): string | undefined {
  if (!spec.outputFormats) return undefined;
  const wanted: Record<OutputFormat, 'webp' | 'jpg' | 'png'> = { webp: 'webp', jpeg: 'jpg', png: 'png' };
  const format = call.request.outputCompression === undefined ? wanted[call.request.outputFormat] : 'png';
  return spec.outputFormats.includes(format) ? format : 'png';
}

const MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };

/**
 * An input image as a data URI, converted to PNG when the model does not take its format. The docs
 * suggest data URIs for files up to 256 KB and an uploaded file URL above; they state no hard limit.
 */
export async function dataUri(image: InputImage, formats: string[]): Promise<string> {
  if (formats.includes(image.format) && MIME[image.format]) return `data:${MIME[image.format]};base64,${image.bytes.toString('base64')}`;
  const png = await sharp(image.bytes).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
