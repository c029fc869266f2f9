import { readFileSync } from 'node:fs';
import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { parseSize } from '../../src/api/imageRequest.js';
import { sizeAllowed } from '../../src/catalog/catalog.js';
import type { PriceRule } from '../../src/catalog/types.js';
import { classifyStabilityError } from '../../src/providers/stability/errors.js';
import { models } from '../../src/providers/stability/models.js';
import { stabilityModule } from '../../src/providers/stability/index.js';
import { KNOWN_EXTRAS } from '../../src/providers/stability/params.js';
import { parseMultipart, sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, rectMask, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';

/**
 * The Stability adapter against a fake Stable Image API (v2beta) that enforces the contract of
 * https://platform.stability.ai/docs/api-reference: POST, path, Bearer key, `accept:
 * application/json`, multipart fields of the documented names, types, enums and ranges, files where
 * files belong, required fields, and the rules between them (strength with an image, aspect_ratio
 * only for text-to-image on /sd3). A request outside it is answered with Stability's 400.
 */

const fixtures = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/providers/stability/${name}.json`, import.meta.url), 'utf8'));
const { _source: _answerSource, ...ANSWER } = fixtures('image-answer');
const { _source: _errorsSource, ...ERRORS } = fixtures('errors') as Record<string, { status: number; body: any; headers?: Record<string, string> }>;

const KEY = 'test-upstream-key';
const ASPECTS = ['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'];
const STYLES = [
  'enhance', 'anime', 'photographic', 'digital-art', 'comic-book', 'fantasy-art', 'line-art', 'analog-film', 'neon-punk',
  'isometric', 'low-poly', 'origami', 'modeling-compound', 'cinematic', '3d-model', 'pixel-art', 'tile-texture',
];
const SD3_MODELS = ['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'];

type Field =
  | { kind: 'text'; values?: string[]; min?: number; max?: number }
  | { kind: 'integer' | 'number'; min?: number; max?: number }
  | { kind: 'file' };
const text = (values?: string[]): Field => ({ kind: 'text', ...(values && { values }) });
const COMMON: Record<string, Field> = {
  prompt: { kind: 'text', min: 1, max: 10_000 },
  negative_prompt: { kind: 'text', max: 10_000 },
  seed: { kind: 'integer', min: 0, max: 4_294_967_294 },
  output_format: text(['jpeg', 'png', 'webp']),
  style_preset: text(STYLES),
};

/** The request bodies of the four paths, as the reference documents them. */
const CONTRACT: Record<string, { required: string[]; fields: Record<string, Field> }> = {
  '/v2beta/stable-image/generate/core': { required: ['prompt'], fields: { ...COMMON, aspect_ratio: text(ASPECTS) } },
  '/v2beta/stable-image/generate/ultra': {
    required: ['prompt'],
    fields: { ...COMMON, aspect_ratio: text(ASPECTS), image: { kind: 'file' }, strength: { kind: 'number', min: 0, max: 1 } },
  },
  '/v2beta/stable-image/generate/sd3': {
    required: ['prompt'],
    fields: {
      ...COMMON, aspect_ratio: text(ASPECTS), model: text(SD3_MODELS), mode: text(['text-to-image', 'image-to-image']),
      image: { kind: 'file' }, strength: { kind: 'number', min: 0, max: 1 }, cfg_scale: { kind: 'number' },
    },
  },
  '/v2beta/stable-image/edit/inpaint': {
    required: ['image', 'prompt'],
    fields: { ...COMMON, image: { kind: 'file' }, mask: { kind: 'file' }, grow_mask: { kind: 'number', min: 0, max: 100 } },
  },
};
const PATH_OF: Record<string, string> = { core: 'generate/core', ultra: 'generate/ultra', inpaint: 'edit/inpaint' };
const pathOf = (upstreamModel: string) => `/v2beta/stable-image/${PATH_OF[upstreamModel] ?? 'generate/sd3'}`;

/** What is wrong with a form, as Stability's validation would see it (unknown fields included). */
async function contractViolations(path: string, form: FormData): Promise<string[]> {
  const contract = CONTRACT[path]!;
  const problems: string[] = [];
  const names = [...form.keys()];
  for (const name of contract.required) if (!form.has(name)) problems.push(`${name}: is required`);
  for (const name of new Set(names)) {
    const field = contract.fields[name];
    if (!field) {
      problems.push(`${name}: is not a field of ${path}`);
      continue;
    }
    if (form.getAll(name).length > 1) problems.push(`${name}: sent more than once`);
    const value = form.get(name)!;
    if (field.kind === 'file') {
      if (typeof value === 'string') problems.push(`${name}: must be a file`);
      else problems.push(...(await fileProblems(name, value, path)));
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(`${name}: must be text, not a file`);
      continue;
    }
    if (field.kind === 'text') {
      if (field.values && !field.values.includes(value)) problems.push(`${name}: '${value}' is not one of ${field.values.join(', ')}`);
      if ((field.min !== undefined && value.length < field.min) || (field.max !== undefined && value.length > field.max)) problems.push(`${name}: bad length`);
      continue;
    }
    const number = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(number) || (field.kind === 'integer' && !Number.isInteger(number))) problems.push(`${name}: must be ${field.kind === 'integer' ? 'an integer' : 'a number'}`);
    else if ((field.min !== undefined && number < field.min) || (field.max !== undefined && number > field.max)) problems.push(`${name}: out of range`);
  }
  // The rules between fields.
  if (path.endsWith('/ultra') && form.has('image') !== form.has('strength')) problems.push('strength: is required when image is provided (and only then)');
  if (path.endsWith('/sd3')) {
    const imageToImage = form.get('mode') === 'image-to-image';
    if (imageToImage && !(form.has('image') && form.has('strength'))) problems.push('mode image-to-image requires image and strength');
    if (!imageToImage && (form.has('image') || form.has('strength'))) problems.push('image and strength are only valid for image-to-image');
    if (imageToImage && form.has('aspect_ratio')) problems.push('aspect_ratio: only valid for text-to-image');
  }
  return problems;
}

/** jpeg, png or webp that decodes; sides of at least 64 (inpaint: 4,096 to 9,437,184 pixels). */
async function fileProblems(name: string, file: File, path: string): Promise<string[]> {
  if (!['image/png', 'image/jpeg', 'image/webp'].includes(file.type)) return [`${name}: unsupported type ${file.type}`];
  const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata().catch(() => null);
  if (!meta || !['png', 'jpeg', 'webp'].includes(meta.format ?? '')) return [`${name}: not a jpeg, png or webp image`];
  if (name === 'image' && (meta.width! < 64 || meta.height! < 64)) return [`${name}: every side must be at least 64 pixels`];
  if (name === 'image' && path.endsWith('/inpaint') && meta.width! * meta.height! > 9_437_184) return [`${name}: too many pixels`];
  return [];
}

let fake: FakeUpstream;
let violations: string[];
/** An error the next request is answered with (after the contract checks pass). */
let scripted: string | null;
/** A 200 body that replaces the documented one. */
let scriptedBody: unknown;
/** What the fake served last. */
let served: Buffer;

const ANSWER_COLOR = { r: 200, g: 40, b: 30 };

async function handle(req: RecordedRequest, res: http.ServerResponse) {
  if (req.method !== 'POST' || !CONTRACT[req.path]) {
    violations.push(`unexpected ${req.method} ${req.path}`);
    return sendJson(res, 404, { id: 'x', name: 'not_found', errors: [`${req.path}: not found`] });
  }
  if (req.headers.authorization !== `Bearer ${KEY}`) return sendJson(res, ERRORS.unauthorized!.status, ERRORS.unauthorized!.body);
  if (req.headers.accept !== 'application/json') violations.push(`accept must be application/json, got ${req.headers.accept}`);
  if (!/^multipart\/form-data; boundary=/.test(String(req.headers['content-type']))) {
    violations.push('the body is not multipart/form-data');
    return sendJson(res, 400, { ...ERRORS.bad_request!.body, errors: ['content-type: must be multipart/form-data'] });
  }
  const problems = await contractViolations(req.path, await parseMultipart(req));
  if (problems.length > 0) {
    violations.push(...problems);
    return sendJson(res, 400, { ...ERRORS.bad_request!.body, errors: problems });
  }
  if (scripted) {
    const error = ERRORS[scripted]!;
    return sendJson(res, error.status, error.body, error.headers);
  }
  if (scriptedBody !== undefined) return sendJson(res, 200, scriptedBody);
  const format = ((await parseMultipart(req)).get('output_format') as string | null) ?? 'png';
  served = await solidImage(64, 48, ANSWER_COLOR, format as 'png' | 'jpeg' | 'webp');
  sendJson(res, 200, { ...ANSWER, image: served.toString('base64') }, { 'content-type': `application/json; type=image/${format}` });
}

beforeAll(async () => {
  fake = await startFakeUpstream(handle);
});
afterAll(() => fake.close());
beforeEach(() => {
  violations = [];
  scripted = null;
  scriptedBody = undefined;
  fake.requests.length = 0;
});

const provider = (overrides: Parameters<typeof testSettings>[1] = {}) => stabilityModule.create(testSettings(fake.url, overrides));
const offer = (upstreamModel: string) => models.find((m) => m.offer.upstreamModel === upstreamModel)!.offer;
/** A call as the router makes it for this model, with the model's real capabilities. */
const stabilityCall = (upstreamModel: string, options: Omit<Parameters<typeof makeCall>[0], 'upstreamModel'> = {}) =>
  makeCall({ upstreamModel, capabilities: offer(upstreamModel).capabilities, ...options });
const lastRequest = () => fake.requests.at(-1)!;
const lastForm = async () => parseMultipart(lastRequest());
const textFields = (form: FormData) => Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
const fileBytes = async (form: FormData, name: string) => Buffer.from(await (form.get(name) as File).arrayBuffer());
const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a rejection'); }, (error) => error);

describe('stability adapter', () => {
  describe('text-to-image', () => {
    it('Core: the exact multipart fields, JSON asked for, the image decoded', async () => {
      const call = stabilityCall('core', { fields: { size: '1024x1024', output_format: 'png' } });
      const result = await provider().generate(call);

      const req = lastRequest();
      expect(`${req.method} ${req.path}`).toBe('POST /v2beta/stable-image/generate/core');
      expect(req.headers).toMatchObject({ authorization: `Bearer ${KEY}`, accept: 'application/json' });
      expect(req.headers['stability-client-user-id']).toBeUndefined();
      const form = await lastForm();
      expect(textFields(form)).toEqual({ prompt: 'a red fox', aspect_ratio: '1:1', output_format: 'png' });
      expect([...form.keys()]).toHaveLength(3); // no files

      expect(result.images).toHaveLength(1);
      const image = result.images[0]!;
      expect(image.format).toBe('png');
      expect(image.bytes.equals(served)).toBe(true);
      expect(await sharp(image.bytes).metadata()).toMatchObject({ width: 64, height: 48 });
      expect(await pixelAt(image.bytes, 10, 10)).toEqual(ANSWER_COLOR);
      expect(result.usage).toBeUndefined(); // a fixed price per image
      expect(call.warnings).toEqual([]);
      expect(violations).toEqual([]);
    });

    it('SD3.5 Large: /generate/sd3 with the model field, the aspect ratio of the size, jpeg', async () => {
      const call = stabilityCall('sd3.5-large', { fields: { size: '1280x720', output_format: 'jpeg' } });
      const result = await provider().generate(call);

      expect(lastRequest().path).toBe('/v2beta/stable-image/generate/sd3');
      expect(textFields(await lastForm())).toEqual({ model: 'sd3.5-large', prompt: 'a red fox', aspect_ratio: '16:9', output_format: 'jpeg' });
      expect(result.images[0]!.format).toBe('jpeg');
      expect(call.warnings).toEqual([]);
      expect(violations).toEqual([]);
    });

    it('sends the end user in the documented stability-client-user-id header', async () => {
      await provider().generate(stabilityCall('sd3.5-flash', { fields: { user: 'user-1234' } }));
      expect(lastRequest().headers['stability-client-user-id']).toBe('user-1234');
      expect(violations).toEqual([]);
    });
  });

  describe('image-to-image and inpainting', () => {
    it('SD3.5 Medium: mode, the image file and the default strength; size auto keeps the input shape', async () => {
      const photo = await solidImage(96, 64, { r: 0, g: 0, b: 255 });
      const call = stabilityCall('sd3.5-medium', { fields: { prompt: 'make it snowy' }, images: [inputImage(photo, 'image[0]', 96, 64)] });
      const result = await provider().generate(call);

      expect(lastRequest().path).toBe('/v2beta/stable-image/generate/sd3');
      const form = await lastForm();
      expect(textFields(form)).toEqual({ model: 'sd3.5-medium', prompt: 'make it snowy', mode: 'image-to-image', strength: '0.7', output_format: 'webp' });
      expect((form.get('image') as File).type).toBe('image/png');
      expect((await fileBytes(form, 'image')).equals(photo)).toBe(true);
      expect(result.images[0]!.format).toBe('webp');
      expect(call.warnings).toEqual([]);
      expect(violations).toEqual([]);
    });

    it('Ultra with a size and a strength: aspect_ratio and strength are sent', async () => {
      const photo = await solidImage(64, 64, { r: 0, g: 90, b: 0 }, 'jpeg');
      const call = stabilityCall('ultra', { fields: { size: '1920x1080', strength: '0.35' }, images: [inputImage(photo, 'image[0]', 64, 64, 'jpeg')] });
      await provider().generate(call);

      expect(lastRequest().path).toBe('/v2beta/stable-image/generate/ultra');
      const form = await lastForm();
      expect(textFields(form)).toEqual({ prompt: 'a red fox', strength: '0.35', aspect_ratio: '16:9', output_format: 'webp' });
      expect((form.get('image') as File).type).toBe('image/jpeg');
      expect(call.warnings).toEqual([]);
      expect(violations).toEqual([]);
    });

    it('SD3.5 Flash edits default to the strength its docs advise (0.94-0.97); a tiff input goes as PNG', async () => {
      const tiff = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 9, g: 9, b: 9 } } }).tiff().toBuffer();
      await provider().generate(stabilityCall('sd3.5-flash', { images: [inputImage(tiff, 'image[0]', 64, 64, 'tiff')] }));

      const form = await lastForm();
      expect(form.get('strength')).toBe('0.95');
      expect((form.get('image') as File).type).toBe('image/png');
      expect((await sharp(await fileBytes(form, 'image')).metadata()).format).toBe('png');
      expect(violations).toEqual([]);
    });

    it('inpainting: /edit/inpaint with the image and the mask as white-on-black grayscale', async () => {
      const photo = await solidImage(64, 64, { r: 120, g: 120, b: 120 });
      const mask = await rectMask(64, 64, { left: 16, top: 16, width: 16, height: 16 });
      const call = stabilityCall('inpaint', {
        fields: { prompt: 'a hat', output_format: 'png', grow_mask: '10', seed: 7 },
        images: [inputImage(photo)],
        mask: inputImage(mask, 'mask'),
      });
      const result = await provider().generate(call);

      expect(lastRequest().path).toBe('/v2beta/stable-image/edit/inpaint');
      const form = await lastForm();
      expect(textFields(form)).toEqual({ prompt: 'a hat', output_format: 'png', grow_mask: '10', seed: '7' });
      expect((await fileBytes(form, 'image')).equals(photo)).toBe(true);
      const sent = await fileBytes(form, 'mask');
      expect(await sharp(sent).metadata()).toMatchObject({ format: 'png', width: 64, height: 64, channels: 1 });
      expect(await pixelAt(sent, 20, 20)).toEqual({ r: 255, g: 255, b: 255 }); // repaint
      expect(await pixelAt(sent, 2, 2)).toEqual({ r: 0, g: 0, b: 0 }); // keep
      expect(result.images).toHaveLength(1);
      expect(call.warnings).toEqual([]);
      expect(violations).toEqual([]);
    });

    it('inpainting: a mask marking the area with transparency (OpenAI\'s convention) becomes white there', async () => {
      const photo = await solidImage(64, 64, { r: 120, g: 120, b: 120 });
      // Opaque black with a fully transparent square: the square is the area to edit.
      const rgba = Buffer.alloc(64 * 64 * 4);
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) rgba[(y * 64 + x) * 4 + 3] = x >= 40 && x < 56 && y >= 40 && y < 56 ? 0 : 255;
      const transparentSquare = await sharp(rgba, { raw: { width: 64, height: 64, channels: 4 } }).png().toBuffer();
      await provider().generate(stabilityCall('inpaint', { images: [inputImage(photo)], mask: inputImage(transparentSquare, 'mask') }));

      const sent = await fileBytes(await lastForm(), 'mask');
      expect(await pixelAt(sent, 45, 45)).toEqual({ r: 255, g: 255, b: 255 });
      expect(await pixelAt(sent, 10, 10)).toEqual({ r: 0, g: 0, b: 0 });
      expect(violations).toEqual([]);
    });

    it('inpainting without a mask sends an image with transparency as it is; an opaque one, or none, is refused before calling', async () => {
      const withAlpha = await solidImage(64, 64, { r: 1, g: 2, b: 3, alpha: 0.5 });
      await provider().generate(stabilityCall('inpaint', { images: [inputImage(withAlpha)] }));
      const form = await lastForm();
      expect(form.has('mask')).toBe(false);
      expect((await fileBytes(form, 'image')).equals(withAlpha)).toBe(true);

      fake.requests.length = 0;
      const textOnly = await rejection(provider().generate(stabilityCall('inpaint')));
      expect(textOnly).toMatchObject({ status: 400, param: 'image' });
      const opaque = await solidImage(64, 64, { r: 1, g: 2, b: 3 });
      const error = await rejection(provider().generate(stabilityCall('inpaint', { images: [inputImage(opaque)] })));
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, param: 'mask' });
      expect(fake.requests).toHaveLength(0);
      expect(violations).toEqual([]);
    });
  });

  describe('parameter mapping', () => {
    it('maps a size to the nearest ratio with a warning, passes seed, negative_prompt and style_preset, warns about the rest', async () => {
      // As multipart sends them: every value is text.
      const call = stabilityCall('core', {
        fields: { size: '1000x700', quality: 'high', seed: '42', negative_prompt: ' blurry, text ', style_preset: 'anime', unknown_knob: '3', cfg_scale: '5' },
      });
      await provider().generate(call);

      expect(textFields(await lastForm())).toEqual({
        prompt: 'a red fox', aspect_ratio: '3:2', output_format: 'webp', seed: '42', negative_prompt: ' blurry, text ', style_preset: 'anime',
      });
      // quality is the router's to report (the offer has none); the adapter says what it changed itself.
      expect(call.warnings).toEqual([
        'size 1000x700 is not an aspect ratio core offers: asked for the nearest, 3:2',
        "'unknown_knob' is not a documented parameter of core: it was not sent",
        "'cfg_scale' is not a documented parameter of core: it was not sent",
      ]);
      expect(violations).toEqual([]);
    });

    it('SD3.5 takes cfg_scale; strength without an image and a size on an sd3 edit are reported, not sent', async () => {
      const textCall = stabilityCall('sd3.5-large-turbo', { fields: { size: '1024x1536', cfg_scale: '1.5', strength: '0.5' } });
      await provider().generate(textCall);
      expect(textFields(await lastForm())).toEqual({ model: 'sd3.5-large-turbo', prompt: 'a red fox', aspect_ratio: '2:3', output_format: 'webp', cfg_scale: '1.5' });
      expect(textCall.warnings).toEqual(["'strength' applies only with an input image: it was not sent"]);

      const photo = await solidImage(64, 64, { r: 5, g: 5, b: 5 });
      const editCall = stabilityCall('sd3.5-large', { fields: { size: '1792x1024' }, images: [inputImage(photo)] });
      await provider().generate(editCall);
      expect((await lastForm()).has('aspect_ratio')).toBe(false);
      expect(editCall.warnings).toEqual([expect.stringMatching(/size 1792x1024 was not sent: sd3\.5-large takes an aspect ratio only for text-to-image/)]);
      expect(violations).toEqual([]);
    });

    it('inpainting keeps the input size: an explicit size is reported, not sent', async () => {
      const photo = await solidImage(64, 64, { r: 5, g: 5, b: 5 });
      const call = stabilityCall('inpaint', { fields: { size: '1024x1024' }, images: [inputImage(photo)], mask: inputImage(await rectMask(64, 64, { left: 0, top: 0, width: 8, height: 8 }), 'mask') });
      await provider().generate(call);
      expect(textFields(await lastForm())).toEqual({ prompt: 'a red fox', output_format: 'webp' });
      expect(call.warnings).toEqual(["size 1024x1024 was not sent: inpainting keeps the input image's size"]);
      expect(violations).toEqual([]);
    });

    it('an explicit output_compression asks for lossless PNG, so the pipeline compresses only once', async () => {
      const result = await provider().generate(stabilityCall('core', { fields: { output_format: 'webp', output_compression: 50 } }));
      expect((await lastForm()).get('output_format')).toBe('png');
      expect(result.images[0]!.format).toBe('png');
    });

    it.each([
      ['seed', '-1'],
      ['seed', '1.5'],
      ['seed', 'abc'],
      ['strength', '2'],
      ['style_preset', 'watercolor'],
      ['negative_prompt', 42],
    ])("refuses %s=%j (outside the documented type or range) before calling", async (name, value) => {
      const photo = await solidImage(64, 64, { r: 5, g: 5, b: 5 });
      const error = await rejection(provider().generate(stabilityCall('ultra', { fields: { [name]: value }, images: [inputImage(photo)] })));
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, param: name });
      expect(fake.requests).toHaveLength(0);
    });

    it('the fake holds the documented rules between fields', async () => {
      const post = (path: string, fields: Record<string, string>, image?: Buffer) => {
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, v);
        if (image) form.append('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'image.png');
        return fetch(`${fake.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, accept: 'application/json' }, body: form });
      };
      const png = await solidImage(64, 64, { r: 1, g: 1, b: 1 });
      expect((await post('/v2beta/stable-image/generate/core', { prompt: 'x', width: '1024' })).status).toBe(400);
      expect((await post('/v2beta/stable-image/generate/ultra', { prompt: 'x' }, png)).status).toBe(400); // image without strength
      expect((await post('/v2beta/stable-image/generate/sd3', { prompt: 'x', mode: 'image-to-image', strength: '0.5', aspect_ratio: '1:1' }, png)).status).toBe(400);
      expect((await post('/v2beta/stable-image/generate/sd3', { prompt: 'x', aspect_ratio: '4:3' })).status).toBe(400);
      expect((await post('/v2beta/stable-image/edit/inpaint', { prompt: 'x' })).status).toBe(400); // image is required
      expect((await post('/v2beta/stable-image/generate/sd3', { prompt: 'x', model: 'sd3.5-flash', aspect_ratio: '9:21' })).status).toBe(200);
      expect(violations).toHaveLength(5); // one per refused request
    });
  });

  describe('errors', () => {
    it.each([
      ['bad_request', 'rejected'],
      ['payment_required', 'quota'],
      ['content_moderation', 'content_policy'],
      ['payload_too_large', 'rejected'],
      ['invalid_language', 'rejected'],
      ['public_figure', 'content_policy'],
      ['rate_limit_exceeded', 'rate_limited'],
      ['internal_error', 'server_error'],
    ])('%s -> %s', async (name, kind) => {
      scripted = name;
      const error = await rejection(provider().generate(stabilityCall('core')));
      const { status, body } = ERRORS[name]!;
      expect(error).toMatchObject({ name: 'UpstreamError', kind, status });
      expect(error.message).toBe(`${body.name}: ${body.errors.join('; ')}`);
      if (name === 'rate_limit_exceeded') expect(error.retryAfter).toBe(60);
      expect(violations).toEqual([]);
    });

    it('a refused key (401) is auth; a 403 that is not content moderation is auth too', async () => {
      const error = await rejection(provider({ apiKey: 'sk-wrong' }).generate(stabilityCall('core')));
      expect(error).toMatchObject({ kind: 'auth', status: 401, message: 'unauthorized: invalid api key' });

      const forbidden = { id: 'x', name: 'forbidden', errors: ['this key cannot use this service'] };
      expect(classifyStabilityError(403, forbidden)).toBe('auth');
      expect(classifyStabilityError(403, ERRORS.content_moderation!.body)).toBe('content_policy');
    });

    it('a 200 with finish_reason CONTENT_FILTERED is content_policy (the image was blurred)', async () => {
      scriptedBody = { ...ANSWER, image: (await solidImage(64, 64, { r: 128, g: 128, b: 128 })).toString('base64'), finish_reason: 'CONTENT_FILTERED' };
      const error = await rejection(provider().generate(stabilityCall('ultra')));
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'content_policy' });
      expect(error.message).toMatch(/CONTENT_FILTERED/);
    });

    it.each([
      [{ seed: 1, finish_reason: 'SUCCESS' }, /no image/],
      [{ ...ANSWER, image: Buffer.from('not an image').toString('base64') }, /not an image/],
      [{ ...ANSWER, finish_reason: 'ERROR' }, /ERROR/],
      ['PNG bytes, what did you expect?', /not answer with JSON/],
    ])('a 200 answered %j is a bad_response', async (body, message) => {
      scriptedBody = body;
      const error = await rejection(provider().generate(stabilityCall('core')));
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'bad_response' });
      expect(error.message).toMatch(message);
    });

    it('refuses an output image larger than maxDownloadBytes', async () => {
      const error = await rejection(provider({ maxDownloadBytes: 50 }).generate(stabilityCall('core')));
      expect(error).toMatchObject({ kind: 'bad_response' });
      expect(error.message).toMatch(/larger than 50 bytes/);
    });
  });

  it('is available only with an API key, and makes no call without one', async () => {
    expect(provider().isAvailable()).toBe(true);
    const keyless = provider({ apiKey: undefined });
    expect(keyless.isAvailable()).toBe(false);
    expect(await rejection(keyless.generate(stabilityCall('core')))).toMatchObject({ kind: 'auth' });
    expect(fake.requests).toHaveLength(0);
  });

  // Costs 2.5 credits ($0.025): one SD3.5 Flash image. Runs only where the real key is set.
  it.runIf(process.env.STABILITY_API_KEY)('live: SD3.5 Flash makes one image', async () => {
    const live = stabilityModule.create({
      apiKey: process.env.STABILITY_API_KEY, baseUrl: process.env.STABILITY_BASE_URL ?? stabilityModule.defaultBaseUrl, maxDownloadBytes: 50 * 1024 * 1024, pollIntervalMs: 1000,
    });
    const call = stabilityCall('sd3.5-flash', { fields: { prompt: 'a small red circle on white', size: '1280x720', output_format: 'png' }, signal: AbortSignal.timeout(120_000) });
    const result = await live.generate(call);
    expect(result.images).toHaveLength(1);
    const { width, height } = await sharp(result.images[0]!.bytes).metadata();
    expect(width! / height!).toBeCloseTo(16 / 9, 1);
    expect(call.warnings).toEqual([]);
  }, 130_000);
});

