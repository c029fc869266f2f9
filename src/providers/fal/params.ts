import sharp from 'sharp';
import { formatSize, type InputImage, type Size } from '../../api/imageRequest.js';
import { UpstreamError } from '../errors.js';
import { nearestAspectRatio } from '../sizing.js';
import type { ProviderCall } from '../types.js';
import { boolean, fitExtra, integer, list, number, object, oneOf, text, type ExtraRule } from '../extras.js';

/**
 * How each fal model family's input JSON is built from a call, as data. Field names, ranges and
 * enums are fal's published input schemas: the model pages (fal.ai/models/{id}/api) and the same
 * schemas generated into fal's JS client (github.com/fal-ai/fal-js,
 * libs/client/src/types/image/zod.gen.ts); for the models added later, fal's llms.txt for each endpoint
 * (fal.ai/models/{id}/llms.txt, read from verbatim copies in public repositories). Whatever a model cannot honour is mapped to the nearest
 * value it accepts, or left out, and always reported through `call.warn`.
 */

export interface Endpoint {
  /** The fal endpoint id, the path the request is submitted to. */
  id: string;
  /**
   * How the output size is asked for: `image_size` takes `{width, height}` (fal's `ImageSize`);
   * `aspect_ratio` an enum (the model picks the pixels); `input` means the endpoint has no size field
   * and keeps the input image's size, so the input is fitted to the requested size first.
   */
  size: 'image_size' | 'aspect_ratio' | 'input';
  /** Where input images go, and how many the endpoint takes. */
  images?: { field: 'image_url' | 'image_urls'; max: number };
  /** The maximum of `num_images`; absent when the endpoint makes one image per request. */
  maxImages?: number;
  /** The endpoint has `output_format` (jpeg or png). */
  outputFormat?: boolean;
  /** Ideogram's `rendering_speed` stands for quality (and its price). */
  renderingSpeed?: boolean;
  /** An edit whose output keeps the input image's shape when no size is asked for (no aspect_ratio is sent). */
  shapeFromInput?: boolean;
  extras: Record<string, ExtraRule>;
}

export interface Family {
  textToImage: Endpoint;
  /** Used when the request has input images; absent when the model only makes images from text. */
  imageToImage?: Endpoint;
  /** The `aspect_ratio` values, for endpoints that take one. */
  aspectRatios?: string[];
}

/** Input fields the gateway sets itself; an extra of the same name is not sent. */
const GATEWAY_FIELDS = new Set([
  'prompt', 'image_size', 'aspect_ratio', 'num_images', 'output_format', 'image_url', 'image_urls', 'mask_url', 'rendering_speed',
  // sync_mode would inline the images as data URIs; max_images (Seedream) would make the image count unpredictable.
  'sync_mode', 'max_images',
]);

const seed = integer();
const safetyTolerance = oneOf('1', '2', '3', '4', '5', '6');
const acceleration = oneOf('none', 'regular', 'high');
const FLUX_PRO_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'];

