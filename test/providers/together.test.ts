import { readFileSync } from 'node:fs';
import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actualCost, estimateMaxCost } from '../../src/billing/pricing.js';
import { UpstreamError } from '../../src/providers/errors.js';
import { togetherModule } from '../../src/providers/together/index.js';
import { MODEL_RULES, STANDARD_SIZES } from '../../src/providers/together/params.js';
import { sendBytes, sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { solidImage } from '../helpers/images.js';
import { inputImage, makeCall, rejection, testSettings } from '../helpers/providerCall.js';
import { priceAmounts } from '../helpers/prices.js';

/**
 * Together AI's image API against a fake on 127.0.0.1 that enforces the documented contract
 * (https://docs.together.ai/reference/post-images-generations): POST /v1/images/generations only,
 * Bearer auth, a JSON body with the API reference's fields and types and nothing else, and the
 * per-model rules of Together's feature matrix (image_url only for Kontext, negative_prompt not for
 * Kontext, output_format only for FLUX). It answers with the documented body, real images inside.
 */

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/providers/together/${name}.json`, import.meta.url), 'utf8'));
const GENERATION = fixture('generation');
const ERRORS = fixture('errors') as Record<string, { status: number; body: any; headers?: Record<string, string> }>;
const KEY = 'test-upstream-key';

// Serverless image models in Together's catalog (github.com/togethercomputer/skills, references/images/models.md).
const KONTEXT = ['black-forest-labs/FLUX.1-kontext-pro', 'black-forest-labs/FLUX.1-kontext-max'];
const FLUX = [
  'black-forest-labs/FLUX.1.1-pro', ...KONTEXT, 'black-forest-labs/FLUX.2-pro', 'black-forest-labs/FLUX.2-dev', 'black-forest-labs/FLUX.2-flex',
  'black-forest-labs/FLUX.2-max',
];
const CATALOG = [
  ...FLUX, 'ByteDance-Seed/Seedream-4.0', 'ByteDance-Seed/Seedream-3.0', 'Qwen/Qwen-Image', 'stabilityai/stable-diffusion-xl-base-1.0', 'google/flash-image-2.5',
];

const dimension = z.number().int().min(256).max(1920).refine((v) => v % 8 === 0, 'must be a multiple of 8');
const BODY = z.strictObject({
  model: z.string(),
  prompt: z.string().min(1),
  width: dimension.optional(),
  height: dimension.optional(),
  n: z.number().int().min(1).max(4).optional(),
  steps: z.number().int().min(1).max(50).optional(),
  seed: z.number().int().optional(),
  negative_prompt: z.string().optional(),
  response_format: z.enum(['base64', 'url']).optional(),
  image_url: z.string().regex(/^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/).optional(),
  output_format: z.enum(['jpeg', 'png']).optional(),
  guidance_scale: z.number().optional(),
  disable_safety_checker: z.boolean().optional(),
  reference_images: z.array(z.string()).optional(),
  image_loras: z.array(z.strictObject({ path: z.string(), scale: z.number() })).optional(),
});

/** What the next request is answered with, once the contract checks pass. */
let scripted: string | null = null;
let scriptedBody: unknown = null;
/** The images the fake served last, to compare with what the adapter decoded. */
let served: Buffer[] = [];
const COLORS = [{ r: 200, g: 30, b: 30 }, { r: 30, g: 160, b: 60 }, { r: 40, g: 60, b: 220 }, { r: 220, g: 200, b: 40 }];

const fail = (res: http.ServerResponse, name: string, message?: string) => {
  const error = ERRORS[name]!;
  const body = message ? { ...error.body, error: { ...error.body.error, message } } : error.body;
  sendJson(res, error.status, body, error.headers);
};

async function handle(req: RecordedRequest, res: http.ServerResponse) {
  const file = /^\/files\/(\w+)\.(jpeg|png)$/.exec(req.path);
  if (req.method === 'GET' && file) return sendBytes(res, await solidImage(16, 16, COLORS[0]!, file[2] as 'jpeg' | 'png'), `image/${file[2]}`);
  if (req.method !== 'POST' || req.path !== '/v1/images/generations') return fail(res, 'model_not_found', `Invalid URL (${req.method} ${req.path})`);
  if (req.headers.authorization !== `Bearer ${KEY}`) return fail(res, 'invalid_api_key');
  if (!/^application\/json/.test(String(req.headers['content-type'])) || !req.json) return fail(res, 'invalid_request', 'The request body must be JSON');
  const parsed = BODY.safeParse(req.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(res, 'invalid_request', issue.code === 'unrecognized_keys' ? `Unknown parameter: '${issue.keys[0]}'` : `Invalid '${issue.path.join('.')}': ${issue.message}`);
  }
  const body = parsed.data;
  if (!CATALOG.includes(body.model)) return fail(res, 'model_not_found');
  // The feature matrix: image_url on Kontext (and FLUX.2 pro/flex) only; negative_prompt not on Kontext; output_format on FLUX.
  if (body.image_url !== undefined && !KONTEXT.includes(body.model)) return fail(res, 'image_url_unsupported');
  if (body.negative_prompt !== undefined && KONTEXT.includes(body.model)) return fail(res, 'invalid_request', `negative_prompt is not supported for ${body.model}`);
  if (body.output_format !== undefined && !FLUX.includes(body.model)) return fail(res, 'invalid_request', `output_format is not supported for ${body.model}`);
  if (scripted) return fail(res, scripted);
  if (scriptedBody) return sendJson(res, 200, scriptedBody);

  const format = body.output_format ?? 'jpeg'; // "Defaults to jpeg"
  served = await Promise.all(Array.from({ length: body.n ?? 1 }, (_, i) => solidImage(24, 16, COLORS[i % COLORS.length]!, format)));
  const { _source, ...template } = GENERATION;
  const data = served.map((bytes, index) => (body.response_format === 'base64'
    ? { ...template.data[0], index, b64_json: bytes.toString('base64') }
    : { index, url: `${fake.url}/files/img${index}.${format}`, type: 'url' }));
  sendJson(res, 200, { ...template, model: body.model, data });
}

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream(handle);
});
afterAll(() => fake.close());
beforeEach(() => {
  scripted = null;
  scriptedBody = null;
  fake.requests.length = 0;
});

const provider = (overrides = {}) => togetherModule.create(testSettings(`${fake.url}/v1`, overrides));
const lastBody = () => fake.requests.at(-1)!.json;

describe('together adapter', () => {
  it('text-to-image: the exact body, one call for n images, base64 decoded', async () => {
    const call = makeCall({
      upstreamModel: 'black-forest-labs/FLUX.1.1-pro',
      fields: { prompt: 'a red fox', n: 2, size: '1344x768', output_format: 'jpeg', seed: 42, negative_prompt: 'blurry' },
    });
    const result = await provider().generate(call);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/v1/images/generations');
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
    expect(request!.json).toEqual({
      model: 'black-forest-labs/FLUX.1.1-pro', prompt: 'a red fox', width: 1344, height: 768, n: 2,
      response_format: 'base64', output_format: 'jpeg', seed: 42, negative_prompt: 'blurry',
    });
    expect(result.images.map((image) => image.format)).toEqual(['jpeg', 'jpeg']);
    expect(result.images.map((image) => image.bytes)).toEqual(served);
    expect(await sharp(result.images[1]!.bytes).metadata()).toMatchObject({ width: 24, height: 16, format: 'jpeg' });
    expect(result.usage).toBeUndefined();
    expect(call.warnings).toEqual([]);
  });

  it('edits with Kontext: the input image as a data URI in image_url, steps capped at the default', async () => {
    const png = await solidImage(32, 32, { r: 10, g: 90, b: 200 }, 'png');
    const call = makeCall({
      upstreamModel: 'black-forest-labs/FLUX.1-kontext-pro',
      images: [inputImage(png, 'image[0]', 32, 32)],
      fields: { prompt: 'make it a watercolor', output_format: 'webp', steps: 40 },
    });
    const result = await provider().generate(call);

    expect(lastBody()).toEqual({
      model: 'black-forest-labs/FLUX.1-kontext-pro', prompt: 'make it a watercolor', width: 1024, height: 1024, n: 1,
      response_format: 'base64', output_format: 'png', image_url: `data:image/png;base64,${png.toString('base64')}`, steps: 28,
    });
    expect(call.warnings).toEqual([
      "'steps' 40 is outside what this model allows (an integer from 1 to 28: more steps than the default 28 cost more than the listed price); using 28 (black-forest-labs/FLUX.1-kontext-pro)",
    ]);
    expect(result.images.map((image) => image.format)).toEqual(['png']);
    expect(result.images[0]!.bytes).toEqual(served[0]);
  });

  it('sends an input image of another format as PNG, and says the mask was not sent', async () => {
    const gif = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#cc6633' } }).gif().toBuffer();
    const mask = await solidImage(20, 20, { r: 255, g: 255, b: 255 }, 'png');
    const call = makeCall({
      upstreamModel: 'black-forest-labs/FLUX.1-kontext-max',
      images: [inputImage(gif, 'image[0]', 20, 20, 'gif')],
      mask: inputImage(mask, 'mask', 20, 20),
    });
    await provider().generate(call);

    const imageUrl: string = lastBody().image_url;
    expect(imageUrl.startsWith('data:image/png;base64,')).toBe(true);
    expect(await sharp(Buffer.from(imageUrl.split(',')[1]!, 'base64')).metadata()).toMatchObject({ format: 'png', width: 20, height: 20 });
    expect(call.warnings).toEqual(['black-forest-labs/FLUX.1-kontext-max takes no mask; the mask was not sent']);
  });

  it('maps extras to what the model takes: seed passes through, the rest is warned about', async () => {
    const call = makeCall({
      upstreamModel: 'black-forest-labs/FLUX.1-kontext-pro',
      // As multipart sends them: strings.
      fields: { prompt: 'a lighthouse', seed: '7', negative_prompt: 'fog', lora: 'x', disable_safety_checker: true, output_format: 'jpeg', output_compression: 80 },
    });
    await provider().generate(call);

    expect(lastBody()).toEqual({
      model: 'black-forest-labs/FLUX.1-kontext-pro', prompt: 'a lighthouse', width: 1024, height: 1024, n: 1,
      response_format: 'base64', output_format: 'png', seed: 7,
    });
    expect(call.warnings).toEqual([
      "'negative_prompt' is not a parameter of black-forest-labs/FLUX.1-kontext-pro; not sent",
      "'lora' is not a parameter of black-forest-labs/FLUX.1-kontext-pro; not sent",
      "'disable_safety_checker' is not a parameter of black-forest-labs/FLUX.1-kontext-pro; not sent",
    ]);
  });

  it('sends no output_format to models that do not take it; negative_prompt and seed where they do', async () => {
    const qwen = makeCall({ upstreamModel: 'Qwen/Qwen-Image', size: { width: 768, height: 1344 }, fields: { prompt: 'a poster', negative_prompt: 'text', seed: 3, output_format: 'png' } });
    const result = await provider().generate(qwen);
    expect(lastBody()).toEqual({ model: 'Qwen/Qwen-Image', prompt: 'a poster', width: 768, height: 1344, n: 1, response_format: 'base64', negative_prompt: 'text', seed: 3 });
    // Together's default output is JPEG; the pipeline converts.
    expect(result.images[0]!.format).toBe('jpeg');
    expect(qwen.warnings).toEqual([]);

    const seedream = makeCall({ upstreamModel: 'ByteDance-Seed/Seedream-4.0', fields: { prompt: 'a poster', n: 3, negative_prompt: 'x' } });
    expect((await provider().generate(seedream)).images).toHaveLength(3);
    expect(lastBody()).toEqual({ model: 'ByteDance-Seed/Seedream-4.0', prompt: 'a poster', width: 1024, height: 1024, n: 3, response_format: 'base64' });
    expect(seedream.warnings).toEqual(["'negative_prompt' is not a parameter of ByteDance-Seed/Seedream-4.0; not sent"]);
  });

  it('refuses an input image for a model without image input before calling', async () => {
    const png = await solidImage(16, 16, { r: 1, g: 2, b: 3 }, 'png');
    const error = await rejection(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX.1.1-pro', images: [inputImage(png)] })));
    expect(error.kind).toBe('rejected');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads an answer that carries URLs instead of base64 (a base URL proxy that ignores response_format)', async () => {
    scriptedBody = { id: 'x', model: 'Qwen/Qwen-Image', object: 'list', data: [{ index: 0, url: `${fake.url}/files/img0.png`, type: 'url' }] };
    const result = await provider().generate(makeCall({ upstreamModel: 'Qwen/Qwen-Image' }));
    expect(result.images.map((image) => image.format)).toEqual(['png']);
  });

  describe('errors', () => {
    it('401 with a wrong key -> auth, with Together\'s message', async () => {
      const error = await rejection(provider({ apiKey: 'wrong' }).generate(makeCall({ upstreamModel: 'Qwen/Qwen-Image' })));
      expect(error).toMatchObject({ kind: 'auth', status: 401, message: ERRORS.invalid_api_key!.body.error.message });
    });

    const cases: Array<[string, string]> = [
      ['payment_required', 'quota'],
      ['rate_limit', 'rate_limited'],
      ['nsfw', 'content_policy'],
      ['model_not_found', 'rejected'],
      ['server_error', 'server_error'],
      ['overloaded', 'overloaded'],
    ];
    it.each(cases)('%s -> %s', async (name, kind) => {
      scripted = name;
      const error = await rejection(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX.1.1-pro' })));
      expect(error).toMatchObject({ kind, status: ERRORS[name]!.status, message: ERRORS[name]!.body.error.message });
      if (name === 'rate_limit') expect(error.retryAfter).toBe(7);
    });

    it('a request outside the contract -> rejected with the upstream message', async () => {
      // A seed past what the API takes (it documents no range; the fake keeps to safe integers).
      const error = await rejection(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/FLUX.1-kontext-pro', fields: { seed: 1.5e300 } })));
      expect(error.kind).toBe('rejected');
      expect(error.message).toMatch(/Invalid 'seed'/);
    });

    it('a 200 without images -> bad_response', async () => {
      scriptedBody = { id: 'x', model: 'Qwen/Qwen-Image', object: 'list', data: [] };
      expect((await rejection(provider().generate(makeCall({ upstreamModel: 'Qwen/Qwen-Image' })))).kind).toBe('bad_response');
    });
  });

  it('is available only with an API key', () => {
    expect(provider().isAvailable()).toBe(true);
    expect(provider({ apiKey: undefined }).isAvailable()).toBe(false);
  });

  it('declares a catalog of priced, well-formed models', () => {
    expect(togetherModule).toMatchObject({ id: 'together', envPrefix: 'TOGETHER', defaultBaseUrl: 'https://api.together.xyz/v1' });
    const ids = togetherModule.models.map((m) => m.model.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { model, offer } of togetherModule.models) {
      expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(offer.priceSource?.trim()).toBeTruthy();
      expect(offer.priceSource).toMatch(/read 2026-11-21/);
      expect(MODEL_RULES[offer.upstreamModel], offer.upstreamModel).toBeDefined();
      expect(CATALOG).toContain(offer.upstreamModel);
      for (const amount of priceAmounts(offer.price!)) expect(Number.isInteger(amount) && amount >= 0, `${model.id}: ${amount}`).toBe(true);
      const caps = offer.capabilities;
      expect(caps.sizes).toEqual({ kind: 'list', sizes: STANDARD_SIZES });
      expect(STANDARD_SIZES).toContain(caps.defaultSize);
      // Every size offered passes the fake's documented limits.
      for (const size of STANDARD_SIZES) for (const side of size.split('x').map(Number)) expect(dimension.safeParse(side).success).toBe(true);
      expect(caps.edit).toBe(KONTEXT.includes(offer.upstreamModel));
      expect(caps.extras).toContain('seed');
    }
    expect(ids.sort()).toEqual([
      'black-forest-labs/flux-1.1-pro', 'black-forest-labs/flux-2-dev', 'black-forest-labs/flux-2-flex', 'black-forest-labs/flux-2-max',
      'black-forest-labs/flux-kontext-max', 'black-forest-labs/flux-kontext-pro', 'bytedance/seedream-3', 'bytedance/seedream-4', 'qwen/qwen-image',
      'stability/sdxl',
    ]);
  });

  it('prices per megapixel of the size asked for', () => {
    const price = togetherModule.models.find((m) => m.model.id === 'black-forest-labs/flux-kontext-max')!.offer.price!;
    const request = makeCall({ upstreamModel: 'black-forest-labs/FLUX.1-kontext-max', fields: { n: 2 } }).request;
    const size = { width: 1024, height: 1024 };
    // 1.048576 MP x $0.08, per image.
    expect(actualCost(price, request, size, 1, undefined, { marginPercent: 0 })).toBe(83_887);
    expect(estimateMaxCost(price, request, size, { marginPercent: 0 })).toBe(167_773);
  });

  // Costs about $0.006 (Qwen-Image at one megapixel). Runs only where the real key is set.
  it.runIf(process.env.TOGETHER_API_KEY)('live: Qwen-Image makes one image', async () => {
    const live = togetherModule.create({
      apiKey: process.env.TOGETHER_API_KEY, baseUrl: process.env.TOGETHER_BASE_URL ?? togetherModule.defaultBaseUrl, maxDownloadBytes: 50 * 1024 * 1024, pollIntervalMs: 1000,
    });
    const call = makeCall({ upstreamModel: 'Qwen/Qwen-Image', fields: { prompt: 'a small red circle on white', seed: 1 }, signal: AbortSignal.timeout(120_000) });
    const result = await live.generate(call);
    expect(result.images).toHaveLength(1);
    expect((await sharp(result.images[0]!.bytes).metadata()).width).toBeGreaterThan(0);
  }, 150_000);
});

