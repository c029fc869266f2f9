import { canFallBack, UpstreamError } from '../errors.js';
import { pollUntil } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { cancel, DEFAULT_BASE_URL, fetchResult, isCompleted, submit, type Ticket } from './api.js';
import { models } from './models.js';
import { buildRequest } from './params.js';
import { readImages } from './response.js';

/**
 * fal.ai, through its queue: one request per call (num_images makes several images where the model
 * takes it), polled until COMPLETED, then the result read and each image downloaded from fal's CDN.
 */
export class FalProvider implements ImageProvider {
  readonly id = 'fal';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const apiKey = this.settings.apiKey;
    if (!apiKey) throw new UpstreamError('auth', 'no fal API key is configured (FAL_API_KEY)');
    const { endpoint, input } = await buildRequest(call);
    const ticket = await submit(this.settings.baseUrl, endpoint.id, input, apiKey, call.signal);
    try {
      await pollUntil(async () => ((await isCompleted(ticket, apiKey, call.signal)) ? true : undefined), {
        signal: call.signal, intervalMs: this.settings.pollIntervalMs,
      });
      const body = await fetchResult(ticket, apiKey, call.signal);
      return { images: await readImages(body, { signal: call.signal, maxBytes: this.settings.maxDownloadBytes, warn: call.warn }) };
    } catch (error) {
      throw afterSubmission(error, ticket, apiKey, call.signal);
    }
  }
}

/**
 * Once fal has accepted the request it may be billed, so no later failure may let the router try
 * another provider. A request nobody waits for any more (timeout, client gone) is cancelled.
 */
function afterSubmission(error: unknown, ticket: Ticket, apiKey: string, signal: AbortSignal): unknown {
  if (signal.aborted) cancel(ticket, apiKey);
  if (!canFallBack(error)) return error;
  const failure = error as UpstreamError;
  return new UpstreamError('server_error', `after fal accepted the request: ${failure.message}`, failure.status);
}

export const falModule: ProviderModule = {
  id: 'fal',
  name: 'fal.ai',
  envPrefix: 'FAL',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new FalProvider(settings),
  models,
};
