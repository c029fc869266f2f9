import sharp from 'sharp';
import { invalidRequest } from '../../api/errors.js';
import type { InputImage } from '../../api/imageRequest.js';
import type { ProviderCall } from '../types.js';
import type { StabilityRequest } from './params.js';
import { imageBlob } from '../http.js';

/**
 * The multipart body of a Stability request: the text fields, then the input image and (for
 * /edit/inpaint) the mask. Every service takes jpeg, png or webp files.
 */
export async function buildForm({ service, fields }: StabilityRequest, call: ProviderCall): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const { images, mask } = call.request;
  const image = images[0];
  if (!image) return form;
  const file = await imageFile(image);
  form.append('image', imageBlob(file.bytes, `image/${file.format}`), `image.${file.format}`);
  if (service !== 'inpaint') return form;
  if (mask) {
    form.append('mask', imageBlob(await stabilityMask(mask), 'image/png'), 'mask.png');
  } else if ((await sharp(file.bytes).stats()).isOpaque) {
    // Without a mask Stability derives one from the image's alpha channel: an opaque image marks nothing.
    throw invalidRequest('Inpainting needs a mask, or an input image whose transparent pixels mark the area to repaint', 'mask', 'missing_required_parameter');
  }
  return form;
}

const SENDABLE = new Set(['png', 'jpeg', 'webp']);

/** png, jpeg and webp go as they came; other formats (gif, avif, tiff...) losslessly as PNG. */
async function imageFile(image: InputImage): Promise<{ bytes: Buffer; format: string }> {
  if (SENDABLE.has(image.format)) return { bytes: image.bytes, format: image.format };
  return { bytes: await sharp(image.bytes).png().toBuffer(), format: 'png' };
}

/**
 * The mask in Stability's form: a grayscale image where white is repainted at full strength and
 * black kept (Stability resizes it to the image itself). Our API follows OpenAI: a mask with
 * transparency marks the area in its transparent pixels; one without, in white, as Stability does.
 */
export async function stabilityMask(mask: InputImage): Promise<Buffer> {
  const { data, info } = await sharp(mask.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let usesAlpha = false;
  for (let o = 3; o < data.length && !usesAlpha; o += 4) if (data[o]! < 250) usesAlpha = true;
  const gray = Buffer.alloc(info.width * info.height);
  for (let p = 0, o = 0; p < gray.length; p++, o += 4) {
    gray[p] = usesAlpha ? 255 - data[o + 3]! : Math.round(0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!);
  }
  return sharp(gray, { raw: { width: info.width, height: info.height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
}
