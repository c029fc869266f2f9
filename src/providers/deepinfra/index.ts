import type { ProviderModule } from '../module.js';
import { UpstreamError } from '../errors.js';
import { parseImagesResponse } from '../openai/response.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { DEFAULT_BASE_URL, inferenceUrl, openaiGenerationsUrl, postJson } from './api.js';
import { models } from './models.js';
import { upstreamRequest } from './params.js';
import { readInference } from './response.js';

/**
 * DeepInfra: synchronous JSON calls, one per call for all its images. Each model goes through the API
 * its page documents (params.ts): the native /inference/{model}, whose answer reports the call's
 * cost, or the OpenAI-compatible /openai/images/generations, read with OpenAI's own parser.
 */
class DeepInfraProvider implements ImageProvider {
  readonly id = 'deepinfra';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const apiKey = this.settings.apiKey;
    if (!apiKey) throw new UpstreamError('auth', 'no DeepInfra API key is configured (DEEPINFRA_API_KEY)');
    const { endpoint, body } = upstreamRequest(call);
    const options = { signal: call.signal, maxBytes: this.settings.maxDownloadBytes };

    if (endpoint === 'inference') {
      const answer = await postJson(inferenceUrl(this.settings.baseUrl, call.upstreamModel), apiKey, body, call.signal);
      return readInference(answer, { ...options, warn: call.warn });
    }
    const answer = await postJson(openaiGenerationsUrl(this.settings.baseUrl), apiKey, body, call.signal);
    const result = await parseImagesResponse(answer, options);
    // DeepInfra echoes the prompt as `revised_prompt`; only a prompt the model changed is worth passing on.
    result.images = result.images.map(({ revisedPrompt, ...image }) => (revisedPrompt && revisedPrompt !== call.request.prompt ? { ...image, revisedPrompt } : image));
    return result;
  }
}

export const deepinfraModule: ProviderModule = {
  id: 'deepinfra',
  name: 'DeepInfra',
  envPrefix: 'DEEPINFRA',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new DeepInfraProvider(settings),
  models,
};
