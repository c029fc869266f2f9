import { UpstreamError } from '../errors.js';
import { toGeneratedImage } from '../http.js';
import type { GeneratedImage } from '../types.js';

/**
 * A Stability answer to `accept: application/json`: `{image, finish_reason, seed}`, the image base64
 * in the requested output_format. `CONTENT_FILTERED` is a "successful generation, however the output
 * violated our content moderation policy and has been blurred": not an image to hand out.
 */
export async function readImageAnswer(body: unknown, maxBytes: number): Promise<GeneratedImage> {
  if (!body || typeof body !== 'object') throw new UpstreamError('bad_response', 'the provider did not answer with JSON');
  const { image, finish_reason: finishReason } = body as { image?: unknown; finish_reason?: unknown };
  if (finishReason === 'CONTENT_FILTERED') throw new UpstreamError('content_policy', 'the output was blurred by the content filter (finish_reason CONTENT_FILTERED)');
  // Required by the schema; an answer without one (a proxy, say) still carries a paid image.
  if (finishReason !== undefined && finishReason !== 'SUCCESS') throw new UpstreamError('bad_response', `the generation finished with '${String(finishReason)}'`);
  if (typeof image !== 'string' || !image) throw new UpstreamError('bad_response', 'the answer has no image');
  const bytes = Buffer.from(image, 'base64');
  if (bytes.length > maxBytes) throw new UpstreamError('bad_response', `the output image is larger than ${maxBytes} bytes`);
  return toGeneratedImage(bytes);
}
