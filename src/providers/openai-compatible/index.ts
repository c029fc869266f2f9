import type { ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { UpstreamError } from '../errors.js';
import { callUpstream, downloadImage, imageBlob, toGeneratedImage } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { ProviderModel } from '../../catalog/types.js';
import { formatSize } from '../../api/imageRequest.js';

/**
 * Any server that speaks OpenAI's Images API (LocalAI, vLLM-style servers, self-hosted gateways,
 * other OpenAI-shaped services), declared in the config file's `upstreams` with its base URL, key
 * and models. Only the common subset is sent: model, prompt, n, size, response_format, and quality
 * where the operator says the server takes it; edits go as multipart with `image[]` and `mask`.
 */
export class OpenAICompatibleProvider implements ImageProvider {
  constructor(readonly id: string, private settings: ProviderSettings, private keyRequired: boolean) {}

  isAvailable() {
    return !this.keyRequired || Boolean(this.settings.apiKey);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const { request } = call;
    const fields: Record<string, string | number> = {
      model: call.upstreamModel,
      prompt: request.prompt,
      n: call.n,
      size: formatSize(call.size),
      response_format: 'b64_json',
    };
    if (call.capabilities.quality && request.quality !== 'auto') fields.quality = request.quality;
    for (const [name, value] of Object.entries(request.extras)) {
      if (call.capabilities.extras?.includes(name) && (typeof value === 'string' || typeof value === 'number')) fields[name] = value;
      else call.warn(`parameter '${name}' is not supported by ${this.id}; ignored`);
    }
    const headers: Record<string, string> = this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {};
    let init: RequestInit & { signal: AbortSignal };
    if (request.images.length > 0) {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
      for (const image of request.images) form.append('image[]', imageBlob(image.bytes, `image/${image.format}`), `${image.param}.${image.format}`);
      if (request.mask) form.append('mask', imageBlob(request.mask.bytes, `image/${request.mask.format}`), `mask.${request.mask.format}`);
      init = { method: 'POST', headers, body: form, signal: call.signal };
    } else {
      init = { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields), signal: call.signal };
    }
    const path = request.images.length > 0 ? '/images/edits' : '/images/generations';
    const { body } = await callUpstream<unknown>(this.settings.baseUrl + path, init);
    // Any shape may come back from a server we do not know: only a list of image objects is an answer.
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.length === 0 || !data.every((item) => item !== null && typeof item === 'object')) {
      throw new UpstreamError('bad_response', 'the provider answered without a list of images');
    }
    const maxBytes = this.settings.maxDownloadBytes;
    const images = await Promise.all((data as Array<{ b64_json?: unknown; url?: unknown; revised_prompt?: unknown }>).map(async (item) => {
      if (typeof item.b64_json === 'string' && item.b64_json.length > Math.ceil(maxBytes / 3) * 4) {
        throw new UpstreamError('bad_response', `the output image is larger than ${maxBytes} bytes`);
      }
      const bytes = typeof item.b64_json === 'string' && item.b64_json
        ? Buffer.from(item.b64_json, 'base64')
        : typeof item.url === 'string' && item.url
          ? await downloadImage(item.url, { signal: call.signal, maxBytes })
          : Buffer.alloc(0);
      return toGeneratedImage(bytes, typeof item.revised_prompt === 'string' ? item.revised_prompt : undefined);
    }));
    return { images };
  }
}

/** One `upstreams` entry of the config file, already validated. */
export interface CompatibleUpstream {
  id: string;
  name?: string;
  baseUrl: string;
  /** Environment variable holding the key; without one, no key is sent and none is required. */
  apiKeyEnv?: string;
  models: ProviderModel[];
}

/** A provider module for a configured upstream, so it joins the registry like any built-in one. */
export function compatibleModule(upstream: CompatibleUpstream): ProviderModule {
  return {
    id: upstream.id,
    name: upstream.name ?? upstream.id,
    envPrefix: upstream.id.toUpperCase().replace(/[^A-Z0-9]/g, '_'),
    apiKeyEnv: upstream.apiKeyEnv,
    defaultBaseUrl: upstream.baseUrl,
    create: (settings) => new OpenAICompatibleProvider(upstream.id, settings, upstream.apiKeyEnv !== undefined),
    models: upstream.models,
  };
}
