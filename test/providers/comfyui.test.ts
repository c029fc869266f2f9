import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { parseSize } from '../../src/api/imageRequest.js';
import { sizeAllowed } from '../../src/catalog/catalog.js';
import { comfyuiModule } from '../../src/providers/comfyui/index.js';
import { capabilitiesFor, models, modelsFor, PRICE_SOURCE } from '../../src/providers/comfyui/models.js';
import { loadWorkflow, parseWorkflow, substitute, WorkflowError } from '../../src/providers/comfyui/workflow.js';
import { parseMultipart, sendBytes, sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';

const FIXTURES = '../fixtures/providers/comfyui';

/** A documented answer (or workflow) from test/fixtures/providers/comfyui, without its `_source` note. */
function fixture(name: string): Record<string, any> {
  const { _source, ...body } = JSON.parse(readFileSync(new URL(`${FIXTURES}/${name}.json`, import.meta.url), 'utf8'));
  return body;
}

/** A history fixture keyed by a real prompt id. */
function historyFixture(name: string, promptId: string): Record<string, any> {
  const entry = structuredClone(Object.values(fixture(name))[0]);
  entry.prompt[1] = promptId;
  return { [promptId]: entry };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'pixelrouter-comfyui-'));
/** A workflow file for COMFYUI_WORKFLOW. */
function workflowFile(name: string, content: unknown): string {
  const file = path.join(tmp, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/**
 * The inputs of the core nodes the workflows use, typed as ComfyUI's INPUT_TYPES declare them
 * (nodes.py: KSampler seed INT 0..2^64-1, steps INT >= 1, cfg FLOAT; EmptyLatentImage width/height
 * INT 16..MAX_RESOLUTION step 8, batch_size INT 1..4096; CLIPTextEncode text STRING; LoadImage image
 * a file in the input folder...). A link is [node_id, output_index].
 */
const NODE_INPUTS: Record<string, Record<string, 'int' | 'float' | 'string' | 'link' | 'image'>> = {
  KSampler: { seed: 'int', steps: 'int', cfg: 'float', sampler_name: 'string', scheduler: 'string', denoise: 'float', model: 'link', positive: 'link', negative: 'link', latent_image: 'link' },
  CheckpointLoaderSimple: { ckpt_name: 'string' },
  EmptyLatentImage: { width: 'int', height: 'int', batch_size: 'int' },
  CLIPTextEncode: { text: 'string', clip: 'link' },
  VAEDecode: { samples: 'link', vae: 'link' },
  VAEEncode: { pixels: 'link', vae: 'link' },
  SaveImage: { filename_prefix: 'string', images: 'link' },
  LoadImage: { image: 'image' },
};

/** What ComfyUI's validate_prompt would refuse in a submitted graph (and leftovers of the substitution). */
function graphViolations(graph: any): string[] {
  if (!graph || typeof graph !== 'object') return ['prompt is not an object'];
  const problems: string[] = [];
  for (const [id, node] of Object.entries<any>(graph)) {
    const spec = NODE_INPUTS[node?.class_type];
    if (!spec) {
      problems.push(`node ${id}: unknown class_type ${node?.class_type}`);
      continue;
    }
    for (const [name, type] of Object.entries(spec)) {
      const value = node.inputs?.[name];
      const ok = type === 'link' ? Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && graph[value[0]] !== undefined && Number.isInteger(value[1])
        : type === 'int' ? Number.isInteger(value) && value >= 0
          : type === 'float' ? typeof value === 'number'
            : type === 'image' ? typeof value === 'string' && uploaded.has(value)
              : typeof value === 'string';
      if (!ok) problems.push(`node ${id} (${node.class_type}): input '${name}' is not a valid ${type} (${JSON.stringify(value)})`);
      if (typeof value === 'string' && value.includes('{{')) problems.push(`node ${id}: '${name}' still holds a placeholder`);
    }
    if (node.class_type === 'EmptyLatentImage' && (node.inputs.width % 8 !== 0 || node.inputs.height % 8 !== 0)) problems.push(`node ${id}: size not a multiple of 8`);
  }
  return problems;
}

const COLORS = [{ r: 200, g: 40, b: 30 }, { r: 20, g: 160, b: 60 }, { r: 30, g: 60, b: 220 }, { r: 240, g: 200, b: 20 }];

/** What the fake does in one test. */
interface Script {
  /** Answers to POST /prompt instead of queueing. */
  refuse?: { status: number; body: unknown };
  /** node_errors to put in an accepted prompt's answer. */
  nodeErrors?: Record<string, unknown>;
  /** How many polls of a prompt answer {} before it has run. */
  pendingPolls: number;
  /** An answer to give at one poll (by count) instead. */
  pollAnswer?: { at: number; status: number; body: unknown };
  /** The finished history entry: success (images per the batch), error, or success without images. */
  outcome: 'success' | 'error' | 'no-images';
  /** Outputs also carry a temp preview, which must not be taken. */
  withPreview?: boolean;
}

let fake: FakeUpstream;
let script: Script;
let violations: string[];
let prompts: Array<{ id: string; graph: any; clientId: string }>;
const polls = new Map<string, number>();
/** Files the fake serves from /view, by type/subfolder/filename. */
const files = new Map<string, Buffer>();
const uploaded = new Map<string, Buffer>();
let expectedAuth: string | undefined;

async function handle(req: RecordedRequest, res: Parameters<typeof sendJson>[0]) {
  if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) violations.push(`${req.path} came without the bearer token`);
  if (expectedAuth === undefined && req.headers.authorization !== undefined) violations.push(`${req.path} came with an authorization header`);
  if (req.method === 'POST' && req.path === '/upload/image') {
    const form = await parseMultipart(req);
    const image = form.get('image');
    if (!(image instanceof File) || !image.name) {
      violations.push('the upload has no image file');
      return sendJson(res, 400, {});
    }
    if (form.get('type') !== 'input') violations.push(`the upload type is ${form.get('type')}`);
    uploaded.set(image.name, Buffer.from(await image.arrayBuffer()));
    return sendJson(res, 200, { ...fixture('upload'), name: image.name });
  }
  if (req.method === 'POST' && req.path === '/prompt') {
    const body = req.json;
    const keys = Object.keys(body ?? {}).sort();
    if (keys.join() !== 'client_id,prompt') violations.push(`the /prompt body has ${keys.join(', ')}`);
    if (typeof body?.client_id !== 'string' || !body.client_id) violations.push('client_id is not a string');
    const problems = graphViolations(body?.prompt);
    if (problems.length > 0) {
      violations.push(...problems);
      return sendJson(res, 400, { error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: problems.join('; ') }, node_errors: {} });
    }
    if (script.refuse) return sendJson(res, script.refuse.status, script.refuse.body);
    const id = `prompt-${prompts.length + 1}`;
    prompts.push({ id, graph: body.prompt, clientId: body.client_id });
    return sendJson(res, 200, { ...fixture('prompt-queued'), prompt_id: id, number: prompts.length - 1, node_errors: script.nodeErrors ?? {} });
  }
  if (req.method === 'GET' && req.path.startsWith('/history/')) {
    const id = decodeURIComponent(req.path.slice('/history/'.length));
    const prompt = prompts.find((p) => p.id === id);
    if (!prompt) return sendJson(res, 200, {});
    const count = (polls.get(id) ?? 0) + 1;
    polls.set(id, count);
    if (script.pollAnswer?.at === count) return sendJson(res, script.pollAnswer.status, script.pollAnswer.body);
    if (count <= script.pendingPolls) return sendJson(res, 200, {});
    if (script.outcome === 'error') return sendJson(res, 200, historyFixture('history-error', id));
    const history = historyFixture('history-success', id);
    const latent = Object.values<any>(prompt.graph).find((n) => n.class_type === 'EmptyLatentImage');
    const batch = latent?.inputs.batch_size ?? 1;
    const images = [];
    for (let i = 0; i < (script.outcome === 'no-images' ? 0 : batch); i++) {
      const filename = `ComfyUI_${id}_${i}.png`;
      files.set(`output//${filename}`, await solidImage(latent?.inputs.width ?? 64, latent?.inputs.height ?? 64, COLORS[(prompts.indexOf(prompt) + i) % COLORS.length]!));
      images.push({ filename, subfolder: '', type: 'output' });
    }
    history[id].outputs = { '9': { images } };
    if (script.withPreview) {
      files.set('temp//preview.png', await solidImage(8, 8, { r: 0, g: 0, b: 0 }));
      history[id].outputs = { '8': { images: [{ filename: 'preview.png', subfolder: '', type: 'temp' }] }, ...history[id].outputs };
    }
    return sendJson(res, 200, history);
  }
  if (req.method === 'GET' && req.path === '/view') {
    const key = `${req.query.get('type')}/${req.query.get('subfolder')}/${req.query.get('filename')}`;
    const bytes = files.get(key);
    if (!bytes) {
      violations.push(`/view of an unknown file ${key}`);
      return sendJson(res, 404, {});
    }
    return sendBytes(res, bytes, 'image/png');
  }
  violations.push(`unexpected ${req.method} ${req.path}`);
  sendJson(res, 404, {});
}

