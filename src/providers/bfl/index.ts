import { canFallBack, UpstreamError } from '../errors.js';
import { callUpstream, downloadImage, pollUntil, toGeneratedImage } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { GeneratedImage, ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { authHeaders, DEFAULT_BASE_URL, submitUrl } from './api.js';
import { models } from './models.js';
import { buildBody } from './params.js';
import { readPoll, readSubmission, type ReadyResult } from './response.js';

/**
 * Black Forest Labs (FLUX). Asynchronous: each image is one job, submitted, polled until Ready, and
 * its result downloaded from the signed URL BFL hands out.
 */
export class BflProvider implements ImageProvider {
  readonly id = 'bfl';

  constructor(private readonly settings: ProviderSettings) {}

  isAvailable() {
    return Boolean(this.settings.apiKey);
  }

  /** One job makes one image (maxImagesPerCall is 1: the router fans `n` out into parallel calls). */
  async generate(call: ProviderCall): Promise<ProviderResult> {
    const { image, costMicros } = await this.runJob(call, await buildBody(call));
    return { images: [image], ...(costMicros !== undefined && { usage: { costMicros } }) };
  }

  private async runJob(call: ProviderCall, body: Record<string, unknown>): Promise<{ image: GeneratedImage; costMicros?: number }> {
    if (!this.settings.apiKey) throw new UpstreamError('auth', 'no BFL API key is configured');
    const headers = authHeaders(this.settings.apiKey);
    const submitted = await callUpstream(submitUrl(this.settings.baseUrl, call.upstreamModel), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: call.signal,
    });
    try {
      const job = readSubmission(submitted.body, this.settings.baseUrl);
      const ready = await pollUntil(() => this.poll(job.pollingUrl, headers, call), { signal: call.signal, intervalMs: this.settings.pollIntervalMs });
      // The sample is a signed URL on BFL's delivery hosts: it needs no key, so none is sent there.
      const bytes = await downloadImage(ready.sampleUrl, { signal: call.signal, maxBytes: this.settings.maxDownloadBytes });
      return { image: await toGeneratedImage(bytes, ready.prompt), costMicros: job.costMicros };
    } catch (error) {
      throw afterSubmission(error);
    }
  }

  private async poll(url: string, headers: Record<string, string>, call: ProviderCall): Promise<ReadyResult | undefined> {
    let answer;
    try {
      answer = await callUpstream(url, { headers: { ...headers, accept: 'application/json' }, signal: call.signal });
    } catch (error) {
      // BFL asks to retry 429, 500 and 503; the job is already running, so keep polling (the call's signal bounds it).
      if (error instanceof UpstreamError && error.status !== undefined && (error.status === 429 || error.status >= 500)) return undefined;
      throw error;
    }
    return readPoll(answer.body, call.request.prompt);
  }
}

/** Once a job is accepted it may be billed: no later failure may let the router try another provider. */
function afterSubmission(error: unknown): unknown {
  return canFallBack(error) ? new UpstreamError('server_error', `after the job was accepted: ${(error as Error).message}`, (error as UpstreamError).status) : error;
}

export const bflModule: ProviderModule = {
  id: 'bfl',
  name: 'Black Forest Labs',
  envPrefix: 'BFL',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new BflProvider(settings),
  models,
};
