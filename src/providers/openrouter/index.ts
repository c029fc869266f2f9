import { UpstreamError } from '../errors.js';
import { callUpstream } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { DEFAULT_BASE_URL, imagesUrl, requestHeaders } from './api.js';
import { classifyOpenRouterError } from './errors.js';
import { models } from './models.js';
import { imageRequestBody } from './params.js';
import { parseImagesResponse } from './response.js';

/** OpenRouter's Image API: one synchronous JSON POST per call, text-to-image and reference images alike. */
class OpenRouterProvider implements ImageProvider {
  readonly id = 'openrouter';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const apiKey = this.settings.apiKey;
    if (!apiKey) throw new UpstreamError('auth', 'no OpenRouter API key is configured (OPENROUTER_API_KEY)');
    const body = await imageRequestBody(call);
    const response = await callUpstream(
      imagesUrl(this.settings.baseUrl),
      { method: 'POST', headers: requestHeaders(apiKey, this.settings.env), body: JSON.stringify(body), signal: call.signal },
      classifyOpenRouterError,
    );
    return parseImagesResponse(response.body, this.settings.maxDownloadBytes);
  }
}

export const openrouterModule: ProviderModule = {
  id: 'openrouter',
  name: 'OpenRouter',
  envPrefix: 'OPENROUTER',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new OpenRouterProvider(settings),
  models,
};
