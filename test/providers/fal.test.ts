import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sizeAllowed } from '../../src/catalog/catalog.js';
import { parseSize } from '../../src/api/imageRequest.js';
import { canFallBack, UpstreamError } from '../../src/providers/errors.js';
import { DEFAULT_BASE_URL } from '../../src/providers/fal/api.js';
import { falModule } from '../../src/providers/fal/index.js';
import { models } from '../../src/providers/fal/models.js';
import { FAMILIES } from '../../src/providers/fal/params.js';
import type { PriceRule } from '../../src/catalog/types.js';
import type { ProviderCall } from '../../src/providers/types.js';
import { sendBytes, sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';

const KEY = 'test-upstream-key';

/** The models added after the first version, each checked end to end against its endpoints' contracts. */
const NEW_MODELS = [
  'google/gemini-2.5-flash-image', 'google/gemini-3-pro-image', 'black-forest-labs/flux-2-pro', 'black-forest-labs/flux-kontext-max',
  'bytedance/seedream-4.5', 'tencent/hunyuan-image-3',
  'black-forest-labs/flux-2-dev', 'black-forest-labs/flux-2-flex', 'black-forest-labs/flux-1-krea-dev', 'black-forest-labs/flux-2-klein-9b',
  'tencent/hunyuan-image-2.1', 'bytedance/seedream-3', 'qwen/qwen-image-2512', 'tongyi/z-image-turbo', 'recraft/recraft-v4',
  'recraft/recraft-v4-pro', 'recraft/recraft-v4.1', 'reve/reve-image', 'hidream/hidream-i1-fast',
];

/** A documented answer from test/fixtures/providers/fal, without its `_source`/`_status` notes. */
function fixture(name: string): Record<string, any> {
  const { _source, _status, ...body } = JSON.parse(readFileSync(new URL(`../fixtures/providers/fal/${name}.json`, import.meta.url), 'utf8'));
  return body;
}
const fixtureStatus = (name: string): number => JSON.parse(readFileSync(new URL(`../fixtures/providers/fal/${name}.json`, import.meta.url), 'utf8'))._status;

// ---- The contract: the input schemas of the endpoints used here (fal.ai/models/{id}/api, and the same
// schemas in github.com/fal-ai/fal-js libs/client/src/types/image/zod.gen.ts). Unknown fields are refused.
type Check = (value: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const int = (min = -Infinity, max = Infinity): Check => (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const num = (min: number, max: number): Check => (v) => typeof v === 'number' && v >= min && v <= max;
const oneOf = (...values: string[]): Check => (v) => values.includes(v as string);
const imageSize: Check = (v) => typeof v === 'object' && v !== null && int(1, 14142)((v as any).width) && int(1, 14142)((v as any).height) && Object.keys(v).length === 2;
const dataUri: Check = (v) => typeof v === 'string' && /^data:image\/(png|jpeg|webp|gif|avif);base64,[A-Za-z0-9+/=]+$/.test(v);
const dataUris: Check = (v) => Array.isArray(v) && v.length > 0 && v.every(dataUri);
const ratios = oneOf('21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21');
const tolerance = oneOf('1', '2', '3', '4', '5', '6');
const accel = oneOf('none', 'regular', 'high');

const nanoRatios = oneOf('21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16');
const maxItems = (max: number, each: Check): Check => (v) => Array.isArray(v) && v.length > 0 && v.length <= max && v.every(each);
// Seedream 4.5: "Width and height must be between 1920 and 4096, or total number of pixels must be between 2560*1440 and 4096*4096."
const seedream45Size: Check = (v) => {
  if (!imageSize(v)) return false;
  const { width, height } = v as { width: number; height: number };
  const sides = [width, height].every((d) => d >= 1920 && d <= 4096);
  return sides || (width * height >= 2560 * 1440 && width * height <= 4096 * 4096);
};

const fluxDev = { prompt: str, image_size: imageSize, num_images: int(1, 4), output_format: oneOf('jpeg', 'png'), sync_mode: bool, seed: int(), guidance_scale: num(1, 20), enable_safety_checker: bool, acceleration: accel, num_inference_steps: int(1, 50) };
const seedream = { prompt: str, image_size: imageSize, num_images: int(1, 6), max_images: int(1, 6), sync_mode: bool, enable_safety_checker: bool, seed: int(), enhance_prompt_mode: oneOf('standard', 'fast') };

// Kontext [pro] and [max] share a schema (fal.ai/models/fal-ai/flux-pro/kontext/max/llms.txt, .../max/text-to-image/llms.txt).
const kontext = {
  prompt: str, num_images: int(1, 4), aspect_ratio: ratios, output_format: oneOf('jpeg', 'png'), sync_mode: bool,
  safety_tolerance: tolerance, guidance_scale: num(1, 20), seed: int(), enhance_prompt: bool,
};
// fal.ai/models/fal-ai/nano-banana-pro/llms.txt and .../edit/llms.txt
const nanoBananaPro = {
  prompt: str, num_images: int(1, 4), seed: int(), aspect_ratio: oneOf('auto', '21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16'),
  output_format: oneOf('jpeg', 'png', 'webp'), safety_tolerance: tolerance, sync_mode: bool, resolution: oneOf('1K', '2K', '4K'),
  limit_generations: bool, enable_web_search: bool,
};
// fal.ai/models/fal-ai/bytedance/seedream/v4.5/edit/llms.txt (the text-to-image endpoint has the same fields but image_urls)
const seedream45 = {
  prompt: str, image_size: seedream45Size, num_images: int(1, 6), max_images: int(1, 6), seed: int(), sync_mode: bool, enable_safety_checker: bool,
};

// Sizes of 512 to 2048 a side (FLUX.2 [dev]: "The width and height must be between 512 and 2048 pixels"; Seedream 3.0 the same).
const imageSize512to2048: Check = (v) => imageSize(v) && [(v as any).width, (v as any).height].every((d: number) => d >= 512 && d <= 2048);
const rgb: Check = (v) => typeof v === 'object' && v !== null && ['r', 'g', 'b'].every((c) => int(0, 255)((v as any)[c]));
// fal.ai/models/fal-ai/recraft/v4/pro/text-to-image/llms.txt (v4 and v4.1 the same fields).
const recraftV4 = {
  prompt: (v: unknown) => str(v) && (v as string).length <= 10_000, image_size: imageSize, colors: (v: unknown) => Array.isArray(v) && v.every(rgb),
  background_color: rgb, enable_safety_checker: bool,
};

const CONTRACT: Record<string, { required: string[]; fields: Record<string, Check> }> = {
  // fal.ai/models/fal-ai/flux-2/llms.txt
  'fal-ai/flux-2': {
    required: ['prompt'],
    fields: {
      prompt: str, guidance_scale: num(0, 20), seed: int(), num_inference_steps: int(4, 50), image_size: imageSize512to2048, num_images: int(1, 4),
      acceleration: accel, enable_prompt_expansion: bool, sync_mode: bool, enable_safety_checker: bool, output_format: oneOf('jpeg', 'png', 'webp'),
    },
  },
  // fal.ai/models/fal-ai/flux-2-flex/llms.txt: no num_images.
  'fal-ai/flux-2-flex': {
    required: ['prompt'],
    fields: {
      prompt: str, image_size: imageSize, seed: int(), safety_tolerance: oneOf('1', '2', '3', '4', '5'), enable_safety_checker: bool,
      output_format: oneOf('jpeg', 'png'), sync_mode: bool, guidance_scale: num(1.5, 10), num_inference_steps: int(2, 50),
    },
  },
  // fal.ai/models/fal-ai/flux/krea/llms.txt
  'fal-ai/flux/krea': { required: ['prompt'], fields: fluxDev },
  // fal.ai/models/fal-ai/flux-2/klein/9b/llms.txt
  'fal-ai/flux-2/klein/9b': {
    required: ['prompt'],
    fields: {
      prompt: str, seed: int(), num_inference_steps: int(4, 8), image_size: imageSize, num_images: int(1, 4), sync_mode: bool, enable_safety_checker: bool,
      output_format: oneOf('jpeg', 'png', 'webp'),
    },
  },
  // fal.ai/models/fal-ai/hunyuan-image/v2.1/text-to-image/llms.txt
  'fal-ai/hunyuan-image/v2.1/text-to-image': {
    required: ['prompt'],
    fields: {
      prompt: str, negative_prompt: str, image_size: imageSize, num_images: int(1, 4), num_inference_steps: int(1, 50), guidance_scale: num(1, 20),
      seed: int(), use_reprompt: bool, use_refiner: bool, enable_safety_checker: bool, sync_mode: bool, output_format: oneOf('jpeg', 'png'),
    },
  },
  // fal.ai/models/fal-ai/bytedance/seedream/v3/text-to-image/llms.txt: no output_format.
  'fal-ai/bytedance/seedream/v3/text-to-image': {
    required: ['prompt'],
    fields: { prompt: str, image_size: imageSize512to2048, guidance_scale: num(1, 10), num_images: int(1, 4), seed: int(), enable_safety_checker: bool, sync_mode: bool },
  },
  // fal.ai/models/fal-ai/qwen-image-2512/llms.txt
  'fal-ai/qwen-image-2512': {
    required: ['prompt'],
    fields: {
      prompt: str, negative_prompt: str, image_size: imageSize, num_inference_steps: int(1, 50), guidance_scale: num(0, 20), seed: int(), sync_mode: bool,
      num_images: int(1, 4), enable_safety_checker: bool, output_format: oneOf('jpeg', 'png', 'webp'), acceleration: accel,
    },
  },
  // fal.ai/docs/model-api-reference/image-generation-api/z-image-turbo
  'fal-ai/z-image/turbo': {
    required: ['prompt'],
    fields: {
      prompt: str, image_size: imageSize, num_inference_steps: int(1, 8), seed: int(), sync_mode: bool, num_images: int(1, 4), enable_safety_checker: bool,
      enable_prompt_expansion: bool, output_format: oneOf('jpeg', 'png', 'webp'), acceleration: accel,
    },
  },
  'fal-ai/recraft/v4/text-to-image': { required: ['prompt'], fields: recraftV4 },
  'fal-ai/recraft/v4/pro/text-to-image': { required: ['prompt'], fields: recraftV4 },
  'fal-ai/recraft/v4.1/text-to-image': { required: ['prompt'], fields: recraftV4 },
  // fal.ai/models/fal-ai/reve/text-to-image/llms.txt
  'fal-ai/reve/text-to-image': {
    required: ['prompt'],
    fields: { prompt: str, aspect_ratio: oneOf('16:9', '9:16', '3:2', '2:3', '4:3', '3:4', '1:1'), num_images: int(1, 4), output_format: oneOf('png', 'jpeg', 'webp'), sync_mode: bool },
  },
  // The fields lumenfall.ai lists for fal's fal-ai/hidream-i1-fast (no ranges given).
  'fal-ai/hidream-i1-fast': {
    required: ['prompt'],
    fields: {
      prompt: str, negative_prompt: str, image_size: imageSize, num_images: int(1, 4), num_inference_steps: int(1, 50), seed: int(), enable_safety_checker: bool,
      output_format: oneOf('jpeg', 'png'), sync_mode: bool,
    },
  },
  'fal-ai/flux/dev': { required: ['prompt'], fields: fluxDev },
  'fal-ai/flux/dev/image-to-image': {
    required: ['prompt', 'image_url'],
    fields: { ...fluxDev, image_size: () => false, image_url: dataUri, strength: num(0.01, 1), num_inference_steps: int(10, 50) },
  },
  'fal-ai/flux-pro/v1.1-ultra': {
    required: ['prompt'],
    fields: {
      prompt: str, num_images: int(1, 4), aspect_ratio: ratios, enhance_prompt: bool, output_format: oneOf('jpeg', 'png'), image_url: dataUri, sync_mode: bool,
      safety_tolerance: tolerance, image_prompt_strength: num(0, 1), seed: int(), enable_safety_checker: bool, raw: bool,
    },
  },
  'fal-ai/flux-pro/kontext': { required: ['prompt', 'image_url'], fields: { ...kontext, image_url: dataUri } },
  'fal-ai/flux-pro/kontext/max/text-to-image': { required: ['prompt'], fields: kontext },
  'fal-ai/flux-pro/kontext/max': { required: ['prompt', 'image_url'], fields: { ...kontext, image_url: dataUri } },
  // fal.ai/models/fal-ai/flux-2-pro/llms.txt: no num_images; safety_tolerance "1".."5".
  'fal-ai/flux-2-pro': {
    required: ['prompt'],
    fields: { prompt: str, image_size: imageSize, seed: int(), safety_tolerance: oneOf('1', '2', '3', '4', '5'), enable_safety_checker: bool, output_format: oneOf('jpeg', 'png'), sync_mode: bool },
  },
  // fal.ai/models/fal-ai/nano-banana/llms.txt and .../edit/llms.txt
  'fal-ai/nano-banana': { required: ['prompt'], fields: { prompt: str, num_images: int(1, 4), output_format: oneOf('jpeg', 'png'), aspect_ratio: nanoRatios, sync_mode: bool } },
  'fal-ai/nano-banana/edit': {
    required: ['prompt', 'image_urls'],
    fields: { prompt: str, image_urls: dataUris, num_images: int(1, 4), output_format: oneOf('jpeg', 'png', 'webp'), aspect_ratio: nanoRatios },
  },
  'fal-ai/nano-banana-pro': { required: ['prompt'], fields: nanoBananaPro },
  'fal-ai/nano-banana-pro/edit': { required: ['prompt', 'image_urls'], fields: { ...nanoBananaPro, image_urls: dataUris } },
  'fal-ai/bytedance/seedream/v4.5/text-to-image': { required: ['prompt'], fields: seedream45 },
  'fal-ai/bytedance/seedream/v4.5/edit': { required: ['prompt', 'image_urls'], fields: { ...seedream45, image_urls: maxItems(10, dataUri) } },
  // fal.ai/models/fal-ai/hunyuan-image/v3/text-to-image/llms.txt
  'fal-ai/hunyuan-image/v3/text-to-image': {
    required: ['prompt'],
    fields: {
      prompt: str, negative_prompt: str, image_size: imageSize, num_images: int(1, 4), num_inference_steps: int(1, 50), guidance_scale: num(1, 20),
      seed: int(), enable_safety_checker: bool, sync_mode: bool, output_format: oneOf('jpeg', 'png'), enable_prompt_expansion: bool,
    },
  },
  // Recraft V3's schema: the prompt is at most 1000 characters; style is an enum (vector styles among it).
  'fal-ai/recraft/v3/text-to-image': {
    required: ['prompt'],
    fields: { prompt: (v) => str(v) && (v as string).length <= 1000, image_size: imageSize, style: str, style_id: str, colors: Array.isArray, enable_safety_checker: bool },
  },
  'fal-ai/bytedance/seedream/v4/text-to-image': { required: ['prompt'], fields: seedream },
  'fal-ai/bytedance/seedream/v4/edit': { required: ['prompt', 'image_urls'], fields: { ...seedream, image_urls: dataUris } },
  'fal-ai/ideogram/v3': {
    required: ['prompt'],
    fields: {
      prompt: str, num_images: int(1, 8), image_size: imageSize, style: oneOf('AUTO', 'GENERAL', 'REALISTIC', 'DESIGN'), style_preset: str, expand_prompt: bool,
      rendering_speed: oneOf('TURBO', 'BALANCED', 'QUALITY'), style_codes: Array.isArray, color_palette: (v) => typeof v === 'object', sync_mode: bool, seed: int(),
      image_urls: Array.isArray, negative_prompt: str,
    },
  },
};

/** fal's validation answer for a field that breaks the schema (shape per https://docs.fal.ai/errors). */
const invalid = (field: string, type: string) => ({ detail: [{ loc: ['body', field], msg: `invalid ${field}`, type }] });

function contractViolation(endpoint: string, input: any): object | undefined {
  const contract = CONTRACT[endpoint];
  if (!contract) return { detail: `Application '${endpoint}' not found` };
  for (const field of contract.required) if (input?.[field] === undefined) return invalid(field, 'missing');
  for (const [field, value] of Object.entries(input ?? {})) {
    const check = contract.fields[field];
    if (!check) return invalid(field, 'extra_forbidden');
    if (!check(value)) return invalid(field, 'value_error');
  }
  return undefined;
}

// ---- The fake queue: POST {endpoint} → ticket; GET …/status → the scripted statuses; GET …/requests/{id}
// → the scripted result; images served from /files. Statuses and results are the fixtures.
interface Script {
  statuses: string[];
  /** The result answer; by default the FLUX result fixture with one image per num_images. */
  result?: { status: number; body: unknown };
  submit?: { status: number; body: unknown; headers?: Record<string, string> };
  nsfw?: boolean[];
  /** Status codes to answer on status reads before the statuses (a passing failure). */
  statusFailures?: number[];
  /** Replace the ticket's URLs. */
  ticket?: (ticket: Record<string, string>) => Record<string, string>;
}

let fake: FakeUpstream;
let script: Script;
const submitted = new Map<string, { endpoint: string; input: any }>();
let statusReads = 0;

const STATUS_FIXTURE: Record<string, string> = { IN_QUEUE: 'queue-status-in-queue', IN_PROGRESS: 'queue-status-in-progress', COMPLETED: 'queue-status-completed' };

async function handle(req: RecordedRequest, res: import('node:http').ServerResponse) {
  if (req.path.startsWith('/files/')) {
    // fal's CDN files: serve an image of the size and format the request asked for.
    const id = req.path.slice('/files/'.length).split('-')[0]!;
    const input = submitted.get(id)?.input ?? {};
    const size = input.image_size ?? { width: 1024, height: 1024 };
    const format = input.output_format === 'jpeg' ? 'jpeg' : 'png';
    return sendBytes(res, await solidImage(size.width, size.height, { r: 200, g: 60, b: 30 }, format), `image/${format}`);
  }
  if (req.headers.authorization !== `Key ${KEY}`) return sendJson(res, 401, { detail: 'No user found for Key ID and Secret' });
  const match = /^\/([^/]+\/[^/]+)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(req.path);
  if (match) {
    const [, , id, tail] = match;
    if (!submitted.has(id!)) return sendJson(res, 404, { detail: 'Request not found' });
    if (tail === '/cancel' && req.method === 'PUT') return sendJson(res, 202, { success: true });
    if (tail === '/status' && req.method === 'GET') {
      const failure = script.statusFailures?.shift();
      if (failure) return sendJson(res, failure, { detail: 'Internal Server Error' });
      const status = script.statuses[Math.min(statusReads++, script.statuses.length - 1)]!;
      const body = STATUS_FIXTURE[status] ? { ...fixture(STATUS_FIXTURE[status]!), request_id: id } : { status, request_id: id };
      return sendJson(res, status === 'COMPLETED' ? 200 : 202, body);
    }
    if (!tail && req.method === 'GET') {
      if (script.result) return sendJson(res, script.result.status, script.result.body);
      return sendJson(res, 200, resultFor(id!));
    }
    return sendJson(res, 405, { detail: 'Method not allowed' });
  }
  if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Method not allowed' });
  if (!/application\/json/.test(req.headers['content-type'] ?? '')) return sendJson(res, 415, { detail: 'JSON expected' });
  const endpoint = req.path.slice(1);
  const violation = contractViolation(endpoint, req.json);
  if (violation) return sendJson(res, CONTRACT[endpoint] ? 422 : 404, violation);
  if (script.submit) return sendJson(res, script.submit.status, script.submit.body, script.submit.headers);
  const id = `req${submitted.size + 1}`;
  submitted.set(id, { endpoint, input: req.json });
  // Status and result URLs use only the owner and app, not the endpoint's subpath.
  const app = `${fake.url}/${endpoint.split('/').slice(0, 2).join('/')}/requests/${id}`;
  const ticket = { ...fixture('queue-submit'), request_id: id, response_url: app, status_url: `${app}/status`, cancel_url: `${app}/cancel` };
  return sendJson(res, 200, script.ticket ? script.ticket(ticket) : ticket);
}

function resultFor(id: string) {
  const input = submitted.get(id)!.input;
  const base = fixture('result-flux');
  const count = input.num_images ?? 1;
  const format = input.output_format === 'jpeg' ? 'jpeg' : 'png';
  const images = Array.from({ length: count }, (_, i) => ({ ...base.images[0], url: `${fake.url}/files/${id}-${i}.${format}`, content_type: `image/${format}` }));
  return { ...base, images, has_nsfw_concepts: script.nsfw ?? images.map(() => false) };
}

beforeAll(async () => {
  fake = await startFakeUpstream(handle);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  submitted.clear();
  statusReads = 0;
  script = { statuses: ['COMPLETED'] };
});

const provider = () => falModule.create(testSettings(fake.url));
const generate = (call: ProviderCall) => provider().generate(call);
const lastSubmit = () => fake.requests.filter((r) => r.method === 'POST').at(-1)!;

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const png = (w: number, h: number) => solidImage(w, h, { r: 10, g: 120, b: 220 }, 'png');
const decodeDataUri = (uri: string) => Buffer.from(uri.split(',')[1]!, 'base64');

describe('fal: text to image', () => {
  it('submits the exact input, polls IN_QUEUE → IN_PROGRESS → COMPLETED, reads the result and downloads every image', async () => {
    script.statuses = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'];
    const call = makeCall({ upstreamModel: 'fal-ai/flux/dev', fields: { size: '1024x768', n: 2, seed: 42 } });
    const result = await generate(call);

    expect(lastSubmit().path).toBe('/fal-ai/flux/dev');
    expect(lastSubmit().json).toEqual({ prompt: 'a red fox', image_size: { width: 1024, height: 768 }, num_images: 2, output_format: 'png', seed: 42 });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /fal-ai/flux/dev',
      'GET /fal-ai/flux/requests/req1/status',
      'GET /fal-ai/flux/requests/req1/status',
      'GET /fal-ai/flux/requests/req1/status',
      'GET /fal-ai/flux/requests/req1',
      'GET /files/req1-0.png',
      'GET /files/req1-1.png',
    ]);
    // The queue calls carry the key; fal's CDN files are public and get none.
    for (const r of fake.requests) expect(r.headers.authorization).toBe(r.path.startsWith('/files/') ? undefined : `Key ${KEY}`);
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.format).toBe('png');
      expect(await sharp(image.bytes).metadata()).toMatchObject({ width: 1024, height: 768 });
    }
    expect(call.warnings).toEqual([]);
  });

  it('asks for jpeg when the client wants jpeg, and for png otherwise (the pipeline converts to webp)', async () => {
    const jpeg = await generate(makeCall({ upstreamModel: 'fal-ai/flux/dev', fields: { output_format: 'jpeg' } }));
    expect(lastSubmit().json.output_format).toBe('jpeg');
    expect(jpeg.images[0]!.format).toBe('jpeg');
    await generate(makeCall({ upstreamModel: 'fal-ai/flux/dev', fields: { output_format: 'webp' } }));
    expect(lastSubmit().json.output_format).toBe('png');
  });

  it('makes several images in one Seedream request with num_images, and sends no output_format it does not have', async () => {
    const call = makeCall({ upstreamModel: 'fal-ai/bytedance/seedream/v4/text-to-image', fields: { size: '1536x1024', n: 3 } });
    const result = await generate(call);
    expect(lastSubmit().path).toBe('/fal-ai/bytedance/seedream/v4/text-to-image');
    expect(lastSubmit().json).toEqual({ prompt: 'a red fox', image_size: { width: 1536, height: 1024 }, num_images: 3 });
    expect(result.images).toHaveLength(3);
  });

  it('reads a result with Seedream\'s documented output shape', async () => {
    script.result = { status: 200, body: { ...fixture('result-seedream'), images: [{ ...fixture('result-seedream').images[0], url: `${fake.url}/files/req1-0.png` }] } };
    const result = await generate(makeCall({ upstreamModel: 'fal-ai/bytedance/seedream/v4/text-to-image' }));
    expect(result.images).toHaveLength(1);
  });
});

