import sharp from 'sharp';
import type { InputImage, Size } from '../../api/imageRequest.js';
import type { GeneratedImage, ImageProvider, ProviderCall, ProviderResult } from '../types.js';
import { hashString, renderScene } from './scene.js';

/**
 * The free local `test/test` model. Text-to-image paints a seeded landscape; image-to-image really
 * transforms the inputs: they are tiled onto the canvas, and the scene is painted into the region the
 * mask marks (or, with no mask, blended over the whole picture). Always answers PNG, like a real
 * upstream that has one native format, so the pipeline's transcoding is exercised.
 */
export class TestProvider implements ImageProvider {
  readonly id = 'test';

  isAvailable() {
    return true;
  }

  async generate({ request, size, n, signal, warn }: ProviderCall): Promise<ProviderResult> {
    for (const extra of Object.keys(request.extras)) if (extra !== 'seed') warn(`parameter '${extra}' is not supported by test/test; ignored`);
    // Any JSON value may arrive as the seed; String() would call a client-supplied toString.
    const seed = request.extras.seed;
    const seedText = seed === undefined ? '' : typeof seed === 'object' && seed !== null ? JSON.stringify(seed) : String(seed);
    const baseSeed = hashString(`${request.prompt}\u0000${seedText}`);
    const transparent = request.background === 'transparent';
    const canvas = request.images.length > 0 ? await tileInputs(request.images, size) : undefined;
    const region = request.mask && canvas ? await maskRegion(request.mask, size) : undefined;

    const images: GeneratedImage[] = [];
    for (let index = 0; index < n; index++) {
      signal.throwIfAborted();
      // Each of the n images gets its own seed, so they differ from one another.
      const seed = (baseSeed + Math.imul(index, 0x9e3779b9)) >>> 0;
      const scene = await renderScene({ size, seed, quality: request.quality, transparent });
      const pixels = canvas ? blend(canvas, scene, region) : scene;
      const bytes = await sharp(pixels, { raw: { width: size.width, height: size.height, channels: 4 } }).png().toBuffer();
      images.push({ bytes, format: 'png' });
    }
    return { images };
  }
}

/** The input images laid out in a grid filling the canvas, as raw RGBA. */
async function tileInputs(inputs: InputImage[], size: Size): Promise<Buffer> {
  const columns = Math.ceil(Math.sqrt(inputs.length));
  const rows = Math.ceil(inputs.length / columns);
  const tiles = await Promise.all(
    inputs.map(async (input, i) => {
      const column = i % columns;
      const row = Math.floor(i / columns);
      const left = Math.round((column * size.width) / columns);
      const top = Math.round((row * size.height) / rows);
      const width = Math.round(((column + 1) * size.width) / columns) - left;
      const height = Math.round(((row + 1) * size.height) / rows) - top;
      const input_ = await sharp(input.bytes).resize(width, height, { fit: 'cover' }).ensureAlpha().png().toBuffer();
      return { input: input_, left, top };
    }),
  );
  return sharp({ create: { width: size.width, height: size.height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } })
    .composite(tiles)
    .raw()
    .toBuffer();
}

/**
 * Which pixels the mask marks for editing, one byte per pixel (1 = edit). OpenAI's convention is that
 * fully transparent mask pixels mark the area to edit; masks without transparency use white for it.
 */
export async function maskRegion(mask: InputImage, size: Size): Promise<Uint8Array> {
  const rgba = await sharp(mask.bytes).resize(size.width, size.height, { fit: 'fill' }).ensureAlpha().raw().toBuffer();
  const pixels = size.width * size.height;
  let usesAlpha = false;
  for (let p = 0; p < pixels && !usesAlpha; p++) if (rgba[p * 4 + 3]! < 250) usesAlpha = true;
  const region = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const o = p * 4;
    region[p] = usesAlpha
      ? Number(rgba[o + 3]! < 128)
      : Number(0.299 * rgba[o]! + 0.587 * rgba[o + 1]! + 0.114 * rgba[o + 2]! >= 128);
  }
  return region;
}

/** Scene inside the mask region (or 40% of it everywhere without a mask), the input elsewhere. */
function blend(canvas: Buffer, scene: Buffer, region?: Uint8Array): Buffer {
  const out = Buffer.alloc(canvas.length);
  for (let p = 0, o = 0; o < canvas.length; p++, o += 4) {
    // A transparent scene pixel (transparent background) leaves the input showing.
    const weight = (region ? region[p]! : 0.4) * (scene[o + 3]! / 255);
    for (let c = 0; c < 3; c++) out[o + c] = Math.round(canvas[o + c]! * (1 - weight) + scene[o + c]! * weight);
    out[o + 3] = canvas[o + 3]!;
  }
  return out;
}
