import { readFileSync } from 'node:fs';
import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actualCost, estimateMaxCost } from '../../src/billing/pricing.js';
import { UpstreamError } from '../../src/providers/errors.js';
import { openrouterModule } from '../../src/providers/openrouter/index.js';
import { imageRequestBody, MODEL_SPECS, specFor } from '../../src/providers/openrouter/params.js';
import { sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';
import { priceAmounts } from '../helpers/prices.js';

/**
 * The OpenRouter adapter against a fake Image API (POST /api/v1/images) that enforces the documented
 * contract: Bearer key, a JSON body of ImageGenerationRequest's fields and values (unknown fields
 * refused), and per model only the parameters its endpoint takes ("an absent parameter is
 * unsupported by that endpoint"). It answers with the documented bodies (test/fixtures/providers/openrouter).
 */

const fixture = (name: string) => {
  const { _source, ...body } = JSON.parse(readFileSync(new URL(`../fixtures/providers/openrouter/${name}.json`, import.meta.url), 'utf8'));
  return body as Record<string, any>;
};
const ANSWER = fixture('images-response');
const ERRORS = fixture('errors') as Record<string, { status: number; body: any; headers?: Record<string, string> }>;

// --- The fake Image API --------------------------------------------------------------------------

const KEY = testSettings('').apiKey!;
const ASPECT_RATIOS = ['1:1', '1:2', '1:4', '1:8', '2:1', '2:3', '3:2', '3:4', '4:1', '4:3', '4:5', '5:4', '8:1', '9:16', '16:9', '9:19.5', '19.5:9', '9:20', '20:9', '9:21', '21:9', 'auto'] as const;
const GEMINI = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const FLUX = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16', '9:21'];
/** What each model's endpoint takes: parameters beyond model/prompt, ratios, resolutions, images per request, input images. */
const ENDPOINTS: Record<string, { params: string[]; ratios: string[]; resolutions: string[]; maxN: number; maxRefs: number }> = {
  'google/gemini-2.5-flash-image': { params: ['aspect_ratio', 'input_references'], ratios: GEMINI, resolutions: [], maxN: 1, maxRefs: 3 },
  'google/gemini-3-pro-image': { params: ['aspect_ratio', 'resolution', 'input_references'], ratios: GEMINI, resolutions: ['1K', '2K', '4K'], maxN: 1, maxRefs: 14 },
  'openai/gpt-image-2': { params: ['aspect_ratio', 'resolution', 'n', 'quality', 'input_references'], ratios: ['1:1', '3:2', '2:3', '16:9', '9:16'], resolutions: ['1K', '2K'], maxN: 10, maxRefs: 16 },
  'bytedance-seed/seedream-4.5': { params: ['aspect_ratio', 'resolution', 'input_references'], ratios: ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'], resolutions: ['2K', '4K'], maxN: 1, maxRefs: 14 },
  'black-forest-labs/flux.2-pro': { params: ['aspect_ratio', 'resolution', 'seed', 'input_references'], ratios: FLUX, resolutions: ['1K', '2K'], maxN: 1, maxRefs: 8 },
  'black-forest-labs/flux.2-max': { params: ['aspect_ratio', 'resolution', 'seed', 'input_references'], ratios: FLUX, resolutions: ['1K', '2K'], maxN: 1, maxRefs: 8 },
  // openrouter.ai/black-forest-labs/flux.2-flex and flux.2-klein-4b; Klein is text to image here.
  'black-forest-labs/flux.2-flex': { params: ['aspect_ratio', 'resolution', 'seed', 'input_references'], ratios: FLUX, resolutions: ['1K', '2K'], maxN: 1, maxRefs: 8 },
  'black-forest-labs/flux.2-klein-4b': { params: ['aspect_ratio', 'resolution', 'seed'], ratios: FLUX, resolutions: ['1K', '2K'], maxN: 1, maxRefs: 0 },
};

const reference = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({ url: z.string().regex(/^(https:\/\/|data:image\/(png|jpeg|webp|gif);base64,)/), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
// ImageGenerationRequest (github.com/OpenRouterTeam/typescript-sdk, src/models/imagegenerationrequest.ts).
const REQUEST = z.strictObject({
  model: z.string(),
  prompt: z.string().min(1),
  aspect_ratio: z.enum(ASPECT_RATIOS).optional(),
  background: z.enum(['auto', 'transparent', 'opaque']).optional(),
  input_references: z.array(reference).min(1).optional(),
  n: z.number().int().min(1).max(10).optional(),
  output_compression: z.number().int().min(0).max(100).optional(),
  output_format: z.enum(['png', 'jpeg', 'webp', 'svg']).optional(),
  provider: z.record(z.string(), z.unknown()).optional(),
  quality: z.enum(['auto', 'low', 'medium', 'high']).optional(),
  resolution: z.enum(['512', '1K', '2K', '4K']).optional(),
  seed: z.number().int().optional(),
  size: z.string().optional(),
  stream: z.boolean().optional(),
});

class Violation extends Error {}
const check = (ok: unknown, message: string) => {
  if (!ok) throw new Violation(message);
};

async function checkBody(body: any) {
  const parsed = REQUEST.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Violation(issue.code === 'unrecognized_keys' ? `Unrecognized key: "${issue.keys[0]}"` : `${issue.path.join('.')}: ${issue.message}`);
  }
  const endpoint = ENDPOINTS[body.model]!;
  for (const key of Object.keys(body).filter((k) => k !== 'model' && k !== 'prompt')) check(endpoint.params.includes(key), `${key} is not supported by ${body.model}`);
  check(body.aspect_ratio === undefined || endpoint.ratios.includes(body.aspect_ratio), `aspect_ratio ${body.aspect_ratio} is not supported by ${body.model}`);
  check(body.resolution === undefined || endpoint.resolutions.includes(body.resolution), `resolution ${body.resolution} is not supported by ${body.model}`);
  check((body.n ?? 1) <= endpoint.maxN, `${body.model} makes at most ${endpoint.maxN} images`);
  check((body.input_references?.length ?? 0) <= endpoint.maxRefs, `${body.model} takes at most ${endpoint.maxRefs} input references`);
  for (const ref of body.input_references ?? []) {
    const data = /^data:image\/[a-z]+;base64,(.+)$/.exec(ref.image_url.url)?.[1];
    check(data && (await sharp(Buffer.from(data, 'base64')).metadata().catch(() => null)), 'input reference is not a readable image');
  }
}

type Answer = (req: RecordedRequest, res: http.ServerResponse) => unknown;
let answer: Answer;
/** The PNGs the fake served last, to compare with what the adapter decoded. */
let served: Buffer[] = [];
const COLORS = [{ r: 255, g: 0, b: 0 }, { r: 0, g: 255, b: 0 }, { r: 0, g: 0, b: 255 }];

async function documentedAnswer(req: RecordedRequest, res: http.ServerResponse) {
  const n = req.json.n ?? 1;
  served = await Promise.all(Array.from({ length: n }, (_, i) => solidImage(16, 16, COLORS[i % COLORS.length]!)));
  sendJson(res, 200, { ...ANSWER, data: served.map((png) => ({ b64_json: png.toString('base64') })), usage: { ...ANSWER.usage, cost: ANSWER.usage.cost * n } });
}

async function contract(req: RecordedRequest, res: http.ServerResponse) {
  if (req.method !== 'POST' || req.path !== '/api/v1/images') return sendJson(res, 404, { error: { code: 404, message: `Not Found: ${req.method} ${req.path}` } });
  if (req.headers.authorization !== `Bearer ${KEY}`) return sendJson(res, ERRORS.invalid_key!.status, ERRORS.invalid_key!.body);
  if (!/^application\/json/.test(req.headers['content-type'] ?? '') || !req.json) return sendJson(res, 400, { error: { code: 400, message: 'the body must be JSON' } });
  if (!ENDPOINTS[req.json.model]) return sendJson(res, 404, { error: { code: 404, message: `${req.json.model} is not a valid model ID` } });
  try {
    await checkBody(req.json);
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    return sendJson(res, 400, { error: { code: 400, message: error.message } });
  }
  return answer(req, res);
}

// --- Tests ---------------------------------------------------------------------------------------

let fake: FakeUpstream;
let base: string;

beforeAll(async () => {
  fake = await startFakeUpstream(contract);
  base = `${fake.url}/api/v1`;
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  answer = documentedAnswer;
});

const provider = (overrides = {}) => openrouterModule.create(testSettings(base, overrides));
const lastRequest = () => fake.requests.at(-1)!;
const offer = (upstream: string) => openrouterModule.models.find((m) => m.offer.upstreamModel === upstream)!.offer;

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('openrouter: text-to-image', () => {
  it('sends exactly the documented body to /images and decodes the image, with the reported cost', async () => {
    const call = makeCall({ upstreamModel: 'black-forest-labs/flux.2-pro', fields: { prompt: 'a red fox', size: '1536x1024', seed: '42' } });
    const result = await provider().generate(call);

    expect(fake.requests).toHaveLength(1);
    const req = lastRequest();
    expect(req.path).toBe('/api/v1/images');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers['http-referer']).toBeUndefined();
    expect(req.json).toEqual({ model: 'black-forest-labs/flux.2-pro', prompt: 'a red fox', aspect_ratio: '3:2', resolution: '1K', seed: 42 });
    expect(call.warnings).toEqual([]);
    expect(result.images).toHaveLength(1);
    expect(result.images[0]!.format).toBe('png');
    expect(result.images[0]!.bytes.equals(served[0]!)).toBe(true);
    expect(await pixelAt(result.images[0]!.bytes, 3, 3)).toEqual({ r: 255, g: 0, b: 0 });
    // usage.cost 0.04 USD.
    expect(result.usage).toEqual({ costMicros: 40_000 });
  });

  it('GPT Image 2 makes n images in one request and takes a quality', async () => {
    const call = makeCall({ upstreamModel: 'openai/gpt-image-2', fields: { prompt: 'three foxes', n: 3, size: '2048x1152', quality: 'high' } });
    const result = await provider().generate(call);
    expect(lastRequest().json).toEqual({ model: 'openai/gpt-image-2', prompt: 'three foxes', aspect_ratio: '16:9', resolution: '2K', n: 3, quality: 'high' });
    expect(result.images.map((i) => i.bytes)).toEqual(served);
    expect(result.usage).toEqual({ costMicros: 120_000 });
    expect(call.warnings).toEqual([]);
  });

  it('sends the attribution headers when the operator sets them', async () => {
    const env = { OPENROUTER_APP_URL: 'https://images.example.com', OPENROUTER_APP_TITLE: 'Example Images' };
    await provider({ env }).generate(makeCall({ upstreamModel: 'google/gemini-2.5-flash-image' }));
    expect(lastRequest().headers['http-referer']).toBe('https://images.example.com');
    expect(lastRequest().headers['x-openrouter-title']).toBe('Example Images');
  });
});

describe('openrouter: input images', () => {
  it('sends input images as input_references data URIs; formats the API does not read become PNG', async () => {
    const png = await solidImage(32, 32, { r: 250, g: 0, b: 0 });
    const jpeg = await solidImage(48, 32, { r: 0, g: 0, b: 250 }, 'jpeg');
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).tiff().toBuffer();
    const call = makeCall({
      upstreamModel: 'google/gemini-3-pro-image',
      fields: { prompt: 'put the fox from the first image in the second', size: '4096x4096' },
      images: [inputImage(png, 'image[0]', 32, 32), inputImage(jpeg, 'image[1]', 48, 32, 'jpeg'), inputImage(tiff, 'image[2]', 8, 8, 'tiff')],
    });
    await provider().generate(call);
    const body = lastRequest().json;
    expect(body.model).toBe('google/gemini-3-pro-image');
    expect(body.aspect_ratio).toBe('1:1');
    expect(body.resolution).toBe('4K');
    expect(body.input_references.slice(0, 2)).toEqual([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
      { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } },
    ]);
    expect(body.input_references[2].image_url.url).toMatch(/^data:image\/png;base64,/);
    expect(call.warnings).toEqual([]);
  });

  it('refuses more input images than the model takes, before calling', async () => {
    const png = await solidImage(8, 8, { r: 1, g: 1, b: 1 });
    const call = makeCall({ upstreamModel: 'google/gemini-2.5-flash-image', images: [0, 1, 2, 3].map((i) => inputImage(png, `image[${i}]`, 8, 8)) });
    expect((await failure(provider().generate(call))).kind).toBe('rejected');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('openrouter: mapping', () => {
  it('leaves out and warns about what a model does not take', async () => {
    const png = await solidImage(8, 8, { r: 0, g: 0, b: 0 });
    const call = makeCall({
      upstreamModel: 'google/gemini-2.5-flash-image',
      fields: { size: '2048x2048', quality: 'high', background: 'transparent', seed: 5, negative_prompt: 'blur' },
      mask: inputImage(png, 'mask', 8, 8),
    });
    await provider().generate(call);
    expect(lastRequest().json).toEqual({ model: 'google/gemini-2.5-flash-image', prompt: 'a red fox', aspect_ratio: '1:1' });
    expect(call.warnings).toEqual([
      'mask is not supported by google/gemini-2.5-flash-image (it edits from the prompt alone); ignored',
      'quality is not supported by google/gemini-2.5-flash-image; ignored',
      'background transparent is not supported by google/gemini-2.5-flash-image; ignored',
      'size 2048x2048 mapped to the 1K resolution, the nearest google/gemini-2.5-flash-image makes',
      "extra 'seed' is not supported by google/gemini-2.5-flash-image; not sent",
      "extra 'negative_prompt' is not supported by google/gemini-2.5-flash-image; not sent",
    ]);
  });

  it('maps sizes to the nearest ratio and tier; size auto sends no ratio; a bad seed is not sent', async () => {
    const seedream = makeCall({ upstreamModel: 'bytedance-seed/seedream-4.5', fields: { size: '1000x700' } });
    await provider().generate(seedream);
    expect(lastRequest().json).toEqual({ model: 'bytedance-seed/seedream-4.5', prompt: 'a red fox', aspect_ratio: '3:2', resolution: '2K' });
    expect(seedream.warnings).toEqual(['size 1000x700 mapped to aspect_ratio 3:2', 'size 1000x700 mapped to the 2K resolution, the nearest bytedance-seed/seedream-4.5 makes']);

    const auto = makeCall({ upstreamModel: 'bytedance-seed/seedream-4.5', size: { width: 2048, height: 2048 } });
    await provider().generate(auto);
    expect(lastRequest().json).toEqual({ model: 'bytedance-seed/seedream-4.5', prompt: 'a red fox', resolution: '2K' });
    expect(auto.warnings).toEqual([]);

    const max = makeCall({ upstreamModel: 'black-forest-labs/flux.2-max', fields: { size: '2048x2048', seed: 'random' } });
    await provider().generate(max);
    expect(lastRequest().json).toEqual({ model: 'black-forest-labs/flux.2-max', prompt: 'a red fox', aspect_ratio: '1:1', resolution: '2K' });
    expect(max.warnings).toEqual(["extra 'seed' must be an integer; not sent"]);

    // With the offer's real capabilities the router reports quality itself.
    const routed = makeCall({ upstreamModel: 'black-forest-labs/flux.2-max', fields: { quality: 'high' }, capabilities: offer('black-forest-labs/flux.2-max').capabilities });
    await provider().generate(routed);
    expect(routed.warnings).toEqual([]);
  });

  it('a model the table does not know gets the most conservative request', async () => {
    expect(specFor('some/new-image-model')).toMatchObject({ aspectRatios: ['1:1'], resolutions: ['1K'], maxImages: 1, maxInputImages: 0 });
    const call = makeCall({ upstreamModel: 'some/new-image-model', fields: { size: '1024x1024' } });
    expect(await imageRequestBody(call)).toEqual({ model: 'some/new-image-model', prompt: 'a red fox', aspect_ratio: '1:1' });
  });
});

describe('openrouter: errors', () => {
  it('a wrong key is 401 -> auth', async () => {
    const error = await failure(provider({ apiKey: 'sk-or-wrong' }).generate(makeCall({ upstreamModel: 'google/gemini-2.5-flash-image' })));
    expect(error).toMatchObject({ kind: 'auth', status: 401, message: ERRORS.invalid_key!.body.error.message });
  });

  const cases: Array<[string, string]> = [
    ['bad_request', 'rejected'],
    ['insufficient_credits', 'quota'],
    ['moderation', 'content_policy'],
    ['forbidden', 'auth'],
    ['timeout', 'timeout'],
    ['rate_limited', 'rate_limited'],
    ['model_down', 'server_error'],
    ['no_provider', 'overloaded'],
    ['provider_overloaded', 'overloaded'],
  ];
  it.each(cases)('%s -> %s', async (name, kind) => {
    const { status, body, headers } = ERRORS[name]!;
    answer = (_req, res) => sendJson(res, status, body, headers);
    const error = await failure(provider().generate(makeCall({ upstreamModel: 'google/gemini-2.5-flash-image' })));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.message).toBe(body.error.message);
    if (name === 'rate_limited') expect(error.retryAfter).toBe(7);
  });

  it('the fake refuses what the endpoint does not take', async () => {
    const send = (body: Record<string, unknown>) =>
      fetch(`${base}/images`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'x', ...body }) });
    expect((await send({ model: 'google/gemini-2.5-flash-image', resolution: '2K' })).status).toBe(400);
    expect((await send({ model: 'google/gemini-2.5-flash-image', seed: 1 })).status).toBe(400);
    expect((await send({ model: 'black-forest-labs/flux.2-pro', n: 2 })).status).toBe(400);
    expect((await send({ model: 'black-forest-labs/flux.2-pro', usage: { include: true } })).status).toBe(400);
    expect((await send({ model: 'openai/gpt-image-2', n: 2, quality: 'high', aspect_ratio: '16:9', resolution: '2K' })).status).toBe(200);
    const unknown = await failure(provider().generate(makeCall({ upstreamModel: 'nobody/no-model' })));
    expect([unknown.kind, unknown.status]).toEqual(['rejected', 404]);
  });

  it('an answer without images is bad_response; an error inside a 200 keeps its meaning', async () => {
    answer = (_req, res) => sendJson(res, 200, { created: 1748372400, data: [], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0 } });
    expect((await failure(provider().generate(makeCall({ upstreamModel: 'google/gemini-2.5-flash-image' })))).kind).toBe('bad_response');
    answer = (_req, res) => sendJson(res, 200, ERRORS.model_down!.body);
    expect((await failure(provider().generate(makeCall({ upstreamModel: 'google/gemini-2.5-flash-image' })))).kind).toBe('server_error');
    answer = (_req, res) => sendJson(res, 200, { created: 1, data: [{ b64_json: Buffer.from('not an image').toString('base64') }] });
    expect((await failure(provider().generate(makeCall({ upstreamModel: 'google/gemini-2.5-flash-image' })))).kind).toBe('bad_response');
  });
});

