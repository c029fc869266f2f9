import { readFileSync } from 'node:fs';
import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actualCost, estimateMaxCost } from '../../src/billing/pricing.js';
import { UpstreamError } from '../../src/providers/errors.js';
import { xaiModule } from '../../src/providers/xai/index.js';
import { MODEL_SPECS, specFor, xaiRequest } from '../../src/providers/xai/params.js';
import { sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';
import { priceAmounts } from '../helpers/prices.js';

/**
 * The xAI adapter against a fake image API that enforces the documented contract
 * (https://docs.x.ai/developers/model-capabilities/images/generation and the REST reference): POST,
 * path, Bearer key, JSON bodies with the documented fields and values, unknown fields refused the
 * way xAI refuses `size` ("Argument not supported"). It answers with the documented bodies
 * (test/fixtures/providers/xai, each with its `_source`).
 */

const fixture = (name: string) => {
  const { _source, ...body } = JSON.parse(readFileSync(new URL(`../fixtures/providers/xai/${name}.json`, import.meta.url), 'utf8'));
  return body as Record<string, any>;
};
const GENERATION = fixture('generation');
const ERRORS = fixture('errors') as Record<string, { status: number; body: any }>;

// --- The fake xAI image API ----------------------------------------------------------------------

const KEY = testSettings('').apiKey!;
const RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9', '2:3', '3:2', '9:19.5', '19.5:9', '9:20', '20:9', '1:2', '2:1', 'auto'] as const;
/** Per model: the resolutions and qualities it takes, and its price per output image in ticks (1 USD = 10^10). */
const MODELS: Record<string, { resolutions: string[]; qualities: string[]; ticks: number }> = {
  'grok-imagine-image': { resolutions: ['1k', '2k'], qualities: [], ticks: 200_000_000 },
  'grok-imagine-image-quality': { resolutions: ['1k', '2k'], qualities: [], ticks: 500_000_000 },
  'grok-imagine-image-2.0': { resolutions: ['1k', '1.5k', '2k'], qualities: ['low', 'medium'], ticks: 400_000_000 },
};

const imageRef = z.strictObject({ url: z.string().regex(/^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/, 'url must be https or a png/jpeg/webp data URI') });
const common = {
  model: z.string(),
  prompt: z.string().min(1),
  n: z.number().int().min(1).max(10).optional(),
  response_format: z.enum(['url', 'b64_json']).optional(),
  aspect_ratio: z.enum(RATIOS).optional(),
  resolution: z.string().optional(),
  quality: z.string().optional(),
  user: z.string().optional(),
};
const SCHEMAS = {
  generations: z.strictObject(common),
  // One source image as `image`, or up to 3 as `images`: never both.
  edits: z.strictObject({ ...common, image: imageRef.optional(), images: z.array(imageRef).min(1).max(3).optional() })
    .refine((b) => (b.image === undefined) !== (b.images === undefined), 'provide either image or images'),
};

class Violation extends Error {}

async function checkBody(endpoint: keyof typeof SCHEMAS, body: any) {
  const parsed = SCHEMAS[endpoint].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Violation(issue.code === 'unrecognized_keys' ? `Argument not supported: ${issue.keys[0]}` : `${issue.path.join('.')}: ${issue.message}`);
  }
  const model = MODELS[body.model]!;
  if (body.resolution !== undefined && !model.resolutions.includes(body.resolution)) throw new Violation(`resolution ${body.resolution} is not supported by ${body.model}`);
  if (body.quality !== undefined && !model.qualities.includes(body.quality)) throw new Violation(`Argument not supported: quality=${body.quality}`);
  for (const ref of body.images ?? (body.image ? [body.image] : [])) {
    const data = /^data:image\/[a-z]+;base64,(.+)$/.exec(ref.url)?.[1];
    const meta = data ? await sharp(Buffer.from(data, 'base64')).metadata().catch(() => null) : null;
    if (!meta) throw new Violation('image url is not a readable image');
  }
}

