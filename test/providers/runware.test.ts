import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSize } from '../../src/api/imageRequest.js';
import { actualCost } from '../../src/billing/pricing.js';
import { sizeAllowed } from '../../src/catalog/catalog.js';
import { fitOffer } from '../../src/routing/fit.js';
import { runwareModule } from '../../src/providers/runware/index.js';
import { models } from '../../src/providers/runware/models.js';
import { sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, rectMask, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';

/**
 * Runware's contract, enforced by a fake on 127.0.0.1: POST of a JSON task array to the base URL with
 * `Authorization: Bearer`, one imageInference task whose fields, types, sizes and inputs are those
 * each model's page documents; unknown fields are refused as Runware's validation refuses them. It
 * answers with the documented response shape, echoing the taskUUID.
 */

/** A documented body from test/fixtures/providers/runware, without its `_source` note. */
function fixture(name: string): Record<string, any> {
  const { _source, ...body } = JSON.parse(readFileSync(new URL(`../fixtures/providers/runware/${name}.json`, import.meta.url), 'utf8'));
  return body;
}

const KEY = 'test-upstream-key';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATA_URI = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+=*$/;

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'object';
/** The fields every imageInference task may carry (image inference API reference). */
const COMMON: Record<string, Kind> = {
  taskType: 'string', taskUUID: 'string', model: 'string', positivePrompt: 'string', width: 'integer', height: 'integer',
  numberResults: 'integer', outputType: 'string', outputFormat: 'string', includeCost: 'boolean', deliveryMethod: 'string',
};
const EXTRA_KINDS: Record<string, Kind> = { seed: 'integer', steps: 'integer', CFGScale: 'number', strength: 'number', negativePrompt: 'string' };

interface Contract {
  /** Allowed sizes: a list from the model page, or the generic 128-2048 in multiples of 64. */
  sizes: string[] | 'diffusion' | { min: number; max: number; step: number };
  inputs?: { seedImage?: true; maskImage?: true; referenceImages?: number };
  extras: string[];
  maxResults: number;
}
const KONTEXT = ['1568x672', '1392x752', '1184x880', '1248x832', '1024x1024', '832x1248', '880x1184', '752x1392', '672x1568'];
const IMAGEN = ['1024x1024', '768x1408', '1408x768', '896x1280', '1280x896'];
/** Per AIR id, from https://runware.ai/docs/models/<model> and https://runware.ai/docs/en/providers/<provider>. */
const CONTRACT: Record<string, Contract> = {
  'bfl:2@1': { sizes: { min: 256, max: 1440, step: 32 }, extras: [], maxResults: 20 },
  'bfl:2@2': { sizes: ['3136x1344', '2752x1536', '2368x1792', '2496x1664', '2048x2048', '1664x2496', '1792x2368', '1536x2752', '1344x3136'], extras: [], maxResults: 20 },
  'bfl:3@1': { sizes: KONTEXT, inputs: { referenceImages: 2 }, extras: [], maxResults: 20 },
  'bfl:4@1': { sizes: KONTEXT, inputs: { referenceImages: 2 }, extras: [], maxResults: 20 },
  'bytedance:5@0': {
    sizes: ['1024x1024', '2048x2048', '2304x1728', '1728x2304', '2560x1440', '1440x2560', '2496x1664', '1664x2496', '3024x1296',
      '4096x4096', '4608x3456', '3456x4608', '5120x2880', '2880x5120', '4992x3328', '3328x4992', '6048x2592'],
    inputs: { referenceImages: 14 }, extras: [], maxResults: 20,
  },
  'google:4@1': { sizes: ['1024x1024', '1248x832', '832x1248', '1184x864', '864x1184', '1152x896', '896x1152', '1344x768', '768x1344', '1536x672'], inputs: { referenceImages: 8 }, extras: [], maxResults: 20 },
  'google:2@1': { sizes: IMAGEN, extras: [], maxResults: 20 },
  'google:2@2': { sizes: IMAGEN, extras: [], maxResults: 20 },
  'google:2@3': { sizes: IMAGEN, extras: [], maxResults: 20 },
  'recraft:v4@0': {
    sizes: ['1024x1024', '1536x768', '768x1536', '1280x832', '832x1280', '1216x896', '896x1216', '1152x896', '896x1152', '832x1344', '1280x896', '896x1280', '1344x768', '768x1344'],
    extras: [], maxResults: 20,
  },
  'recraft:v4-pro@0': {
    sizes: ['2048x2048', '3072x1536', '1536x3072', '2560x1664', '1664x2560', '2432x1792', '1792x2432', '2304x1792', '1792x2304', '1664x2688', '2560x1792', '1792x2560', '2688x1536', '1536x2688'],
    extras: [], maxResults: 20,
  },
  'runware:97@1': { sizes: 'diffusion', extras: ['negativePrompt', 'seed', 'steps', 'CFGScale'], maxResults: 20 },
  'runware:101@1': { sizes: 'diffusion', inputs: { seedImage: true, maskImage: true }, extras: ['negativePrompt', 'seed', 'steps', 'CFGScale', 'strength'], maxResults: 20 },
};

const typeOk = (kind: Kind, value: unknown) =>
  kind === 'integer' ? Number.isInteger(value) : kind === 'object' ? !!value && typeof value === 'object' && !Array.isArray(value) : typeof value === kind;

/** What Runware's validation would refuse, as `{code, message, parameter}` errors. */
function validate(body: unknown): Array<{ code: string; message: string; parameter?: string }> {
  if (!Array.isArray(body)) return [{ code: 'invalidPayload', message: 'the body must be an array of tasks' }];
  if (body.length !== 1) return [{ code: 'invalidPayload', message: `expected one task, got ${body.length}` }];
  const task = body[0];
  const contract = CONTRACT[task?.model];
  if (!contract) return [{ code: 'invalidModel', message: `unknown AIR ${task?.model}`, parameter: 'model' }];
  const problems: Array<{ code: string; message: string; parameter?: string }> = [];
  const bad = (parameter: string, message: string) => problems.push({ code: `invalid${parameter[0]!.toUpperCase()}${parameter.slice(1)}`, message, parameter });
  for (const name of ['taskType', 'taskUUID', 'model', 'positivePrompt']) if (!(name in task)) problems.push({ code: 'missingParameter', message: `${name} is required`, parameter: name });
  const allowed: Record<string, Kind> = { ...COMMON, ...Object.fromEntries(contract.extras.map((e) => [e, EXTRA_KINDS[e]!])), ...(contract.inputs && { inputs: 'object' as Kind }) };
  for (const [name, value] of Object.entries(task)) {
    if (!allowed[name]) problems.push({ code: 'unknownParameter', message: `'${name}' is not a parameter of ${task.model}`, parameter: name });
    else if (!typeOk(allowed[name]!, value)) bad(name, `'${name}' must be ${allowed[name]}`);
  }
  if (task.taskType !== 'imageInference') bad('taskType', 'taskType must be imageInference');
  if (!UUID_V4.test(task.taskUUID)) bad('taskUUID', 'taskUUID must be a UUID v4');
  if (typeof task.positivePrompt === 'string' && (task.positivePrompt.length < 2 || task.positivePrompt.length > 3000)) bad('positivePrompt', 'positivePrompt must be 2-3000 characters');
  if (task.outputType !== undefined && !['URL', 'base64Data', 'dataURI'].includes(task.outputType)) bad('outputType', 'unknown outputType');
  if (task.outputFormat !== undefined && !['JPG', 'PNG', 'WEBP'].includes(task.outputFormat)) bad('outputFormat', 'unknown outputFormat');
  if (task.deliveryMethod !== undefined && !['sync', 'async'].includes(task.deliveryMethod)) bad('deliveryMethod', 'unknown deliveryMethod');
  if (task.numberResults !== undefined && !(task.numberResults >= 1 && task.numberResults <= contract.maxResults)) bad('numberResults', 'numberResults out of range');
  if (('width' in task) !== ('height' in task)) problems.push({ code: 'conflictingParameters', message: '`width` and `height` must be used together', parameter: 'width' });
  if ('width' in task && !sizeOk(contract.sizes, task.width, task.height)) bad('width', `${task.width}x${task.height} is not a supported size of ${task.model}`);
  if (!('width' in task) && !task.inputs?.referenceImages) bad('width', 'width and height are required without reference images');
  for (const [name, value] of Object.entries(task.inputs ?? {})) {
    const limit = (contract.inputs as Record<string, unknown> | undefined)?.[name];
    if (!limit) problems.push({ code: 'unknownParameter', message: `inputs.${name} is not taken by ${task.model}`, parameter: `inputs.${name}` });
    const list = Array.isArray(value) ? value : [value];
    if (typeof limit === 'number' && list.length > limit) bad('inputs', `at most ${limit} ${name}`);
    if (!list.every((v) => typeof v === 'string' && DATA_URI.test(v))) bad('inputs', `inputs.${name} must be data URIs`);
  }
  if (task.inputs?.maskImage && !task.inputs.seedImage) problems.push({ code: 'missingSeedImage', message: 'inputs.maskImage needs inputs.seedImage', parameter: 'inputs.seedImage' });
  if (task.strength !== undefined && !task.inputs?.seedImage) problems.push({ code: 'missingSeedImage', message: 'strength needs inputs.seedImage', parameter: 'inputs.seedImage' });
  return problems;
}

function sizeOk(rule: Contract['sizes'], width: number, height: number): boolean {
  if (Array.isArray(rule)) return rule.includes(`${width}x${height}`);
  const { min, max, step } = rule === 'diffusion' ? { min: 128, max: 2048, step: 64 } : rule;
  return [width, height].every((side) => side >= min && side <= max && side % step === 0);
}

/** What the fake does with the next task. */
interface Script {
  /** An error answer instead of images. */
  error?: { status: number; fixture: string; headers?: Record<string, string> };
  /** The `cost` of each image; undefined leaves it out. */
  cost?: number;
  /** Images to make, when fewer than numberResults. */
  images?: number;
  /** Answer for another task than the one sent. */
  wrongUUID?: boolean;
}

let fake: FakeUpstream;
let script: Script;
let violations: string[];
let picture: Buffer;

async function handle(req: RecordedRequest, res: http.ServerResponse) {
  if (req.method !== 'POST' || req.path !== '/v1') {
    violations.push(`unexpected ${req.method} ${req.path}`);
    return sendJson(res, 404, { errors: [{ code: 'notFound', message: 'Not found' }] });
  }
  if (req.headers.authorization !== `Bearer ${KEY}`) return sendJson(res, 401, fixture('error-invalid-api-key'));
  if (!/^application\/json/.test(String(req.headers['content-type']))) violations.push('the body is not sent as JSON');
  const problems = validate(req.json);
  if (problems.length > 0) {
    violations.push(...problems.map((p) => p.message));
    return sendJson(res, 400, { data: [], errors: problems.map((p) => ({ ...p, taskType: 'imageInference', taskUUID: req.json?.[0]?.taskUUID })) });
  }
  const task = req.json[0];
  const taskUUID = script.wrongUUID ? randomUUID() : task.taskUUID;
  if (script.error) {
    const body = fixture(script.error.fixture);
    body.errors = body.errors.map((e: Record<string, unknown>) => ('taskUUID' in e ? { ...e, taskUUID } : e));
    return sendJson(res, script.error.status, body, script.error.headers);
  }
  const template = fixture('inference-result').data[0];
  const count = script.images ?? task.numberResults ?? 1;
  const data = Array.from({ length: count }, (_, i) => {
    const { cost, ...item } = { ...template, taskUUID, imageUUID: randomUUID(), imageBase64Data: picture.toString('base64'), seed: 1000 + i };
    return script.cost === undefined ? item : { ...item, cost: script.cost };
  });
  sendJson(res, 200, { data });
}

beforeAll(async () => {
  picture = await solidImage(48, 32, { r: 200, g: 40, b: 30 });
  fake = await startFakeUpstream(handle);
});
afterAll(() => fake.close());
beforeEach(() => {
  script = { cost: 0.0013 };
  violations = [];
  fake.requests.length = 0;
});

const provider = (overrides: Parameters<typeof testSettings>[1] = {}) => runwareModule.create(testSettings(`${fake.url}/v1`, overrides));
const offer = (air: string) => models.find((m) => m.offer.upstreamModel === air)!.offer;
/** A call as the router makes it for this model: its real capabilities, the size fitted to its size rule. */
function runwareCall(air: string, options: Omit<Parameters<typeof makeCall>[0], 'upstreamModel'> = {}) {
  const call = makeCall({ upstreamModel: air, capabilities: offer(air).capabilities, ...options });
  if (!options.size) call.size = fitOffer({ ...offer(air), provider: 'runware' }, call.request).size;
  return call;
}
const sent = () => fake.requests[0]!.json[0];
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: any) => error);

