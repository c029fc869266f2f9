import { UpstreamError } from '../errors.js';
import { callUpstream } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { DEFAULT_BASE_URL, requestHeaders, serviceUrl } from './api.js';
import { classifyStabilityError, stabilityMessage } from './errors.js';
import { buildForm } from './inputs.js';
import { models } from './models.js';
import { buildFields } from './params.js';
import { readImageAnswer } from './response.js';

/**
 * Stability AI's Stable Image API: synchronous, one multipart POST per image. Text-to-image and
 * image-to-image go to /generate/{core,ultra,sd3}; the `stable-image-inpaint` model (image + mask)
 * to /edit/inpaint.
 */
class StabilityProvider implements ImageProvider {
  readonly id = 'stability';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  /** One request makes one image (maxImagesPerCall is 1: the router fans `n` out). */
  async generate(call: ProviderCall): Promise<ProviderResult> {
    const apiKey = this.settings.apiKey;
    if (!apiKey) throw new UpstreamError('auth', 'no Stability API key is configured (STABILITY_API_KEY)');
    const request = buildFields(call);
    // fetch sets the multipart boundary itself.
    const init = { method: 'POST', headers: requestHeaders(apiKey, call.request.user), body: await buildForm(request, call), signal: call.signal };
    const response = await post(serviceUrl(this.settings.baseUrl, request.service), init);
    return { images: [await readImageAnswer(response.body, this.settings.maxDownloadBytes)] };
  }
}

/** callUpstream, with the message of Stability's `{name, errors}` bodies (the shared helper reads other shapes). */
async function post(url: string, init: RequestInit & { signal: AbortSignal }) {
  let errorBody: unknown;
  try {
    return await callUpstream(url, init, (status, body) => {
      errorBody = body;
      return classifyStabilityError(status, body);
    });
  } catch (error) {
    const message = error instanceof UpstreamError ? stabilityMessage(errorBody) : undefined;
    if (!message) throw error;
    const failed = error as UpstreamError;
    throw new UpstreamError(failed.kind, message, failed.status, failed.retryAfter);
  }
}

export const stabilityModule: ProviderModule = {
  id: 'stability',
  name: 'Stability AI',
  envPrefix: 'STABILITY',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new StabilityProvider(settings),
  models,
};