type Answer = (req: RecordedRequest, res: http.ServerResponse) => unknown;
let answer: Answer;
/** The JPEGs the fake served last, to compare with what the adapter decoded. */
let served: Buffer[] = [];
const COLORS = [{ r: 220, g: 20, b: 20 }, { r: 20, g: 160, b: 60 }, { r: 30, g: 60, b: 220 }];

async function documentedAnswer(req: RecordedRequest, res: http.ServerResponse) {
  const n = req.json.n ?? 1;
  served = await Promise.all(Array.from({ length: n }, (_, i) => solidImage(16, 16, COLORS[i % COLORS.length]!, 'jpeg')));
  const item = GENERATION.data[0];
  sendJson(res, 200, {
    ...GENERATION,
    data: served.map((jpeg) => ({ ...item, b64_json: `data:image/jpeg;base64,${jpeg.toString('base64')}` })),
    usage: { cost_in_usd_ticks: n * MODELS[req.json.model]!.ticks },
  });
}

async function contract(req: RecordedRequest, res: http.ServerResponse) {
  const endpoint = ({ '/v1/images/generations': 'generations', '/v1/images/edits': 'edits' } as const)[req.path];
  if (req.method !== 'POST' || !endpoint) return sendJson(res, 404, { code: 'Some requested entity was not found', error: `No route for ${req.method} ${req.path}` });
  if (!req.headers.authorization) return sendJson(res, 401, { code: 'The request does not have valid authentication credentials', error: 'No authorization header' });
  if (req.headers.authorization !== `Bearer ${KEY}`) return sendJson(res, ERRORS.invalid_api_key!.status, ERRORS.invalid_api_key!.body);
  if (!/^application\/json/.test(req.headers['content-type'] ?? '') || !req.json) return sendJson(res, 415, { code: 'Client specified an invalid argument', error: 'the body must be JSON' });
  if (!MODELS[req.json.model]) return sendJson(res, ERRORS.model_not_found!.status, ERRORS.model_not_found!.body);
  try {
    await checkBody(endpoint, req.json);
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    return sendJson(res, 400, { code: 'Client specified an invalid argument', error: error.message });
  }
  return answer(req, res);
}

// --- Tests ---------------------------------------------------------------------------------------

let fake: FakeUpstream;
let base: string;

beforeAll(async () => {
  fake = await startFakeUpstream(contract);
  base = `${fake.url}/v1`;
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  answer = documentedAnswer;
});

