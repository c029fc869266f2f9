import sharp from 'sharp';
import type { InputImage, OutputFormat } from '../../api/imageRequest.js';
import type { SizeRule } from '../../catalog/types.js';
import { UpstreamError } from '../errors.js';
import type { ProviderCall } from '../types.js';
import { integer, fitExtras, text, type ExtraRule } from '../extras.js';

/**
 * What each Together image model takes, and how a call becomes the JSON body of
 * POST /images/generations. The fields are the API reference's (https://docs.together.ai/reference/post-images-generations,
 * read 2026-11-21): model, prompt, width, height, n, steps, seed, negative_prompt, response_format
 * (base64 | url), image_url, output_format (jpeg | png), guidance_scale, image_loras, reference_images,
 * disable_safety_checker. Which model takes which is from the image parameter guide and the feature
 * matrix Together publishes in github.com/togethercomputer/skills
 * (skills/together-ai/references/images/api-reference.md, domains/images.md).
 *
 * Not sent: guidance_scale (FLUX.2 dev/flex only), image_loras (LoRA models retired),
 * reference_images (FLUX.2 and Google models, not served here), and disable_safety_checker: it would
 * let any client of the gateway switch Together's NSFW filter off, which is the operator's call.
 */

/**
 * "Supported dimensions, standard (most models)" in Together's image model reference: about one
 * megapixel in seven shapes. Kontext sizes its output by aspect ratio at about one megapixel whatever
 * is asked, so these sizes are also what a per-megapixel price is really charged on.
 */
export const STANDARD_SIZES = ['1024x1024', '1344x768', '768x1344', '1248x832', '832x1248', '1184x864', '864x1184'];
export const SIZE_RULE: SizeRule = { kind: 'list', sizes: STANDARD_SIZES };

/** "n: Number of images to generate (1-4)". */
export const MAX_N = 4;

export interface ModelRules {
  /** Takes one input image as `image_url` (FLUX.1 Kontext: "A single image URL to edit or transform"). */
  imageInput: boolean;
  /** Takes `output_format` ("jpeg or png; FLUX models including Kontext"). */
  outputFormat: boolean;
  extras: Record<string, ExtraRule>;
}

const seed = integer();
/**
 * FLUX prices are per megapixel "at the default step count"; more steps cost proportionally more,
 * fewer cost the same. Kontext's default is 28, so more is not offered: the listed price would not hold.
 */
const kontextSteps = integer(1, 28, 'more steps than the default 28 cost more than the listed price');

const kontext: ModelRules = { imageInput: true, outputFormat: true, extras: { seed, steps: kontextSteps } };

export const MODEL_RULES: Record<string, ModelRules> = {
  // Feature matrix: FLUX1.1 [pro] takes negative_prompt; it has no default step count ("-").
  'black-forest-labs/FLUX.1.1-pro': { imageInput: false, outputFormat: true, extras: { seed, negative_prompt: text() } },
  // Kontext: image_url yes, negative_prompt no.
  'black-forest-labs/FLUX.1-kontext-pro': kontext,
  'black-forest-labs/FLUX.1-kontext-max': kontext,
  'ByteDance-Seed/Seedream-4.0': { imageInput: false, outputFormat: false, extras: { seed } },
  'ByteDance-Seed/Seedream-3.0': { imageInput: false, outputFormat: false, extras: { seed } },
  // FLUX.2: text() to image only here (image_url and reference_images inputs are billed as input megapixels by BFL's
  // pricing, which the per-megapixel price here does not follow). No steps: more than the default would cost more.
  'black-forest-labs/FLUX.2-dev': { imageInput: false, outputFormat: true, extras: { seed } },
  'black-forest-labs/FLUX.2-flex': { imageInput: false, outputFormat: true, extras: { seed } },
  'black-forest-labs/FLUX.2-max': { imageInput: false, outputFormat: true, extras: { seed } },
  'Qwen/Qwen-Image': { imageInput: false, outputFormat: false, extras: { seed, negative_prompt: text() } },
  'stabilityai/stable-diffusion-xl-base-1.0': { imageInput: false, outputFormat: false, extras: { seed, negative_prompt: text() } },
};

export function rulesFor(upstreamModel: string): ModelRules {
  const rules = MODEL_RULES[upstreamModel];
  if (!rules) throw new Error(`together: no request mapping for '${upstreamModel}'`);
  return rules;
}

/** The JSON body for a call; `image` is the input image as a data URI, when there is one. */
export function generationBody(call: ProviderCall, image?: string): Record<string, unknown> {
  const { request, upstreamModel: model } = call;
  const rules = rulesFor(model);
  const body: Record<string, unknown> = {
    model,
    prompt: request.prompt,
    width: call.size.width,
    height: call.size.height,
    n: fitN(call),
    // Inline images spare a download from Together's CDN.
    response_format: 'base64',
  };
  if (rules.outputFormat) body.output_format = outputFormat(request.outputFormat, request.outputCompression);
  if (image) body.image_url = image;
  if (request.mask) call.warn(`${model} takes no mask; the mask was not sent`);
  return { ...body, ...fitExtras(call, rules.extras) };
}

function fitN(call: ProviderCall): number {
  if (call.n <= MAX_N) return call.n;
  call.warn(`${call.upstreamModel} makes at most ${MAX_N} images per request; asked for ${MAX_N} instead of ${call.n}`);
  return MAX_N;
}

/**
 * The client's format when it is jpeg; PNG otherwise (webp is not offered), which the pipeline
 * converts without a second lossy step. With an explicit output_compression the pipeline re-encodes
 * anyway, so PNG too.
 */
function outputFormat(format: OutputFormat, compression: number | undefined): 'jpeg' | 'png' {
  return format === 'jpeg' && compression === undefined ? 'jpeg' : 'png';
}

/** Refuses input images a model cannot take, before anything is sent. */
export function checkInputImages(call: ProviderCall): InputImage | undefined {
  const { images } = call.request;
  if (images.length === 0) return undefined;
  if (!rulesFor(call.upstreamModel).imageInput) throw new UpstreamError('rejected', `${call.upstreamModel} does not accept input images`);
  if (images.length > 1) throw new UpstreamError('rejected', `${call.upstreamModel} accepts one input image`);
  return images[0];
}

const MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/**
 * An input image as a data URI for `image_url`: png, jpeg and webp as they came, anything else as
 * PNG. The docs show only https URLs there; a data URI is how the client's bytes can travel without
 * an upload host of our own.
 */
export async function imageDataUri(image: InputImage): Promise<string> {
  const mime = MIME[image.format];
  if (mime) return `data:${mime};base64,${image.bytes.toString('base64')}`;
  return `data:image/png;base64,${(await sharp(image.bytes).png().toBuffer()).toString('base64')}`;
}
