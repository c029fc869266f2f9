import { ApiError, invalidRequest, permissionDenied, serviceUnavailable, unknownModel } from '../api/errors.js';
import { formatSize, parseSize, type ImageRequest, type Size } from '../api/imageRequest.js';
import { modelAllowed, newId, type Principal } from '../auth/keys.js';
import type { Ledger, Reservation } from '../billing/ledger.js';
import { actualCost, estimateMaxCost, type PricingPolicy } from '../billing/pricing.js';
import type { Attempt, UsageLog, UsageRecord } from '../billing/usage.js';
import { describeSizeRule, sizeAllowed, type Catalog } from '../catalog/catalog.js';
import type { ModelEntry, ProviderOffer } from '../catalog/types.js';
import { normalizeOutput } from '../images/transcode.js';
import type { ImageProvider } from '../providers/types.js';
import type { ImageStore } from '../storage/imageStore.js';

export interface PipelineDeps {
  catalog: Catalog;
  providers: Map<string, ImageProvider>;
  store: ImageStore;
  usage: UsageLog;
  ledger: Ledger;
  pricing: PricingPolicy;
  reservationTtlSeconds: number;
}

export interface RequestContext {
  endpoint: 'generations' | 'edits';
  principal: Principal;
  /** Where returned URLs point: `https://host[:port]`. */
  baseUrl: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  startedAt: number;
}

export interface ImageResponseBody {
  created: number;
  data: Array<{ url?: string; b64_json?: string; revised_prompt?: string }>;
  latency: number;
  cost: number;
  output_format: string;
  size: string;
  quality: string;
}

export interface ImageResult {
  body: ImageResponseBody;
  provider: string;
  /** What the account was charged (for the admin key, which has no account: the price). */
  costMicros: number;
}

/** Why an offer cannot serve the request, as the 400 the client would get; null when it can. */
export function offerProblem(offer: ProviderOffer, request: ImageRequest, size: Size): ApiError | null {
  const caps = offer.capabilities;
  if (caps.promptRequired && request.prompt.trim() === '') return invalidRequest("'prompt' is required for this model", 'prompt', 'missing_required_parameter');
  if (request.prompt.length > caps.maxPromptLength) return invalidRequest(`'prompt' is longer than this model's ${caps.maxPromptLength} characters`, 'prompt', 'prompt_too_long');
  if (!sizeAllowed(caps.sizes, size)) return invalidRequest(`'size' ${formatSize(size)} is not supported by this model: use auto or ${describeSizeRule(caps.sizes)}`, 'size', 'invalid_size');
  if (request.images.length > 0 && !caps.edit) return invalidRequest('This model does not accept input images (image-to-image)', 'image', 'edit_not_supported');
  if (request.images.length > caps.maxInputImages) return invalidRequest(`Too many input images: this model accepts at most ${caps.maxInputImages}`, 'image', 'too_many_images');
  if (request.mask && !caps.mask) return invalidRequest('This model does not accept a mask', 'mask', 'mask_not_supported');
  if (!caps.outputFormats.includes(request.outputFormat)) return invalidRequest(`'output_format' ${request.outputFormat} is not supported by this model`, 'output_format', 'invalid_value');
  if (request.background === 'transparent' && !caps.transparentBackground) return invalidRequest('This model cannot make transparent backgrounds', 'background', 'invalid_value');
  return null;
}

/** Checks that hold for every model. */
function requestProblem(request: ImageRequest): ApiError | null {
  if (request.mask && request.images.length === 0) return invalidRequest("A 'mask' needs an input image to apply to", 'mask', 'missing_required_parameter');
  if (request.background === 'transparent' && request.outputFormat === 'jpeg') {
    return invalidRequest("A transparent background needs output_format png or webp; jpeg has no transparency", 'background', 'invalid_value');
  }
  return null;
}

const resolveSize = (request: ImageRequest, offer: ProviderOffer): Size =>
  request.size === 'auto' ? parseSize(offer.capabilities.defaultSize) : request.size;

/**
 * One image request from resolution to response, a straight line: resolve the model, check what it
 * can do, reserve the most it can cost, generate, normalise, deliver, then settle (charge what was
 * made, release the rest) together with the usage record. Throws ApiError for the client; on any
 * failure the reservation is released whole.
 */