const provider = (overrides = {}) => xaiModule.create(testSettings(base, overrides));
const lastRequest = () => fake.requests.at(-1)!;
const offer = (upstream: string) => xaiModule.models.find((m) => m.offer.upstreamModel === upstream)!.offer;

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('xai: generations', () => {
  it('text-to-image sends exactly the documented body and decodes every image, with the billed cost', async () => {
    const call = makeCall({ upstreamModel: 'grok-imagine-image', fields: { prompt: 'a red fox', n: 2, size: '1536x1024', user: 'user-42' } });
    const result = await provider().generate(call);

    expect(fake.requests).toHaveLength(1);
    expect(lastRequest().path).toBe('/v1/images/generations');
    expect(lastRequest().headers.authorization).toBe(`Bearer ${KEY}`);
    expect(lastRequest().json).toEqual({ model: 'grok-imagine-image', prompt: 'a red fox', n: 2, response_format: 'b64_json', aspect_ratio: '3:2', resolution: '1k', user: 'user-42' });
    expect(call.warnings).toEqual([]);
    expect(result.images.map((i) => i.format)).toEqual(['jpeg', 'jpeg']);
    expect(result.images.map((i) => i.bytes)).toEqual(served);
    expect(result.images[0]!.revisedPrompt).toBe(GENERATION.data[0].revised_prompt);
    // 2 x 200,000,000 ticks = $0.04.
    expect(result.usage).toEqual({ costMicros: 40_000 });
  });

  it('plain base64 (no data URI prefix) decodes too; a URL answer is downloaded', async () => {
    const jpeg = await solidImage(8, 8, { r: 1, g: 2, b: 3 }, 'jpeg');
    answer = (_req, res) => sendJson(res, 200, { data: [{ b64_json: jpeg.toString('base64') }] });
    const plain = await provider().generate(makeCall({ upstreamModel: 'grok-imagine-image' }));
    expect(plain.images[0]!.bytes.equals(jpeg)).toBe(true);
    expect(plain.usage).toBeUndefined();

    const viaUrl = xaiModule.create(testSettings(base));
    const fileServer = await startFakeUpstream((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(jpeg.length) }).end(jpeg));
    try {
      answer = (_req, res) => sendJson(res, 200, { data: [{ url: `${fileServer.url}/image.jpeg` }] });
      const downloaded = await viaUrl.generate(makeCall({ upstreamModel: 'grok-imagine-image' }));
      expect(downloaded.images[0]!.bytes.equals(jpeg)).toBe(true);
    } finally {
      await fileServer.close();
    }
  });

  it('maps sizes to the nearest ratio and resolution, and warns about what it changed or dropped', async () => {
    const png = await solidImage(8, 8, { r: 0, g: 0, b: 0 });
    const call = makeCall({
      upstreamModel: 'grok-imagine-image',
      fields: { size: '1000x700', quality: 'high', background: 'transparent', seed: 7, style: 'vivid' },
      mask: inputImage(png, 'mask', 8, 8),
      n: 12,
    });
    await provider().generate(call);
    expect(lastRequest().json).toEqual({ model: 'grok-imagine-image', prompt: 'a red fox', n: 10, response_format: 'b64_json', aspect_ratio: '3:2', resolution: '1k' });
    expect(call.warnings).toEqual([
      'mask is not supported by grok-imagine-image (it edits from the prompt alone); ignored',
      'quality is not supported by grok-imagine-image; ignored',
      'background transparent is not supported by grok-imagine-image; ignored',
      'n=12 mapped to 10, the most grok-imagine-image makes per request',
      'size 1000x700 mapped to aspect_ratio 3:2',
      "extra 'seed' is not supported by grok-imagine-image; not sent",
      "extra 'style' is not supported by grok-imagine-image; not sent",
    ]);

    // 1536x1536 is a 1.5k image: grok-imagine-image makes 1k or 2k, Grok Imagine Image 2.0 makes it.
    const big = makeCall({ upstreamModel: 'grok-imagine-image', fields: { size: '1536x1536' } });
    await provider().generate(big);
    expect(lastRequest().json.resolution).toBe('2k');
    expect(big.warnings).toEqual(['size 1536x1536 mapped to the 2k resolution, the nearest grok-imagine-image makes']);
    const v2 = makeCall({ upstreamModel: 'grok-imagine-image-2.0', fields: { size: '1536x1536', quality: 'high' } });
    await provider().generate(v2);
    expect(lastRequest().json).toEqual({ model: 'grok-imagine-image-2.0', prompt: 'a red fox', n: 1, response_format: 'b64_json', aspect_ratio: '1:1', resolution: '1.5k', quality: 'medium' });
    expect(v2.warnings).toEqual(["grok-imagine-image-2.0 has no 'high' quality; used 'medium'"]);

    // size auto sends no ratio (xAI's default); with the offer's real capabilities the router reports quality itself.
    const routed = makeCall({ upstreamModel: 'grok-imagine-image', fields: { quality: 'low' }, capabilities: offer('grok-imagine-image').capabilities });
    await provider().generate(routed);
    expect(lastRequest().json).toEqual({ model: 'grok-imagine-image', prompt: 'a red fox', n: 1, response_format: 'b64_json', resolution: '1k' });
    expect(routed.warnings).toEqual([]);
  });
});

