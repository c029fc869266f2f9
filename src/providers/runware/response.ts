import { UpstreamError } from '../errors.js';
import { describeError, failureKind, type RunwareError } from './errors.js';

/**
 * The answer to an `imageInference` task (api-reference#response): `{data: [...]}`, one object per
 * image, each echoing the task's `taskUUID`; failed tasks come in `errors` instead, possibly beside
 * the data of other tasks ("errors are scoped to the specific task that failed").
 */

export interface ImageResult {
  imageUUID?: string;
  /** Exactly one of these, by `outputType`. */
  imageBase64Data?: string;
  imageDataURI?: string;
  imageURL?: string;
  seed?: number;
  /** USD, with `includeCost`. */
  cost?: number;
}

export interface TaskResult {
  images: ImageResult[];
  /** The summed `cost` of the images, in micro-USD, when Runware reported one. */
  costMicros?: number;
}

/** This task's images and cost; its error (or an answer without images) as an UpstreamError. */
export function readTaskResult(body: unknown, taskUUID: string): TaskResult {
  const answer = (body ?? {}) as { data?: unknown; errors?: unknown };
  const ours = (list: unknown) => (Array.isArray(list) ? list : []).filter((item) => item && typeof item === 'object' && (item as { taskUUID?: unknown }).taskUUID === taskUUID);
  const images = (ours(answer.data) as ImageResult[]).filter((item) => item.imageBase64Data || item.imageDataURI || item.imageURL);
  if (images.length === 0) {
    // An error without a taskUUID (authentication, a malformed array) is about the whole request.
    const error = (ours(answer.errors)[0] ?? (Array.isArray(answer.errors) ? answer.errors.find((e) => !e?.taskUUID) : undefined)) as RunwareError | undefined;
    if (error) throw new UpstreamError(failureKind(200, error), describeError(error, 'the task failed'));
    throw new UpstreamError('bad_response', 'the answer has no image for the task that was sent');
  }
  const costs = images.map((image) => image.cost).filter((cost): cost is number => typeof cost === 'number' && Number.isFinite(cost) && cost >= 0);
  return { images, ...(costs.length > 0 && { costMicros: Math.round(costs.reduce((sum, cost) => sum + cost, 0) * 1_000_000) }) };
}

/** The bytes of a base64 or data-URI image; URLs are downloaded by the caller. */
export function inlineBytes(image: ImageResult): Buffer | undefined {
  if (image.imageBase64Data) return Buffer.from(image.imageBase64Data, 'base64');
  const match = image.imageDataURI && /^data:[^;,]+;base64,(.*)$/s.exec(image.imageDataURI);
  if (match) return Buffer.from(match[1]!, 'base64');
  if (image.imageDataURI) throw new UpstreamError('bad_response', 'the answer has an image data URI that is not base64');
  return undefined;
}