describe('fal: image to image', () => {
  it('sends FLUX [dev] edits to its image-to-image endpoint as a data URI fitted to the size asked for', async () => {
    const call = makeCall({ upstreamModel: 'fal-ai/flux/dev', images: [inputImage(await png(64, 64))], fields: { strength: '0.8' } });
    await generate(call);
    const { path, json } = lastSubmit();
    expect(path).toBe('/fal-ai/flux/dev/image-to-image');
    expect(Object.keys(json).sort()).toEqual(['image_url', 'num_images', 'output_format', 'prompt', 'strength']);
    expect(json.strength).toBe(0.8); // multipart strings become numbers
    // The endpoint keeps the input's size, so the input is sent at the billed size.
    expect(await sharp(decodeDataUri(json.image_url)).metadata()).toMatchObject({ format: 'png', width: 1024, height: 1024 });
    expect(call.warnings).toEqual([]);
  });

  it('reports cropping an input whose shape differs from the size asked for', async () => {
    const call = makeCall({ upstreamModel: 'fal-ai/flux/dev', size: { width: 1024, height: 768 }, images: [inputImage(await png(64, 64))] });
    await generate(call);
    expect(await sharp(decodeDataUri(lastSubmit().json.image_url)).metadata()).toMatchObject({ width: 1024, height: 768 });
    expect(call.warnings).toEqual([expect.stringMatching(/image\[0\] \(64x64\) was cropped/)]);
  });

  it('sends Seedream edits all their images as data URIs in image_urls, keeping each format', async () => {
    const jpeg = await solidImage(64, 48, { r: 255, g: 255, b: 0 }, 'jpeg');
    const call = makeCall({
      upstreamModel: 'fal-ai/bytedance/seedream/v4/text-to-image',
      images: [inputImage(await png(64, 64)), inputImage(jpeg, 'image[1]', 64, 48, 'jpeg')],
    });
    await generate(call);
    const { path, json } = lastSubmit();
    expect(path).toBe('/fal-ai/bytedance/seedream/v4/edit');
    expect(json.image_size).toEqual({ width: 1024, height: 1024 });
    expect(json.image_urls).toHaveLength(2);
    expect(json.image_urls[0]).toMatch(/^data:image\/png;base64,/);
    expect(json.image_urls[1]).toBe(`data:image/jpeg;base64,${jpeg.toString('base64')}`);
  });

  it('sends FLUX1.1 [pro] ultra its input image as the image prompt', async () => {
    await generate(makeCall({ upstreamModel: 'fal-ai/flux-pro/v1.1-ultra', images: [inputImage(await png(32, 32))], fields: { image_prompt_strength: 0.3 } }));
    const { path, json } = lastSubmit();
    expect(path).toBe('/fal-ai/flux-pro/v1.1-ultra');
    expect(json).toMatchObject({ aspect_ratio: '1:1', image_prompt_strength: 0.3, image_url: expect.stringMatching(/^data:image\/png;base64,/) });
  });

  it('sends Kontext edits to its edit endpoint, keeping the input\'s shape unless a size is asked for', async () => {
    const image = inputImage(await png(48, 32));
    await generate(makeCall({ upstreamModel: 'fal-ai/flux-pro/kontext/text-to-image', images: [image], fields: { safety_tolerance: 5 } }));
    expect(lastSubmit().path).toBe('/fal-ai/flux-pro/kontext');
    expect(lastSubmit().json).toEqual({
      prompt: 'a red fox', num_images: 1, output_format: 'png', image_url: `data:image/png;base64,${image.bytes.toString('base64')}`, safety_tolerance: '5',
    });
    await generate(makeCall({ upstreamModel: 'fal-ai/flux-pro/kontext/text-to-image', images: [image], fields: { size: '1024x1536' } }));
    expect(lastSubmit().json.aspect_ratio).toBe('2:3');
  });

  it('refuses input images for a model fal only offers from text', async () => {
    const error = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/schnell', images: [inputImage(await png(8, 8))] })));
    expect(error.kind).toBe('rejected');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('fal: parameter mapping', () => {
  it('maps a size to the nearest aspect ratio where the model takes one, and says so when it is not exact', async () => {
    const exact = makeCall({ upstreamModel: 'fal-ai/flux-pro/v1.1-ultra', size: { width: 1536, height: 1024 } });
    await generate(exact);
    expect(lastSubmit().json).toEqual({ prompt: 'a red fox', aspect_ratio: '3:2', num_images: 1, output_format: 'png' });
    expect(exact.warnings).toEqual([]);

    const near = makeCall({ upstreamModel: 'fal-ai/flux-pro/v1.1-ultra', size: { width: 1792, height: 1024 } });
    await generate(near);
    expect(lastSubmit().json.aspect_ratio).toBe('16:9');
    expect(near.warnings).toEqual([expect.stringMatching(/1792x1024 .* using 16:9/)]);
  });

  it('reports what it cannot honour: quality, unknown and gateway-owned extras, out-of-range values; passes the seed', async () => {
    const call = makeCall({
      upstreamModel: 'fal-ai/flux/dev',
      fields: { quality: 'high', seed: '7', foo: 'bar', sync_mode: true, num_inference_steps: 80, enable_safety_checker: 'false', guidance_scale: 'strong' },
    });
    await generate(call);
    expect(lastSubmit().json).toEqual({
      prompt: 'a red fox', image_size: { width: 1024, height: 1024 }, num_images: 1, output_format: 'png',
      seed: 7, num_inference_steps: 50, enable_safety_checker: false,
    });
    expect(call.warnings).toEqual([
      "quality 'high' is not supported by fal-ai/flux/dev; the model's default was used",
      "'foo' is not a parameter of fal-ai/flux/dev; not sent",
      "'sync_mode' is set by the gateway for fal-ai/flux/dev; the extra was not sent",
      "'num_inference_steps' 80 is outside what this model allows (an integer from 1 to 50); using 50",
      "'guidance_scale' must be a number; not sent",
    ]);
  });

  it('turns quality into Ideogram\'s rendering speed and passes its documented extras', async () => {
    const call = makeCall({
      upstreamModel: 'fal-ai/ideogram/v3', size: { width: 1216, height: 832 },
      fields: { quality: 'low', n: 3, negative_prompt: 'blur', style: 'DESIGN', style_codes: '["AABBCCDD"]' },
    });
    await generate(call);
    expect(lastSubmit().json).toEqual({
      prompt: 'a red fox', image_size: { width: 1216, height: 832 }, num_images: 3, rendering_speed: 'TURBO',
      negative_prompt: 'blur', style: 'DESIGN', style_codes: ['AABBCCDD'],
    });
    expect(call.warnings).toEqual([]);
  });

  it('reports a transparent background and a mask it cannot use', async () => {
    const call = makeCall({ upstreamModel: 'fal-ai/flux/dev', fields: { background: 'transparent', output_format: 'png' }, mask: inputImage(await png(8, 8), 'mask') });
    await generate(call);
    expect(lastSubmit().json).not.toHaveProperty('mask_url');
    expect(call.warnings).toEqual([
      'fal-ai/flux/dev cannot make a transparent background; the image is opaque',
      'fal-ai/flux/dev takes no mask; the mask was not sent',
    ]);
  });
});

describe('fal: newer models', () => {
  it('sends Nano Banana Pro an aspect ratio and its extras, and its edits the images in image_urls keeping their shape', async () => {
    const call = makeCall({ upstreamModel: 'fal-ai/nano-banana-pro', size: { width: 1536, height: 1024 }, fields: { n: 2, seed: 9, safety_tolerance: 5, limit_generations: 'true' } });
    await generate(call);
    expect(lastSubmit().path).toBe('/fal-ai/nano-banana-pro');
    expect(lastSubmit().json).toEqual({
      prompt: 'a red fox', aspect_ratio: '3:2', num_images: 2, output_format: 'png', seed: 9, safety_tolerance: '5', limit_generations: true,
    });
    expect(call.warnings).toEqual([]);

    // resolution (4K is billed double) and enable_web_search (billed extra) are not passed on.
    const jpeg = await solidImage(48, 32, { r: 0, g: 128, b: 0 }, 'jpeg');
    const edit = makeCall({
      upstreamModel: 'fal-ai/nano-banana-pro', images: [inputImage(await png(32, 32)), inputImage(jpeg, 'image[1]', 48, 32, 'jpeg')],
      fields: { output_format: 'jpeg', resolution: '4K', enable_web_search: true },
    });
    await generate(edit);
    const { path, json } = lastSubmit();
    expect(path).toBe('/fal-ai/nano-banana-pro/edit');
    expect(Object.keys(json).sort()).toEqual(['image_urls', 'num_images', 'output_format', 'prompt']);
    expect(json.output_format).toBe('jpeg');
    expect(json.image_urls).toEqual([expect.stringMatching(/^data:image\/png;base64,/), `data:image/jpeg;base64,${jpeg.toString('base64')}`]);
    expect(edit.warnings).toEqual([
      "'resolution' is not a parameter of fal-ai/nano-banana-pro/edit; not sent",
      "'enable_web_search' is not a parameter of fal-ai/nano-banana-pro/edit; not sent",
    ]);
  });

  it('makes one FLUX.2 [pro] image per request, and prices it by output megapixels', async () => {
    const call = makeCall({ upstreamModel: 'fal-ai/flux-2-pro', size: { width: 1536, height: 1024 }, n: 2, fields: { safety_tolerance: 6 } });
    await generate(call);
    expect(lastSubmit().json).toEqual({ prompt: 'a red fox', image_size: { width: 1536, height: 1024 }, output_format: 'png' });
    expect(call.warnings).toEqual([
      'fal-ai/flux-2-pro makes one image per request; 1 was asked for instead of 2',
      "'safety_tolerance' must be one of 1, 2, 3, 4, 5; not sent",
    ]);
    const price = models.find((m) => m.offer.upstreamModel === 'fal-ai/flux-2-pro')!.offer.price as Extract<PriceRule, { type: 'table' }>;
    const row = (size: string) => price.rows.find((r) => r.size === size)!.perImageMicros;
    expect([row('512x512'), row('1024x1024'), row('1536x1024')]).toEqual([30_000, 30_000, 45_000]);
  });

  it('sends Seedream 4.5 sizes in its range, and its edits up to 10 images', async () => {
    await generate(makeCall({ upstreamModel: 'fal-ai/bytedance/seedream/v4.5/text-to-image', size: { width: 2560, height: 1440 }, n: 2 }));
    expect(lastSubmit().json).toEqual({ prompt: 'a red fox', image_size: { width: 2560, height: 1440 }, num_images: 2 });
    const images = await Promise.all(Array.from({ length: 11 }, async (_, i) => inputImage(await png(16, 16), `image[${i}]`, 16, 16)));
    const edit = makeCall({ upstreamModel: 'fal-ai/bytedance/seedream/v4.5/text-to-image', size: { width: 2048, height: 2048 }, images });
    await generate(edit);
    expect(lastSubmit().path).toBe('/fal-ai/bytedance/seedream/v4.5/edit');
    expect(lastSubmit().json.image_urls).toHaveLength(10);
    expect(edit.warnings).toEqual(['fal-ai/bytedance/seedream/v4.5/edit takes at most 10 input images; only the first 10 were sent']);
  });

  it('refuses Recraft\'s vector styles, which fal bills double, and takes no input images', async () => {
    const call = makeCall({ upstreamModel: 'fal-ai/recraft/v3/text-to-image', fields: { style: 'vector_illustration/line_art' } });
    await generate(call);
    expect(lastSubmit().json).not.toHaveProperty('style');
    expect(call.warnings).toEqual([expect.stringMatching(/'style' vector_illustration\/line_art is not offered here .*; not sent/)]);
    await generate(makeCall({ upstreamModel: 'fal-ai/recraft/v3/text-to-image', fields: { style: 'realistic_image' } }));
    expect(lastSubmit().json.style).toBe('realistic_image');
    expect((await failure(generate(makeCall({ upstreamModel: 'fal-ai/recraft/v3/text-to-image', images: [inputImage(await png(8, 8))] })))).kind).toBe('rejected');
  });

  // Every endpoint of the models added here, called through the fake with its documented schema.
  it.each(NEW_MODELS)('%s: text to image and (where offered) edit pass the endpoint\'s documented schema', async (id) => {
    const { offer } = models.find((m) => m.model.id === id)!;
    const caps = offer.capabilities;
    const size = parseSize(caps.defaultSize);
    const n = Math.min(2, caps.maxImagesPerCall);
    expect((await generate(makeCall({ upstreamModel: offer.upstreamModel, size, n }))).images).toHaveLength(n);
    expect(lastSubmit().path).toBe(`/${FAMILIES[offer.upstreamModel]!.textToImage.id}`);
    if (caps.edit) {
      await generate(makeCall({ upstreamModel: offer.upstreamModel, size, images: [inputImage(await png(32, 32))] }));
      expect(lastSubmit().path).toBe(`/${FAMILIES[offer.upstreamModel]!.imageToImage!.id}`);
    }
  });
});

describe('fal: failures', () => {
  it('401 is an auth failure another provider may take over', async () => {
    const error = await failure(falModule.create(testSettings(fake.url, { apiKey: 'wrong' })).generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })));
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(canFallBack(error)).toBe(true);
  });

  it('429 is rate_limited with the Retry-After fal sends', async () => {
    script.submit = { status: 429, body: { detail: 'Too many requests' }, headers: { 'retry-after': '7' } }; // docs silent on the body
    const error = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfter: 7 });
  });

  it('a 422 validation error is rejected, with fal\'s detail in the message', async () => {
    script.submit = { status: fixtureStatus('error-validation'), body: fixture('error-validation') };
    const error = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })));
    expect(error).toMatchObject({ kind: 'rejected', status: 422 });
    expect(error.message).toMatch(/image_too_large/);
  });

  it('a 500 is a server error', async () => {
    script.submit = { status: 500, body: { detail: 'Internal Server Error' } }; // docs silent on the body
    expect(await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })))).toMatchObject({ kind: 'server_error', status: 500 });
  });

  it('a content_policy_violation in the result is a content policy refusal', async () => {
    script.result = { status: fixtureStatus('error-content-policy'), body: fixture('error-content-policy') };
    const error = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })));
    expect(error).toMatchObject({ kind: 'content_policy', status: 422 });
  });

  it('a result whose only image is flagged by has_nsfw_concepts is a content policy refusal, and nothing is downloaded', async () => {
    script.nsfw = [true];
    expect(await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })))).toMatchObject({ kind: 'content_policy' });
    expect(fake.requests.some((r) => r.path.startsWith('/files/'))).toBe(false);
  });

  it('withholds flagged images among others and says so', async () => {
    script.nsfw = [true, false];
    const call = makeCall({ upstreamModel: 'fal-ai/flux/dev', n: 2 });
    const result = await generate(call);
    expect(result.images).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.startsWith('/files/')).map((r) => r.path)).toEqual(['/files/req1-1.png']);
    expect(call.warnings).toEqual(["1 of 2 images were withheld: fal's safety checker flagged them"]);
  });

  it('a request that failed in the queue answers its result with the error; once accepted it never falls back', async () => {
    script.statuses = ['IN_PROGRESS', 'COMPLETED'];
    script.result = { status: fixtureStatus('error-request-timeout'), body: fixture('error-request-timeout') };
    const timedOut = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })));
    expect(timedOut).toMatchObject({ kind: 'server_error', status: 504 });
    expect(timedOut.message).toMatch(/Request timed out/);

    script.result = { status: fixtureStatus('error-runner-scheduling'), body: fixture('error-runner-scheduling') };
    const unscheduled = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })));
    expect(unscheduled).toMatchObject({ kind: 'server_error', status: 503 });
    expect(canFallBack(unscheduled)).toBe(false);
  });

  it('keeps polling through a passing 5xx on the status read', async () => {
    script.statusFailures = [500];
    script.statuses = ['IN_PROGRESS', 'COMPLETED'];
    expect((await generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' }))).images).toHaveLength(1);
  });

  it('an undocumented status is a bad response', async () => {
    script.statuses = ['FAILED'];
    expect(await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })))).toMatchObject({ kind: 'bad_response' });
  });

  it('does not follow status or result URLs off the queue\'s origin (the key would go with them)', async () => {
    script.ticket = (t) => ({ ...t, status_url: 'https://example.invalid/steal/status' });
    const error = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })));
    expect(error.kind).toBe('bad_response');
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  });
});

