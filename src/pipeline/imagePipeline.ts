import sharp from 'sharp';
import { ApiError, invalidRequest, permissionDenied, serviceUnavailable, unknownModel } from '../api/errors.js';
import { formatSize, type ImageRequest } from '../api/imageRequest.js';
import { modelAllowed, newId, type Principal } from '../auth/keys.js';
import type { Ledger, Reservation } from '../billing/ledger.js';
import { actualCost, estimateMaxCost, type PricingPolicy } from '../billing/pricing.js';
import type { Attempt, UsageLog, UsageRecord } from '../billing/usage.js';
import type { Catalog } from '../catalog/catalog.js';
import type { ModelEntry, ProviderOffer } from '../catalog/types.js';
import type { Database, Queryable } from '../db/index.js';
import { normalizeOutput } from '../images/transcode.js';
import type { ImageProvider } from '../providers/types.js';
import type { CircuitBreaker } from '../routing/breaker.js';
import { executeWithFallback } from '../routing/execute.js';
import { fitOffer } from '../routing/fit.js';
import type { RoutingPolicy } from '../routing/policy.js';
import { orderOffers, type LatencyTracker } from '../routing/strategy.js';
import type { ImageStore } from '../storage/imageStore.js';

export interface PipelineDeps {
  db: Database;
  catalog: Catalog;
  providers: Map<string, ImageProvider>;
  store: ImageStore;
  usage: UsageLog;
  ledger: Ledger;
  pricing: PricingPolicy;
  reservationTtlSeconds: number;
  routing: RoutingPolicy;
  breaker: CircuitBreaker;
  latency: LatencyTracker;
}

export interface RequestContext {
  endpoint: 'generations' | 'edits';
  principal: Principal;
  /** Where returned URLs point: `https://host[:port]`. */
  baseUrl: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  startedAt: number;
  /** Runs inside the transaction that charges a successful request (the route stores its idempotent answer there). */
  onCharged?: (tx: Queryable, result: ImageResult) => Promise<void>;
}

export interface ImageResponseBody {
  created: number;
  data: Array<{ url?: string; b64_json?: string; revised_prompt?: string }>;
  latency: number;
  cost: number;
  output_format: string;
  size: string;
  quality: string;
  /** What had to change to serve the request (a size mapped, a parameter ignored); absent when nothing did. */
  warnings?: string[];
}

export interface ImageResult {
  body: ImageResponseBody;
  provider: string;
  /** What the account was charged (for the admin key, which has no account: the price). */
  costMicros: number;
}

/** Why an offer cannot serve the request at all, as the 400 the client would get; null when it can. */
export function offerProblem(offer: ProviderOffer, request: ImageRequest): ApiError | null {
  const caps = offer.capabilities;
  if (caps.promptRequired && request.prompt.trim() === '') return invalidRequest("'prompt' is required for this model", 'prompt', 'missing_required_parameter');
  if (request.prompt.length > caps.maxPromptLength) return invalidRequest(`'prompt' is longer than this model's ${caps.maxPromptLength} characters`, 'prompt', 'prompt_too_long');
  if (request.images.length > 0 && !caps.edit) return invalidRequest('This model does not accept input images (image-to-image)', 'image', 'edit_not_supported');
  if (request.images.length > caps.maxInputImages) return invalidRequest(`Too many input images: this model accepts at most ${caps.maxInputImages}`, 'image', 'too_many_images');
  if (request.mask && !caps.mask) return invalidRequest('This model does not accept a mask', 'mask', 'mask_not_supported');
  return null;
}

/** Checks that hold for every model. */
function requestProblem(request: ImageRequest): ApiError | null {
  if (request.mask && request.images.length === 0) return invalidRequest("A 'mask' needs an input image to apply to", 'mask', 'missing_required_parameter');
  if (request.background === 'transparent' && request.outputFormat === 'jpeg') {
    return invalidRequest('A transparent background needs output_format png or webp; jpeg has no transparency', 'background', 'invalid_value');
  }
  return null;
}

/** The offers that can serve the request, or the reason none can. */
function candidateOffers(catalog: Catalog, model: ModelEntry, request: ImageRequest): ProviderOffer[] {
  const problems = model.providers.map((offer) => offerProblem(offer, request));
  const capable = model.providers.filter((_, i) => problems[i] === null);
  if (capable.length === 0) throw problems[0]!;
  const priced = capable.filter((offer) => offer.price !== undefined);
  if (priced.length === 0) throw permissionDenied(`The model '${model.id}' has no price on this server, so it cannot be used`, 'model_not_priced');
  const available = catalog.availableOffers(model);
  const ready = priced.filter((offer) => available.includes(offer));
  if (ready.length === 0) throw serviceUnavailable(`No provider for '${model.id}' is configured on this server`);
  return ready;
}