describe('xai: edits', () => {
  it('one input image goes as image.url (a data URI); the output keeps its ratio, so none is sent', async () => {
    const png = await solidImage(48, 32, { r: 250, g: 0, b: 0 }, 'png');
    const call = makeCall({ upstreamModel: 'grok-imagine-image-quality', fields: { prompt: 'make it blue', size: '2048x2048' }, images: [inputImage(png, 'image[0]', 48, 32)] });
    const result = await provider().generate(call);

    expect(lastRequest().path).toBe('/v1/images/edits');
    expect(lastRequest().json).toEqual({
      model: 'grok-imagine-image-quality', prompt: 'make it blue', n: 1, response_format: 'b64_json', resolution: '2k',
      image: { url: `data:image/png;base64,${png.toString('base64')}` },
    });
    expect(call.warnings).toEqual(["grok-imagine-image-quality keeps the input image's aspect ratio when editing one image; size 2048x2048 sets only the resolution"]);
    expect(result.images).toHaveLength(1);
    expect(result.usage).toEqual({ costMicros: 50_000 });
  });

  it('several input images go as images[] with the ratio; formats xAI does not read become PNG', async () => {
    const jpeg = await solidImage(32, 32, { r: 0, g: 200, b: 0 }, 'jpeg');
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).gif().toBuffer();
    const call = makeCall({
      upstreamModel: 'grok-imagine-image',
      fields: { prompt: 'put <IMAGE_0> next to <IMAGE_1>', size: '1920x1080' },
      images: [inputImage(jpeg, 'image[0]', 32, 32, 'jpeg'), inputImage(gif, 'image[1]', 8, 8, 'gif')],
    });
    await provider().generate(call);
    const body = lastRequest().json;
    expect(lastRequest().path).toBe('/v1/images/edits');
    expect(body.aspect_ratio).toBe('16:9');
    expect(body.image).toBeUndefined();
    expect(body.images[0]).toEqual({ url: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
    expect(body.images[1].url).toMatch(/^data:image\/png;base64,/);
    expect((await sharp(Buffer.from(body.images[1].url.split(',')[1], 'base64')).metadata()).format).toBe('png');
    expect(call.warnings).toEqual(['size 1920x1080 mapped to the 1k resolution, the nearest grok-imagine-image makes']);
  });

  it('refuses more than 3 input images before calling', async () => {
    const png = await solidImage(8, 8, { r: 1, g: 1, b: 1 });
    const error = await failure(provider().generate(makeCall({ upstreamModel: 'grok-imagine-image', images: [1, 2, 3, 4].map((i) => inputImage(png, `image[${i}]`, 8, 8)) })));
    expect(error.kind).toBe('rejected');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('xai: errors', () => {
  it('a wrong key is xAI\'s 400 "Incorrect API key provided" -> auth', async () => {
    const error = await failure(provider({ apiKey: 'wrong-key' }).generate(makeCall({ upstreamModel: 'grok-imagine-image' })));
    expect(error).toMatchObject({ kind: 'auth', status: 400 });
    expect(error.message).toContain('Incorrect API key provided');
  });

  const cases: Array<[string, string]> = [
    ['no_credits', 'quota'],
    ['spending_limit', 'quota'],
    ['rate_limit', 'rate_limited'],
    ['moderation', 'content_policy'],
    ['unsupported_argument', 'rejected'],
    ['server_error', 'server_error'],
    ['unavailable', 'overloaded'],
  ];
  it.each(cases)('%s -> %s', async (name, kind) => {
    const { status, body } = ERRORS[name]!;
    answer = (_req, res) => sendJson(res, status, body);
    const error = await failure(provider().generate(makeCall({ upstreamModel: 'grok-imagine-image' })));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.message).toBe(body.error);
  });

  it('the fake refuses what xAI refuses: an unknown model (404), a field outside the reference (400)', async () => {
    const unknown = await failure(provider().generate(makeCall({ upstreamModel: 'grok-9-image' })));
    expect([unknown.kind, unknown.status]).toEqual(['rejected', 404]);
    const send = (body: Record<string, unknown>) =>
      fetch(`${base}/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'grok-imagine-image', prompt: 'x', ...body }) });
    const size = await send({ size: '1024x1024' });
    expect([size.status, (await size.json()).error]).toEqual([400, 'Argument not supported: size']);
    expect((await send({ resolution: '1.5k' })).status).toBe(400);
    expect((await send({ quality: 'high' })).status).toBe(400);
  });

  it('a 200 without images is bad_response; one with a block_reason is content_policy', async () => {
    answer = (_req, res) => sendJson(res, 200, { data: [], usage: { cost_in_usd_ticks: 0 } });
    expect((await failure(provider().generate(makeCall({ upstreamModel: 'grok-imagine-image' })))).kind).toBe('bad_response');
    answer = (_req, res) => sendJson(res, 200, { block_reason: 'moderation', data: [] });
    expect((await failure(provider().generate(makeCall({ upstreamModel: 'grok-imagine-image' })))).kind).toBe('content_policy');
    answer = (_req, res) => sendJson(res, 200, { data: [{ b64_json: Buffer.from('not an image').toString('base64') }] });
    expect((await failure(provider().generate(makeCall({ upstreamModel: 'grok-imagine-image' })))).kind).toBe('bad_response');
  });
});

describe('xai: module and catalog', () => {
  it('is available only with an API key, and reads XAI_*', () => {
    expect(provider().isAvailable()).toBe(true);
    expect(provider({ apiKey: undefined }).isAvailable()).toBe(false);
    expect(xaiModule).toMatchObject({ id: 'xai', envPrefix: 'XAI', defaultBaseUrl: 'https://api.x.ai/v1' });
  });

  it('declares well-formed, priced models that match the fake and list only sizes they make as listed', async () => {
    const ids = xaiModule.models.map((m) => m.model.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(xaiModule.models.map((m) => m.offer.upstreamModel).sort()).toEqual(Object.keys(MODELS).sort());
    for (const { model, offer: o } of xaiModule.models) {
      expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(model.id.startsWith('xai/')).toBe(true);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(o.priceSource?.trim()).toMatch(/read 2026-11-21/);
      for (const amount of priceAmounts(o.price!)) expect(Number.isInteger(amount) && amount >= 0, `${model.id}: ${amount}`).toBe(true);
      expect(MODEL_SPECS[o.upstreamModel]?.resolutions).toEqual(MODELS[o.upstreamModel]!.resolutions);
      expect(o.capabilities.quality).toBe(MODELS[o.upstreamModel]!.qualities.length > 0);
      for (const size of o.capabilities.listedSizes.filter((s) => s !== 'auto')) {
        const call = makeCall({ upstreamModel: o.upstreamModel, fields: { size }, capabilities: o.capabilities });
        await xaiRequest(call);
        expect(call.warnings, `${o.upstreamModel} ${size}`).toEqual([]);
      }
    }
    expect(specFor('grok-imagine-image-2026-03-02')).toBe(MODEL_SPECS['grok-imagine-image']);
  });

  it('charges what xAI reports, never above the ceiling', () => {
    const price = offer('grok-imagine-image').price!;
    const call = makeCall({ upstreamModel: 'grok-imagine-image', n: 2 });
    const policy = { marginPercent: 0 };
    expect(actualCost(price, call.request, call.size, 1, { costMicros: 20_000 }, policy)).toBe(20_000);
    expect(actualCost(price, call.request, call.size, 1, { costMicros: 10_000_000 }, policy)).toBe(80_000);
    expect(estimateMaxCost(price, { ...call.request, n: 2 }, call.size, policy)).toBe(160_000);
  });
});

describe('xai: live', () => {
  // Costs about $0.02: one 1k image. Runs only where the real key is set.
  it.runIf(process.env.XAI_API_KEY)('grok-imagine-image makes one image', { timeout: 150_000 }, async () => {
    const live = xaiModule.create({ apiKey: process.env.XAI_API_KEY, baseUrl: process.env.XAI_BASE_URL ?? xaiModule.defaultBaseUrl, maxDownloadBytes: 50 * 1024 * 1024, pollIntervalMs: 1000 });
    const result = await live.generate(makeCall({ upstreamModel: 'grok-imagine-image', fields: { prompt: 'a small red circle on white', size: '1024x1024' }, signal: AbortSignal.timeout(120_000) }));
    expect(result.images).toHaveLength(1);
    expect(result.usage?.costMicros).toBeGreaterThan(0);
  });
});

