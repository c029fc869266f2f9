import { randomInt, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { invalidRequest } from '../../api/errors.js';
import { formatSize, type InputImage, type Size } from '../../api/imageRequest.js';
import { canFallBack, UpstreamError } from '../errors.js';
import { callUpstream, classifyStatus, downloadImage, imageBlob, pollUntil, toGeneratedImage } from '../http.js';
import type { ProviderModule } from '../module.js';
import type { GeneratedImage, ImageProvider, ProviderCall, ProviderResult, ProviderSettings } from '../types.js';
import { authHeaders, DEFAULT_BASE_URL, historyUrl, promptUrl, uploadUrl, viewUrl } from './api.js';
import { KNOWN_EXTRAS, models } from './models.js';
import { describeRefusal, readHistory, readQueued, type OutputFile } from './response.js';
import { DEFAULT_CHECKPOINT, loadWorkflow, substitute, type Slot, type Values, type Workflow } from './workflow.js';

/**
 * ComfyUI on the operator's own GPU, running one API-format workflow (workflow.ts has the rule for
 * how a request is put into it). Asynchronous: the graph is queued with `POST /prompt`, its history
 * polled until it has run, and each output image fetched from `/view`. An input image is uploaded
 * first (`POST /upload/image`) and its name put in the workflow's LoadImage node.
 *
 * Enabled by COMFYUI_BASE_URL with a usable workflow: COMFYUI_WORKFLOW (read once, when the server
 * starts), or the bundled text-to-image workflow when it is unset (its checkpoint: COMFYUI_CHECKPOINT).
 */
export class ComfyUIProvider implements ImageProvider {
  readonly id = 'comfyui';
  private readonly workflow?: Workflow;
  private readonly workflowProblem?: string;
  /** Identifies this gateway's prompts to ComfyUI (its websocket API routes progress by it). */
  private readonly clientId = randomUUID();

  constructor(private readonly settings: ProviderSettings) {
    try {
      this.workflow = loadWorkflow(settings.env ?? {});
    } catch (error) {
      this.workflowProblem = (error as Error).message;
    }
  }

  isAvailable() {
    return Boolean(this.settings.baseUrlConfigured && this.workflow);
  }

  async generate(call: ProviderCall): Promise<ProviderResult> {
    const workflow = this.workflow;
    if (!workflow) throw new UpstreamError('unreachable', `no usable ComfyUI workflow: ${this.workflowProblem ?? 'not configured'}`);
    const headers = authHeaders(this.settings.apiKey);
    const { request } = call;
    const edit = workflow.slots.has('image');
    if (request.images.length > 0 && !edit) throw invalidRequest(`the ComfyUI workflow '${workflow.name}' makes images from text only (it has no LoadImage node or {{image}})`, 'image', 'invalid_value');
    if (request.images.length === 0 && edit) throw invalidRequest(`the ComfyUI workflow '${workflow.name}' edits an image: send one`, 'image', 'missing_required_parameter');
    if (request.images.length > 1) call.warn(`the ComfyUI workflow takes one input image: ${request.images.length - 1} were not sent`);
    if (request.mask) call.warn('the ComfyUI workflow takes no mask: the mask was not sent');

    const extras = extraValues(call, workflow);
    const size = sizeFor(call, workflow);
    const image = edit ? await this.upload(request.images[0]!, headers, call.signal) : undefined;
    const seed = extras.seed ?? randomInt(0, 2 ** 48 - 1);
    // One prompt of batch_size n where the graph has a batch slot; otherwise n prompts, seeds seed, seed+1...
    const jobs = workflow.slots.has('batch_size') ? [{ seed, batchSize: call.n }] : Array.from({ length: call.n }, (_, i) => ({ seed: seed + i, batchSize: 1 }));
    const values = (job: { seed: number; batchSize: number }): Values => ({
      prompt: request.prompt,
      negativePrompt: extras.negative_prompt,
      ...size,
      seed: job.seed,
      batchSize: job.batchSize,
      steps: extras.steps,
      cfg: extras.cfg,
      image,
      checkpoint: this.settings.env?.COMFYUI_CHECKPOINT?.trim() || DEFAULT_CHECKPOINT,
    });

    const promptIds: string[] = [];
    for (const job of jobs) {
      try {
        promptIds.push(await this.queue(substitute(workflow, values(job)), headers, call.signal));
      } catch (error) {
        throw promptIds.length > 0 ? afterSubmission(error) : error;
      }
    }
    try {
      const images: GeneratedImage[] = [];
      for (const promptId of promptIds) {
        const files = await pollUntil(() => this.poll(promptId, headers, call.signal), { signal: call.signal, intervalMs: this.settings.pollIntervalMs });
        for (const file of files.slice(0, call.n - images.length)) {
          const bytes = await downloadImage(viewUrl(this.settings.baseUrl, file), { signal: call.signal, maxBytes: this.settings.maxDownloadBytes, headers });
          images.push(await toGeneratedImage(bytes));
        }
      }
      return { images };
    } catch (error) {
      throw afterSubmission(error);
    }
  }

  /** Stores the input image in ComfyUI's input folder; its name is what LoadImage takes. */
  private async upload(image: InputImage, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
    const sendable = ['png', 'jpeg', 'webp'].includes(image.format);
    const bytes = sendable ? image.bytes : await sharp(image.bytes).png().toBuffer();
    const format = sendable ? image.format : 'png';
    const form = new FormData();
    form.append('image', imageBlob(bytes, `image/${format}`), `pixelrouter-${randomUUID()}.${format === 'jpeg' ? 'jpg' : format}`);
    form.append('type', 'input');
    const { body } = await callUpstream<{ name?: unknown; subfolder?: unknown }>(uploadUrl(this.settings.baseUrl), { method: 'POST', headers, body: form, signal });
    if (typeof body?.name !== 'string' || !body.name) throw new UpstreamError('bad_response', 'ComfyUI stored the input image without naming it');
    // LoadImage takes a path relative to the input folder.
    return typeof body.subfolder === 'string' && body.subfolder ? `${body.subfolder}/${body.name}` : body.name;
  }

  private async queue(graph: unknown, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
    let refusal: unknown;
    try {
      const { body } = await callUpstream(promptUrl(this.settings.baseUrl), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ prompt: graph, client_id: this.clientId }),
        signal,
      }, (status, body) => {
        refusal = body;
        return classifyStatus(status);
      });
      return readQueued(body);
    } catch (error) {
      // A 400 is ComfyUI's validation: say which nodes it refused, not just "Prompt outputs failed validation".
      if (error instanceof UpstreamError && error.status === 400) throw new UpstreamError('rejected', describeRefusal(refusal, error.message), 400);
      throw error;
    }
  }

  private async poll(promptId: string, headers: Record<string, string>, signal: AbortSignal): Promise<OutputFile[] | undefined> {
    let answer;
    try {
      answer = await callUpstream(historyUrl(this.settings.baseUrl, promptId), { headers: { ...headers, accept: 'application/json' }, signal });
    } catch (error) {
      // The prompt is queued; a busy or restarting server is asked again (the call's signal bounds it).
      if (error instanceof UpstreamError && error.status !== undefined && (error.status === 429 || error.status >= 500)) return undefined;
      throw error;
    }
    return readHistory(answer.body, promptId);
  }
}