const maxCostOf = (offer: ProviderOffer, request: ImageRequest, pricing: PricingPolicy) => estimateMaxCost(offer.price!, request, fitOffer(offer, request).size, pricing);

/**
 * The virtual model `auto`: the best available model that can serve this request (edits, masks,
 * input count), in curated order or by price. The local test model is chosen only when nothing else is available.
 */
function chooseAutoModel(deps: PipelineDeps, request: ImageRequest): ModelEntry {
  const servable = deps.catalog.models.flatMap((model) => {
    try {
      const offers = candidateOffers(deps.catalog, model, request);
      return [{ model, cost: Math.min(...offers.map((o) => maxCostOf(o, request, deps.pricing))), local: offers.every((o) => o.provider === 'test') }];
    } catch {
      return [];
    }
  });
  if (servable.length === 0) throw serviceUnavailable('No available model can serve this request');
  const ranked = servable.sort((a, b) => Number(a.local) - Number(b.local)
    || (deps.routing.auto === 'cheapest' ? a.cost - b.cost : 0) || a.model.curatedRank - b.model.curatedRank);
  return ranked[0]!.model;
}

/** nginx's 499: the client closed the connection before the answer was ready. */
const clientClosed = () => new ApiError(499, 'invalid_request_error', 'client_disconnected', 'The client closed the connection');
const storageUnavailable = (cause: unknown) => Object.assign(
  new ApiError(503, 'api_error', 'storage_unavailable', 'The image was made but could not be stored; nothing was charged. Retry, or ask for b64_json'),
  { cause },
);

/**
 * One image request from resolution to response, a straight line: resolve the model, check what it
 * can do, reserve the most it can cost, route to providers (fallback, fan-out), normalise, deliver,
 * then settle (charge what was made, release the rest) together with the usage record. Throws
 * ApiError for the client; on any failure the reservation is released whole.
 */
