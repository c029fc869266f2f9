import sharp from 'sharp';
import { invalidRequest, tooLarge } from '../api/errors.js';
import type { InputImage } from '../api/imageRequest.js';
import { endsComplete } from './complete.js';

const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'avif', 'tiff', 'heif']);
/** 100 megapixels: larger inputs are refused before they can exhaust memory. */
export const MAX_INPUT_PIXELS = 100_000_000;

/**
 * Checks that uploaded bytes are a decodable image of an accepted format and reads its size.
 * Undecodable input is the client's fault (400), never a server error.
 */
export async function decodeInput(bytes: Buffer, param: string, maxBytes: number): Promise<InputImage> {
  if (bytes.length > maxBytes) throw tooLarge(`'${param}' is larger than the ${maxBytes} byte limit`, param);
  if (bytes.length === 0) throw invalidRequest(`'${param}' is empty`, param, 'invalid_image');
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
    const meta = await image.metadata();
    if (!meta.format || !ACCEPTED_FORMATS.has(meta.format) || !meta.width || !meta.height) throw new Error('unsupported');
    // A file cut short has a valid header; the end marker shows it without decoding every pixel
    // (16 inputs of an edit would cost a full decode each). Formats without one are decoded small.
    const complete = endsComplete(bytes, meta.format);
    if (complete === false) throw new Error('truncated');
    if (complete === null) await image.resize(16, 16, { fit: 'fill' }).raw().toBuffer();
    return { bytes, param, width: meta.width, height: meta.height, format: meta.format };
  } catch {
    throw invalidRequest(
      `'${param}' could not be decoded as an image (accepted: ${[...ACCEPTED_FORMATS].join(', ')}, at most ${MAX_INPUT_PIXELS / 1e6} megapixels)`,
      param,
      'invalid_image',
    );
  }
}
