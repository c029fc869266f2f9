import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actualCost } from '../../src/billing/pricing.js';
import { Catalog } from '../../src/catalog/catalog.js';
import type { ModelEntry } from '../../src/catalog/types.js';
import { GoogleProvider, googleModule } from '../../src/providers/google/index.js';
import { imagenModels, models } from '../../src/providers/google/models.js';
import { geminiBody, imagenBody, specFor, UPSTREAM_SPECS } from '../../src/providers/google/params.js';
import { sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, rejection, testSettings } from '../helpers/providerCall.js';
import {
  acceptsBody, expectFoxResult, expectImagenFoxResult, expectListedSizesFit, expectLiveImage, FOURTEEN_RATIOS, FOX_BODY, foxCall, IMAGEN_IDS,
  imagenFoxCall, knowsModel, panoramaBody, panoramaCall, readFixture, referenceJpeg, TEN_RATIOS, withImages, type GoogleService,
} from './geminiShared.js';

/**
 * The Google adapter against a fake Gemini API that enforces the documented contract (method, path
 * with the model, `x-goog-api-key`, body fields and types, unknown fields refused) and answers with
 * the docs' bodies (test/fixtures/providers/google, each with its `_source`).
 */

const fixture = (name: string) => readFixture('google', name);

// --- The fake Gemini API (its body contract is in geminiShared.ts) -------------------------------

const KEY = testSettings('').apiKey!;
// Per model page (ai.google.dev/gemini-api/docs/models/...): Nano Banana 2.1 takes 14 ratios and
// 1K/2K/4K ("512" is refused), Nano Banana 2 Lite 10 ratios and 1K only. An empty list: no imageSize field.
const GEMINI_MODELS: Record<string, { ratios: string[]; imageSizes: string[] }> = {
  'gemini-nano-banana-2.1': { ratios: FOURTEEN_RATIOS, imageSizes: ['1K', '2K', '4K'] },
  'gemini-3.1-flash-lite-image': { ratios: TEN_RATIOS, imageSizes: ['1K'] },
  'gemini-2.5-flash-image': { ratios: TEN_RATIOS, imageSizes: [] },
  'gemini-3-pro-image': { ratios: TEN_RATIOS, imageSizes: ['1K', '2K', '4K'] },
};
const IMAGEN_MODELS: Record<string, { imageSizes: string[] }> = {
  'imagen-4.0-generate-001': { imageSizes: ['1K', '2K'] },
  'imagen-4.0-ultra-generate-001': { imageSizes: ['1K', '2K'] },
  'imagen-4.0-fast-generate-001': { imageSizes: [] },
};
const GEMINI_API: GoogleService = {
  gemini: GEMINI_MODELS,
  imagen: IMAGEN_MODELS,
  inputMimeTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'],
  imagenSizeField: 'imageSize',
};

type Answer = (req: RecordedRequest, res: http.ServerResponse) => void;
let answer: Answer;

function contract(req: RecordedRequest, res: http.ServerResponse) {
  const match = /^\/v1beta\/models\/([^/:]+):(generateContent|predict)$/.exec(req.path);
  const model = match?.[1] ?? '';
  if (req.method !== 'POST' || !match || !knowsModel(GEMINI_API, match[2]!, model)) return sendJson(res, 404, fixture('error-not-found'));
  if (req.headers['x-goog-api-key'] !== KEY) return sendJson(res, 400, fixture('error-api-key-invalid'));
  if (acceptsBody(GEMINI_API, match[2]!, model, req, res)) answer(req, res);
}

// --- Tests ---------------------------------------------------------------------------------------

let fake: FakeUpstream;
let provider: GoogleProvider;
let red: Buffer;
let blue: Buffer;
let green: Buffer;

beforeAll(async () => {
  [red, blue, green] = await Promise.all([solidImage(32, 32, { r: 255, g: 0, b: 0 }), solidImage(32, 32, { r: 0, g: 0, b: 255 }), solidImage(32, 32, { r: 0, g: 255, b: 0 })]);
  fake = await startFakeUpstream(contract);
  provider = new GoogleProvider(testSettings(`${fake.url}/v1beta`));
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  answer = (_req, res) => sendJson(res, 200, withImages('generate-content-image', { PNG: red }));
});

const byId = (id: string) => models.find((m) => m.model.id === id)!;