const fluxDev = { seed, guidance_scale: number(1, 20), enable_safety_checker: boolean, acceleration };
const kontext = { seed, guidance_scale: number(1, 20), safety_tolerance: safetyTolerance, enhance_prompt: boolean };
const seedream = { seed, enable_safety_checker: boolean, enhance_prompt_mode: oneOf('standard', 'fast') };
const ideogram = {
  seed, negative_prompt: text(), style: oneOf('AUTO', 'GENERAL', 'REALISTIC', 'DESIGN'), expand_prompt: boolean,
  style_codes: list, color_palette: object,
};
const qwen = {
  seed, negative_prompt: text(), num_inference_steps: integer(2, 250), guidance_scale: number(0, 20), enable_safety_checker: boolean,
  acceleration, use_turbo: boolean,
};
const RECRAFT_VECTOR = { prefix: 'vector_illustration', reason: 'fal bills vector styles at twice the price this offer charges' };
const NANO_BANANA_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16'];
// Nano Banana Pro: `resolution` is not sent (1K, the billed base price: fal charges 4K double) and neither is
// `enable_web_search` (charged extra).
const nanoBananaPro = { seed, safety_tolerance: safetyTolerance, limit_generations: boolean };
const seedream45 = { seed, enable_safety_checker: boolean };
const hunyuan3 = {
  seed, negative_prompt: text(), num_inference_steps: integer(1, 50), guidance_scale: number(1, 20), enable_safety_checker: boolean,
  enable_prompt_expansion: boolean,
};
const hidream = { seed, negative_prompt: text(), num_inference_steps: integer(1, 50), guidance_scale: number(0, 20), enable_safety_checker: boolean };
// FLUX.2 [dev] (fal-ai/flux-2/llms.txt): num_images 1-4, output_format jpeg/png/webp, sizes 512-2048 a side.
const flux2Dev = {
  seed, guidance_scale: number(0, 20), num_inference_steps: integer(4, 50), acceleration, enable_prompt_expansion: boolean, enable_safety_checker: boolean,
};
// FLUX.2 [flex] (fal-ai/flux-2-flex/llms.txt): one image per request, safety_tolerance "1".."5".
const flux2Flex = {
  seed, safety_tolerance: oneOf('1', '2', '3', '4', '5'), enable_safety_checker: boolean, guidance_scale: number(1.5, 10), num_inference_steps: integer(2, 50),
};
// FLUX.2 [klein] 9B (fal-ai/flux-2/klein/9b/llms.txt): a 4-step distilled model, 4 to 8 steps.
const flux2Klein = { seed, num_inference_steps: integer(4, 8), enable_safety_checker: boolean };
// HunyuanImage 2.1 (fal-ai/hunyuan-image/v2.1/text-to-image/llms.txt).
const hunyuan21 = {
  seed, negative_prompt: text(), num_inference_steps: integer(1, 50), guidance_scale: number(1, 20), use_reprompt: boolean, use_refiner: boolean,
  enable_safety_checker: boolean,
};
// Seedream 3.0 (fal-ai/bytedance/seedream/v3/text-to-image/llms.txt): no output_format; sizes 512-2048 a side.
const seedream3 = { seed, guidance_scale: number(1, 10), enable_safety_checker: boolean };
// Qwen-Image-2512 (fal-ai/qwen-image-2512/llms.txt): as Qwen-Image without use_turbo, steps 1-50.
const qwen2512 = {
  seed, negative_prompt: text(), num_inference_steps: integer(1, 50), guidance_scale: number(0, 20), enable_safety_checker: boolean, acceleration,
};
// Z-Image Turbo (fal.ai/docs/model-api-reference/image-generation-api/z-image-turbo): 1-8 steps. enable_prompt_expansion
// is not offered: it "adds $0.0025 per request", which the per-megapixel price here does not cover.
const zImageTurbo = { seed, num_inference_steps: integer(1, 8), enable_safety_checker: boolean, acceleration };
// Recraft V4 / V4 Pro / V4.1 (fal-ai/recraft/v4/pro/text-to-image/llms.txt, .../v4.1/text-to-image/llms.txt): no style field.
const recraftV4 = { colors: list, background_color: object, enable_safety_checker: boolean };
const REVE_RATIOS = ['16:9', '9:16', '3:2', '2:3', '4:3', '3:4', '1:1'];