export async function runImageRequest(deps: PipelineDeps, request: ImageRequest, ctx: RequestContext): Promise<ImageResult> {
  const model = deps.catalog.resolve(request.model);
  const key = ctx.principal.kind === 'key' ? ctx.principal : null;
  const id = newId('req');
  const attempts: Attempt[] = [];
  let reservation: Reservation | null = null;
  let provider: string | null = null;
  let size: Size | null = null;
  const record = (outcome: Pick<UsageRecord, 'status' | 'httpStatus' | 'errorCode' | 'images' | 'outputIds'>): UsageRecord => ({
    id, accountId: key?.accountId ?? null, keyId: key?.keyId ?? null, endpoint: ctx.endpoint, model: model?.id ?? request.model, provider, attempts,
    n: request.n, size: size ? formatSize(size) : null, quality: request.quality, responseFormat: request.responseFormat,
    costMicros: 0, latencyMs: Date.now() - ctx.startedAt,
    prompt: request.responseFormat === 'b64_ephemeral' ? null : request.prompt,
    ...outcome,
  });
  try {
    if (!model) throw unknownModel(request.model);
    if (key && !modelAllowed(key.limits.allowedModels, model.id)) {
      throw new ApiError(403, 'permission_error', 'model_not_allowed', `This key may not use the model '${model.id}'`, 'model');
    }
    const generalProblem = requestProblem(request);
    if (generalProblem) throw generalProblem;
    const offer = chooseOffer(deps.catalog, model, request);
    const price = offer.price!;
    provider = offer.provider;
    size = resolveSize(request, offer);
    const adapter = deps.providers.get(offer.provider);
    if (!adapter) throw serviceUnavailable(`Provider '${offer.provider}' is not configured`);

    const maxCost = estimateMaxCost(price, request, size, deps.pricing);
    if (key && maxCost > 0) {
      reservation = await deps.ledger.reserve({
        id, accountId: key.accountId, keyId: key.keyId, amountMicros: maxCost, ttlSeconds: deps.reservationTtlSeconds,
        spendLimitMicros: key.limits.spendLimitMicros, dailySpendLimitMicros: key.limits.dailySpendLimitMicros,
      });
    }

    const callStarted = Date.now();
    let result;
    try {
      result = await adapter.generate({ request, upstreamModel: offer.upstreamModel, size, n: request.n, capabilities: offer.capabilities, signal: ctx.signal, warn: () => {} });
      attempts.push({ provider: offer.provider, status: 'success', latency_ms: Date.now() - callStarted });
    } catch (error) {
      attempts.push({ provider: offer.provider, status: 'error', latency_ms: Date.now() - callStarted, error_code: error instanceof ApiError ? (error.code ?? undefined) : 'upstream_error' });
      throw error;
    }
    if (result.images.length === 0) throw new ApiError(502, 'upstream_error', 'upstream_error', 'The provider returned no image');

    const data: ImageResponseBody['data'] = [];
    const outputIds: string[] = [];
    for (const image of result.images) {
      const bytes = await normalizeOutput(image, { format: request.outputFormat, compression: request.outputCompression, background: request.background });
      const item: ImageResponseBody['data'][number] = {};
      if (request.responseFormat === 'url') {
        const stored = await deps.store.save(bytes, request.outputFormat, key?.keyId ?? null);
        outputIds.push(stored.id);
        item.url = `${ctx.baseUrl}/storage/${stored.name}`;
      } else {
        item.b64_json = bytes.toString('base64');
      }
      if (image.revisedPrompt) item.revised_prompt = image.revisedPrompt;
      data.push(item);
    }
    const cost = actualCost(price, request, size, data.length, result.usage, deps.pricing);
    const charged = await finish(deps, reservation, cost, record({ status: 'success', httpStatus: 200, errorCode: null, images: data.length, outputIds }));
    return {
      provider: offer.provider,
      costMicros: charged,
      body: {
        created: Math.floor(Date.now() / 1000),
        data,
        latency: Date.now() - ctx.startedAt,
        cost: charged / 1_000_000,
        output_format: request.outputFormat,
        size: formatSize(size),
        quality: request.quality,
      },
    };
  } catch (caught) {
    // A client that went away is not a server error: record it as such and stop.
    const error = ctx.signal.aborted && !(caught instanceof ApiError) ? clientClosed() : caught;
    const apiError = error instanceof ApiError ? error : null;
    await finish(deps, reservation, 0, record({
      status: 'error', httpStatus: apiError?.status ?? 500, errorCode: apiError?.code ?? 'internal_error', images: 0, outputIds: [],
    })).catch(() => {}); // a reservation that cannot be released now is released by the reconciler
    throw error;
  }
}

/**
 * Settles the reservation (charging `costMicros`, releasing the rest) and writes the usage record,
 * in one transaction. Without a reservation (free requests, the admin key) only the record is
 * written. Returns what was charged.
 */
async function finish(deps: PipelineDeps, reservation: Reservation | null, costMicros: number, usage: UsageRecord): Promise<number> {
  if (!reservation) {
    await deps.usage.record({ ...usage, costMicros });
    return costMicros;
  }
  return deps.ledger.settle(reservation.id, costMicros, `${usage.model} x${usage.images}`, (tx, charged) => deps.usage.record({ ...usage, costMicros: charged }, tx));
}

/** nginx's 499: the client closed the connection before the answer was ready. */
const clientClosed = () => new ApiError(499, 'invalid_request_error', 'client_disconnected', 'The client closed the connection');

/** The first available offer that can serve the request; otherwise the reason the best one cannot. */
function chooseOffer(catalog: Catalog, model: ModelEntry, request: ImageRequest): ProviderOffer {
  const problems = model.providers.map((offer) => offerProblem(offer, request, resolveSize(request, offer)));
  const capable = model.providers.filter((_, i) => problems[i] === null);
  if (capable.length === 0) throw problems[0]!;
  const priced = capable.filter((offer) => offer.price !== undefined);
  if (priced.length === 0) throw permissionDenied(`The model '${model.id}' has no price on this server, so it cannot be used`, 'model_not_priced');
  const available = priced.filter((offer) => catalog.availableOffers(model).includes(offer));
  if (available.length === 0) throw serviceUnavailable(`No provider for '${model.id}' is configured on this server`);
  return available[0]!;
}
