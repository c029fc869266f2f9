import type { ProviderModule } from '../module.js';
import { UpstreamError } from '../errors.js';
import { callUpstream } from '../http.js';
import { parseImagesResponse } from '../openai/response.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { authHeaders, DEFAULT_BASE_URL, generationsUrl } from './api.js';
import { classifyTogetherError } from './errors.js';
import { models } from './models.js';
import { checkInputImages, generationBody, imageDataUri } from './params.js';

/**
 * Together AI: synchronous, one JSON POST to /images/generations for all `n` images of a call, text
 * to image or (FLUX.1 Kontext) one input image as `image_url`. The answer is OpenAI-shaped,
 * `{id, model, object: "list", data: [{index, b64_json | url, type}]}`, so OpenAI's parser reads it.
 */
class TogetherProvider implements ImageProvider {
  readonly id = 'together';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const apiKey = this.settings.apiKey;
    if (!apiKey) throw new UpstreamError('auth', 'no Together API key is configured (TOGETHER_API_KEY)');
    const image = checkInputImages(call);
    const body = generationBody(call, image && (await imageDataUri(image)));
    const response = await callUpstream(generationsUrl(this.settings.baseUrl), {
      method: 'POST',
      headers: { ...authHeaders(apiKey), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: call.signal,
    }, classifyTogetherError);
    return parseImagesResponse(response.body, { signal: call.signal, maxBytes: this.settings.maxDownloadBytes });
  }
}

export const togetherModule: ProviderModule = {
  id: 'together',
  name: 'Together AI',
  envPrefix: 'TOGETHER',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new TogetherProvider(settings),
  models,
};
