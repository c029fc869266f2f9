import fs from 'node:fs';
import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actualCost } from '../../src/billing/pricing.js';
import { UpstreamError } from '../../src/providers/errors.js';
import { openaiModule } from '../../src/providers/openai/index.js';
import { MODEL_RULES, rulesFor } from '../../src/providers/openai/params.js';
import { parseMultipart, sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { rectMask, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, rejection, testSettings } from '../helpers/providerCall.js';
import { priceAmounts } from '../helpers/prices.js';

/**
 * The OpenAI adapter against a fake Image API that enforces the documented contract
 * (https://platform.openai.com/docs/api-reference/images): method, path, Bearer auth, JSON bodies
 * for generations and multipart bodies for edits, per-model fields and values. A request outside
 * the contract gets OpenAI's 400 and fails the test.
 */

const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`../fixtures/providers/openai/${name}.json`, import.meta.url), 'utf8'));
const GPT_ANSWER = fixture('generation-gpt-image');
const GPT_2_ANSWER = fixture('generation-gpt-image-2');
const DALL_E_3_ANSWER = fixture('generation-dall-e-3');
const ERRORS = fixture('errors') as Record<string, { status: number; body: any; headers?: Record<string, string> }>;

const KEY = 'test-upstream-key';
const GPT_IMAGE_2_MODELS = ['gpt-image-2', 'gpt-image-2.5-flare', 'gpt-image-2.5-sunburst', 'gpt-image-2.6-flare', 'gpt-image-2.6-sunburst'] as const;
const GPT_IMAGE_MODELS = ['gpt-image-1', 'gpt-image-1-mini', 'gpt-image-1.5', ...GPT_IMAGE_2_MODELS] as const;
const isGptImage = (model: unknown) => (GPT_IMAGE_MODELS as readonly unknown[]).includes(model);
const isGptImage2 = (model: unknown) => (GPT_IMAGE_2_MODELS as readonly unknown[]).includes(model);

/**
 * GPT Image 2 and later: any WIDTHxHEIGHT with both sides multiples of 16 and at most 3840, a ratio
 * within 1:3..3:1 and 655,360..8,294,400 pixels (API reference and image generation guide), or auto.
 */
function gptImage2Size(size: string): string | undefined {
  if (size === 'auto') return undefined;
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (!match) return `size must be WIDTHxHEIGHT or auto, got ${size}`;
  const [w, h] = [Number(match[1]), Number(match[2])];
  if (w % 16 !== 0 || h % 16 !== 0) return `width and height must be multiples of 16, got ${size}`;
  if (Math.max(w, h) > 3840) return `the longest edge must be at most 3840, got ${size}`;
  if (Math.max(w, h) / Math.min(w, h) > 3) return `the aspect ratio must be within 1:3 and 3:1, got ${size}`;
  if (w * h < 655_360 || w * h > 8_294_400) return `the image must have 655,360 to 8,294,400 pixels, got ${size}`;
  return undefined;
}

/** What one GPT image model accepts beyond the common fields (model pages, guide, API reference). */
function checkGptImageModel(body: Record<string, any>, ctx: z.core.$RefinementCtx) {
  const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const model = body.model as string;
  if (isGptImage2(model)) {
    const problem = typeof body.size === 'string' ? gptImage2Size(body.size) : undefined;
    if (problem) fail('size', problem);
  } else if (body.size !== undefined && !['auto', '1024x1024', '1536x1024', '1024x1536'].includes(body.size)) {
    fail('size', `${model} supports auto, 1024x1024, 1536x1024 and 1024x1536`);
  }
  // xhigh and max exist from GPT Image 2.5 on; gpt-image-2 "stops at high".
  if ((body.quality === 'xhigh' || body.quality === 'max') && !(isGptImage2(model) && model !== 'gpt-image-2')) fail('quality', `${body.quality} is not a quality of ${model}`);
  if (body.background === 'transparent' && model === 'gpt-image-2') fail('background', 'gpt-image-2 does not support transparent backgrounds');
  if (body.input_fidelity !== undefined && !['gpt-image-1', 'gpt-image-1.5'].includes(model)) fail('input_fidelity', `input_fidelity is not supported for ${model}`);
  if (body.complexity !== undefined && !model.startsWith('gpt-image-2.6-')) fail('complexity', `complexity is not supported for ${model}`);
}