let basicWorkflow: string;
let img2imgWorkflow: string;

beforeAll(async () => {
  fake = await startFakeUpstream(handle);
  basicWorkflow = workflowFile('basic_api_example.json', fixture('workflow-basic-api'));
  img2imgWorkflow = workflowFile('img2img-watercolor.json', fixture('workflow-img2img'));
});
afterAll(async () => {
  await fake.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  script = { pendingPolls: 2, outcome: 'success' };
  violations = [];
  prompts = [];
  polls.clear();
  files.clear();
  uploaded.clear();
  expectedAuth = undefined;
  fake.requests.length = 0;
});

/** The adapter as the registry builds it with COMFYUI_BASE_URL set to the fake. */
const provider = (env: Record<string, string> = {}, overrides: Parameters<typeof testSettings>[1] = {}) =>
  comfyuiModule.create(testSettings(fake.url, { apiKey: env.COMFYUI_API_KEY, baseUrlConfigured: true, env, ...overrides }));
/** A call with the capabilities the catalog would give this workflow. */
const comfyCall = (env: Record<string, string>, options: Omit<Parameters<typeof makeCall>[0], 'upstreamModel'> = {}) =>
  makeCall({ upstreamModel: 'workflow', capabilities: capabilitiesFor(loadWorkflow(env)), ...options });