/** Keyed by the offer's upstreamModel, which is the text-to-image endpoint id. */
export const FAMILIES: Record<string, Family> = {
  'fal-ai/flux-pro/v1.1': {
    textToImage: {
      id: 'fal-ai/flux-pro/v1.1', size: 'image_size', maxImages: 4, outputFormat: true,
      extras: { seed, safety_tolerance: safetyTolerance, enable_safety_checker: boolean, enhance_prompt: boolean },
    },
  },
  'fal-ai/flux-pro/v1.1-ultra': {
    // One endpoint for both: `image_url` is an optional image prompt.
    textToImage: ultra(),
    imageToImage: { ...ultra(), images: { field: 'image_url', max: 1 } },
    aspectRatios: FLUX_PRO_RATIOS,
  },
  'fal-ai/flux/dev': {
    textToImage: { id: 'fal-ai/flux/dev', size: 'image_size', maxImages: 4, outputFormat: true, extras: { ...fluxDev, num_inference_steps: integer(1, 50) } },
    imageToImage: {
      id: 'fal-ai/flux/dev/image-to-image', size: 'input', images: { field: 'image_url', max: 1 }, maxImages: 4, outputFormat: true,
      extras: { ...fluxDev, num_inference_steps: integer(10, 50), strength: number(0.01, 1) },
    },
  },
  'fal-ai/flux/schnell': {
    textToImage: {
      id: 'fal-ai/flux/schnell', size: 'image_size', maxImages: 4, outputFormat: true,
      extras: { ...fluxDev, num_inference_steps: integer(1, 12) },
    },
  },
  'fal-ai/flux-pro/kontext/text-to-image': {
    textToImage: { id: 'fal-ai/flux-pro/kontext/text-to-image', size: 'aspect_ratio', maxImages: 4, outputFormat: true, extras: kontext },
    // fal's schema makes aspect_ratio optional without a default for edits; Kontext keeps the input's ratio without one.
    imageToImage: {
      id: 'fal-ai/flux-pro/kontext', size: 'aspect_ratio', shapeFromInput: true, images: { field: 'image_url', max: 1 }, maxImages: 4, outputFormat: true,
      extras: kontext,
    },
    aspectRatios: FLUX_PRO_RATIOS,
  },
  'fal-ai/bytedance/seedream/v4/text-to-image': {
    textToImage: { id: 'fal-ai/bytedance/seedream/v4/text-to-image', size: 'image_size', maxImages: 6, extras: seedream },
    // "Presently, up to 10 image inputs are allowed."
    imageToImage: { id: 'fal-ai/bytedance/seedream/v4/edit', size: 'image_size', images: { field: 'image_urls', max: 10 }, maxImages: 6, extras: seedream },
  },
  'fal-ai/recraft/v3/text-to-image': {
    // fal: "$0.04 per image (or $0.08 if you are using a vector style)". The offer's price is the raster one, so
    // vector styles are refused, and so is `style_id` (a custom style may be a vector one). The image-to-image
    // endpoint (fal-ai/recraft/v3/image-to-image) is not offered: no price for it was found.
    textToImage: {
      id: 'fal-ai/recraft/v3/text-to-image', size: 'image_size',
      extras: { style: text(undefined, RECRAFT_VECTOR), colors: list, enable_safety_checker: boolean },
    },
  },
  'fal-ai/ideogram/v3': {
    // Remix (fal-ai/ideogram/v3/remix, Ideogram's image-to-image) is not offered: no price for it was found.
    // Its mask endpoint (v3/edit) neither (see models.ts).
    textToImage: { id: 'fal-ai/ideogram/v3', size: 'image_size', maxImages: 8, renderingSpeed: true, extras: { ...ideogram, style_preset: text() } },
  },
  'fal-ai/stable-diffusion-v35-large': {
    textToImage: {
      id: 'fal-ai/stable-diffusion-v35-large', size: 'image_size', maxImages: 4, outputFormat: true,
      extras: { seed, negative_prompt: text(), num_inference_steps: integer(1, 50), guidance_scale: number(0, 20), enable_safety_checker: boolean },
    },
  },
  'fal-ai/qwen-image': {
    textToImage: { id: 'fal-ai/qwen-image', size: 'image_size', maxImages: 4, outputFormat: true, extras: qwen },
    imageToImage: {
      id: 'fal-ai/qwen-image/image-to-image', size: 'image_size', images: { field: 'image_url', max: 1 }, maxImages: 4, outputFormat: true,
      extras: { ...qwen, strength: number(0, 1) },
    },
  },
  'fal-ai/hidream-i1-full': {
    textToImage: { id: 'fal-ai/hidream-i1-full', size: 'image_size', maxImages: 4, outputFormat: true, extras: hidream },
    imageToImage: {
      id: 'fal-ai/hidream-i1-full/image-to-image', size: 'image_size', images: { field: 'image_url', max: 1 }, maxImages: 4, outputFormat: true,
      extras: { ...hidream, strength: number(0, 1) },
    },
  },
  'fal-ai/flux-pro/kontext/max/text-to-image': {
    // The same schema as Kontext [pro] (fal-ai/flux-pro/kontext/max/llms.txt and .../max/text-to-image/llms.txt).
    textToImage: { id: 'fal-ai/flux-pro/kontext/max/text-to-image', size: 'aspect_ratio', maxImages: 4, outputFormat: true, extras: kontext },
    imageToImage: {
      id: 'fal-ai/flux-pro/kontext/max', size: 'aspect_ratio', shapeFromInput: true, images: { field: 'image_url', max: 1 }, maxImages: 4, outputFormat: true,
      extras: kontext,
    },
    aspectRatios: FLUX_PRO_RATIOS,
  },
  'fal-ai/flux-2-pro': {
    // One image per request, no num_images. safety_tolerance here is "1".."5". The edit endpoint
    // (fal-ai/flux-2-pro/edit) is not offered: fal bills its input megapixels too, which no price rule here follows.
    textToImage: {
      id: 'fal-ai/flux-2-pro', size: 'image_size', outputFormat: true,
      extras: { seed, safety_tolerance: oneOf('1', '2', '3', '4', '5'), enable_safety_checker: boolean },
    },
  },
  'fal-ai/nano-banana': {
    // fal-ai/nano-banana/llms.txt: prompt, num_images (1-4), output_format, aspect_ratio, sync_mode; nothing else.
    textToImage: { id: 'fal-ai/nano-banana', size: 'aspect_ratio', maxImages: 4, outputFormat: true, extras: {} },
    // Without aspect_ratio the edit "takes one of the input images' aspect ratio". fal states no input limit;
    // Google's: the model "works best with up to 3 images as input".
    imageToImage: {
      id: 'fal-ai/nano-banana/edit', size: 'aspect_ratio', shapeFromInput: true, images: { field: 'image_urls', max: 3 }, maxImages: 4, outputFormat: true,
      extras: {},
    },
    aspectRatios: NANO_BANANA_RATIOS,
  },
  'fal-ai/nano-banana-pro': {
    textToImage: { id: 'fal-ai/nano-banana-pro', size: 'aspect_ratio', maxImages: 4, outputFormat: true, extras: nanoBananaPro },
    // The edit's aspect_ratio defaults to `auto`; fal states no input limit, Gemini 3 Pro Image takes up to 14.
    imageToImage: {
      id: 'fal-ai/nano-banana-pro/edit', size: 'aspect_ratio', shapeFromInput: true, images: { field: 'image_urls', max: 14 }, maxImages: 4, outputFormat: true,
      extras: nanoBananaPro,
    },
    aspectRatios: NANO_BANANA_RATIOS,
  },
  'fal-ai/bytedance/seedream/v4.5/text-to-image': {
    // "Width and height must be between 1920 and 4096, or total number of pixels must be between 2560*1440 and
    // 4096*4096": the offer lists only sizes in that range. "up to 10 image inputs are allowed".
    textToImage: { id: 'fal-ai/bytedance/seedream/v4.5/text-to-image', size: 'image_size', maxImages: 6, extras: seedream45 },
    imageToImage: {
      id: 'fal-ai/bytedance/seedream/v4.5/edit', size: 'image_size', images: { field: 'image_urls', max: 10 }, maxImages: 6, extras: seedream45,
    },
  },
  'fal-ai/hunyuan-image/v3/text-to-image': {
    textToImage: { id: 'fal-ai/hunyuan-image/v3/text-to-image', size: 'image_size', maxImages: 4, outputFormat: true, extras: hunyuan3 },
  },
  // Text to image only below: the edit endpoints of these models (fal-ai/flux-2/edit, .../klein/9b/edit, ...) bill
  // input megapixels too, or were not read.
  'fal-ai/flux-2': {
    textToImage: { id: 'fal-ai/flux-2', size: 'image_size', maxImages: 4, outputFormat: true, extras: flux2Dev },
  },
  'fal-ai/flux-2-flex': {
    textToImage: { id: 'fal-ai/flux-2-flex', size: 'image_size', outputFormat: true, extras: flux2Flex },
  },
  'fal-ai/flux/krea': {
    // FLUX.1 Krea [dev] (fal-ai/flux/krea/llms.txt): the FLUX.1 [dev] fields, steps 1-50.
    textToImage: { id: 'fal-ai/flux/krea', size: 'image_size', maxImages: 4, outputFormat: true, extras: { ...fluxDev, num_inference_steps: integer(1, 50) } },
  },
  'fal-ai/flux-2/klein/9b': {
    textToImage: { id: 'fal-ai/flux-2/klein/9b', size: 'image_size', maxImages: 4, outputFormat: true, extras: flux2Klein },
  },
  'fal-ai/hunyuan-image/v2.1/text-to-image': {
    textToImage: { id: 'fal-ai/hunyuan-image/v2.1/text-to-image', size: 'image_size', maxImages: 4, outputFormat: true, extras: hunyuan21 },
  },
  'fal-ai/bytedance/seedream/v3/text-to-image': {
    textToImage: { id: 'fal-ai/bytedance/seedream/v3/text-to-image', size: 'image_size', maxImages: 4, extras: seedream3 },
  },
  'fal-ai/qwen-image-2512': {
    textToImage: { id: 'fal-ai/qwen-image-2512', size: 'image_size', maxImages: 4, outputFormat: true, extras: qwen2512 },
  },
  'fal-ai/z-image/turbo': {
    textToImage: { id: 'fal-ai/z-image/turbo', size: 'image_size', maxImages: 4, outputFormat: true, extras: zImageTurbo },
  },
  'fal-ai/recraft/v4/text-to-image': {
    textToImage: { id: 'fal-ai/recraft/v4/text-to-image', size: 'image_size', extras: recraftV4 },
  },
  'fal-ai/recraft/v4/pro/text-to-image': {
    textToImage: { id: 'fal-ai/recraft/v4/pro/text-to-image', size: 'image_size', extras: recraftV4 },
  },
  'fal-ai/recraft/v4.1/text-to-image': {
    textToImage: { id: 'fal-ai/recraft/v4.1/text-to-image', size: 'image_size', extras: recraftV4 },
  },
  'fal-ai/reve/text-to-image': {
    // fal-ai/reve/text-to-image/llms.txt: prompt, aspect_ratio, num_images (1-4), output_format (png/jpeg/webp), sync_mode.
    textToImage: { id: 'fal-ai/reve/text-to-image', size: 'aspect_ratio', maxImages: 4, outputFormat: true, extras: {} },
    aspectRatios: REVE_RATIOS,
  },
  'fal-ai/hidream-i1-fast': {
    // fal's schema for it was read only as listed by lumenfall.ai (prompt, image_size, num_images, num_inference_steps, seed,
    // negative_prompt, enable_safety_checker, output_format, sync_mode, without ranges): only the fields that need no range are
    // sent, one image per request (num_images is not sent) and no output_format.
    textToImage: { id: 'fal-ai/hidream-i1-fast', size: 'image_size', extras: { seed, negative_prompt: text(), enable_safety_checker: boolean } },
  },
};

