import type { ProviderModule } from '../module.js';
import { downloadImage, pollUntil, toGeneratedImage } from '../http.js';
import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { createPrediction, DEFAULT_BASE_URL, downloadHeaders, getPrediction, type ReplicateSettings } from './api.js';
import { models } from './models.js';
import { buildInput, dataUri, modelInput } from './params.js';
import { isFinished, outputUrls } from './response.js';

/**
 * Replicate: one prediction per call, created in sync mode and polled when it outlives the wait.
 * Prices are fixed per image, so the (rarely reported) `metrics` are not read.
 */
export class ReplicateProvider implements ImageProvider {
  readonly id = 'replicate';

  constructor(private settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const api: ReplicateSettings = { apiKey: this.settings.apiKey ?? '', baseUrl: this.settings.baseUrl };
    const spec = modelInput(call.upstreamModel);
    const images = spec.images ? await Promise.all(call.request.images.map((image) => dataUri(image, spec.images!.formats))) : [];
    const input = buildInput(call, spec, images);

    let prediction = await createPrediction(api, call.upstreamModel, input, call.signal);
    if (!isFinished(prediction)) {
      prediction = await pollUntil(async () => {
        prediction = await getPrediction(api, prediction, call.signal);
        return isFinished(prediction) ? prediction : undefined;
      }, { signal: call.signal, intervalMs: this.settings.pollIntervalMs });
    }

    const urls = outputUrls(prediction);
    const generated = await Promise.all(urls.map(async (url) => {
      const bytes = await downloadImage(url, { signal: call.signal, maxBytes: this.settings.maxDownloadBytes, headers: downloadHeaders(api, url) });
      return toGeneratedImage(bytes);
    }));
    return { images: generated };
  }
}

export const replicateModule: ProviderModule = {
  id: 'replicate',
  name: 'Replicate',
  envPrefix: 'REPLICATE',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new ReplicateProvider(settings),
  models,
};
