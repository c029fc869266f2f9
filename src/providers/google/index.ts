import { UpstreamError } from '../errors.js';
import { callUpstream } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { authHeaders, DEFAULT_BASE_URL, generateContentUrl, predictUrl } from './api.js';
import { classifyGoogleError } from './errors.js';
import { models } from './models.js';
import { geminiBody, imagenBody, specFor } from './params.js';
import { parseGeminiResponse, parseImagenResponse } from './response.js';

/** Google's Gemini API (AI Studio keys): Gemini image models ("Nano Banana") and Imagen. One upstream call per generate. */
export class GoogleProvider implements ImageProvider {
  readonly id = 'google';

  constructor(private settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const { apiKey, baseUrl } = this.settings;
    if (!apiKey) throw new UpstreamError('auth', 'GEMINI_API_KEY is not set');
    const spec = specFor(call.upstreamModel);
    const post = (url: string, body: unknown) =>
      callUpstream(url, { method: 'POST', headers: authHeaders(apiKey), body: JSON.stringify(body), signal: call.signal }, classifyGoogleError);
    if (spec.api === 'predict') {
      const body = imagenBody(call, spec);
      const answer = await post(predictUrl(baseUrl, call.upstreamModel), body);
      return { images: await parseImagenResponse(answer.body, body.parameters.sampleCount, call.warn) };
    }
    const answer = await post(generateContentUrl(baseUrl, call.upstreamModel), await geminiBody(call, spec));
    return parseGeminiResponse(answer.body, 1);
  }
}

export const googleModule: ProviderModule = {
  id: 'google',
  name: 'Google (Gemini API)',
  envPrefix: 'GEMINI', // GEMINI_API_KEY, as Google's own SDKs read it
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new GoogleProvider(settings),
  models,
};