function ultra(): Endpoint {
  return {
    id: 'fal-ai/flux-pro/v1.1-ultra', size: 'aspect_ratio', maxImages: 4, outputFormat: true,
    extras: { seed, safety_tolerance: safetyTolerance, enable_safety_checker: boolean, enhance_prompt: boolean, raw: boolean, image_prompt_strength: number(0, 1) },
  };
}

const RENDERING_SPEED = { low: 'TURBO', medium: 'BALANCED', high: 'QUALITY' } as const;

export interface FalRequest {
  endpoint: Endpoint;
  input: Record<string, unknown>;
}

/** The endpoint to call and its input JSON. */
export async function buildRequest(call: ProviderCall): Promise<FalRequest> {
  const family = FAMILIES[call.upstreamModel];
  if (!family) throw new UpstreamError('rejected', `'${call.upstreamModel}' is not a fal model this gateway knows`);
  const { request } = call;
  const withImages = request.images.length > 0;
  const endpoint = withImages ? family.imageToImage : family.textToImage;
  if (!endpoint) throw new UpstreamError('rejected', `${call.upstreamModel} does not take input images`);

  const input: Record<string, unknown> = { prompt: request.prompt, ...sizeField(call, endpoint, family) };
  if (endpoint.maxImages) input.num_images = imageCount(call, endpoint.maxImages);
  else if (call.n > 1) call.warn(`${endpoint.id} makes one image per request; 1 was asked for instead of ${call.n}`);
  // For webp, png: the pipeline converts it without a second lossy step.
  if (endpoint.outputFormat) input.output_format = request.outputFormat === 'jpeg' ? 'jpeg' : 'png';
  if (endpoint.renderingSpeed && request.quality !== 'auto') input.rendering_speed = RENDERING_SPEED[request.quality];
  else if (request.quality !== 'auto') call.warn(`quality '${request.quality}' is not supported by ${endpoint.id}; the model's default was used`);
  if (request.background === 'transparent') call.warn(`${endpoint.id} cannot make a transparent background; the image is opaque`);
  if (request.mask) call.warn(`${endpoint.id} takes no mask; the mask was not sent`);
  if (endpoint.images) input[endpoint.images.field] = await imageField(call, endpoint);
  Object.assign(input, extrasFor(call, endpoint));
  return { endpoint, input };
}

