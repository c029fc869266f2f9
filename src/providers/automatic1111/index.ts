import { callUpstream, toGeneratedImage } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { authHeaders, classifyA1111, DEFAULT_BASE_URL, explain, img2imgUrl, txt2imgUrl } from './api.js';
import { models } from './models.js';
import { buildBody } from './params.js';
import { readImages } from './response.js';

/**
 * AUTOMATIC1111's stable-diffusion-webui, or Forge, on the operator's own GPU. Synchronous: one
 * POST makes `batch_size` images and answers with them. Enabled by A1111_BASE_URL (there is no key
 * to require); A1111_API_KEY is the `user:password` of the server's --api-auth, sent as basic auth;
 * A1111_MODEL picks the checkpoint (override_settings.sd_model_checkpoint).
 */
export class Automatic1111Provider implements ImageProvider {
  readonly id = 'automatic1111';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.baseUrlConfigured);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const checkpoint = this.settings.env?.A1111_MODEL?.trim() || undefined;
    const headers = authHeaders(this.settings.apiKey);
    const { endpoint, body } = await buildBody(call, checkpoint);
    const url = endpoint === 'txt2img' ? txt2imgUrl(this.settings.baseUrl) : img2imgUrl(this.settings.baseUrl);
    let answer;
    let refusal: unknown;
    try {
      answer = await callUpstream(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: call.signal,
      }, (status, errorBody) => {
        refusal = errorBody;
        return classifyA1111(status, errorBody);
      });
    } catch (error) {
      throw explain(error, refusal);
    }
    const images = await Promise.all(readImages(answer.body, call.n).map((bytes) => toGeneratedImage(bytes)));
    return { images };
  }
}

export const automatic1111Module: ProviderModule = {
  id: 'automatic1111',
  name: 'AUTOMATIC1111 / Forge (self-hosted)',
  envPrefix: 'A1111',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new Automatic1111Provider(settings),
  models,
};