// Request bodies as the API reference documents them, per endpoint and model family. Strict: an
// unknown field (response_format for GPT image models, style for dall-e-2...) is refused.
const gptImageCommon = {
  model: z.enum(GPT_IMAGE_MODELS),
  prompt: z.string().min(1).max(32000),
  n: z.number().int().min(1).max(10).optional(),
  size: z.string().optional(),
  quality: z.enum(['auto', 'low', 'medium', 'high', 'xhigh', 'max']).optional(),
  background: z.enum(['auto', 'transparent', 'opaque']).optional(),
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
  output_compression: z.number().int().min(0).max(100).optional(),
  complexity: z.enum(['low', 'medium', 'high']).optional(),
  user: z.string().optional(),
};
const dallE2Common = {
  model: z.literal('dall-e-2'),
  prompt: z.string().min(1).max(1000),
  n: z.number().int().min(1).max(10).optional(),
  size: z.enum(['256x256', '512x512', '1024x1024']).optional(),
  quality: z.literal('standard').optional(),
  response_format: z.enum(['url', 'b64_json']).optional(),
  user: z.string().optional(),
};
const GENERATION = {
  'gpt-image': z.strictObject({ ...gptImageCommon, moderation: z.enum(['low', 'auto']).optional() }).superRefine(checkGptImageModel),
  'dall-e-3': z.strictObject({
    model: z.literal('dall-e-3'),
    prompt: z.string().min(1).max(4000),
    n: z.literal(1).optional(),
    size: z.enum(['1024x1024', '1792x1024', '1024x1792']).optional(),
    quality: z.enum(['standard', 'hd']).optional(),
    style: z.enum(['vivid', 'natural']).optional(),
    response_format: z.enum(['url', 'b64_json']).optional(),
    user: z.string().optional(),
  }),
  'dall-e-2': z.strictObject(dallE2Common),
};
const EDIT = {
  'gpt-image': z.strictObject({ ...gptImageCommon, input_fidelity: z.enum(['high', 'low']).optional() }).superRefine(checkGptImageModel),
  'dall-e-2': z.strictObject(dallE2Common),
};
const family = (model: unknown) => (isGptImage(model) ? 'gpt-image' : (model as 'dall-e-3' | 'dall-e-2'));

const invalid = (res: http.ServerResponse, message: string, param: string | null = null, code: string | null = null) =>
  sendJson(res, 400, { error: { message, type: 'invalid_request_error', param, code } });

function refuseBody(res: http.ServerResponse, issues: z.core.$ZodIssue[]) {
  const issue = issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const name = issue.keys[0]!;
    return sendJson(res, 400, { error: { ...ERRORS.unknown_parameter!.body.error, message: `Unknown parameter: '${name}'.`, param: name } });
  }
  invalid(res, `Invalid value for '${issue.path.join('.')}': ${issue.message}`, issue.path.join('.'), 'invalid_value');
}

/** What the fake served last, to compare with what the adapter decoded. */
let served: Buffer[] = [];
/** An error the next request is answered with (after the contract checks pass). */
let scripted: string | null = null;
/** A 200 answer that replaces the documented one. */
let scriptedBody: unknown = null;

const COLORS = [{ r: 200, g: 30, b: 30 }, { r: 30, g: 160, b: 60 }, { r: 40, g: 60, b: 220 }];

async function answer(res: http.ServerResponse, body: Record<string, any>) {
  if (scripted) {
    const error = ERRORS[scripted]!;
    return sendJson(res, error.status, error.body, error.headers);
  }
  if (scriptedBody) return sendJson(res, 200, scriptedBody);
  // GPT image models answer in output_format (png by default); DALL·E always in PNG.
  const format = isGptImage(body.model) ? (body.output_format ?? 'png') : 'png';
  served = await Promise.all(Array.from({ length: body.n ?? 1 }, (_, i) => solidImage(16, 16, COLORS[i % COLORS.length]!, format)));
  const template = body.model === 'dall-e-3' ? DALL_E_3_ANSWER : isGptImage2(body.model) ? GPT_2_ANSWER : isGptImage(body.model) ? GPT_ANSWER : { created: DALL_E_3_ANSWER.created, data: [{}] };
  const data = served.map((bytes) => ({ ...template.data[0], b64_json: bytes.toString('base64') }));
  const { _source, ...rest } = template;
  // GPT Image 2 answers echo what they made; the fake echoes what was asked (auto stays as the fixture has it).
  const echoed = isGptImage2(body.model)
    ? Object.fromEntries(Object.entries({ background: body.background, output_format: format, quality: body.quality, size: body.size }).filter(([, v]) => v !== undefined && v !== 'auto'))
    : {};
  sendJson(res, 200, { ...rest, ...echoed, data });
}

async function handleGeneration(req: RecordedRequest, res: http.ServerResponse) {
  if (!/^application\/json/.test(String(req.headers['content-type']))) return invalid(res, 'generations take a JSON body');
  if (!req.json || typeof req.json !== 'object') return invalid(res, 'We could not parse the JSON body of your request.');
  const schema = GENERATION[family(req.json.model) as keyof typeof GENERATION];
  if (!schema) return invalid(res, `Invalid model ${req.json.model}`, 'model', 'invalid_value');
  const parsed = schema.safeParse(req.json);
  if (!parsed.success) return refuseBody(res, parsed.error.issues);
  await answer(res, parsed.data);
}

