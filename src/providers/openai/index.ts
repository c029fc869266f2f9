import type { ProviderModule } from '../module.js';
import { UpstreamError } from '../errors.js';
import { callUpstream } from '../http.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { authHeaders, DEFAULT_BASE_URL, endpointUrl } from './api.js';
import { classifyOpenAiError } from './errors.js';
import { editForm } from './inputs.js';
import { models } from './models.js';
import { upstreamRequest } from './params.js';
import { parseImagesResponse } from './response.js';

/**
 * OpenAI's Image API: synchronous, one request for all `n` images. Text-to-image is a JSON POST to
 * /images/generations; image-to-image a multipart POST to /images/edits.
 */
class OpenAiProvider implements ImageProvider {
  readonly id = 'openai';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const apiKey = this.settings.apiKey;
    if (!apiKey) throw new UpstreamError('auth', 'no OpenAI API key is configured (OPENAI_API_KEY)');
    const { endpoint, fields } = upstreamRequest(call);
    // fetch sets the multipart boundary itself; only JSON needs its content type.
    const init =
      endpoint === 'edits'
        ? { headers: authHeaders(apiKey), body: await editForm(fields, call) }
        : { headers: { ...authHeaders(apiKey), 'content-type': 'application/json' }, body: JSON.stringify(fields) };
    const response = await callUpstream(endpointUrl(this.settings.baseUrl, endpoint), { method: 'POST', ...init, signal: call.signal }, classifyOpenAiError);
    return parseImagesResponse(response.body, { signal: call.signal, maxBytes: this.settings.maxDownloadBytes });
  }
}

export const openaiModule: ProviderModule = {
  id: 'openai',
  name: 'OpenAI',
  envPrefix: 'OPENAI',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new OpenAiProvider(settings),
  models,
};