describe('stability catalog (models.ts)', () => {
  it('is the module STABILITY_API_KEY / STABILITY_BASE_URL configure', () => {
    expect(stabilityModule).toMatchObject({ id: 'stability', envPrefix: 'STABILITY', defaultBaseUrl: 'https://api.stability.ai' });
    expect(stabilityModule.models).toBe(models);
  });

  it('lists the services under their shared ids, at their documented credits (1 credit = $0.01)', () => {
    const prices = Object.fromEntries(models.map(({ model, offer }) => [model.id, offer.price]));
    const fixed = (credits: number): PriceRule => ({ type: 'fixed', perImageMicros: credits * 10_000 });
    expect(prices).toEqual({
      'stability/stable-image-ultra': fixed(8),
      'stability/stable-image-core': fixed(3),
      'stability/stable-diffusion-3.5-large': fixed(6.5),
      'stability/stable-diffusion-3.5-large-turbo': fixed(4),
      'stability/stable-diffusion-3.5-medium': fixed(3.5),
      'stability/stable-diffusion-3.5-flash': fixed(2.5),
      'stability/stable-image-inpaint': fixed(5),
    });
  });

  it.each(models.map((m) => [m.model.id, m] as const))('%s: well-formed, priced, and agreeing with the API contract', (_id, { model, offer }) => {
    expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
    expect(model.id.startsWith('stability/')).toBe(true);
    expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const price = offer.price!;
    expect(price.type).toBe('fixed');
    const micros = price.type === 'fixed' ? price.perImageMicros : NaN;
    expect(Number.isInteger(micros) && micros >= 0).toBe(true);
    expect(offer.priceSource?.trim()).toBeTruthy();
    expect(offer.priceSource).toMatch(/^https:\/\/platform\.stability\.ai\/docs\/api-reference#tag\/\S+ \(.*credits.*\), read 2026-11-21$/);

    const contract = CONTRACT[pathOf(offer.upstreamModel)]!;
    if (pathOf(offer.upstreamModel).endsWith('/sd3')) expect(SD3_MODELS).toContain(offer.upstreamModel);
    const caps = offer.capabilities;
    expect(caps).toMatchObject({ maxImagesPerCall: 1, quality: false, transparentBackground: false, promptRequired: true, maxPromptLength: 10_000 });
    expect(caps.edit).toBe('image' in contract.fields);
    expect(caps.maxInputImages).toBe(caps.edit ? 1 : 0);
    expect(caps.mask).toBe('mask' in contract.fields);
    for (const extra of caps.extras ?? []) {
      expect(KNOWN_EXTRAS).toContain(extra);
      expect(contract.fields).toHaveProperty(extra);
    }
    expect(caps.sizes.kind).toBe('aspect');
    const ratios = caps.sizes.kind === 'aspect' ? caps.sizes.ratios : [];
    expect([...ratios].sort()).toEqual([...ASPECTS].sort());
    // Every listed size is exactly one of the documented ratios.
    for (const size of [caps.defaultSize, ...caps.listedSizes.filter((s) => s !== 'auto')]) {
      const { width, height } = parseSize(size);
      expect(sizeAllowed(caps.sizes, { width, height })).toBe(true);
      expect(ASPECTS.some((r) => { const [w, h] = r.split(':').map(Number); return width * h! === height * w!; }), size).toBe(true);
    }
  });

  it('only the inpaint service takes a mask', () => {
    expect(models.filter((m) => m.offer.capabilities.mask).map((m) => m.model.id)).toEqual(['stability/stable-image-inpaint']);
  });
});