const isFile = (value: FormDataEntryValue | null): value is File => typeof value === 'object' && value !== null;

async function handleEdit(req: RecordedRequest, res: http.ServerResponse) {
  if (!/^multipart\/form-data; boundary=/.test(String(req.headers['content-type']))) return invalid(res, 'edits take multipart/form-data');
  const form = await parseMultipart(req);
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    if (['image', 'image[]', 'mask'].includes(name)) continue;
    if (isFile(value)) return invalid(res, `'${name}' must be a string`, name);
    fields[name] = /^(n|output_compression)$/.test(name) && /^\d+$/.test(value) ? Number(value) : value;
  }
  const schema = EDIT[family(fields.model) as keyof typeof EDIT];
  if (!schema) return invalid(res, `Invalid model ${String(fields.model)}: edits support GPT image models and dall-e-2`, 'model', 'invalid_value');
  const parsed = schema.safeParse(fields);
  if (!parsed.success) return refuseBody(res, parsed.error.issues);

  // GPT image models: up to 16 png/webp/jpg files as image[]; dall-e-2: one square RGBA PNG as image.
  const images = isGptImage(fields.model) ? form.getAll('image[]') : form.getAll('image');
  const wrongField = isGptImage(fields.model) ? 'image' : 'image[]';
  if (form.getAll(wrongField).length > 0) return invalid(res, `Unknown parameter: '${wrongField}'.`, wrongField, 'unknown_parameter');
  const max = isGptImage(fields.model) ? 16 : 1;
  if (images.length < 1 || images.length > max) return invalid(res, `Expected 1 to ${max} images, got ${images.length}`, 'image');
  const metas = [];
  for (const image of images) {
    if (!isFile(image)) return invalid(res, "'image' must be a file", 'image');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata().catch(() => null);
    const allowed = isGptImage(fields.model) ? ['png', 'jpeg', 'webp'] : ['png'];
    if (!meta || !allowed.includes(meta.format!) || image.type !== `image/${meta.format}`) {
      return invalid(res, `Invalid image file or mode for image, please check your image file (${image.type}, ${meta?.format}).`, 'image', 'invalid_image_format');
    }
    if (!isGptImage(fields.model) && (meta.width !== meta.height || !meta.hasAlpha || image.size >= 4 * 1024 * 1024)) {
      return invalid(res, 'dall-e-2 edits need a square RGBA PNG under 4 MB', 'image', 'invalid_image_format');
    }
    metas.push(meta);
  }
  const mask = form.get('mask');
  if (mask !== null) {
    if (!isFile(mask)) return invalid(res, "'mask' must be a file", 'mask');
    const meta = await sharp(Buffer.from(await mask.arrayBuffer())).metadata().catch(() => null);
    if (meta?.format !== 'png' || !meta.hasAlpha) return invalid(res, 'The mask must be a PNG with an alpha channel', 'mask', 'invalid_image_format');
    if (meta.width !== metas[0]!.width || meta.height !== metas[0]!.height) return invalid(res, 'The mask and the image must have the same dimensions', 'mask', 'invalid_image_dimensions');
  }
  await answer(res, parsed.data);
}

let fake: FakeUpstream;
let base: string;

beforeAll(async () => {
  fake = await startFakeUpstream(async (req, res) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: { message: `Invalid method for URL (${req.method} ${req.path})`, type: 'invalid_request_error', param: null, code: null } });
    if (req.headers.authorization !== `Bearer ${KEY}`) return sendJson(res, ERRORS.invalid_api_key!.status, ERRORS.invalid_api_key!.body);
    if (req.path === '/v1/images/generations') return handleGeneration(req, res);
    if (req.path === '/v1/images/edits') return handleEdit(req, res);
    sendJson(res, 404, { error: { message: `Invalid URL (POST ${req.path})`, type: 'invalid_request_error', param: null, code: null } });
  });
  base = `${fake.url}/v1`;
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  scripted = null;
  scriptedBody = null;
  fake.requests.length = 0;
});

const provider = (overrides = {}) => openaiModule.create(testSettings(base, overrides));
const lastRequest = () => fake.requests.at(-1)!;