function sizeField(call: ProviderCall, endpoint: Endpoint, family: Family): Record<string, unknown> {
  if (endpoint.size === 'image_size') return { image_size: { width: call.size.width, height: call.size.height } };
  if (endpoint.size === 'input') return {};
  if (endpoint.shapeFromInput && call.request.size === 'auto') return {};
  const ratio = nearestAspectRatio(call.size, family.aspectRatios!);
  if (!hasRatio(call.size, ratio)) call.warn(`size ${formatSize(call.size)} is not an aspect ratio ${endpoint.id} offers; using ${ratio}`);
  return { aspect_ratio: ratio };
}

const hasRatio = (size: Size, ratio: string) => {
  const [w, h] = ratio.split(':').map(Number);
  return size.width * h! === size.height * w!;
};

function imageCount(call: ProviderCall, max: number): number {
  if (call.n <= max) return call.n;
  call.warn(`${call.upstreamModel} makes at most ${max} images per request; ${max} were asked for instead of ${call.n}`);
  return max;
}

async function imageField(call: ProviderCall, endpoint: Endpoint): Promise<string | string[]> {
  const { field, max } = endpoint.images!;
  let images = call.request.images;
  if (images.length > max) {
    call.warn(`${endpoint.id} takes at most ${max} input image${max > 1 ? 's' : ''}; only the first ${max} ${max > 1 ? 'were' : 'was'} sent`);
    images = images.slice(0, max);
  }
  const uris = await Promise.all(images.map((image) => (endpoint.size === 'input' ? fittedDataUri(image, call) : dataUri(image))));
  return field === 'image_urls' ? uris : uris[0]!;
}

