import { randomUUID } from 'node:crypto';
import { UpstreamError } from '../errors.js';
import { downloadImage, toGeneratedImage } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { GeneratedImage, ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { DEFAULT_BASE_URL, postTasks } from './api.js';
import { buildInputs } from './inputs.js';
import { MODEL_SPECS, models } from './models.js';
import { buildTask } from './params.js';
import { inlineBytes, readTaskResult, type ImageResult } from './response.js';

/**
 * Runware: one synchronous `imageInference` task per call, making up to `numberResults` images that
 * come back base64-encoded in the answer, with the cost Runware charged for them.
 */
export class RunwareProvider implements ImageProvider {
  readonly id = 'runware';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    if (!this.settings.apiKey) throw new UpstreamError('auth', 'no Runware API key is configured');
    const spec = MODEL_SPECS[call.upstreamModel];
    if (!spec) throw new Error(`runware: no input mapping for '${call.upstreamModel}'`);
    const taskUUID = randomUUID();
    const inputs = await buildInputs(call, spec);
    const task = { ...buildTask(call, spec, taskUUID), ...(inputs && { inputs }) };

    const body = await postTasks({ apiKey: this.settings.apiKey, baseUrl: this.settings.baseUrl }, [task], call.signal);
    const result = readTaskResult(body, taskUUID);
    const images = await Promise.all(result.images.map((image) => this.decode(image, call.signal)));
    if (images.length < call.n) call.warn(`Runware returned ${images.length} of the ${call.n} images asked for`);
    return { images, ...(result.costMicros !== undefined && { usage: { costMicros: result.costMicros } }) };
  }

  private async decode(image: ImageResult, signal: AbortSignal): Promise<GeneratedImage> {
    const inline = inlineBytes(image);
    if (inline && inline.length > this.settings.maxDownloadBytes) {
      throw new UpstreamError('bad_response', `the output image is larger than ${this.settings.maxDownloadBytes} bytes`);
    }
    // Asked for base64; a URL (Runware's delivery host) needs no key, so none is sent there.
    const bytes = inline ?? (await downloadImage(image.imageURL!, { signal, maxBytes: this.settings.maxDownloadBytes }));
    return toGeneratedImage(bytes);
  }
}

export const runwareModule: ProviderModule = {
  id: 'runware',
  name: 'Runware',
  envPrefix: 'RUNWARE',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new RunwareProvider(settings),
  models,
};
