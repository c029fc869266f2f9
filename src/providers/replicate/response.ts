import { UpstreamError } from '../errors.js';

/**
 * The prediction object (https://replicate.com/docs/reference/http#predictions.get), reduced to
 * what the adapter reads.
 */
export interface Prediction {
  id: string;
  /** starting | processing | succeeded | failed | canceled; `aborted` when a Cancel-After deadline passed before it started. */
  status: string;
  /** For image models: one file URL or a list of them. */
  output?: unknown;
  error?: unknown;
  urls?: { get?: string; cancel?: string };
}

const FINISHED = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

export const isFinished = (prediction: Prediction) => FINISHED.has(prediction.status);

export function asPrediction(body: unknown): Prediction {
  const p = body as Partial<Prediction> | null;
  if (!p || typeof p !== 'object' || typeof p.id !== 'string' || typeof p.status !== 'string') {
    throw new UpstreamError('bad_response', 'the answer is not a prediction object');
  }
  return p as Prediction;
}

// The docs give `error` as free text; these are the wordings models use for their safety filters.
const CONTENT_POLICY = /nsfw|sensitive|flagged|content[ _-]?(policy|moderation)|safety (filter|checker|system)|\bE005\b/i;

/** The image URLs of a finished prediction, or the failure it ended with. */
export function outputUrls(prediction: Prediction): string[] {
  if (prediction.status !== 'succeeded') {
    const message = typeof prediction.error === 'string' && prediction.error ? prediction.error.slice(0, 500) : `prediction ${prediction.status}`;
    const kind = prediction.status === 'failed' && CONTENT_POLICY.test(message) ? 'content_policy' : 'server_error';
    throw new UpstreamError(kind, message);
  }
  const list = Array.isArray(prediction.output) ? prediction.output : [prediction.output];
  const urls = list.filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
  // Flux models drop the images their safety checker caught and succeed with the rest (replicate/cog-flux#7).
  if (urls.length === 0) throw new UpstreamError('bad_response', 'the prediction succeeded without an output image');
  return urls;
}