describe('openrouter: module and catalog', () => {
  it('is available only with an API key, and reads OPENROUTER_*', () => {
    expect(provider().isAvailable()).toBe(true);
    expect(provider({ apiKey: undefined }).isAvailable()).toBe(false);
    expect(openrouterModule).toMatchObject({ id: 'openrouter', envPrefix: 'OPENROUTER', defaultBaseUrl: 'https://openrouter.ai/api/v1' });
  });

  it('declares the shared model ids with priced offers the fake accepts, and lists only sizes sent as they are', async () => {
    expect(openrouterModule.models.map((m) => [m.model.id, m.offer.upstreamModel]).sort()).toEqual([
      ['black-forest-labs/flux-2-flex', 'black-forest-labs/flux.2-flex'],
      ['black-forest-labs/flux-2-klein-4b', 'black-forest-labs/flux.2-klein-4b'],
      ['black-forest-labs/flux-2-max', 'black-forest-labs/flux.2-max'],
      ['black-forest-labs/flux-2-pro', 'black-forest-labs/flux.2-pro'],
      ['bytedance/seedream-4.5', 'bytedance-seed/seedream-4.5'],
      ['google/gemini-2.5-flash-image', 'google/gemini-2.5-flash-image'],
      ['google/gemini-3-pro-image', 'google/gemini-3-pro-image'],
      ['openai/gpt-image-2', 'openai/gpt-image-2'],
    ]);
    expect(Object.keys(MODEL_SPECS).sort()).toEqual(Object.keys(ENDPOINTS).sort());
    for (const { model, offer: o } of openrouterModule.models) {
      expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(o.priceSource?.trim()).toMatch(/read 2026-11-21/);
      for (const amount of priceAmounts(o.price!)) expect(Number.isInteger(amount) && amount >= 0, `${model.id}: ${amount}`).toBe(true);
      const endpoint = ENDPOINTS[o.upstreamModel]!;
      expect(o.capabilities.sizes).toEqual({ kind: 'aspect', ratios: endpoint.ratios });
      expect([o.capabilities.maxImagesPerCall, o.capabilities.maxInputImages]).toEqual([endpoint.maxN, endpoint.maxRefs]);
      for (const size of o.capabilities.listedSizes.filter((s) => s !== 'auto')) {
        const call = makeCall({ upstreamModel: o.upstreamModel, fields: { size }, capabilities: o.capabilities });
        await imageRequestBody(call);
        expect(call.warnings, `${o.upstreamModel} ${size}`).toEqual([]);
      }
    }
  });

  it('charges the reported usage.cost, never above the ceiling', () => {
    const seedream = offer('bytedance-seed/seedream-4.5').price!;
    const call = makeCall({ upstreamModel: 'bytedance-seed/seedream-4.5' });
    const policy = { marginPercent: 0 };
    expect(actualCost(seedream, call.request, call.size, 1, { costMicros: 40_000 }, policy)).toBe(40_000);
    expect(actualCost(seedream, call.request, call.size, 1, { costMicros: 90_000 }, policy)).toBe(40_000);
    const pro = offer('black-forest-labs/flux.2-pro').price!;
    // 2K output (4.19 MP) and 8 inputs of that size: $0.03 + 3.19 x $0.015 + 33.55 x $0.015.
    expect(estimateMaxCost(pro, call.request, call.size, policy)).toBe(581_232);
    expect(actualCost(pro, call.request, call.size, 1, { costMicros: 45_000 }, policy)).toBe(45_000);
  });
});

describe('openrouter: live', () => {
  // Costs about $0.04: one Seedream 4.5 image. Runs only where the real key is set.
  it.runIf(process.env.OPENROUTER_API_KEY)('makes one real image', { timeout: 150_000 }, async () => {
    const live = openrouterModule.create({ apiKey: process.env.OPENROUTER_API_KEY, baseUrl: process.env.OPENROUTER_BASE_URL ?? openrouterModule.defaultBaseUrl, maxDownloadBytes: 50 * 1024 * 1024, pollIntervalMs: 1000 });
    const result = await live.generate(makeCall({ upstreamModel: 'bytedance-seed/seedream-4.5', fields: { prompt: 'a small red circle on white', size: '2048x2048' }, signal: AbortSignal.timeout(120_000) }));
    expect(result.images).toHaveLength(1);
    expect(result.usage?.costMicros).toBeGreaterThan(0);
  });
});

