import { serviceUnavailable } from '../api/errors.js';
import type { ImageRequest, Size } from '../api/imageRequest.js';
import type { Attempt } from '../billing/usage.js';
import type { ProviderOffer } from '../catalog/types.js';
import { canFallBack, countsAgainstProvider, UpstreamError, upstreamToApiError } from '../providers/errors.js';
import type { GeneratedImage, ImageProvider, ProviderResult, UpstreamUsage } from '../providers/types.js';
import type { CircuitBreaker } from './breaker.js';
import { fitOffer } from './fit.js';
import type { LatencyTracker } from './strategy.js';

export interface ExecuteOptions {
  /** Candidate offers in the order to try them. */
  offers: ProviderOffer[];
  providers: Map<string, ImageProvider>;
  request: ImageRequest;
  /** Ends the work: client gone or the model's timeout passed. */
  signal: AbortSignal;
  breaker: CircuitBreaker;
  latency: LatencyTracker;
  /** How many calls of one fan-out run at once. */
  maxParallelCalls: number;
  /** Filled in as providers are tried (goes into the usage record). */
  attempts: Attempt[];
  /** Filled in with what had to change (goes into the response). */
  warnings: string[];
}

export interface Executed {
  offer: ProviderOffer;
  size: Size;
  images: GeneratedImage[];
  usage?: UpstreamUsage;
}

/** Rejects when the signal aborts: a timeout as UpstreamError('timeout'), a client abort as itself. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject((signal.reason as Error | undefined)?.name === 'TimeoutError' ? new UpstreamError('timeout', 'no answer before the timeout') : signal.reason);
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** Runs at most `limit` of the tasks at once; settles them all. */
async function settleWithLimit<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!().then((value) => ({ status: 'fulfilled' as const, value }), (reason) => ({ status: 'rejected' as const, reason }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Adds up what each call of a fan-out reported. */
function sumUsage(results: ProviderResult[]): UpstreamUsage | undefined {
  const reported = results.map((r) => r.usage).filter((u): u is UpstreamUsage => u !== undefined);
  if (reported.length === 0) return undefined;
  const add = (key: keyof UpstreamUsage) => (reported.some((u) => u[key] !== undefined) ? reported.reduce((s, u) => s + (u[key] ?? 0), 0) : undefined);
  return { costMicros: add('costMicros'), inputTokens: add('inputTokens'), imageInputTokens: add('imageInputTokens'), outputTokens: add('outputTokens') };
}

/**
 * Tries the offers in order. `n` above an offer's per-call maximum fans out into bounded parallel
 * calls; if some of them fail, what was made is returned (and charged) with a warning. The next
 * offer is tried only when the failure cannot have produced a paid image (see canFallBack), so a
 * request is never generated twice.
 */
export async function executeWithFallback(o: ExecuteOptions): Promise<Executed> {
  let last: { provider: string; error: UpstreamError } | undefined;
  for (const offer of o.offers) {
    const adapter = o.providers.get(offer.provider);
    if (!adapter) continue;
    if (!(await o.breaker.allow(offer.provider))) {
      o.attempts.push({ provider: offer.provider, status: 'error', latency_ms: 0, error_code: 'circuit_open' });
      continue;
    }
    const { size, warnings: fitWarnings } = fitOffer(offer, o.request);
    const callWarnings = new Set<string>(fitWarnings);
    const perCall = Math.max(1, offer.capabilities.maxImagesPerCall);
    const counts = Array.from({ length: Math.ceil(o.request.n / perCall) }, (_, i) => Math.min(perCall, o.request.n - i * perCall));
    const started = Date.now();
    // Raced against the signal, so even an adapter that ignores it cannot outlive the timeout.
    const aborted = whenAborted(o.signal);
    aborted.catch(() => {});
    const settled = await settleWithLimit(
      counts.map((n) => () => Promise.race([aborted, adapter.generate({
        request: o.request, upstreamModel: offer.upstreamModel, size, n, capabilities: offer.capabilities, signal: o.signal,
        warn: (message) => callWarnings.add(message),
      })])),
      o.maxParallelCalls,
    );
    const latency = Date.now() - started;
    const made = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const images = made.flatMap((r) => r.images);
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as unknown;

    if (images.length > 0) {
      await o.breaker.success(offer.provider);
      o.latency.observe(offer, latency);
      o.attempts.push({ provider: offer.provider, status: 'success', latency_ms: latency });
      o.warnings.push(...callWarnings);
      if (failure !== undefined) {
        o.warnings.push(`only ${images.length} of ${o.request.n} images could be made: ${failure instanceof Error ? failure.message : String(failure)}`);
      }
      return { offer, size, images, usage: sumUsage(made) };
    }

    const error = failure ?? new UpstreamError('bad_response', 'the provider returned no image');
    if (!(error instanceof UpstreamError)) throw error; // a client abort, or our own bug: not the provider's fault
    o.attempts.push({ provider: offer.provider, status: 'error', latency_ms: latency, error_code: error.kind });
    if (countsAgainstProvider(error)) await o.breaker.failure(offer.provider);
    last = { provider: offer.provider, error };
    if (!canFallBack(error)) break;
  }
  if (last) throw upstreamToApiError(last.provider, last.error);
  throw serviceUnavailable('Every provider of this model is failing right now (circuit open); retry shortly');
}