/** Once a prompt is queued it runs whatever happens here: no later failure may let the router run it elsewhere too. */
function afterSubmission(error: unknown): unknown {
  return canFallBack(error) ? new UpstreamError('server_error', `after the prompt was queued: ${(error as Error).message}`, (error as UpstreamError).status) : error;
}

/** The size to put in the graph: the call's, or at size auto on an edit, the input image's (scaled into range). */
function sizeFor({ request, size, capabilities, warn }: ProviderCall, workflow: Workflow): Size {
  const hasSize = workflow.slots.has('width') && workflow.slots.has('height');
  if (!hasSize && request.size !== 'auto') warn(`the ComfyUI workflow sets its own image size: size ${formatSize(size)} was not applied`);
  const rule = capabilities.sizes.kind === 'range' ? capabilities.sizes : { min: 64, max: 4096, multipleOf: 8 };
  const fit = (value: number) => Math.min(rule.max, Math.max(rule.min, Math.round(value / rule.multipleOf) * rule.multipleOf));
  if (request.size === 'auto' && request.images.length > 0) {
    const input = request.images[0]!;
    const scale = Math.max(rule.min / Math.min(input.width, input.height), Math.min(1, rule.max / Math.max(input.width, input.height)));
    return { width: fit(input.width * scale), height: fit(input.height * scale) };
  }
  const fitted = { width: fit(size.width), height: fit(size.height) };
  if (hasSize && (fitted.width !== size.width || fitted.height !== size.height)) warn(`size ${formatSize(size)} is not available on ComfyUI: asked for the nearest, ${formatSize(fitted)}`);
  return fitted;
}

interface Extras {
  seed?: number;
  steps?: number;
  cfg?: number;
  negative_prompt?: string;
}

const SLOT_OF: Record<keyof Extras, Slot> = { seed: 'seed', steps: 'steps', cfg: 'cfg', negative_prompt: 'negative_prompt' };

/** The extras the workflow has a slot for, typed; others are reported and left out. */
function extraValues({ request, warn }: ProviderCall, workflow: Workflow): Extras {
  const extras: Extras = {};
  for (const [name, value] of Object.entries(request.extras)) {
    const known = (KNOWN_EXTRAS as string[]).includes(name);
    if (!known || !workflow.slots.has(SLOT_OF[name as keyof Extras])) {
      warn(known ? `the ComfyUI workflow has no place for '${name}': it was not sent` : `'${name}' is not a parameter ComfyUI takes here: it was not sent`);
      continue;
    }
    if (name === 'negative_prompt') {
      if (typeof value !== 'string') throw invalidRequest("'negative_prompt' must be a string", name, 'invalid_value');
      extras.negative_prompt = value;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : undefined;
    const number = typeof value === 'number' ? value : text ? Number(text) : NaN;
    const integer = name !== 'cfg';
    // KSampler's limits: seed 0 to 2^64-1 (here: what a JSON number holds exactly), steps from 1, cfg 0-100.
    const ok = Number.isFinite(number) && (!integer || Number.isInteger(number))
      && (name === 'seed' ? number >= 0 && number <= Number.MAX_SAFE_INTEGER : name === 'steps' ? number >= 1 && number <= 10000 : number >= 0 && number <= 100);
    if (!ok) throw invalidRequest(`'${name}' must be ${name === 'cfg' ? 'a number from 0 to 100' : name === 'steps' ? 'an integer from 1 to 10000' : 'a non-negative integer'}`, name, 'invalid_value');
    extras[name as 'seed' | 'steps' | 'cfg'] = number;
  }
  return extras;
}

export const comfyuiModule: ProviderModule = {
  id: 'comfyui',
  name: 'ComfyUI (self-hosted)',
  envPrefix: 'COMFYUI',
  defaultBaseUrl: DEFAULT_BASE_URL,
  create: (settings) => new ComfyUIProvider(settings),
  models,
};
