import { UpstreamError } from '../errors.js';
import { downloadImage, toGeneratedImage } from '../http.js';
import type { GeneratedImage } from '../types.js';

/**
 * A fal image result: `images` is a list of files `{url, content_type, width?, height?}` on fal's
 * CDN, and most models add `has_nsfw_concepts`, one flag per image, true where the safety checker
 * flagged the image (fal then sends a black image in its place). Output schemas per model page and
 * github.com/fal-ai/fal-js libs/client/src/types/image/types.gen.ts.
 */
export async function readImages(
  body: any,
  options: { signal: AbortSignal; maxBytes: number; warn: (message: string) => void },
): Promise<GeneratedImage[]> {
  const files: unknown[] = Array.isArray(body?.images) ? body.images : [];
  const urls = files.map((file) => (file as { url?: unknown })?.url);
  if (urls.length === 0 || urls.some((url) => typeof url !== 'string' || !url)) {
    throw new UpstreamError('bad_response', 'fal returned a result without image URLs');
  }
  const flags: unknown[] = Array.isArray(body.has_nsfw_concepts) ? body.has_nsfw_concepts : [];
  const kept = (urls as string[]).filter((_, i) => flags[i] !== true);
  if (kept.length === 0) throw new UpstreamError('content_policy', "fal's safety checker flagged the generated image");
  if (kept.length < urls.length) {
    options.warn(`${urls.length - kept.length} of ${urls.length} images were withheld: fal's safety checker flagged them`);
  }
  // The URLs are public CDN files: no key is sent there.
  return Promise.all(kept.map(async (url) => toGeneratedImage(await downloadImage(url, { signal: options.signal, maxBytes: options.maxBytes }))));
}