describe('runware adapter', () => {
  it('text-to-image: posts the exact task and decodes the images it answers with', async () => {
    const call = runwareCall('runware:97@1', { fields: { size: '1024x768', n: 2, output_format: 'png' } });
    const result = await provider().generate(call);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(`${request!.method} ${request!.path}`).toBe('POST /v1');
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.json).toEqual([{
      taskType: 'imageInference', taskUUID: expect.stringMatching(UUID_V4), model: 'runware:97@1', positivePrompt: 'a red fox',
      width: 1024, height: 768, numberResults: 2, outputType: 'base64Data', outputFormat: 'PNG', includeCost: true, deliveryMethod: 'sync',
    }]);
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.format).toBe('png');
      expect(await sharp(image.bytes).metadata()).toMatchObject({ width: 48, height: 32 });
      expect(await pixelAt(image.bytes, 5, 5)).toEqual({ r: 200, g: 40, b: 30 });
    }
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('asks a partner model for a listed size in the client format, with a fresh taskUUID per call', async () => {
    await provider().generate(runwareCall('google:2@1', { fields: { size: '1408x768', output_format: 'webp' } }));
    await provider().generate(runwareCall('google:2@1', { fields: { size: '1408x768', output_format: 'jpeg', output_compression: 60 } }));
    const [first, second] = fake.requests.map((r) => r.json[0]);
    expect(first).toMatchObject({ model: 'google:2@1', width: 1408, height: 768, numberResults: 1, outputFormat: 'WEBP' });
    expect(second.outputFormat).toBe('PNG'); // compression set: the pipeline encodes once, from lossless
    expect(first.taskUUID).not.toBe(second.taskUUID);
    expect(violations).toEqual([]);
  });

  describe('image inputs', () => {
    it('image-to-image: the seed image as a data URI, strength passed, its shape kept at size auto', async () => {
      const photo = await solidImage(640, 448, { r: 0, g: 0, b: 255 });
      const call = runwareCall('runware:101@1', { fields: { prompt: 'make it snowy', strength: '0.6' }, images: [inputImage(photo, 'image[0]', 640, 448)] });
      const result = await provider().generate(call);

      expect(sent()).toEqual({
        taskType: 'imageInference', taskUUID: expect.stringMatching(UUID_V4), model: 'runware:101@1', positivePrompt: 'make it snowy',
        width: 640, height: 448, numberResults: 1, outputType: 'base64Data', outputFormat: 'WEBP', includeCost: true, deliveryMethod: 'sync',
        strength: 0.6, inputs: { seedImage: `data:image/png;base64,${photo.toString('base64')}` },
      });
      expect(result.images).toHaveLength(1);
      expect(call.warnings).toEqual([]);
      expect(violations).toEqual([]);
    });

    it.each([
      ['a white-on-black mask', () => rectMask(64, 64, { left: 0, top: 0, width: 32, height: 64 })],
      // OpenAI's convention: the transparent half is the part to edit.
      ['a mask with transparency', () => sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } })
        .composite([{ input: { create: { width: 32, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } }, left: 0, top: 0, blend: 'dest-out' }])
        .png().toBuffer()],
    ])('inpainting with %s: inputs.maskImage is white where to edit, the size of the seed image', async (_name, makeMask) => {
      const photo = await solidImage(128, 64, { r: 10, g: 200, b: 10 }, 'jpeg');
      const call = runwareCall('runware:101@1', {
        fields: { prompt: 'a red sofa', size: '1024x512' },
        images: [inputImage(photo, 'image[0]', 128, 64, 'jpeg')],
        mask: inputImage(await makeMask(), 'mask'),
      });
      await provider().generate(call);

      const task = sent();
      expect(task).toMatchObject({ width: 1024, height: 512, inputs: { seedImage: `data:image/jpeg;base64,${photo.toString('base64')}` } });
      const mask = Buffer.from(task.inputs.maskImage.split(',')[1], 'base64');
      expect(await sharp(mask).metadata()).toMatchObject({ format: 'png', width: 128, height: 64 });
      expect(await pixelAt(mask, 10, 30)).toEqual({ r: 255, g: 255, b: 255 });
      expect(await pixelAt(mask, 100, 30)).toEqual({ r: 0, g: 0, b: 0 });
      expect(call.warnings).toEqual([]);
      expect(violations).toEqual([]);
    });

    it('Kontext edits: reference images at size auto leave the size to the inputs; extra images and a mask are said not sent', async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map((i) => solidImage(16, 16, { r: 40 * i, g: 0, b: 0 })));
      const tiff = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#123456' } }).tiff().toBuffer();
      const call = runwareCall('bfl:3@1', {
        fields: { prompt: 'put them together' },
        images: [inputImage(tiff, 'image[0]', 16, 16, 'tiff'), inputImage(a!), inputImage(b!), inputImage(c!)],
        mask: inputImage(a!, 'mask'),
      });
      await provider().generate(call);

      const task = sent();
      expect(task).not.toHaveProperty('width');
      expect(task.inputs.referenceImages).toHaveLength(2);
      // tiff is not among the documented input formats: sent as PNG.
      expect(await sharp(Buffer.from(task.inputs.referenceImages[0].split(',')[1], 'base64')).metadata()).toMatchObject({ format: 'png' });
      expect(task.inputs.referenceImages[1]).toBe(`data:image/png;base64,${a!.toString('base64')}`);
      expect(call.warnings).toEqual([expect.stringMatching(/no mask/), expect.stringMatching(/at most 2 input images: 2 were not sent/)]);
      expect(violations).toEqual([]);
    });
  });

  it('maps extras: documented ones typed and passed (seed, steps), out-of-range ones moved and said, unknown ones warned (quality: the router warns)', async () => {
    // As multipart sends them: text.
    const call = runwareCall('runware:97@1', {
      fields: { seed: '42', steps: '150', negativePrompt: 'blurry', CFGScale: 4.5, quality: 'high', lora: 'x', strength: 0.5 },
    });
    await provider().generate(call);

    expect(sent()).toMatchObject({ seed: 42, steps: 100, negativePrompt: 'blurry', CFGScale: 4.5 });
    expect(sent()).not.toHaveProperty('lora');
    expect(sent()).not.toHaveProperty('strength');
    expect(call.warnings).toEqual([
      "'steps' 150 is outside what Runware takes (integer 1-100): sent 100",
      "'lora' is not a documented parameter of runware:97@1: it was not sent",
      "'strength' is not a documented parameter of runware:97@1: it was not sent",
    ]);
    expect(violations).toEqual([]);
  });

  describe('errors', () => {
    it.each([
      ['a refused key (401)', { status: 401, fixture: 'error-invalid-api-key' }, 'auth', /invalidApiKey/],
      ['no credit (402)', { status: 402, fixture: 'error-insufficient-credits' }, 'quota', /insufficientCredits/],
      ['a provider rate limit (429)', { status: 429, fixture: 'error-provider-rate-limit', headers: { 'retry-after': '7' } }, 'rate_limited', /Gemini rate limit/],
      ['a moderated prompt (400)', { status: 400, fixture: 'error-content-policy' }, 'content_policy', /contentPolicyViolation/],
      ['a moderated prompt in a 200 answer', { status: 200, fixture: 'error-content-policy' }, 'content_policy', /flagged/],
      ['an invalid parameter (400)', { status: 400, fixture: 'error-invalid-width' }, 'rejected', /invalidWidth.*\(width\)/],
      ['a server error (500)', { status: 500, fixture: 'error-server' }, 'server_error', /internalServerError/],
      ['no capacity (503)', { status: 503, fixture: 'error-server' }, 'overloaded', /internalServerError/],
    ])('%s is %s', async (_name, error, kind, message) => {
      script.error = error;
      const result = await failure(provider().generate(runwareCall('google:4@1')));
      expect(result).toMatchObject({ name: 'UpstreamError', kind });
      expect(result.message).toMatch(message);
      if (error.status === 429) expect(result.retryAfter).toBe(7);
      expect(fake.requests).toHaveLength(1);
    });

    it('a wrong key is refused by the fake and reported as auth', async () => {
      const error = await failure(provider({ apiKey: 'wrong-key' }).generate(runwareCall('google:2@3')));
      expect(error).toMatchObject({ kind: 'auth', status: 401 });
    });

    it('an answer for another taskUUID, or too large an image, is a bad response', async () => {
      script.wrongUUID = true;
      expect(await failure(provider().generate(runwareCall('google:2@3')))).toMatchObject({ kind: 'bad_response' });
      script.wrongUUID = false;
      const error = await failure(provider({ maxDownloadBytes: 50 }).generate(runwareCall('google:2@3')));
      expect(error).toMatchObject({ kind: 'bad_response', message: expect.stringMatching(/larger than 50 bytes/) });
    });

    it('a missing key fails before anything is sent', async () => {
      const error = await failure(provider({ apiKey: undefined }).generate(runwareCall('google:2@3')));
      expect(error).toMatchObject({ kind: 'auth' });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('cost', () => {
    it('sums the reported cost of the images into costMicros, which is what is charged', async () => {
      script.cost = 0.0013;
      const call = runwareCall('runware:97@1', { fields: { n: 3 } });
      const result = await provider().generate(call);
      expect(result.usage).toEqual({ costMicros: 3900 });
      // The reported rule charges what Runware reported, never above its declared ceiling.
      expect(actualCost(offer('runware:97@1').price!, call.request, call.size, 3, result.usage, { marginPercent: 0 })).toBe(3900);
    });

    it('reports no usage when Runware reports no cost, and says when fewer images came back', async () => {
      script = { images: 1 };
      const call = runwareCall('runware:97@1', { fields: { n: 2 } });
      const result = await provider().generate(call);
      expect(result.usage).toBeUndefined();
      expect(result.images).toHaveLength(1);
      expect(call.warnings).toEqual(['Runware returned 1 of the 2 images asked for']);
    });
  });

  it('is available only with an API key', () => {
    expect(runwareModule.create(testSettings(`${fake.url}/v1`, { apiKey: undefined })).isAvailable()).toBe(false);
    expect(provider().isAvailable()).toBe(true);
  });

  it.runIf(process.env.RUNWARE_API_KEY)('live: Imagen 4 Fast makes one image and reports its cost', async () => {
    const live = runwareModule.create(testSettings(process.env.RUNWARE_BASE_URL ?? runwareModule.defaultBaseUrl, { apiKey: process.env.RUNWARE_API_KEY }));
    const result = await live.generate(runwareCall('google:2@3', { fields: { prompt: 'a small red fox in snow', output_format: 'jpeg' }, signal: AbortSignal.timeout(90_000) }));
    expect(result.images).toHaveLength(1);
    expect((await sharp(result.images[0]!.bytes).metadata()).width).toBe(1024);
    expect(result.usage?.costMicros).toBeGreaterThan(0);
  }, 100_000);
});

describe('runware catalog (models.ts)', () => {
  it('is the module RUNWARE_API_KEY / RUNWARE_BASE_URL configure', () => {
    expect(runwareModule).toMatchObject({ id: 'runware', envPrefix: 'RUNWARE', defaultBaseUrl: 'https://api.runware.ai/v1' });
    expect(runwareModule.models).toBe(models);
  });

  it('lists at least 8 priced models under shared ids, each AIR id once', () => {
    expect(models.filter((m) => m.offer.price).length).toBeGreaterThanOrEqual(8);
    expect(new Set(models.map((m) => m.model.id)).size).toBe(models.length);
    expect(new Set(models.map((m) => m.offer.upstreamModel)).size).toBe(models.length);
    expect(Object.keys(CONTRACT).sort()).toEqual(models.map((m) => m.offer.upstreamModel).sort());
  });

  it.each(models.map((m) => [m.model.id, m] as const))('%s: priced with a source, capabilities within its documented contract', async (_id, { model, offer }) => {
    expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
    expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(offer.priceSource).toMatch(/\S/);
    if (offer.price) {
      expect(offer.price.type).toBe('reported');
      const micros = offer.price.type === 'reported' ? offer.price.maxPerImageMicros : NaN;
      expect(Number.isInteger(micros) && micros >= 0).toBe(true);
      expect(offer.priceSource).toMatch(/^https:\/\/runware\.ai\/docs\/\S+.*, read \d{4}-\d{2}-\d{2}/);
    }
    const contract = CONTRACT[offer.upstreamModel]!;
    const caps = offer.capabilities;
    for (const size of [caps.defaultSize, ...caps.listedSizes.filter((s) => s !== 'auto')]) {
      expect(sizeAllowed(caps.sizes, parseSize(size)), size).toBe(true);
      const { width, height } = parseSize(size);
      expect(sizeOk(contract.sizes, width, height), size).toBe(true);
    }
    if (caps.sizes.kind === 'list') for (const size of caps.sizes.sizes) expect(sizeOk(contract.sizes, ...(size.split('x').map(Number) as [number, number])), size).toBe(true);
    expect(caps.maxImagesPerCall).toBeLessThanOrEqual(contract.maxResults);
    expect(caps.extras).toEqual(expect.arrayContaining(contract.extras));
    expect(caps.extras!.length).toBe(contract.extras.length);
    expect(caps.mask).toBe(Boolean(contract.inputs?.maskImage));
    expect(caps.maxInputImages).toBe(contract.inputs?.referenceImages ?? (contract.inputs?.seedImage ? 1 : 0));
    expect(caps).toMatchObject({ quality: false, transparentBackground: false, promptRequired: true });

    // The default task of the model, at its largest per-call count, passes the contract.
    await provider().generate(runwareCall(offer.upstreamModel, { n: caps.maxImagesPerCall }));
    expect(violations).toEqual([]);
  });
});