describe('google: Gemini image models (generateContent)', () => {
  it('text-to-image sends exactly the documented body and decodes the image', async () => {
    const call = foxCall();
    const result = await provider.generate(call);

    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req!.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(req!.headers['x-goog-api-key']).toBe('test-upstream-key');
    expect(req!.json).toEqual(FOX_BODY);
    await expectFoxResult(call, result, red);
  });

  it('image-to-image sends the inputs as inline_data parts and keeps only the final (non-thought) image', async () => {
    answer = (_req, res) => sendJson(res, 200, withImages('generate-content-thinking', { THOUGHT_PNG: blue, PNG: green }));
    const jpeg = await referenceJpeg();
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).gif().toBuffer();
    const call = makeCall({
      upstreamModel: 'gemini-3-pro-image',
      fields: { prompt: 'put the fox from the first image in the second', size: '1536x1024' },
      images: [inputImage(red, 'image[0]', 32, 32, 'png'), inputImage(jpeg, 'image[1]', 48, 32, 'jpeg'), inputImage(gif, 'image[2]', 8, 8, 'gif')],
    });
    const result = await provider.generate(call);

    const body = fake.requests[0]!.json;
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-3-pro-image:generateContent');
    expect(body.generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2', imageSize: '1K' } });
    const parts = body.contents[0].parts;
    expect(parts[0]).toEqual({ text: 'put the fox from the first image in the second' });
    expect(parts[1]).toEqual({ inline_data: { mime_type: 'image/png', data: red.toString('base64') } });
    expect(parts[2]).toEqual({ inline_data: { mime_type: 'image/jpeg', data: jpeg.toString('base64') } });
    // GIF is not an input type Gemini reads: it goes as PNG.
    expect(parts[3].inline_data.mime_type).toBe('image/png');
    expect((await sharp(Buffer.from(parts[3].inline_data.data, 'base64')).metadata()).format).toBe('png');
    expect(call.warnings).toEqual([]);

    expect(result.images).toHaveLength(1);
    expect(await pixelAt(result.images[0]!.bytes, 1, 1)).toEqual({ r: 0, g: 255, b: 0 });
    expect(result.usage).toEqual({ inputTokens: 12, imageInputTokens: 2240, outputTokens: 1120 });
  });

  it('Nano Banana 2.1: the exact body for a wide 2K image with a seed, a reference image inline', async () => {
    const jpeg = await referenceJpeg();
    const call = panoramaCall('gemini-nano-banana-2.1', jpeg);
    const result = await provider.generate(call);

    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-nano-banana-2.1:generateContent');
    expect(fake.requests[0]!.json).toEqual(panoramaBody(jpeg));
    expect(call.warnings).toEqual([]);
    expect(result.images).toHaveLength(1);
    expect(result.usage).toEqual({ inputTokens: 9, imageInputTokens: 0, outputTokens: 1290 });

    // 4K goes as 4K; a ratio between two listed ones goes to the nearest, with a warning.
    const big = makeCall({ upstreamModel: 'gemini-nano-banana-2.1', fields: { size: '4096x4096' } });
    await provider.generate(big);
    expect(fake.requests[1]!.json.generationConfig.imageConfig).toEqual({ aspectRatio: '1:1', imageSize: '4K' });
    expect(big.warnings).toEqual([]);
    const tall = makeCall({ upstreamModel: 'gemini-nano-banana-2.1', fields: { size: '512x3072' } });
    await provider.generate(tall);
    expect(fake.requests[2]!.json.generationConfig.imageConfig).toEqual({ aspectRatio: '1:8', imageSize: '1K' });
    expect(tall.warnings).toEqual(['size 512x3072 mapped to aspectRatio 1:8']);
  });

  it('Nano Banana 2 Lite: 1K only, so no imageSize is sent and a larger size is reported', async () => {
    const call = makeCall({ upstreamModel: 'gemini-3.1-flash-lite-image', fields: { prompt: 'a sticker of a fox', size: '2048x1152' } });
    await provider.generate(call);
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-3.1-flash-lite-image:generateContent');
    expect(fake.requests[0]!.json).toEqual({
      contents: [{ parts: [{ text: 'a sticker of a fox' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9' } },
    });
    expect(call.warnings).toEqual(['size 2048x1152 mapped to the 1K resolution, the nearest gemini-3.1-flash-lite-image makes']);

    // A ratio only Nano Banana 2.1 has is not sent to Lite: 4:1 becomes 21:9.
    const wide = makeCall({ upstreamModel: 'gemini-3.1-flash-lite-image', fields: { size: '1024x256' } });
    await provider.generate(wide);
    expect(fake.requests[1]!.json.generationConfig.imageConfig).toEqual({ aspectRatio: '21:9' });
  });

  it('maps sizes to the nearest ratio and resolution, and reports what it changed', async () => {
    const call = makeCall({ upstreamModel: 'gemini-3-pro-image', fields: { size: '1000x700' } });
    await provider.generate(call);
    expect(fake.requests[0]!.json.generationConfig.imageConfig).toEqual({ aspectRatio: '3:2', imageSize: '1K' });
    expect(call.warnings).toEqual(['size 1000x700 mapped to aspectRatio 3:2']);

    const big = makeCall({ upstreamModel: 'gemini-3-pro-image', fields: { size: '4096x4096' } });
    await provider.generate(big);
    expect(fake.requests[1]!.json.generationConfig.imageConfig).toEqual({ aspectRatio: '1:1', imageSize: '4K' });
    expect(big.warnings).toEqual([]);

    // size auto sends no ratio: the model matches its input image, or makes a square.
    const auto = makeCall({ upstreamModel: 'gemini-2.5-flash-image' });
    await provider.generate(auto);
    expect(fake.requests[2]!.json.generationConfig).toEqual({ responseModalities: ['IMAGE'] });
    expect(auto.warnings).toEqual([]);
  });

  it('warns about quality, mask, n, a size too large and unknown extras, and sends the supported extra', async () => {
    const call = makeCall({
      upstreamModel: 'gemini-2.5-flash-image',
      fields: { size: '2048x2048', quality: 'high', n: 2, seed: '42', negative_prompt: 'blur', style: 'vivid' },
      images: [inputImage(red)],
      mask: inputImage(blue, 'mask'),
    });
    const result = await provider.generate(call);
    expect(fake.requests[0]!.json.generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1' }, seed: 42 });
    expect(fake.requests[0]!.json.contents[0].parts).toHaveLength(2); // the prompt and the image, not the mask
    expect(call.warnings).toEqual([
      'n=2 but gemini-2.5-flash-image makes one image per call; asked for 1',
      'mask is not supported by gemini-2.5-flash-image (it edits from the prompt alone); ignored',
      'quality is not supported by gemini-2.5-flash-image; ignored',
      'size 2048x2048 mapped to the 1K resolution, the nearest gemini-2.5-flash-image makes',
      "extra 'negative_prompt' is not supported by gemini-2.5-flash-image; not sent",
      "extra 'style' is not supported by gemini-2.5-flash-image; not sent",
    ]);
    expect(result.images).toHaveLength(1);

    // With the offer's real capabilities the router reports quality itself; the adapter does not repeat it.
    const routed = makeCall({ upstreamModel: 'gemini-2.5-flash-image', fields: { quality: 'high' }, capabilities: byId('google/gemini-2.5-flash-image').offer.capabilities });
    await provider.generate(routed);
    expect(routed.warnings).toEqual([]);

    const badSeed = makeCall({ upstreamModel: 'gemini-2.5-flash-image', fields: { seed: 'random' } });
    await provider.generate(badSeed);
    expect(fake.requests[2]!.json.generationConfig).toEqual({ responseModalities: ['IMAGE'] });
    expect(badSeed.warnings).toEqual(["extra 'seed' must be an integer; not sent"]);
  });
});

describe('google: Imagen (predict)', () => {
  it('sends sampleCount and the mapped aspect ratio, decodes the images and reports filtered ones', async () => {
    answer = (_req, res) => sendJson(res, 200, withImages('predict-images', { PNG: red, PNG2: green }));
    const call = imagenFoxCall();
    const result = await provider.generate(call);

    expect(fake.requests[0]!.path).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
    expect(fake.requests[0]!.headers['x-goog-api-key']).toBe('test-upstream-key');
    expect(fake.requests[0]!.json).toEqual({
      instances: [{ prompt: 'a red fox' }],
      parameters: { sampleCount: 3, aspectRatio: '4:3', imageSize: '1K', personGeneration: 'allow_adult' },
    });
    expectImagenFoxResult(call, result, green);
  });

  it('maps n above 4 and leaves out what Imagen does not take', async () => {
    answer = (_req, res) => sendJson(res, 200, { predictions: Array.from({ length: 4 }, () => ({ bytesBase64Encoded: red.toString('base64'), mimeType: 'image/png' })) });
    const call = makeCall({ upstreamModel: 'imagen-4.0-fast-generate-001', n: 6, fields: { size: '2048x2048', seed: 7, person_generation: 'everyone' }, images: [inputImage(red)] });
    const result = await provider.generate(call);
    expect(fake.requests[0]!.json.parameters).toEqual({ sampleCount: 4, aspectRatio: '1:1' });
    expect(result.images).toHaveLength(4);
    expect(call.warnings).toEqual([
      'input images are not supported by imagen-4.0-fast-generate-001 (text-to-image only); ignored',
      'n=6 mapped to 4, the most imagen-4.0-fast-generate-001 makes per call',
      'size 2048x2048 mapped to the 1K resolution, the nearest imagen-4.0-fast-generate-001 makes',
      "extra 'seed' is not supported by imagen-4.0-fast-generate-001; not sent",
      "extra 'person_generation' must be one of dont_allow, allow_adult, allow_all; not sent",
    ]);
  });

  it('an answer whose every image was filtered is a content policy refusal', async () => {
    answer = (_req, res) => sendJson(res, 200, { predictions: [fixture('predict-images').predictions[2]] });
    const error = await rejection(provider.generate(makeCall({ upstreamModel: 'imagen-4.0-ultra-generate-001' })));
    expect(error.kind).toBe('content_policy');
  });
});

describe('google: errors', () => {
  const cases: Array<[string, number, string]> = [
    ['error-invalid-argument', 400, 'rejected'],
    ['error-api-key-invalid', 400, 'auth'],
    ['error-failed-precondition', 400, 'quota'],
    ['error-permission-denied', 403, 'auth'],
    ['error-resource-exhausted', 429, 'rate_limited'],
    ['error-unavailable', 503, 'overloaded'],
  ];
  for (const [name, status, kind] of cases) {
    it(`${status} ${fixture(name).error.status} (${name}) -> ${kind}`, async () => {
      answer = (_req, res) => sendJson(res, status, fixture(name));
      const error = await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })));
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(status);
      expect(error.message).toBe(fixture(name).error.message);
    });
  }

  it('a 200 stopped by IMAGE_SAFETY, or a blocked prompt, is content_policy', async () => {
    answer = (_req, res) => sendJson(res, 200, fixture('generate-content-image-safety'));
    expect((await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('content_policy');
    answer = (_req, res) => sendJson(res, 200, fixture('generate-content-prompt-blocked'));
    const blocked = await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })));
    expect(blocked.kind).toBe('content_policy');
    expect(blocked.message).toContain('PROHIBITED_CONTENT');
  });

  it('a 200 with no image part is bad_response, and says what the model said', async () => {
    answer = (_req, res) => sendJson(res, 200, fixture('generate-content-text-only'));
    const error = await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('a description of a red fox');
  });

  it('the fake refuses a wrong key and an unknown model the way Google does', async () => {
    const wrongKey = new GoogleProvider(testSettings(`${fake.url}/v1beta`, { apiKey: 'not-the-key' }));
    expect((await rejection(wrongKey.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image' })))).kind).toBe('auth');
    const unknown = await rejection(provider.generate(makeCall({ upstreamModel: 'gemini-1.0-image' })));
    expect([unknown.kind, unknown.status]).toEqual(['rejected', 404]);
  });
});

describe('google: module and catalog', () => {
  it('is available only with an API key, and reads GEMINI_*', () => {
    expect(new GoogleProvider(testSettings(fake.url, { apiKey: undefined })).isAvailable()).toBe(false);
    expect(new GoogleProvider(testSettings(fake.url, { apiKey: '' })).isAvailable()).toBe(false);
    expect(provider.isAvailable()).toBe(true);
    expect(googleModule).toMatchObject({ id: 'google', envPrefix: 'GEMINI', defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta' });
    expect(googleModule.create(testSettings(fake.url)).id).toBe('google');
  });

  it('declares the documented models, prices and capabilities', async () => {
    expect(googleModule.models).toBe(models);
    expect(models.map((m) => [m.model.id, m.offer.upstreamModel, m.model.aliases])).toEqual([
      ['google/gemini-nano-banana-2.1', 'gemini-nano-banana-2.1', ['nano-banana-2.1']],
      ['google/gemini-3.1-flash-lite-image', 'gemini-3.1-flash-lite-image', ['nano-banana-2-lite']],
      ['google/gemini-3-pro-image', 'gemini-3-pro-image', ['nano-banana-pro']],
      ['google/gemini-2.5-flash-image', 'gemini-2.5-flash-image', ['nano-banana']],
    ]);
    // Every Gemini model the fake knows is declared, with the fake's ratios; the deprecated one ranks last.
    expect(Object.keys(GEMINI_MODELS).sort()).toEqual(models.map((m) => m.offer.upstreamModel).sort());
    for (const { offer } of models) expect(offer.capabilities.sizes).toEqual({ kind: 'aspect', ratios: GEMINI_MODELS[offer.upstreamModel]!.ratios });
    expect(byId('google/gemini-2.5-flash-image').model.curatedRank).toBeGreaterThan(Math.max(...models.filter((m) => m.model.id !== 'google/gemini-2.5-flash-image').map((m) => m.model.curatedRank)));
    // Imagen is shut down on the Gemini API: declared, but not served.
    expect(imagenModels.map((m) => [m.model.id, m.offer.upstreamModel])).toEqual(IMAGEN_IDS);
    for (const { model, offer } of [...models, ...imagenModels]) {
      expect(model.curatedRank).toBeGreaterThanOrEqual(1);
      expect(model.curatedRank).toBeLessThanOrEqual(100);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(offer.priceSource).toMatch(/^https:\/\/ai\.google\.dev\/gemini-api\/docs\/pricing.*read \d{4}-\d{2}-\d{2}/);
      const micros = JSON.stringify(offer.price).match(/\d+/g)!.map(Number);
      expect(micros.every(Number.isSafeInteger)).toBe(true);
      const spec = UPSTREAM_SPECS[offer.upstreamModel]!;
      expect(spec).toBeDefined();
      expect(offer.capabilities.sizes).toEqual({ kind: 'aspect', ratios: spec.aspectRatios });
      expect(offer.capabilities.maxImagesPerCall).toBe(spec.api === 'predict' ? 4 : 1);
      await expectListedSizesFit(offer, (call) => (spec.api === 'predict' ? imagenBody(call, spec) : geminiBody(call, spec)));
    }
    expect(specFor('gemini-9-image').api).toBe('generateContent');
    expect(specFor('imagen-9').api).toBe('predict');
  });

  it('prices a Gemini answer from its reported tokens, never above the ceiling', () => {
    const entries: ModelEntry[] = models.map(({ model, offer }) => ({ ...model, aliases: model.aliases ?? [], providers: [{ provider: 'google', ...offer }] }));
    const catalog = new Catalog(entries, () => true);
    expect(catalog.resolve('nano-banana')!.id).toBe('google/gemini-2.5-flash-image');
    expect(catalog.present(catalog.resolve('nano-banana-pro')!).providers[0]!.pricing).toEqual({ type: 'post_generation', range: { min: 0, max: 0.29 } });

    const flash = byId('google/gemini-2.5-flash-image').offer.price!;
    const call = makeCall({ upstreamModel: 'gemini-2.5-flash-image' });
    // 9 prompt tokens at $0.30/M + 1,290 image tokens at $30/M = $0.0387027, rounded up to the micro-dollar.
    expect(actualCost(flash, call.request, call.size, 1, { inputTokens: 9, imageInputTokens: 0, outputTokens: 1290 }, { marginPercent: 0 })).toBe(38_703);
    expect(actualCost(flash, call.request, call.size, 1, { inputTokens: 0, imageInputTokens: 0, outputTokens: 10_000 }, { marginPercent: 0 })).toBe(51_000);

    // Nano Banana 2.1: $1.50/M in, $30/M out. 9 prompt tokens + one 1K image (1,120 tokens) = $0.0336135.
    const nb21 = byId('google/gemini-nano-banana-2.1').offer.price!;
    expect(actualCost(nb21, call.request, call.size, 1, { inputTokens: 9, imageInputTokens: 0, outputTokens: 1120 }, { marginPercent: 0 })).toBe(33_614);
    // A 4K image (3,780 tokens) with 14 reference images (1,120 each) and a long prompt stays under the ceiling.
    expect(actualCost(nb21, call.request, call.size, 1, { inputTokens: 8000, imageInputTokens: 14 * 1120, outputTokens: 3780 }, { marginPercent: 0 })).toBe(148_920);
    expect(catalog.present(catalog.resolve('nano-banana-2.1')!).providers[0]!.pricing).toEqual({ type: 'post_generation', range: { min: 0, max: 0.15 } });
    // Nano Banana 2 Lite: $0.25/M in, $30/M out; one 1K image with 9 prompt tokens.
    const lite = byId('google/gemini-3.1-flash-lite-image').offer.price!;
    expect(actualCost(lite, call.request, call.size, 1, { inputTokens: 9, imageInputTokens: 0, outputTokens: 1120 }, { marginPercent: 0 })).toBe(33_603);
  });
});

describe('google: live', () => {
  // Spends about $0.04 of the operator's credit; skipped unless GEMINI_API_KEY is set.
  it.runIf(process.env.GEMINI_API_KEY)('makes one real image', { timeout: 120_000 }, async () => {
    await expectLiveImage(new GoogleProvider({ apiKey: process.env.GEMINI_API_KEY, baseUrl: process.env.GEMINI_BASE_URL ?? googleModule.defaultBaseUrl, maxDownloadBytes: 20 * 1024 * 1024, pollIntervalMs: 1000 }));
  });
});