const route = (r: RecordedRequest) => `${r.method} ${r.path}`;

describe('comfyui adapter', () => {
  it('text-to-image with the bundled workflow: queues the exact graph, polls /history, fetches each image from /view', async () => {
    const call = comfyCall({}, { fields: { size: '768x512', seed: '42' }, n: 2 });
    const result = await provider().generate(call);

    expect(fake.requests.map(route)).toEqual(['POST /prompt', 'GET /history/prompt-1', 'GET /history/prompt-1', 'GET /history/prompt-1', 'GET /view', 'GET /view']);
    const { prompt: graph, client_id } = fake.requests[0]!.json;
    expect(client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(graph).toEqual({
      '3': {
        class_type: 'KSampler',
        inputs: { cfg: 8, denoise: 1, latent_image: ['5', 0], model: ['4', 0], negative: ['7', 0], positive: ['6', 0], sampler_name: 'euler', scheduler: 'normal', seed: 42, steps: 20 },
      },
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
      '5': { class_type: 'EmptyLatentImage', inputs: { batch_size: 2, height: 512, width: 768 } },
      '6': { class_type: 'CLIPTextEncode', inputs: { clip: ['4', 1], text: 'a red fox' } },
      '7': { class_type: 'CLIPTextEncode', inputs: { clip: ['4', 1], text: '' } },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'pixelrouter', images: ['8', 0] } },
    });
    const views = fake.requests.filter((r) => r.path === '/view').map((r) => Object.fromEntries(r.query));
    expect(views).toEqual([
      { filename: 'ComfyUI_prompt-1_0.png', subfolder: '', type: 'output' },
      { filename: 'ComfyUI_prompt-1_1.png', subfolder: '', type: 'output' },
    ]);
    expect(result.images).toHaveLength(2);
    for (const [i, image] of result.images.entries()) {
      expect(image.format).toBe('png');
      const { width, height } = await sharp(image.bytes).metadata();
      expect([width, height]).toEqual([768, 512]);
      expect(await pixelAt(image.bytes, 3, 3)).toEqual(COLORS[i]);
    }
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('puts steps, cfg, the negative prompt and COMFYUI_CHECKPOINT into the placeholders; sends COMFYUI_API_KEY as a bearer token', async () => {
    expectedAuth = 'Bearer proxy-token';
    const env = { COMFYUI_CHECKPOINT: 'sd_xl_base_1.0.safetensors', COMFYUI_API_KEY: 'proxy-token' };
    const call = comfyCall(env, { fields: { steps: '30', cfg: '6.5', negative_prompt: 'blurry', unknown_knob: 1 }, n: 1 });
    await provider(env).generate(call);

    const graph = prompts[0]!.graph;
    expect(graph['3'].inputs).toMatchObject({ steps: 30, cfg: 6.5 });
    expect(Number.isInteger(graph['3'].inputs.seed)).toBe(true); // random when not sent
    expect(graph['4'].inputs.ckpt_name).toBe('sd_xl_base_1.0.safetensors');
    expect(graph['7'].inputs.text).toBe('blurry');
    expect(graph['5'].inputs).toEqual({ batch_size: 1, width: 1024, height: 1024 });
    expect(call.warnings).toEqual([expect.stringMatching(/'unknown_knob' is not a parameter.*not sent/)]);
    expect(violations).toEqual([]);
  });

  it('an exported workflow without placeholders: sets the well-known nodes, keeps the rest', async () => {
    const env = { COMFYUI_WORKFLOW: basicWorkflow };
    const first = comfyCall(env, { fields: { size: '640x448', steps: 12, negative_prompt: 'text, watermark' }, n: 3 });
    await provider(env).generate(first);
    const second = comfyCall(env, { fields: { size: '640x448' }, n: 1 });
    await provider(env).generate(second);

    const [a, b] = prompts.map((p) => p.graph);
    const workflow = fixture('workflow-basic-api');
    expect(a['6'].inputs.text).toBe('a red fox');
    expect(a['7'].inputs.text).toBe('text, watermark');
    expect(a['5'].inputs).toEqual({ batch_size: 3, width: 640, height: 448 });
    expect(a['3'].inputs).toEqual({ ...workflow['3'].inputs, seed: a['3'].inputs.seed, steps: 12 }); // cfg stays 8, sampler stays euler
    expect(a['4']).toEqual(workflow['4']); // the workflow's own checkpoint
    expect(b['7'].inputs.text).toBe('bad hands'); // no negative prompt sent: the workflow's stays
    expect(b['3'].inputs.steps).toBe(20);
    // A fresh random seed each time, so ComfyUI's cache does not answer with the last image.
    expect(a['3'].inputs.seed).not.toBe(b['3'].inputs.seed);
    expect(a['3'].inputs.seed).not.toBe(8566257);
    expect(first.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('image-to-image: uploads the input, names it in LoadImage, queues n prompts with consecutive seeds when the graph has no batch size', async () => {
    const env = { COMFYUI_WORKFLOW: img2imgWorkflow };
    const photo = await solidImage(96, 64, { r: 0, g: 0, b: 255 });
    const call = comfyCall(env, { fields: { prompt: 'a harbour', seed: 7, cfg: 5 }, images: [inputImage(photo, 'image[0]', 96, 64)], n: 2 });
    const result = await provider(env).generate(call);

    expect(fake.requests.map(route).filter((r) => !r.startsWith('GET /history'))).toEqual(['POST /upload/image', 'POST /prompt', 'POST /prompt', 'GET /view', 'GET /view']);
    const [name, bytes] = [...uploaded.entries()][0]!;
    expect(name).toMatch(/^pixelrouter-[0-9a-f-]{36}\.png$/);
    expect(bytes.equals(photo)).toBe(true);
    const workflow = fixture('workflow-img2img');
    const expected = (seed: number) => ({
      ...workflow,
      '1': { class_type: 'LoadImage', inputs: { image: name } },
      '2': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
      '4': { class_type: 'CLIPTextEncode', inputs: { clip: ['2', 1], text: 'a harbour, watercolor' } },
      '6': { class_type: 'KSampler', inputs: { ...workflow['6'].inputs, cfg: 5, seed } },
    });
    expect(prompts.map((p) => p.graph)).toEqual([expected(7), expected(8)]);
    expect(result.images).toHaveLength(2);
    expect(await pixelAt(result.images[1]!.bytes, 1, 1)).toEqual(COLORS[1]);
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('warns about what an image workflow cannot take: a size, steps, a mask', async () => {
    const env = { COMFYUI_WORKFLOW: img2imgWorkflow };
    const photo = await solidImage(64, 64, { r: 0, g: 0, b: 255 });
    const call = comfyCall(env, { fields: { size: '512x512', steps: 30 }, images: [inputImage(photo)], mask: inputImage(photo, 'mask'), n: 1 });
    await provider(env).generate(call);
    expect(call.warnings).toEqual([
      expect.stringMatching(/no mask/),
      expect.stringMatching(/no place for 'steps'/),
      expect.stringMatching(/sets its own image size: size 512x512/),
    ]);
    expect(violations).toEqual([]);
  });

  it('takes the saved images, not the temp previews', async () => {
    script.withPreview = true;
    const result = await provider().generate(comfyCall({}, { fields: { size: '64x64' }, n: 1 }));
    expect(result.images).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === '/view').map((r) => r.query.get('type'))).toEqual(['output']);
  });

  it('refuses what the workflow cannot do before calling the server', async () => {
    const photo = await solidImage(64, 64, { r: 0, g: 0, b: 255 });
    const errors = [
      await provider().generate(comfyCall({}, { images: [inputImage(photo)] })).catch((e) => e),
      await provider({ COMFYUI_WORKFLOW: img2imgWorkflow }).generate(comfyCall({ COMFYUI_WORKFLOW: img2imgWorkflow })).catch((e) => e),
      await provider().generate(comfyCall({}, { fields: { seed: -1 } })).catch((e) => e),
      await provider().generate(comfyCall({}, { fields: { steps: 'many' } })).catch((e) => e),
    ];
    for (const error of errors) expect(error).toBeInstanceOf(ApiError);
    expect(errors.map((e) => e.param)).toEqual(['image', 'image', 'seed', 'steps']);
    expect(fake.requests).toHaveLength(0);
  });

  describe('errors', () => {
    it('a prompt that fails validation (400) is rejected, naming the node', async () => {
      script.refuse = { status: 400, body: fixture('prompt-invalid') };
      const error = await provider().generate(comfyCall({})).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'rejected', status: 400 });
      expect(error.message).toMatch(/Prompt outputs failed validation: node 4 \(CheckpointLoaderSimple\): Value not in list: ckpt_name/);
      expect(fake.requests).toHaveLength(1);
    });

    it('a queued prompt with node_errors is rejected', async () => {
      script.nodeErrors = fixture('prompt-invalid').node_errors;
      const error = await provider().generate(comfyCall({})).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'rejected' });
      expect(error.message).toMatch(/node 4/);
    });

    it('a /prompt answered 500 is a server error', async () => {
      script.refuse = { status: 500, body: '500 Internal Server Error' };
      const error = await provider().generate(comfyCall({})).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'server_error', status: 500 });
    });

    it('a run that fails (history status error) is a server error with the exception', async () => {
      script.outcome = 'error';
      const error = await provider().generate(comfyCall({})).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'server_error' });
      expect(error.message).toMatch(/node 3 \(KSampler\): torch\.OutOfMemoryError: Allocation on device/);
      expect(fake.requests.some((r) => r.path === '/view')).toBe(false);
    });

    it('a run without an image output is a bad response', async () => {
      script.outcome = 'no-images';
      const error = await provider().generate(comfyCall({})).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'bad_response' });
      expect(error.message).toMatch(/SaveImage/);
    });

    it('keeps polling through a 503; a refused poll after queueing cannot fall back', async () => {
      script.pollAnswer = { at: 1, status: 503, body: 'busy' };
      const result = await provider().generate(comfyCall({}));
      expect(result.images).toHaveLength(1);

      script.pollAnswer = { at: 1, status: 403, body: { error: 'forbidden' } };
      const error = await provider().generate(comfyCall({})).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'server_error' });
      expect(error.message).toMatch(/after the prompt was queued/);
    });

    it('a server that is down is unreachable', async () => {
      const down = await startFakeUpstream(() => {});
      await down.close();
      const error = await comfyuiModule.create(testSettings(down.url, { apiKey: undefined, baseUrlConfigured: true, env: {} })).generate(comfyCall({})).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'unreachable' });
    });

    it('a prompt still queued when the call times out is a timeout', async () => {
      script.pendingPolls = Number.MAX_SAFE_INTEGER;
      const started = Date.now();
      const error = await provider().generate(comfyCall({}, { signal: AbortSignal.timeout(300) })).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'timeout' });
      expect(polls.get('prompt-1')).toBeGreaterThan(3);
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });

  it('is available only with COMFYUI_BASE_URL and a usable workflow', () => {
    const available = (env: Record<string, string>, baseUrlConfigured = true) =>
      comfyuiModule.create(testSettings(fake.url, { apiKey: undefined, baseUrlConfigured, env })).isAvailable();
    expect(available({}, false)).toBe(false);
    expect(available({ COMFYUI_WORKFLOW: basicWorkflow }, false)).toBe(false);
    expect(available({})).toBe(true); // the bundled text-to-image workflow
    expect(available({ COMFYUI_WORKFLOW: basicWorkflow })).toBe(true);
    expect(available({ COMFYUI_WORKFLOW: path.join(tmp, 'missing.json') })).toBe(false); // never silently the bundled one
    expect(available({ COMFYUI_WORKFLOW: workflowFile('broken.json', '{"3": ') })).toBe(false);
    expect(available({ COMFYUI_WORKFLOW: workflowFile('ui.json', { nodes: [], links: [], version: 0.4 }) })).toBe(false);
    expect(available({ COMFYUI_WORKFLOW: workflowFile('typo.json', { '1': { class_type: 'CLIPTextEncode', inputs: { text: '{{promt}}' } } }) })).toBe(false);
  });
});