// fal's file inputs take URLs or base64 data URIs (https://docs.fal.ai/documentation/model-apis/fal-cdn, "Data URIs").
// The Kontext page lists jpg, jpeg, png, webp, gif and avif as accepted types; other formats go as PNG.
const MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif' };

async function dataUri(image: InputImage): Promise<string> {
  if (MIME[image.format]) return `data:${MIME[image.format]};base64,${image.bytes.toString('base64')}`;
  const png = await sharp(image.bytes).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** The endpoint keeps the input's size, so the input is made the size asked for (and billed): centred, cropped to fill. */
async function fittedDataUri(image: InputImage, call: ProviderCall): Promise<string> {
  const { width, height } = call.size;
  if (image.width * height !== image.height * width) {
    call.warn(`${image.param} (${image.width}x${image.height}) was cropped to the aspect ratio of ${formatSize(call.size)}: the output takes the input image's size`);
  }
  const png = await sharp(image.bytes).resize(width, height, { fit: 'cover' }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

function extrasFor(call: ProviderCall, endpoint: Endpoint): Record<string, unknown> {
  const sent: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(call.request.extras)) {
    const rule = endpoint.extras[name];
    if (GATEWAY_FIELDS.has(name)) call.warn(`'${name}' is set by the gateway for ${endpoint.id}; the extra was not sent`);
    else if (!rule) call.warn(`'${name}' is not a parameter of ${endpoint.id}; not sent`);
    else {
      const fitted = fitExtra(name, value, rule, call.warn);
      if (fitted !== undefined) sent[name] = fitted;
    }
  }
  return sent;
}
