import sharp from 'sharp';
import type { InputImage, Size } from '../../api/imageRequest.js';
import type { ProviderCall } from '../types.js';
import type { ModelSpec } from './params.js';

/**
 * The `inputs` object of a task: images as data URIs ("UUID, URL, Data URI, or Base64"; PNG, JPG and
 * WEBP are the documented formats), the mask in Runware's convention (white edits, black keeps).
 */

const MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** The task's `inputs`, or undefined when there is nothing to send. */
export async function buildInputs(call: ProviderCall, spec: ModelSpec): Promise<Record<string, unknown> | undefined> {
  const { images, mask } = call.request;
  const accepts = spec.inputs;
  if (mask && !(accepts?.kind === 'seed' && accepts.mask && images.length > 0)) {
    call.warn(`${call.upstreamModel} takes no mask here: the mask was not sent`);
  }
  if (images.length === 0) return undefined;
  if (!accepts) {
    call.warn(`${call.upstreamModel} takes no input image: ${images.length} were not sent`);
    return undefined;
  }
  const max = accepts.kind === 'seed' ? 1 : accepts.max;
  if (images.length > max) call.warn(`${call.upstreamModel} takes at most ${max} input images: ${images.length - max} were not sent`);
  const sent = await Promise.all(images.slice(0, max).map(dataUri));
  if (accepts.kind === 'references') return { referenceImages: sent };
  const maskImage = mask && accepts.mask ? await runwareMask(mask, images[0]!) : undefined;
  return { seedImage: sent[0], ...(maskImage && { maskImage }) };
}

async function dataUri(image: InputImage): Promise<string> {
  const mime = MIME[image.format];
  const bytes = mime ? image.bytes : await sharp(image.bytes).png().toBuffer();
  return `data:${mime ?? 'image/png'};base64,${bytes.toString('base64')}`;
}

/**
 * The client's mask (OpenAI's convention: fully transparent pixels mark the edit; a mask without
 * transparency marks it white) as a black and white PNG the size of the seed image.
 */
export async function runwareMask(mask: InputImage, seed: Size): Promise<string> {
  const { width, height } = seed;
  const rgba = await sharp(mask.bytes).resize(width, height, { fit: 'fill' }).ensureAlpha().raw().toBuffer();
  const pixels = width * height;
  let usesAlpha = false;
  for (let p = 0; p < pixels && !usesAlpha; p++) if (rgba[p * 4 + 3]! < 250) usesAlpha = true;
  const gray = Buffer.alloc(pixels);
  for (let p = 0, o = 0; p < pixels; p++, o += 4) {
    const edit = usesAlpha ? rgba[o + 3]! < 128 : 0.299 * rgba[o]! + 0.587 * rgba[o + 1]! + 0.114 * rgba[o + 2]! >= 128;
    gray[p] = edit ? 255 : 0;
  }
  const png = await sharp(gray, { raw: { width, height, channels: 1 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
