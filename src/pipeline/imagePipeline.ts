import { ApiError, invalidRequest, serviceUnavailable, unknownModel } from '../api/errors.js';
import { formatSize, parseSize, type ImageRequest, type Size } from '../api/imageRequest.js';
import type { UsageLog } from '../billing/usage.js';
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
}

export interface RequestContext {
  endpoint: 'generations' | 'edits';
  keyId: string | null;
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
 * can do, pick a provider, generate, normalise, deliver, record. Throws ApiError for the client.
 */
export async function runImageRequest(deps: PipelineDeps, request: ImageRequest, ctx: RequestContext): Promise<ImageResult> {
  const model = deps.catalog.resolve(request.model);
  if (!model) throw unknownModel(request.model);
  let provider: string | null = null;
  let size: Size | null = null;
  try {
    const generalProblem = requestProblem(request);
    if (generalProblem) throw generalProblem;
    const offer = chooseOffer(deps.catalog, model, request);
    provider = offer.provider;
    size = resolveSize(request, offer);
    const adapter = deps.providers.get(offer.provider);
    if (!adapter) throw serviceUnavailable(`Provider '${offer.provider}' is not configured`);
    const result = await adapter.generate({ request, upstreamModel: offer.upstreamModel, size, signal: ctx.signal });
    if (result.images.length === 0) throw new ApiError(502, 'upstream_error', 'upstream_error', 'The provider returned no image');

    const costMicros = offer.price.perImageMicros * result.images.length;
    const data: ImageResponseBody['data'] = [];
    const outputIds: string[] = [];
    for (const image of result.images) {
      const bytes = await normalizeOutput(image, { format: request.outputFormat, compression: request.outputCompression, background: request.background });
      const item: ImageResponseBody['data'][number] = {};
      if (request.responseFormat === 'url') {
        const stored = await deps.store.save(bytes, request.outputFormat, ctx.keyId);
        outputIds.push(stored.id);
        item.url = `${ctx.baseUrl}/storage/${stored.name}`;
      } else {
        item.b64_json = bytes.toString('base64');
      }
      if (image.revisedPrompt) item.revised_prompt = image.revisedPrompt;
      data.push(item);
    }
    const latency = Date.now() - ctx.startedAt;
    await recordUsage(deps, request, ctx, model, { provider, size, status: 'success', httpStatus: 200, errorCode: null, costMicros, images: data.length, outputIds, latency });
    return {
      provider: offer.provider,
      costMicros,
      body: {
        created: Math.floor(Date.now() / 1000),
        data,
        latency,
        cost: costMicros / 1_000_000,
        output_format: request.outputFormat,
        size: formatSize(size),
        quality: request.quality,
      },
    };
  } catch (caught) {
    // A client that went away is not a server error: record it as such and stop.
    const error = ctx.signal.aborted && !(caught instanceof ApiError) ? clientClosed() : caught;
    const apiError = error instanceof ApiError ? error : null;
    await recordUsage(deps, request, ctx, model, {
      provider, size, status: 'error', httpStatus: apiError?.status ?? 500, errorCode: apiError?.code ?? 'internal_error',
      costMicros: 0, images: 0, outputIds: [], latency: Date.now() - ctx.startedAt,
    }).catch(() => {});
    throw error;
  }
}

/** nginx's 499: the client closed the connection before the answer was ready. */
const clientClosed = () => new ApiError(499, 'invalid_request_error', 'client_disconnected', 'The client closed the connection');

/** The first available offer that can serve the request; otherwise the reason the best one cannot. */
function chooseOffer(catalog: Catalog, model: ModelEntry, request: ImageRequest): ProviderOffer {
  const problems = model.providers.map((offer) => offerProblem(offer, request, resolveSize(request, offer)));
  const capable = model.providers.filter((_, i) => problems[i] === null);
  if (capable.length === 0) throw problems[0]!;
  const available = capable.filter((offer) => catalog.availableOffers(model).includes(offer));
  if (available.length === 0) throw serviceUnavailable(`No provider for '${model.id}' is configured on this server`);
  return available[0]!;
}

async function recordUsage(
  deps: PipelineDeps,
  request: ImageRequest,
  ctx: RequestContext,
  model: ModelEntry,
  outcome: {
    provider: string | null; size: Size | null; status: 'success' | 'error'; httpStatus: number; errorCode: string | null;
    costMicros: number; images: number; outputIds: string[]; latency: number;
  },
) {
  await deps.usage.record({
    keyId: ctx.keyId,
    endpoint: ctx.endpoint,
    model: model.id,
    provider: outcome.provider,
    n: request.n,
    images: outcome.images,
    size: outcome.size ? formatSize(outcome.size) : null,
    quality: request.quality,
    responseFormat: request.responseFormat,
    status: outcome.status,
    httpStatus: outcome.httpStatus,
    errorCode: outcome.errorCode,
    costMicros: outcome.costMicros,
    latencyMs: outcome.latency,
    prompt: request.responseFormat === 'b64_ephemeral' ? null : request.prompt,
    outputIds: outcome.outputIds,
  });
}
