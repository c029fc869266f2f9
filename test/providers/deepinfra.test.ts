import { readFileSync } from 'node:fs';
import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actualCost, estimateMaxCost } from '../../src/billing/pricing.js';
import { deepinfraModule } from '../../src/providers/deepinfra/index.js';
import { MODEL_SPECS } from '../../src/providers/deepinfra/params.js';
import { UpstreamError } from '../../src/providers/errors.js';
import { fitSize } from '../../src/routing/fit.js';
import { sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { solidImage } from '../helpers/images.js';
import { inputImage, makeCall, rejection, testSettings } from '../helpers/providerCall.js';
import { priceAmounts } from '../helpers/prices.js';

/**
 * DeepInfra against a fake on 127.0.0.1 that enforces what each model's page documents
 * (deepinfra.com/{model}/api): Bearer auth; the OpenAI-compatible POST /v1/openai/images/generations
 * (model, prompt, n 1-4, size, response_format b64_json only, user) and the native
 * POST /v1/inference/{model} with that model's input schema (fields, types, ranges, enums, nothing
 * else). Native answers carry the call's cost by the page's price formula, as `inference_status.cost`.
 */

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/providers/deepinfra/${name}.json`, import.meta.url), 'utf8'));
const OPENAI_ANSWER = fixture('openai-generation');
const INFERENCE_ANSWER = fixture('inference');
const ERRORS = fixture('errors') as Record<string, { status: number; body: any; headers?: Record<string, string> }>;
const KEY = 'test-upstream-key';

// FLUX.1 on the native API: "Allowed values: 128 256 384 448 512 576 640 704 768 832 896 960 1024".
const FLUX_SIDE = z.union([128, 256, 384, 448, 512, 576, 640, 704, 768, 832, 896, 960, 1024].map((v) => z.literal(v)) as any);
const seed = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const NATIVE: Record<string, { schema: z.ZodType<any>; cost: (input: any) => number }> = {
  'black-forest-labs/FLUX-1-schnell': {
    schema: z.strictObject({
      prompt: z.string().min(1), num_images: z.number().int().min(1).max(4).optional(), num_inference_steps: z.number().int().min(1).max(50).optional(),
      width: FLUX_SIDE.optional(), height: FLUX_SIDE.optional(), seed: seed.optional(), webhook: z.string().optional(),
    }),
    // "$0.0005 x (width / 1024) x (height / 1024) x iters", default 1 step.
    cost: (i) => 0.0005 * ((i.width ?? 1024) / 1024) * ((i.height ?? 1024) / 1024) * (i.num_inference_steps ?? 1) * (i.num_images ?? 1),
  },
  'black-forest-labs/FLUX-1-dev': {
    schema: z.strictObject({
      prompt: z.string().min(1), negative_prompt: z.string().optional(), image: z.string().optional(), num_images: z.number().int().min(1).max(4).optional(),
      num_inference_steps: z.number().int().min(1).max(512).optional(), guidance_scale: z.number().min(1).max(20).optional(),
      strength: z.number().min(0).max(1).optional(), width: FLUX_SIDE.optional(), height: FLUX_SIDE.optional(), seed: seed.optional(), webhook: z.string().optional(),
    }),
    // "$0.009 x (width / 1024) x (height / 1024) x (iters / 25)", default 25 steps.
    cost: (i) => 0.009 * ((i.width ?? 512) / 1024) * ((i.height ?? 512) / 1024) * ((i.num_inference_steps ?? 25) / 25) * (i.num_images ?? 1),
  },
  'stabilityai/sd3.5': {
    schema: z.strictObject({
      prompt: z.string().min(1), negative_prompt: z.string().optional(), num_images: z.number().int().min(1).max(4).optional(),
      num_inference_steps: z.number().int().min(1).max(50).optional(),
      aspect_ratio: z.enum(['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '9:16', '9:21']).optional(),
      guidance_scale: z.number().min(0).max(20).optional(), seed: seed.optional(), webhook: z.string().optional(),
    }),
    cost: (i) => 0.06 * (i.num_images ?? 1), // "$0.06 / img"
  },
};
const OPENAI_MODELS = ['black-forest-labs/FLUX-1.1-pro', 'black-forest-labs/FLUX-pro', 'black-forest-labs/FLUX-1-schnell', 'black-forest-labs/FLUX-1-dev'];
const OPENAI_BODY = z.strictObject({
  model: z.string().min(1), prompt: z.string().min(1), n: z.number().int().min(1).max(4).optional(),
  size: z.string().regex(/^\d+x\d+$/).optional(), response_format: z.literal('b64_json').optional(), user: z.string().optional(), style: z.string().optional(),
});
/** BFL's limits for FLUX1.1 [pro]: 256-1440, multiples of 32. */
const proSideOk = (v: number) => v >= 256 && v <= 1440 && v % 32 === 0;

/** What the next request is answered with, once the contract checks pass. */
let scripted: string | null = null;
let nsfwFlags: boolean[] | null = null;
let reportCost = true;
let served: Buffer[] = [];
const COLORS = [{ r: 200, g: 30, b: 30 }, { r: 30, g: 160, b: 60 }, { r: 40, g: 60, b: 220 }, { r: 220, g: 200, b: 40 }];

const fail = (res: http.ServerResponse, name: string, msg?: string) => {
  const error = ERRORS[name]!;
  const body = msg ? { detail: [{ ...error.body.detail[0], msg }] } : error.body;
  sendJson(res, error.status, body, error.headers);
};

async function handle(req: RecordedRequest, res: http.ServerResponse) {
  const openai = req.path === '/v1/openai/images/generations';
  const native = /^\/v1\/inference\/([\w.-]+\/[\w.-]+)$/.exec(req.path);
  if (req.method !== 'POST' || !(openai || native)) return sendJson(res, 404, { detail: 'Not Found' });
  // "Authorization: bearer $DEEPINFRA_TOKEN" on the native pages, "Bearer" on the OpenAI ones: the scheme is case-insensitive.
  if (!new RegExp(`^bearer ${KEY}$`, 'i').test(String(req.headers.authorization))) return fail(res, openai ? 'openai_unauthorized' : 'unauthorized');
  if (!/^application\/json/.test(String(req.headers['content-type'])) || !req.json) return fail(res, 'validation', 'a JSON body is required');
  return openai ? handleOpenAi(req, res) : handleNative(native![1]!, req, res);
}

async function handleOpenAi(req: RecordedRequest, res: http.ServerResponse) {
  const parsed = OPENAI_BODY.safeParse(req.json);
  if (!parsed.success) return sendJson(res, 400, { error: { message: `Invalid request: ${parsed.error.issues[0]!.message}` } });
  const body = parsed.data;
  if (!OPENAI_MODELS.includes(body.model)) return sendJson(res, 404, { error: { message: `Model ${body.model} is not available` } });
  const [w, h] = (body.size ?? '1024x1024').split('x').map(Number) as [number, number];
  if (body.model === 'black-forest-labs/FLUX-1.1-pro' && !(proSideOk(w) && proSideOk(h))) return sendJson(res, 400, { error: { message: `size ${body.size} is not supported` } });
  if (scripted) return sendJson(res, ERRORS[scripted]!.status, { error: { message: ERRORS[scripted]!.body.detail.error } }, ERRORS[scripted]!.headers);
  // The docs' example answer is a JPEG ("/9j/...").
  served = await Promise.all(Array.from({ length: body.n ?? 1 }, (_, i) => solidImage(24, 16, COLORS[i % COLORS.length]!, 'jpeg')));
  sendJson(res, 200, { created: OPENAI_ANSWER.created, data: served.map((bytes) => ({ revised_prompt: body.prompt, b64_json: bytes.toString('base64') })) });
}

async function handleNative(model: string, req: RecordedRequest, res: http.ServerResponse) {
  const spec = NATIVE[model];
  if (!spec) return sendJson(res, ERRORS.not_found!.status, ERRORS.not_found!.body);
  const parsed = spec.schema.safeParse(req.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(res, 'validation', issue.code === 'unrecognized_keys' ? `extra fields not permitted: ${issue.keys.join(', ')}` : `${issue.path.join('.')}: ${issue.message}`);
  }
  const input = parsed.data;
  if (scripted) return sendJson(res, ERRORS[scripted]!.status, ERRORS[scripted]!.body, ERRORS[scripted]!.headers);
  const count = input.num_images ?? 1;
  served = await Promise.all(Array.from({ length: count }, (_, i) => solidImage(32, 24, COLORS[i % COLORS.length]!, 'png')));
  const { _source, ...template } = INFERENCE_ANSWER;
  sendJson(res, 200, {
    ...template,
    images: served.map((bytes) => `data:image/png;base64,${bytes.toString('base64')}`),
    nsfw_content_detected: nsfwFlags ?? served.map(() => false),
    seed: input.seed ?? 42,
    inference_status: { ...template.inference_status, status: 'succeeded', runtime_ms: 812, cost: reportCost ? spec.cost(input) : 0 },
  });
}

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream(handle);
});
afterAll(() => fake.close());
beforeEach(() => {
  scripted = null;
  nsfwFlags = null;
  reportCost = true;
  fake.requests.length = 0;
});

const provider = (overrides = {}) => deepinfraModule.create(testSettings(`${fake.url}/v1`, overrides));
const lastRequest = () => fake.requests.at(-1)!;

describe('deepinfra adapter', () => {
  it('native API: the exact body for FLUX.1 [schnell], data URIs decoded, the reported cost kept', async () => {
    const call = makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-schnell', size: { width: 1024, height: 768 }, fields: { prompt: 'a red fox', n: 2, seed: 42, num_inference_steps: 4 } });
    const result = await provider().generate(call);

    expect(fake.requests).toHaveLength(1);
    expect(lastRequest().method).toBe('POST');
    expect(lastRequest().path).toBe('/v1/inference/black-forest-labs/FLUX-1-schnell');
    expect(lastRequest().headers.authorization).toBe(`Bearer ${KEY}`);
    expect(lastRequest().json).toEqual({ prompt: 'a red fox', num_images: 2, width: 1024, height: 768, seed: 42, num_inference_steps: 4 });
    expect(result.images.map((image) => image.format)).toEqual(['png', 'png']);
    expect(result.images.map((image) => image.bytes)).toEqual(served);
    expect(await sharp(result.images[0]!.bytes).metadata()).toMatchObject({ width: 32, height: 24 });
    // $0.0005 x 1 x 0.75 x 4 steps x 2 images.
    expect(result.usage).toEqual({ costMicros: 3000 });
    expect(call.warnings).toEqual([]);
  });

  it('OpenAI-compatible API for FLUX1.1 [pro]: the exact body, b64_json decoded, the echoed prompt dropped', async () => {
    const call = makeCall({ upstreamModel: 'black-forest-labs/FLUX-1.1-pro', fields: { prompt: 'a red fox', size: '1440x960', user: 'user-42' } });
    const result = await provider().generate(call);

    expect(lastRequest().path).toBe('/v1/openai/images/generations');
    expect(lastRequest().headers.authorization).toBe(`Bearer ${KEY}`);
    expect(lastRequest().json).toEqual({ model: 'black-forest-labs/FLUX-1.1-pro', prompt: 'a red fox', n: 1, size: '1440x960', response_format: 'b64_json', user: 'user-42' });
    expect(result.images).toEqual([{ bytes: served[0], format: 'jpeg', width: 24, height: 16 }]);
    expect(result.usage).toBeUndefined();
    expect(call.warnings).toEqual([]);
  });

  it('maps sizes to aspect ratios and extras to their ranges, and says what changed', async () => {
    const call = makeCall({
      upstreamModel: 'stabilityai/sd3.5',
      size: { width: 1000, height: 700 },
      fields: { prompt: 'a lighthouse', seed: '7', negative_prompt: 'fog', guidance_scale: 25, num_inference_steps: '30', lora: 'x' },
    });
    const result = await provider().generate(call);

    expect(lastRequest().path).toBe('/v1/inference/stabilityai/sd3.5');
    expect(lastRequest().json).toEqual({
      prompt: 'a lighthouse', num_images: 1, aspect_ratio: '3:2', seed: 7, negative_prompt: 'fog', guidance_scale: 20, num_inference_steps: 30,
    });
    expect(call.warnings).toEqual([
      'size 1000x700 is not available for stabilityai/sd3.5; using aspect ratio 3:2',
      "'guidance_scale' 25 is outside what this model allows (a number from 0 to 20); using 20 (stabilityai/sd3.5)",
      "'lora' is not a parameter of stabilityai/sd3.5; not sent",
    ]);
    expect(result.usage).toEqual({ costMicros: 60_000 });
  });

  it('caps steps where the price grows with them, and keeps FLUX.1 [dev] sizes on the allowed values', async () => {
    const schnell = makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-schnell', fields: { num_inference_steps: 8 } });
    await provider().generate(schnell);
    expect(lastRequest().json.num_inference_steps).toBe(4);
    expect(schnell.warnings).toEqual([
      "'num_inference_steps' 8 is outside what this model allows (an integer from 1 to 4: DeepInfra charges per step; 4 is what the price ceiling covers); using 4 (black-forest-labs/FLUX-1-schnell)",
    ]);

    // The router fits the size to the offer's rule before the adapter sees it.
    const rule = deepinfraModule.models.find((m) => m.offer.upstreamModel === 'black-forest-labs/FLUX-1-dev')!.offer.capabilities.sizes;
    const { size, warning } = fitSize(rule, { width: 1536, height: 1000 });
    expect(size).toEqual({ width: 1024, height: 1024 });
    expect(warning).toBeTruthy();
    const dev = makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-dev', size: fitSize(rule, { width: 700, height: 500 }).size, fields: { num_inference_steps: 50 } });
    const result = await provider().generate(dev);
    expect(lastRequest().json).toEqual({ prompt: 'a red fox', num_images: 1, width: 704, height: 512, num_inference_steps: 25 });
    expect(result.usage).toEqual({ costMicros: Math.round(0.009 * (704 / 1024) * (512 / 1024) * 1_000_000) });
  });

  it('withholds the images the safety checker flagged; all flagged -> content_policy', async () => {
    nsfwFlags = [true, false];
    const call = makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-schnell', fields: { n: 2 } });
    const result = await provider().generate(call);
    expect(result.images.map((image) => image.bytes)).toEqual([served[1]]);
    expect(call.warnings).toEqual(["1 of 2 images were withheld: DeepInfra's safety checker flagged them"]);

    nsfwFlags = [true];
    expect((await rejection(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-schnell' })))).kind).toBe('content_policy');
  });

  it('charges the ceiling when no cost is reported (the docs example reports 0.0)', async () => {
    reportCost = false;
    const result = await provider().generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-schnell' }));
    expect(result.usage).toBeUndefined();
    const price = deepinfraModule.models.find((m) => m.offer.upstreamModel === 'black-forest-labs/FLUX-1-schnell')!.offer.price!;
    const request = makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-schnell' }).request;
    const size = { width: 1024, height: 1024 };
    expect(actualCost(price, request, size, 1, result.usage, { marginPercent: 0 })).toBe(2000);
    expect(actualCost(price, request, size, 1, { costMicros: 500 }, { marginPercent: 0 })).toBe(500);
    expect(estimateMaxCost(price, { ...request, n: 3 }, size, { marginPercent: 0 })).toBe(6000);
  });

  it('refuses input images before calling', async () => {
    const png = await solidImage(16, 16, { r: 1, g: 2, b: 3 }, 'png');
    const error = await rejection(provider().generate(makeCall({ upstreamModel: 'stabilityai/sd3.5', images: [inputImage(png)] })));
    expect(error.kind).toBe('rejected');
    expect(fake.requests).toHaveLength(0);
  });

  describe('errors', () => {
    it('a wrong key -> auth, with DeepInfra\'s message, on both APIs', async () => {
      const native = await rejection(provider({ apiKey: 'wrong' }).generate(makeCall({ upstreamModel: 'stabilityai/sd3.5' })));
      expect(native).toMatchObject({ kind: 'auth', status: 401, message: ERRORS.unauthorized!.body.detail.error });
      const openai = await rejection(provider({ apiKey: 'wrong' }).generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX-1.1-pro' })));
      expect(openai).toMatchObject({ kind: 'auth', status: 401, message: ERRORS.openai_unauthorized!.body.error.message });
    });

    const cases: Array<[string, string]> = [
      ['payment_required', 'quota'],
      ['rate_limit', 'rate_limited'],
      ['content_policy', 'content_policy'],
      ['not_found', 'rejected'],
      ['server_error', 'server_error'],
      ['capacity', 'overloaded'],
    ];
    it.each(cases)('%s -> %s', async (name, kind) => {
      scripted = name;
      const error = await rejection(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-dev' })));
      expect(error).toMatchObject({ kind, status: ERRORS[name]!.status, message: ERRORS[name]!.body.detail.error });
      if (name === 'rate_limit') expect(error.retryAfter).toBe(3);
    });

    it('the same statuses on the OpenAI-compatible API', async () => {
      scripted = 'payment_required';
      expect((await rejection(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX-1.1-pro' })))).kind).toBe('quota');
    });

    it('a 422 validation error -> rejected, with what was refused', async () => {
      // A seed past the documented range (0 ≤ seed < 2^64; the fake keeps to safe integers).
      const error = await rejection(provider().generate(makeCall({ upstreamModel: 'stabilityai/sd3.5', fields: { seed: 1e300 } })));
      expect(error.kind).toBe('rejected');
      expect(error.status).toBe(422);
      expect(error.message).toMatch(/seed/);
    });
  });

  it('is available only with an API key', () => {
    expect(provider().isAvailable()).toBe(true);
    expect(provider({ apiKey: undefined }).isAvailable()).toBe(false);
  });

  it('declares a catalog of priced, well-formed models', () => {
    expect(deepinfraModule).toMatchObject({ id: 'deepinfra', envPrefix: 'DEEPINFRA', defaultBaseUrl: 'https://api.deepinfra.com/v1' });
    const ids = deepinfraModule.models.map((m) => m.model.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { model, offer } of deepinfraModule.models) {
      expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(offer.priceSource?.trim()).toBeTruthy();
      expect(offer.priceSource).toContain(`https://deepinfra.com/${offer.upstreamModel}/api`);
      const spec = MODEL_SPECS[offer.upstreamModel]!;
      expect(spec, offer.upstreamModel).toBeDefined();
      expect(spec.endpoint === 'openai' ? OPENAI_MODELS.includes(offer.upstreamModel) : NATIVE[offer.upstreamModel] !== undefined).toBe(true);
      for (const amount of priceAmounts(offer.price!)) expect(Number.isInteger(amount) && amount >= 0, `${model.id}: ${amount}`).toBe(true);
      // Native models whose price grows with steps report their cost; their ceiling is the page's formula at the limits.
      if (offer.price!.type === 'reported') {
        const native = NATIVE[offer.upstreamModel]!;
        const steps = (spec.extras.num_inference_steps as { max: number }).max;
        expect(offer.price!.maxPerImageMicros).toBe(Math.round(native.cost({ width: 1024, height: 1024, num_inference_steps: steps }) * 1_000_000));
      }
      expect(offer.capabilities.edit).toBe(false);
      expect(offer.capabilities.extras).toEqual(Object.keys(spec.extras));
    }
    expect(ids.sort()).toEqual(['black-forest-labs/flux-1.1-pro', 'black-forest-labs/flux-dev', 'black-forest-labs/flux-schnell', 'stability/stable-diffusion-3.5-large']);
  });

  // Costs about $0.0005: one FLUX.1 [schnell] step at 1024x1024. Runs only where the real key is set.
  it.runIf(process.env.DEEPINFRA_API_KEY)('live: FLUX.1 [schnell] makes one image and reports its cost', async () => {
    const live = deepinfraModule.create({
      apiKey: process.env.DEEPINFRA_API_KEY, baseUrl: process.env.DEEPINFRA_BASE_URL ?? deepinfraModule.defaultBaseUrl, maxDownloadBytes: 50 * 1024 * 1024, pollIntervalMs: 1000,
    });
    const call = makeCall({ upstreamModel: 'black-forest-labs/FLUX-1-schnell', fields: { prompt: 'a small red circle on white', num_inference_steps: 1 }, signal: AbortSignal.timeout(120_000) });
    const result = await live.generate(call);
    expect(result.images).toHaveLength(1);
    expect((await sharp(result.images[0]!.bytes).metadata()).width).toBe(1024);
  }, 150_000);
});