describe('fal: timeout', () => {
  it('a job stuck IN_PROGRESS past the call\'s signal is a timeout, and the request is cancelled', async () => {
    script.statuses = ['IN_PROGRESS'];
    const started = Date.now();
    const error = await failure(generate(makeCall({ upstreamModel: 'fal-ai/flux/dev', signal: AbortSignal.timeout(300) })));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    for (let i = 0; i < 100 && !fake.requests.some((r) => r.method === 'PUT'); i++) await new Promise((r) => setTimeout(r, 20));
    const cancelled = fake.requests.find((r) => r.method === 'PUT');
    expect(cancelled).toMatchObject({ path: '/fal-ai/flux/requests/req1/cancel' });
    expect(cancelled!.headers.authorization).toBe(`Key ${KEY}`);
  });
});

describe('fal: configuration', () => {
  it('is unavailable without a key, and then sends nothing', async () => {
    const unkeyed = falModule.create(testSettings(fake.url, { apiKey: undefined }));
    expect(unkeyed.isAvailable()).toBe(false);
    expect(provider().isAvailable()).toBe(true);
    expect(await failure(unkeyed.generate(makeCall({ upstreamModel: 'fal-ai/flux/dev' })))).toMatchObject({ kind: 'auth' });
    expect(fake.requests).toHaveLength(0);
  });

  it('is the fal module: id, env prefix and the queue as default base URL', () => {
    expect(falModule).toMatchObject({ id: 'fal', envPrefix: 'FAL', defaultBaseUrl: 'https://queue.fal.run' });
  });
});