describe('comfyui workflows (the substitution rule)', () => {
  const values = { prompt: 'a fox', width: 512, height: 768, seed: 3, batchSize: 2, checkpoint: 'x.safetensors' };

  it('replaces a whole placeholder by a typed value and an embedded one as text', () => {
    const workflow = parseWorkflow({
      '1': { class_type: 'CLIPTextEncode', inputs: { text: 'photo of {{ prompt }}, {{width}}px wide', clip: ['2', 1] } },
      '2': { class_type: 'EmptyLatentImage', inputs: { width: '{{width}}', height: '{{height}}', batch_size: '{{batch_size}}' } },
      '3': { class_type: 'KSampler', inputs: { seed: '{{seed}}', steps: '{{steps}}', cfg: 4.5 } },
    }, 'test');
    expect(workflow.mode).toBe('placeholders');
    expect([...workflow.slots].sort()).toEqual(['batch_size', 'height', 'prompt', 'seed', 'steps', 'width']);
    const graph = substitute(workflow, { ...values, steps: undefined });
    expect(graph['1']!.inputs.text).toBe('photo of a fox, 512px wide');
    expect(graph['2']!.inputs).toEqual({ width: 512, height: 768, batch_size: 2 });
    expect(graph['3']!.inputs).toEqual({ seed: 3, steps: 20, cfg: 4.5 }); // steps: ComfyUI's KSampler default
    expect(workflow.graph['2']!.inputs.width).toBe('{{width}}'); // the workflow itself is untouched
  });

  it('refuses workflows it cannot drive', () => {
    expect(() => parseWorkflow([], 'x')).toThrow(WorkflowError);
    expect(() => parseWorkflow({ '1': { class_type: 'SaveImage' } }, 'x')).toThrow(/API format/);
    expect(() => parseWorkflow({ '1': { class_type: 'SaveImage', inputs: { filename_prefix: 'x' } } }, 'x')).toThrow(/CLIPTextEncode/);
    expect(() => parseWorkflow({ '1': { class_type: 'CLIPTextEncode', inputs: { text: '{{negative_prompt}}' } } }, 'x')).toThrow(/\{\{prompt\}\}/);
  });

  it('without placeholders, a single CLIPTextEncode takes the prompt even when not linked to a sampler', () => {
    const workflow = parseWorkflow({ '1': { class_type: 'CLIPTextEncode', inputs: { text: 'old', clip: ['9', 0] } } }, 'x');
    expect(substitute(workflow, values)['1']!.inputs.text).toBe('a fox');
  });
});

