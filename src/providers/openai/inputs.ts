import sharp from 'sharp';
import { parseSize, type InputImage, type Size } from '../../api/imageRequest.js';
import type { ProviderCall } from '../types.js';
import { rulesFor } from './params.js';
import { imageBlob } from '../http.js';

/**
 * The multipart body of an edit: the fields, the input images and the mask, in the forms OpenAI
 * documents. GPT image models take up to 16 png, webp or jpg files as `image[]`; dall-e-2 takes one
 * square PNG as `image`. The mask is a PNG with the first image's dimensions whose fully transparent
 * pixels mark the area to edit.
 */
export async function editForm(fields: Record<string, string | number>, call: ProviderCall): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
  const { images, mask } = call.request;

  let maskSize: Size;
  // The mask must cover the image as sent: stretched onto a GPT image input, cropped like dall-e-2's.
  let maskFit: 'fill' | 'cover' = 'fill';
  if (rulesFor(call.upstreamModel).family === 'gpt-image') {
    for (const [index, image] of images.entries()) {
      const file = await gptImageFile(image);
      form.append('image[]', imageBlob(file.bytes, `image/${file.format}`), `image-${index}.${file.format}`);
    }
    maskSize = { width: images[0]!.width, height: images[0]!.height };
  } else {
    maskSize = parseSize(String(fields.size));
    maskFit = 'cover';
    const square = await dallE2Image(images[0]!, maskSize.width, call);
    form.append('image', imageBlob(square, 'image/png'), 'image.png');
  }

  if (mask) {
    const first = images[0]!;
    if (mask.width !== first.width || mask.height !== first.height) {
      call.warn(`the mask (${mask.width}x${mask.height}) was resized to the first image's ${first.width}x${first.height}: OpenAI needs them the same size`);
    }
    form.append('mask', imageBlob(await openAiMask(mask, maskSize, maskFit), 'image/png'), 'mask.png');
  }
  return form;
}

const GPT_IMAGE_FORMATS = new Set(['png', 'jpeg', 'webp']);

/** png, jpeg and webp go as they came; other formats (gif, avif, tiff...) losslessly as PNG. */
async function gptImageFile(image: InputImage): Promise<{ bytes: Buffer; format: string }> {
  if (GPT_IMAGE_FORMATS.has(image.format)) return { bytes: image.bytes, format: image.format };
  return { bytes: await sharp(image.bytes).png().toBuffer(), format: 'png' };
}

/** dall-e-2 edits need a square RGBA PNG under 4 MB: the input at the output size, centre-cropped if it is not square. */
async function dallE2Image(image: InputImage, side: number, call: ProviderCall): Promise<Buffer> {
  if (image.width !== image.height) {
    call.warn(`${call.upstreamModel} edits only square images; ${image.param} (${image.width}x${image.height}) was centre-cropped to a square`);
  }
  return sharp(image.bytes).resize(side, side, { fit: 'cover' }).ensureAlpha().png().toBuffer();
}

/**
 * The mask in OpenAI's form. A mask with transparency already is; one without marks the edit area
 * in white (our documented alternative), which becomes transparent here since OpenAI reads only alpha.
 */
export async function openAiMask(mask: InputImage, size: Size, fit: 'fill' | 'cover'): Promise<Buffer> {
  const { data, info } = await sharp(mask.bytes).resize(size.width, size.height, { fit }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let usesAlpha = false;
  for (let o = 3; o < data.length && !usesAlpha; o += 4) if (data[o]! < 250) usesAlpha = true;
  if (!usesAlpha) {
    for (let o = 0; o < data.length; o += 4) {
      const white = 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]! >= 128;
      data[o + 3] = white ? 0 : 255;
    }
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
}
