import { UpstreamError } from '../errors.js';
import { callUpstream } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { authHeaders, DEFAULT_BASE_URL, endpointUrl } from './api.js';
import { classifyXaiError } from './errors.js';
import { models } from './models.js';
import { xaiRequest } from './params.js';
import { parseXaiResponse } from './response.js';

/**
 * xAI's image API: synchronous, one JSON request for all `n` images. Text-to-image goes to
 * /images/generations, image-to-image (input images as data URIs) to /images/edits.
 */
class XaiProvider implements ImageProvider {
  readonly id = 'xai';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const apiKey = this.settings.apiKey;
    if (!apiKey) throw new UpstreamError('auth', 'no xAI API key is configured (XAI_API_KEY)');
    const { endpoint, body } = await xaiRequest(call);
    const response = await callUpstream(
      endpointUrl(this.settings.baseUrl, endpoint),
      { method: 'POST', headers: authHeaders(apiKey), body: JSON.stringify(body), signal: call.signal },
      classifyXaiError,
    );
    return parseXaiResponse(response.body, { signal: call.signal, maxBytes: this.settings.maxDownloadBytes });
  }
}

export const xaiModule: ProviderModule = {
  id: 'xai',
  name: 'xAI',
  envPrefix: 'XAI',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new XaiProvider(settings),
  models,
};