describe('comfyui catalog (models.ts)', () => {
  it('is the module COMFYUI_BASE_URL / COMFYUI_WORKFLOW configure', () => {
    expect(comfyuiModule).toMatchObject({ id: 'comfyui', envPrefix: 'COMFYUI', defaultBaseUrl: 'http://127.0.0.1:8188' });
    expect(comfyuiModule.models).toBe(models);
  });

  it('offers comfyui/workflow, free, named after the workflow file', () => {
    const [bundled] = modelsFor({});
    expect(bundled!.model).toMatchObject({ id: 'comfyui/workflow', name: expect.stringMatching(/default text-to-image workflow/) });
    expect(bundled!.model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(bundled!.offer).toMatchObject({ price: { type: 'free' }, priceSource: PRICE_SOURCE });
    expect(modelsFor({ COMFYUI_WORKFLOW: img2imgWorkflow })[0]!.model.name).toBe('ComfyUI workflow: img2img-watercolor');
    expect(modelsFor({ COMFYUI_WORKFLOW: img2imgWorkflow })[0]!.offer.upstreamModel).toBe('img2img-watercolor');
  });

  it.each([
    ['the bundled workflow', {}, { edit: false, maxInputImages: 0, defaultSize: '512x512', extras: ['seed', 'steps', 'cfg', 'negative_prompt'] }],
    ['an exported workflow', () => ({ COMFYUI_WORKFLOW: basicWorkflow }), { edit: false, maxInputImages: 0, defaultSize: '512x512', extras: ['seed', 'steps', 'cfg', 'negative_prompt'] }],
    ['an image workflow', () => ({ COMFYUI_WORKFLOW: img2imgWorkflow }), { edit: true, maxInputImages: 1, defaultSize: '1024x1024', extras: ['seed', 'cfg'] }],
  ] as Array<[string, Record<string, string> | (() => Record<string, string>), object]>)('%s: capabilities follow its slots', (_name, env, expected) => {
    const caps = modelsFor(typeof env === 'function' ? env() : env)[0]!.offer.capabilities;
    expect(caps).toMatchObject({ sizes: { kind: 'range', min: 64, max: 4096, multipleOf: 8 }, maxImagesPerCall: 8, mask: false, quality: false, ...expected });
    for (const size of [caps.defaultSize, ...caps.listedSizes.filter((s) => s !== 'auto')]) expect(sizeAllowed(caps.sizes, parseSize(size)), size).toBe(true);
  });
});
