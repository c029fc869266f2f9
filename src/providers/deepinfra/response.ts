import { UpstreamError } from '../errors.js';
import { downloadImage, toGeneratedImage } from '../http.js';
import type { ProviderResult, UpstreamUsage } from '../types.js';

/**
 * The native inference answer (deepinfra.com/{model}/api, "Output Schema"):
 * `{images: ["data:image/png;base64,..."], nsfw_content_detected: [false], seed, request_id,
 * inference_status: {status, runtime_ms, cost, tokens_generated, tokens_input}}`. `cost` is what the
 * call cost in USD, which prices it when the model's price is `reported`.
 */
interface InferenceAnswer {
  images?: unknown;
  nsfw_content_detected?: unknown;
  inference_status?: { cost?: unknown };
}

const DATA_URI = /^data:image\/[\w.+-]+;base64,/;

export async function readInference(
  body: unknown,
  options: { signal: AbortSignal; maxBytes: number; warn: (message: string) => void },
): Promise<ProviderResult> {
  if (!body || typeof body !== 'object') throw new UpstreamError('bad_response', 'DeepInfra did not answer with JSON');
  const answer = body as InferenceAnswer;
  const images: unknown[] = Array.isArray(answer.images) ? answer.images : [];
  if (images.length === 0 || images.some((image) => typeof image !== 'string' || !image)) {
    throw new UpstreamError('bad_response', 'DeepInfra returned no image');
  }
  // One flag per image; the safety checker's flagged images are not passed on.
  const flags: unknown[] = Array.isArray(answer.nsfw_content_detected) ? answer.nsfw_content_detected : [];
  const kept = (images as string[]).filter((_, i) => flags[i] !== true);
  if (kept.length === 0) throw new UpstreamError('content_policy', "DeepInfra's safety checker flagged the generated image");
  if (kept.length < images.length) options.warn(`${images.length - kept.length} of ${images.length} images were withheld: DeepInfra's safety checker flagged them`);

  const generated = await Promise.all(kept.map(async (image) => toGeneratedImage(await imageBytes(image, options))));
  const usage = toUsage(answer.inference_status?.cost);
  return usage ? { images: generated, usage } : { images: generated };
}

async function imageBytes(image: string, options: { signal: AbortSignal; maxBytes: number }): Promise<Buffer> {
  if (DATA_URI.test(image)) {
    const bytes = Buffer.from(image.replace(DATA_URI, ''), 'base64');
    if (bytes.length > options.maxBytes) throw new UpstreamError('bad_response', `the output image is larger than ${options.maxBytes} bytes`);
    return bytes;
  }
  // Not documented for these models, but an URL in its place is still an image (a public file: no key is sent).
  if (/^https?:\/\//.test(image)) return downloadImage(image, options);
  throw new UpstreamError('bad_response', 'an image in the answer is neither a data URI nor a URL');
}

/**
 * The reported cost in micro-USD. The docs' example reports `cost: 0.0` with `status: "unknown"`: a
 * zero (or missing) cost is read as "not reported", so the call is charged its ceiling, never nothing.
 */
function toUsage(cost: unknown): UpstreamUsage | undefined {
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost <= 0) return undefined;
  return { costMicros: Math.round(cost * 1_000_000) };
}