describe('fal: catalog', () => {
  const ids = models.map((m) => m.model.id);

  it('serves the shared model ids on verified endpoints', () => {
    expect(ids.length).toBeGreaterThanOrEqual(10);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([
      'black-forest-labs/flux-1.1-pro', 'black-forest-labs/flux-1.1-pro-ultra', 'black-forest-labs/flux-dev', 'black-forest-labs/flux-schnell',
      'black-forest-labs/flux-kontext-pro', 'bytedance/seedream-4', 'recraft/recraft-v3', 'ideogram/ideogram-v3',
      'stability/stable-diffusion-3.5-large', 'qwen/qwen-image', 'hidream/hidream-i1-full', ...NEW_MODELS,
    ]));
    const byId = Object.fromEntries(models.map((m) => [m.model.id, m.offer.upstreamModel]));
    expect(byId['black-forest-labs/flux-1.1-pro']).toBe('fal-ai/flux-pro/v1.1');
    expect(byId['black-forest-labs/flux-dev']).toBe('fal-ai/flux/dev');
    expect(byId['black-forest-labs/flux-schnell']).toBe('fal-ai/flux/schnell');
    expect(FAMILIES[byId['bytedance/seedream-4']!]!.imageToImage!.id).toBe('fal-ai/bytedance/seedream/v4/edit');
    expect(FAMILIES[byId['black-forest-labs/flux-kontext-pro']!]!.imageToImage!.id).toBe('fal-ai/flux-pro/kontext');
    expect(byId['google/gemini-2.5-flash-image']).toBe('fal-ai/nano-banana');
    expect(FAMILIES[byId['google/gemini-2.5-flash-image']!]!.imageToImage!.id).toBe('fal-ai/nano-banana/edit');
    expect(byId['google/gemini-3-pro-image']).toBe('fal-ai/nano-banana-pro');
    expect(FAMILIES[byId['google/gemini-3-pro-image']!]!.imageToImage!.id).toBe('fal-ai/nano-banana-pro/edit');
    expect(byId['black-forest-labs/flux-2-pro']).toBe('fal-ai/flux-2-pro');
    expect(FAMILIES[byId['black-forest-labs/flux-kontext-max']!]!.imageToImage!.id).toBe('fal-ai/flux-pro/kontext/max');
    expect(FAMILIES[byId['bytedance/seedream-4.5']!]!.imageToImage!.id).toBe('fal-ai/bytedance/seedream/v4.5/edit');
    expect(byId['tencent/hunyuan-image-3']).toBe('fal-ai/hunyuan-image/v3/text-to-image');
  });

  it('has a documented contract in the fake upstream for every endpoint of the newer models', () => {
    for (const id of NEW_MODELS) {
      const family = FAMILIES[models.find((m) => m.model.id === id)!.offer.upstreamModel]!;
      for (const endpoint of [family.textToImage, family.imageToImage]) if (endpoint) expect(CONTRACT[endpoint.id], endpoint.id).toBeDefined();
    }
  });

  it.each(models)('$model.id: a sane offer with a sourced price or a stated reason for none', ({ model, offer }) => {
    expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(FAMILIES[offer.upstreamModel]).toBeDefined();
    expect(offer.priceSource).toBeTruthy();
    if (offer.price) {
      expect(offer.priceSource).toMatch(/^https:\/\/fal\.ai\/\S+ .*, read \d{4}-\d{2}-\d{2}$/);
      const amounts = offer.price.type === 'fixed' ? [offer.price.perImageMicros] : offer.price.type === 'table' ? offer.price.rows.map((r) => r.perImageMicros) : [];
      expect(amounts.length).toBeGreaterThan(0);
      for (const micros of amounts) expect(Number.isInteger(micros) && micros > 0).toBe(true);
    } else {
      expect(offer.priceSource).toMatch(/^not priced: .*https:\/\/fal\.ai\//);
    }
    const caps = offer.capabilities;
    const rule = caps.sizes;
    expect(sizeAllowed(rule, parseSize(caps.defaultSize))).toBe(true);
    if (rule.kind === 'list') {
      expect(caps.listedSizes).toEqual(['auto', ...rule.sizes]);
      // A size table prices every size the offer accepts, so the most expensive row is never a fallback.
      if (offer.price?.type === 'table' && offer.price.rows.some((r) => r.size)) expect(offer.price.rows.map((r) => r.size)).toEqual(rule.sizes);
    }
    expect(caps.edit).toBe(caps.maxInputImages > 0);
    expect(caps.maxImagesPerCall).toBeGreaterThanOrEqual(1);
  });

  it('prices per-megapixel models by whole megapixels of 1024x1024 pixels', () => {
    const dev = models.find((m) => m.model.id === 'black-forest-labs/flux-dev')!.offer.price!;
    expect(dev.type).toBe('table');
    const row = (size: string) => (dev as Extract<typeof dev, { type: 'table' }>).rows.find((r) => r.size === size)!.perImageMicros;
    expect(row('1024x1024')).toBe(25_000);
    expect(row('512x512')).toBe(25_000);
    expect(row('1536x1024')).toBe(50_000);
  });

  it('prices Ideogram by the rendering speed quality asks for, auto at fal\'s default (BALANCED)', () => {
    const price = models.find((m) => m.model.id === 'ideogram/ideogram-v3')!.offer.price as Extract<PriceRule, { type: 'table' }>;
    const byQuality = (quality: string) => price.rows.find((r) => r.quality === quality || r.quality === undefined)!.perImageMicros;
    expect(['low', 'medium', 'high', 'auto'].map(byQuality)).toEqual([30_000, 60_000, 90_000, 60_000]);
  });

  it('leaves unpriced only what has no consistent figure', () => {
    expect(models.filter((m) => !m.offer.price).map((m) => m.model.id)).toEqual(['stability/stable-diffusion-3.5-large']);
  });
});

// One real call, when a key is given (never in CI here: there is no network).
it.runIf(process.env.FAL_API_KEY)('live: FLUX.1 [schnell] through fal\'s queue', async () => {
  const live = falModule.create({ apiKey: process.env.FAL_API_KEY, baseUrl: DEFAULT_BASE_URL, maxDownloadBytes: 20 * 1024 * 1024, pollIntervalMs: 500 });
  const call = makeCall({ upstreamModel: 'fal-ai/flux/schnell', size: { width: 512, height: 512 }, signal: AbortSignal.timeout(120_000) });
  const result = await live.generate(call);
  expect(result.images).toHaveLength(1);
  expect(await sharp(result.images[0]!.bytes).metadata()).toMatchObject({ width: 512, height: 512 });
}, 130_000);