export async function runImageRequest(deps: PipelineDeps, request: ImageRequest, ctx: RequestContext): Promise<ImageResult> {
  const key = ctx.principal.kind === 'key' ? ctx.principal : null;
  const id = newId('req');
  const attempts: Attempt[] = [];
  const warnings: string[] = [];
  let model = request.model.trim().toLowerCase() === 'auto' ? undefined : deps.catalog.resolve(request.model);
  let reservation: Reservation | null = null;
  let provider: string | null = null;
  let size: string | null = null;
  const record = (outcome: Pick<UsageRecord, 'status' | 'httpStatus' | 'errorCode' | 'images' | 'outputIds'>): UsageRecord => ({
    id, accountId: key?.accountId ?? null, keyId: key?.keyId ?? null, endpoint: ctx.endpoint, model: model?.id ?? request.model, provider, attempts,
    n: request.n, size, quality: request.quality, responseFormat: request.responseFormat,
    costMicros: 0, latencyMs: Date.now() - ctx.startedAt,
    prompt: request.responseFormat === 'b64_ephemeral' ? null : request.prompt,
    ...outcome,
  });
  // The client going away or the model's timeout passing both end the upstream work.
  const timeoutSeconds = deps.routing.timeouts[model?.id ?? ''] ?? deps.routing.timeoutSeconds;
  // Not AbortSignal.timeout(): inside AbortSignal.any() nothing holds it, and once garbage
  // collected it never fires (nodejs/node#57736), so a hung upstream would hang the request.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('no answer before the timeout', 'TimeoutError')), timeoutSeconds * 1000);
  const signal = AbortSignal.any([ctx.signal, deadline.signal]);
  try {
    const generalProblem = requestProblem(request);
    if (generalProblem) throw generalProblem;
    if (request.model.trim().toLowerCase() === 'auto') model = chooseAutoModel(deps, request);
    if (!model) throw unknownModel(request.model);
    if (key && !modelAllowed(key.limits.allowedModels, model.id)) {
      throw new ApiError(403, 'permission_error', 'model_not_allowed', `This key may not use the model '${model.id}'`, 'model');
    }
    const strategy = deps.routing.models[model.id] ?? deps.routing.strategy;
    const offers = orderOffers(candidateOffers(deps.catalog, model, request), strategy, {
      cost: (offer) => maxCostOf(offer, request, deps.pricing),
      latency: deps.latency,
      weights: deps.routing.weights[model.id] ?? {},
    });

    // Reserve what the dearest candidate could cost, so a fallback can never overdraw.
    const maxCost = Math.max(...offers.map((offer) => maxCostOf(offer, request, deps.pricing)));
    if (key && maxCost > 0) {
      reservation = await deps.ledger.reserve({
        id, accountId: key.accountId, keyId: key.keyId, amountMicros: maxCost, ttlSeconds: deps.reservationTtlSeconds,
        spendLimitMicros: key.limits.spendLimitMicros, dailySpendLimitMicros: key.limits.dailySpendLimitMicros,
      });
    }

    const result = await executeWithFallback({
      offers, providers: deps.providers, request, signal, breaker: deps.breaker, latency: deps.latency,
      maxParallelCalls: deps.routing.maxParallelCalls, attempts, warnings,
    });
    provider = result.offer.provider;
    ctx.signal.throwIfAborted();

    const data: ImageResponseBody['data'] = [];
    const outputIds: string[] = [];
    let produced = result.size;
    for (const image of result.images) {
      const bytes = await normalizeOutput(image, { format: request.outputFormat, compression: request.outputCompression, background: request.background });
      if (data.length === 0) {
        // Report the size actually made (aspect-ratio upstreams choose their own pixels); transcoding keeps it.
        const meta = image.width && image.height ? image : await sharp(bytes).metadata();
        produced = { width: meta.width ?? produced.width, height: meta.height ?? produced.height };
      }
      const item: ImageResponseBody['data'][number] = {};
      if (request.responseFormat === 'url') {
        const stored = await deps.store.save(bytes, request.outputFormat, key?.keyId ?? null).catch(async (error) => {
          // Nothing half-delivered: the images already stored go too, and no money is taken.
          await Promise.all(outputIds.map((outputId) => deps.store.delete(outputId).catch(() => {})));
          throw storageUnavailable(error);
        });
        outputIds.push(stored.id);
        item.url = `${ctx.baseUrl}/storage/${stored.name}`;
      } else {
        item.b64_json = bytes.toString('base64');
      }
      if (image.revisedPrompt) item.revised_prompt = image.revisedPrompt;
      data.push(item);
    }
    const madeSize = formatSize(produced);
    size = madeSize;
    const cost = actualCost(result.offer.price!, request, result.size, data.length, result.usage, deps.pricing);
    const created = Math.floor(Date.now() / 1000);
    const latency = Date.now() - ctx.startedAt;
    const answer = (charged: number): ImageResult => ({
      provider: result.offer.provider,
      costMicros: charged,
      body: {
        created, data, latency, cost: charged / 1_000_000, output_format: request.outputFormat, size: madeSize, quality: request.quality,
        ...(warnings.length > 0 && { warnings }),
      },
    });
    const success = record({ status: 'success', httpStatus: 200, errorCode: null, images: data.length, outputIds });
    return answer(await finish(deps, reservation, cost, success, ctx.onCharged && ((tx, charged) => ctx.onCharged!(tx, answer(charged)))));
  } catch (caught) {
    // A client that went away is not a server error: record it as such and stop. A shutdown aborts
    // with its own ApiError, which the client still receives.
    const error = ctx.signal.aborted && !(caught instanceof ApiError) ? (ctx.signal.reason instanceof ApiError ? ctx.signal.reason : clientClosed()) : caught;
    const apiError = error instanceof ApiError ? error : null;
    await finish(deps, reservation, 0, record({
      status: 'error', httpStatus: apiError?.status ?? 500, errorCode: apiError?.code ?? 'internal_error', images: 0, outputIds: [],
    })).catch(() => {}); // a reservation that cannot be released now is released by the reconciler
    throw error;
  } finally {
    // Ends whatever upstream work is left, and frees the listeners that hold this request's results.
    clearTimeout(timer);
    deadline.abort();
  }
}

/**
 * Settles the reservation (charging `costMicros`, releasing the rest), writes the usage record and
 * runs `also`, in one transaction. Without a reservation (free requests, the admin key) nothing is
 * settled. Returns what was charged.
 */
async function finish(deps: PipelineDeps, reservation: Reservation | null, costMicros: number, usage: UsageRecord, also?: (tx: Queryable, charged: number) => Promise<void>): Promise<number> {
  const write = async (tx: Queryable, charged: number) => {
    await deps.usage.record({ ...usage, costMicros: charged }, tx);
    await also?.(tx, charged);
  };
  if (!reservation) {
    // A transaction only when there is more than the record to write.
    await (also ? deps.db.transaction((tx) => write(tx, costMicros)) : write(deps.db, costMicros));
    return costMicros;
  }
  return deps.ledger.settle(reservation.id, costMicros, `${usage.model} x${usage.images}`, write);
}
