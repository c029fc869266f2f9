import { UpstreamError } from '../errors.js';

/**
 * The answer of txt2img and img2img (TextToImageResponse / ImageToImageResponse in
 * modules/api/models.py): `images` (base64, in the server's samples_format), `parameters` (the
 * request as the server read it) and `info` (a JSON string from Processed.js()). When the server
 * puts a grid or an extension's extra images in `images`, `info.index_of_first_image` says where
 * the generated ones start; at most `n` are taken from there.
 */
export function readImages(body: any, n: number): Buffer[] {
  const images = body?.images;
  if (!Array.isArray(images)) throw new UpstreamError('bad_response', 'the server answered without an images list');
  const start = firstImageIndex(body.info);
  const picked = images.slice(start, start + n).filter((i): i is string => typeof i === 'string' && i.length > 0);
  if (picked.length === 0) throw new UpstreamError('bad_response', 'the server answered without an image (is send_images off?)');
  return picked.map((b64) => Buffer.from(b64.replace(/^data:[^,]*,/, ''), 'base64'));
}

function firstImageIndex(info: unknown): number {
  if (typeof info !== 'string') return 0;
  try {
    const index = (JSON.parse(info) as { index_of_first_image?: unknown }).index_of_first_image;
    return typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : 0;
  } catch {
    return 0;
  }
}