describe('openai adapter', () => {
  it('text-to-image with a GPT image model: one JSON call for n images, decoded, with usage', async () => {
    const call = makeCall({
      upstreamModel: 'gpt-image-1',
      fields: { prompt: 'a red fox', n: 2, size: '1536x1024', quality: 'high', output_format: 'webp', background: 'opaque', user: 'user-42', moderation: 'low', output_compression: 80 },
    });
    const result = await provider().generate(call);

    expect(fake.requests).toHaveLength(1);
    expect(lastRequest().headers['content-type']).toMatch(/^application\/json/);
    expect(lastRequest().json).toEqual({
      model: 'gpt-image-1', prompt: 'a red fox', n: 2, size: '1536x1024', quality: 'high',
      output_format: 'webp', background: 'opaque', moderation: 'low', user: 'user-42',
    });
    expect(result.images.map((image) => image.format)).toEqual(['webp', 'webp']);
    expect(result.images.map((image) => image.bytes)).toEqual(served);
    expect(result.usage).toEqual({ inputTokens: 10, imageInputTokens: 40, outputTokens: 50 });
    expect(call.warnings).toEqual([]);
  });

  it('text-to-image with dall-e-3: asks for b64_json, maps quality onto hd, keeps the revised prompt', async () => {
    const call = makeCall({ upstreamModel: 'dall-e-3', fields: { prompt: 'a red fox', size: '1024x1792', quality: 'hd', style: 'natural' } });
    const result = await provider().generate(call);

    expect(lastRequest().json).toEqual({
      model: 'dall-e-3', prompt: 'a red fox', n: 1, size: '1024x1792', quality: 'hd', style: 'natural', response_format: 'b64_json',
    });
    expect(result.images).toHaveLength(1);
    expect(result.images[0]!.bytes).toEqual(served[0]);
    expect(result.images[0]!.format).toBe('png');
    expect(result.images[0]!.revisedPrompt).toBe(DALL_E_3_ANSWER.data[0].revised_prompt);
    expect(result.usage).toBeUndefined();
    expect(call.warnings).toEqual([]);
  });

  it('image-to-image with a GPT image model: several image[] files and a mask in the documented multipart form', async () => {
    const png = await solidImage(64, 48, { r: 250, g: 0, b: 0 }, 'png');
    const jpeg = await solidImage(32, 32, { r: 0, g: 0, b: 250 }, 'jpeg');
    const gif = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 0, g: 250, b: 0 } } }).gif().toBuffer();
    // Ours marks the edit area in white; OpenAI wants it transparent.
    const mask = await rectMask(64, 48, { left: 8, top: 8, width: 16, height: 16 });
    const call = makeCall({
      upstreamModel: 'gpt-image-1.5',
      fields: { prompt: 'put the fox in the white area', n: 2, size: '1024x1536', quality: 'medium', output_format: 'png', input_fidelity: 'high' },
      images: [inputImage(png, 'image[0]', 64, 48, 'png'), inputImage(jpeg, 'image[1]', 32, 32, 'jpeg'), inputImage(gif, 'image[2]', 16, 16, 'gif')],
      mask: inputImage(mask, 'mask', 64, 48, 'png'),
    });
    const result = await provider().generate(call);

    expect(lastRequest().path).toBe('/v1/images/edits');
    const form = await parseMultipart(lastRequest());
    const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
    expect(fields).toEqual({ model: 'gpt-image-1.5', prompt: 'put the fox in the white area', n: '2', size: '1024x1536', quality: 'medium', output_format: 'png', input_fidelity: 'high' });
    const files = form.getAll('image[]') as File[];
    expect(files.map((f) => f.type)).toEqual(['image/png', 'image/jpeg', 'image/png']);
    expect(Buffer.from(await files[0]!.arrayBuffer())).toEqual(png);
    expect(Buffer.from(await files[1]!.arrayBuffer())).toEqual(jpeg);
    expect((await sharp(Buffer.from(await files[2]!.arrayBuffer())).metadata()).format).toBe('png'); // gif converted

    const sentMask = await sharp(Buffer.from(await (form.get('mask') as File).arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    expect(sentMask.info).toMatchObject({ width: 64, height: 48, channels: 4 });
    const alphaAt = (x: number, y: number) => sentMask.data[(y * 64 + x) * 4 + 3];
    expect(alphaAt(12, 12)).toBe(0); // inside the white rectangle: to edit
    expect(alphaAt(40, 40)).toBe(255); // outside: kept

    expect(result.images.map((image) => image.bytes)).toEqual(served);
    expect(result.usage).toEqual({ inputTokens: 10, imageInputTokens: 40, outputTokens: 50 });
    expect(call.warnings).toEqual([]);
  });

  it('image-to-image with dall-e-2: one square RGBA PNG as `image`, the mask cropped and scaled with it', async () => {
    const photo = await solidImage(40, 30, { r: 120, g: 120, b: 0 }, 'jpeg');
    // OpenAI's own convention: opaque black, with a transparent 10x10 square at the top left to edit.
    const rgba = Buffer.alloc(40 * 30 * 4);
    for (let p = 0; p < 40 * 30; p++) rgba[p * 4 + 3] = p % 40 < 10 && p < 40 * 10 ? 0 : 255;
    const alphaMask = await sharp(rgba, { raw: { width: 40, height: 30, channels: 4 } }).png().toBuffer();
    const call = makeCall({
      upstreamModel: 'dall-e-2',
      fields: { prompt: 'a hat', size: '512x512' },
      images: [inputImage(photo, 'image[0]', 40, 30, 'jpeg')],
      mask: inputImage(alphaMask, 'mask', 40, 30, 'png'),
    });
    const result = await provider().generate(call);

    const form = await parseMultipart(lastRequest());
    expect(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'))).toEqual({
      model: 'dall-e-2', prompt: 'a hat', n: '1', size: '512x512', response_format: 'b64_json',
    });
    expect(form.getAll('image[]')).toHaveLength(0);
    const image = await sharp(Buffer.from(await (form.get('image') as File).arrayBuffer())).metadata();
    expect(image).toMatchObject({ format: 'png', width: 512, height: 512, hasAlpha: true });
    const sentMask = await sharp(Buffer.from(await (form.get('mask') as File).arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    expect(sentMask.info).toMatchObject({ width: 512, height: 512 });
    expect(sentMask.data[3]).toBe(0); // the transparent corner stays the edit area
    expect(sentMask.data[(511 * 512 + 511) * 4 + 3]).toBe(255);

    expect(result.images).toHaveLength(1);
    // The mask follows the image's crop and scale; only the crop itself is a change worth a warning.
    expect(call.warnings).toEqual(['dall-e-2 edits only square images; image[0] (40x30) was centre-cropped to a square']);
  });

  describe('GPT Image 2, 2.5 and 2.6', () => {
    it('text-to-image with gpt-image-2.6-sunburst: the exact JSON body at a 4K size, complexity passed through, usage priced', async () => {
      const call = makeCall({
        upstreamModel: 'gpt-image-2.6-sunburst',
        fields: { prompt: 'a red fox', n: 2, size: '3840x2160', quality: 'high', output_format: 'png', background: 'transparent', moderation: 'low', complexity: ' Medium ', user: 'user-42' },
      });
      const result = await provider().generate(call);

      expect(lastRequest().path).toBe('/v1/images/generations');
      expect(lastRequest().json).toEqual({
        model: 'gpt-image-2.6-sunburst', prompt: 'a red fox', n: 2, size: '3840x2160', quality: 'high',
        output_format: 'png', background: 'transparent', moderation: 'low', complexity: 'medium', user: 'user-42',
      });
      expect(result.images.map((image) => image.bytes)).toEqual(served);
      expect(result.usage).toEqual({ inputTokens: 12, imageInputTokens: 0, outputTokens: 7024 });
      expect(call.warnings).toEqual([]);

      const price = openaiModule.models.find((m) => m.model.id === 'openai/gpt-image-2.6-sunburst')!.offer.price!;
      // 12 text tokens at $5/M + 7,024 image tokens at $30/M (one 1024x1024 image at high).
      expect(actualCost(price, call.request, call.size, 1, result.usage, { marginPercent: 0 })).toBe(60 + 210_720);
      expect(actualCost(price, call.request, call.size, 1, { outputTokens: 10_000_000 }, { marginPercent: 0 })).toBe(600_000);
    });

    it('gpt-image-2: no transparent background, no complexity, sizes fitted to the listed 2K/4K ones, each change reported', async () => {
      const call = makeCall({
        upstreamModel: 'gpt-image-2',
        fields: { prompt: 'a red fox', size: '1920x1080', quality: 'medium', output_format: 'webp', background: 'transparent', complexity: 'low' },
      });
      await provider().generate(call);

      expect(lastRequest().json).toEqual({ model: 'gpt-image-2', prompt: 'a red fox', n: 1, size: '2048x1152', quality: 'medium', output_format: 'webp' });
      expect(call.warnings).toEqual([
        'gpt-image-2 does not make 1920x1080 images; used the nearest size it makes, 2048x1152',
        "gpt-image-2 cannot make transparent backgrounds; 'background' was not sent",
        "'complexity' is not a parameter of gpt-image-2; it was not sent",
      ]);
    });

    it('image-to-image with gpt-image-2.5-flare: image[] files and a mask, no input_fidelity (undocumented for 2.x)', async () => {
      const png = await solidImage(64, 48, { r: 250, g: 0, b: 0 }, 'png');
      const mask = await rectMask(64, 48, { left: 8, top: 8, width: 16, height: 16 });
      const call = makeCall({
        upstreamModel: 'gpt-image-2.5-flare',
        fields: { prompt: 'a hat on the fox', size: '2160x3840', quality: 'low', output_format: 'jpeg', background: 'opaque', input_fidelity: 'high' },
        images: [inputImage(png, 'image[0]', 64, 48, 'png')],
        mask: inputImage(mask, 'mask', 64, 48, 'png'),
      });
      const result = await provider().generate(call);

      expect(lastRequest().path).toBe('/v1/images/edits');
      const form = await parseMultipart(lastRequest());
      expect(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'))).toEqual({
        model: 'gpt-image-2.5-flare', prompt: 'a hat on the fox', n: '1', size: '2160x3840', quality: 'low', output_format: 'jpeg', background: 'opaque',
      });
      expect((form.getAll('image[]') as File[]).map((f) => f.type)).toEqual(['image/png']);
      expect(form.get('mask')).not.toBeNull();
      expect(result.images[0]!.format).toBe('jpeg');
      expect(call.warnings).toEqual(["'input_fidelity' is not a parameter of gpt-image-2.5-flare; it was not sent"]);
    });

    it('a dated snapshot gets its model\'s rules; an unknown name the GPT image defaults', () => {
      expect(rulesFor('gpt-image-2-2026-04-21')).toBe(MODEL_RULES['gpt-image-2']);
      expect(rulesFor('gpt-image-2.6-flare-2026-11-04')).toBe(MODEL_RULES['gpt-image-2.6-flare']);
      expect(rulesFor('gpt-image-2.5-sunburst-2026-09-08')).toBe(MODEL_RULES['gpt-image-2.5-sunburst']);
      expect(rulesFor('some-compatible-model')).toBe(MODEL_RULES['gpt-image-1.5']);
    });

    it('the fake holds the documented limits: 2.x size rules, gpt-image-2 without transparency', async () => {
      const send = (body: Record<string, unknown>) =>
        fetch(`${base}/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'x', ...body }) });
      expect((await send({ model: 'gpt-image-2.5-sunburst', size: '1000x1000' })).status).toBe(400);
      expect((await send({ model: 'gpt-image-2.5-sunburst', size: '3840x1024' })).status).toBe(400); // wider than 3:1
      expect((await send({ model: 'gpt-image-2.5-sunburst', size: '3840x3840' })).status).toBe(400); // too many pixels
      expect((await send({ model: 'gpt-image-2', background: 'transparent' })).status).toBe(400);
      expect((await send({ model: 'gpt-image-2', quality: 'max' })).status).toBe(400);
      expect((await send({ model: 'gpt-image-1.5', size: '2048x2048' })).status).toBe(400);
      expect((await send({ model: 'gpt-image-2.6-flare', size: '2048x1152', quality: 'max', complexity: 'low' })).status).toBe(200);
    });
  });

  describe('parameter mapping', () => {
    it('maps what dall-e-3 cannot do to the nearest value it can, and warns about each', async () => {
      const call = makeCall({
        upstreamModel: 'dall-e-3',
        fields: { prompt: 'a red fox', n: 3, size: '1000x1010', quality: 'low', background: 'transparent', style: ' Natural ', seed: 42, moderation: 'low' },
      });
      const result = await provider().generate(call);

      expect(lastRequest().json).toEqual({ model: 'dall-e-3', prompt: 'a red fox', n: 1, size: '1024x1024', quality: 'standard', style: 'natural', response_format: 'b64_json' });
      expect(result.images).toHaveLength(1);
      expect(call.warnings).toEqual([
        'dall-e-3 makes at most 1 image(s) per request; asked for 1 instead of 3',
        'dall-e-3 does not make 1000x1010 images; used the nearest size it makes, 1024x1024',
        "dall-e-3 has no 'low' quality; used 'standard'",
        "dall-e-3 cannot make transparent backgrounds; 'background' was not sent",
        "'seed' is not a parameter of dall-e-3; it was not sent",
        "'moderation' is not a parameter of dall-e-3; it was not sent",
      ]);
    });

    it('picks the nearest size by aspect ratio, then area', async () => {
      const call = makeCall({ upstreamModel: 'gpt-image-1', fields: { prompt: 'a red fox', size: '1920x1080' } });
      await provider().generate(call);
      expect(lastRequest().json.size).toBe('1536x1024');
      expect(call.warnings).toEqual(['gpt-image-1 does not make 1920x1080 images; used the nearest size it makes, 1536x1024']);
    });

    it('sends GPT image extras only where the model and endpoint take them, with valid values', async () => {
      const mini = makeCall({ upstreamModel: 'gpt-image-1-mini', fields: { prompt: 'a red fox', input_fidelity: 'high', moderation: 'off' } });
      await provider().generate(mini);
      expect(lastRequest().json).toEqual({ model: 'gpt-image-1-mini', prompt: 'a red fox', n: 1, size: '1024x1024', output_format: 'webp' });
      expect(mini.warnings).toEqual([
        "'input_fidelity' is not a parameter of gpt-image-1-mini; it was not sent",
        "'moderation' must be one of low, auto for gpt-image-1-mini; it was not sent",
      ]);

      const png = await solidImage(32, 32, { r: 10, g: 10, b: 10 }, 'png');
      const edit = makeCall({ upstreamModel: 'gpt-image-1', fields: { prompt: 'a red fox', moderation: 'low' }, images: [inputImage(png, 'image[0]', 32, 32)] });
      await provider().generate(edit);
      expect((await parseMultipart(lastRequest())).get('moderation')).toBeNull();
      expect(edit.warnings).toEqual(["'moderation' applies only to requests without input images on gpt-image-1; it was not sent"]);

      const generation = makeCall({ upstreamModel: 'gpt-image-1.5', fields: { prompt: 'a red fox', input_fidelity: 'high' } });
      await provider().generate(generation);
      expect(lastRequest().json.input_fidelity).toBeUndefined();
      expect(generation.warnings).toEqual(["'input_fidelity' applies only to requests with input images on gpt-image-1.5; it was not sent"]);
    });

    it('maps qualities: auto is left out, medium/high are standard/hd, dall-e-2 has only standard', async () => {
      const cases: Array<[string, string, string | undefined, boolean]> = [
        ['gpt-image-1', 'auto', undefined, false],
        ['gpt-image-1', 'low', 'low', false],
        ['dall-e-3', 'medium', 'standard', false],
        ['dall-e-3', 'high', 'hd', false],
        ['dall-e-2', 'medium', 'standard', false],
        ['dall-e-2', 'high', 'standard', true],
      ];
      for (const [model, quality, expected, warned] of cases) {
        const call = makeCall({ upstreamModel: model, fields: { prompt: 'a red fox', quality } });
        await provider().generate(call);
        expect(lastRequest().json.quality, `${model} ${quality}`).toBe(expected);
        expect(call.warnings.length > 0, `${model} ${quality}`).toBe(warned);
      }
    });

    it('resizes a mask of another size to the first image, and says so', async () => {
      const png = await solidImage(64, 48, { r: 10, g: 10, b: 10 }, 'png');
      const mask = await rectMask(32, 32, { left: 0, top: 0, width: 8, height: 8 });
      const call = makeCall({ upstreamModel: 'gpt-image-1', images: [inputImage(png, 'image[0]', 64, 48)], mask: inputImage(mask, 'mask', 32, 32) });
      await provider().generate(call);
      const sent = await sharp(Buffer.from(await ((await parseMultipart(lastRequest())).get('mask') as File).arrayBuffer())).metadata();
      expect(sent).toMatchObject({ width: 64, height: 48, hasAlpha: true });
      expect(call.warnings).toEqual(["the mask (32x32) was resized to the first image's 64x48: OpenAI needs them the same size"]);
    });

    it('refuses input images for a model without edits before calling', async () => {
      const png = await solidImage(32, 32, { r: 10, g: 10, b: 10 }, 'png');
      const call = makeCall({ upstreamModel: 'dall-e-3', images: [inputImage(png)] });
      const error = await rejection(provider().generate(call));
      expect(error.kind).toBe('rejected');
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('errors', () => {
    it('401 invalid_api_key -> auth', async () => {
      const error = await rejection(provider({ apiKey: 'sk-wrong' }).generate(makeCall({ upstreamModel: 'gpt-image-1' })));
      expect(error).toMatchObject({ kind: 'auth', status: 401 });
      expect(error.message).toContain('Incorrect API key provided');
    });

    const cases: Array<[string, string, string]> = [
      ['rate_limit', 'gpt-image-1', 'rate_limited'],
      ['insufficient_quota', 'gpt-image-1', 'quota'],
      ['content_policy_violation', 'dall-e-3', 'content_policy'],
      ['moderation_blocked', 'gpt-image-1.5', 'content_policy'],
      ['moderation_blocked', 'gpt-image-2.6-flare', 'content_policy'],
      ['server_error', 'gpt-image-1', 'server_error'],
      ['overloaded', 'gpt-image-1', 'overloaded'],
    ];
    it.each(cases)('%s (%s) -> %s', async (name, model, kind) => {
      scripted = name;
      const error = await rejection(provider().generate(makeCall({ upstreamModel: model })));
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(ERRORS[name]!.status);
      expect(error.message).toBe(ERRORS[name]!.body.error.message);
      if (name === 'rate_limit') expect(error.retryAfter).toBe(12);
    });

    it('a 200 without images -> bad_response; one carrying a moderation error -> content_policy', async () => {
      scriptedBody = { created: 1713833628, data: [] };
      expect((await rejection(provider().generate(makeCall({ upstreamModel: 'gpt-image-1' })))).kind).toBe('bad_response');
      scriptedBody = ERRORS.moderation_blocked!.body;
      expect((await rejection(provider().generate(makeCall({ upstreamModel: 'gpt-image-1' })))).kind).toBe('content_policy');
    });
  });

  it('is available only with an API key', () => {
    expect(provider().isAvailable()).toBe(true);
    expect(provider({ apiKey: undefined }).isAvailable()).toBe(false);
  });

  it('declares a catalog of priced, well-formed models', () => {
    expect(openaiModule).toMatchObject({ id: 'openai', envPrefix: 'OPENAI', defaultBaseUrl: 'https://api.openai.com/v1' });
    const ids = openaiModule.models.map((m) => m.model.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { model, offer } of openaiModule.models) {
      expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(model.id.startsWith('openai/')).toBe(true);
      expect(model.curatedRank).toBeGreaterThanOrEqual(1);
      expect(model.curatedRank).toBeLessThanOrEqual(100);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(offer.priceSource?.trim()).toBeTruthy();
      expect(MODEL_RULES[offer.upstreamModel], offer.upstreamModel).toBeDefined();
      for (const amount of priceAmounts(offer.price!)) {
        expect(Number.isInteger(amount) && amount >= 0, `${model.id}: ${amount}`).toBe(true);
      }
      const caps = offer.capabilities;
      expect(caps.sizes.kind === 'list' && caps.sizes.sizes.includes(caps.defaultSize)).toBe(true);
      expect(caps.maxPromptLength).toBeLessThanOrEqual(32000);
      // Every size a GPT Image 2.x offer lists is one the fake (the documented limits) accepts.
      if (isGptImage2(offer.upstreamModel) && caps.sizes.kind === 'list') {
        for (const size of caps.sizes.sizes) expect(gptImage2Size(size), `${offer.upstreamModel} ${size}`).toBeUndefined();
      }
    }
    // Every GPT image model the fake knows is declared, and the current ones come first in the curated order.
    expect([...GPT_IMAGE_MODELS].sort()).toEqual(openaiModule.models.map((m) => m.offer.upstreamModel).filter(isGptImage).sort());
    const byRank = [...openaiModule.models].sort((a, b) => a.model.curatedRank - b.model.curatedRank).map((m) => m.offer.upstreamModel);
    expect(byRank).toEqual([
      'gpt-image-2.6-sunburst', 'gpt-image-2.6-flare', 'gpt-image-2.5-sunburst', 'gpt-image-2.5-flare', 'gpt-image-2',
      'gpt-image-1.5', 'gpt-image-1-mini', 'gpt-image-1', 'dall-e-3', 'dall-e-2',
    ]);
    expect(openaiModule.models.find((m) => m.offer.upstreamModel === 'gpt-image-2')!.offer.capabilities.transparentBackground).toBe(false);
    expect(openaiModule.models.find((m) => m.offer.upstreamModel === 'gpt-image-2.6-flare')!.offer.capabilities.extras).toEqual(['moderation', 'complexity']);
  });

  it('prices GPT image usage from tokens, capped at the dearest image', () => {
    const price = openaiModule.models.find((m) => m.model.id === 'openai/gpt-image-1')!.offer.price!;
    const request = makeCall({ upstreamModel: 'gpt-image-1' }).request;
    const size = { width: 1024, height: 1024 };
    // The fixture's usage: 10 text tokens at $5/M, 40 image tokens at $10/M, 50 output tokens at $40/M.
    expect(actualCost(price, request, size, 1, { inputTokens: 10, imageInputTokens: 40, outputTokens: 50 }, { marginPercent: 0 })).toBe(50 + 400 + 2000);
    expect(actualCost(price, request, size, 1, { outputTokens: 10_000_000 }, { marginPercent: 0 })).toBe(250_000);
  });

  // Costs about $0.01: one low-quality square image. Runs only where the real key is set.
  it.runIf(process.env.OPENAI_API_KEY)('live: gpt-image-1.5 makes one image', async () => {
    const live = openaiModule.create({
      apiKey: process.env.OPENAI_API_KEY, baseUrl: process.env.OPENAI_BASE_URL ?? openaiModule.defaultBaseUrl, maxDownloadBytes: 50 * 1024 * 1024, pollIntervalMs: 1000,
    });
    const call = makeCall({ upstreamModel: 'gpt-image-1.5', fields: { prompt: 'a small red circle on white', quality: 'low', output_format: 'png' }, signal: AbortSignal.timeout(120_000) });
    const result = await live.generate(call);
    expect(result.images).toHaveLength(1);
    expect((await sharp(result.images[0]!.bytes).metadata()).width).toBe(1024);
    expect(result.usage?.outputTokens).toBeGreaterThan(0);
  }, 150_000);
});

