import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { parseSize } from '../../src/api/imageRequest.js';
import { sizeAllowed } from '../../src/catalog/catalog.js';
import { automatic1111Module } from '../../src/providers/automatic1111/index.js';
import { capabilities, models, modelsFor, PRICE_SOURCE } from '../../src/providers/automatic1111/models.js';
import { KNOWN_EXTRAS } from '../../src/providers/automatic1111/params.js';
import { sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, rectMask, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';

/** A documented answer from test/fixtures/providers/automatic1111, without its `_source` note. */
function fixture(name: string): Record<string, any> {
  const { _source, ...body } = JSON.parse(readFileSync(new URL(`../fixtures/providers/automatic1111/${name}.json`, import.meta.url), 'utf8'));
  return body;
}

type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
const S = 'string', I = 'integer', N = 'number', B = 'boolean', O = 'object', A = 'array';

/**
 * The request models of the API (modules/api/models.py builds them from the __init__ fields of
 * StableDiffusionProcessingTxt2Img / Img2Img in modules/processing.py, minus API_NOT_ALLOWED, plus
 * its additional fields). The real server ignores unknown fields; this fake refuses them, so a
 * misspelt field cannot pass unnoticed.
 */
const COMMON: Record<string, FieldType> = {
  prompt: S, negative_prompt: S, styles: A, seed: I, subseed: I, subseed_strength: N, seed_resize_from_h: I, seed_resize_from_w: I,
  sampler_name: S, batch_size: I, n_iter: I, steps: I, cfg_scale: N, width: I, height: I, restore_faces: B, tiling: B,
  do_not_save_samples: B, do_not_save_grid: B, eta: N, denoising_strength: N, s_min_uncond: N, s_churn: N, s_tmax: N, s_tmin: N, s_noise: N,
  override_settings: O, override_settings_restore_afterwards: B, refiner_checkpoint: S, refiner_switch_at: N, disable_extra_networks: B,
  comments: O, sampler_index: S, script_name: S, script_args: A, send_images: B, save_images: B, alwayson_scripts: O, force_task_id: S, infotext: S,
};
const CONTRACT: Record<string, Record<string, FieldType>> = {
  '/sdapi/v1/txt2img': {
    ...COMMON, enable_hr: B, firstphase_width: I, firstphase_height: I, hr_scale: N, hr_upscaler: S, hr_second_pass_steps: I,
    hr_resize_x: I, hr_resize_y: I, hr_checkpoint_name: S, hr_sampler_name: S, hr_prompt: S, hr_negative_prompt: S,
  },
  '/sdapi/v1/img2img': {
    ...COMMON, init_images: A, resize_mode: I, image_cfg_scale: N, mask: S, mask_blur_x: I, mask_blur_y: I, mask_blur: I, inpainting_fill: I,
    inpaint_full_res: B, inpaint_full_res_padding: I, inpainting_mask_invert: I, initial_noise_multiplier: N, latent_mask: S, include_init_images: B,
  },
};

const isBase64 = (value: unknown) => typeof value === 'string' && /^[A-Za-z0-9+/]+=*$/.test(value);

/** What is wrong with a body, as the API's validation (and this stricter fake) sees it. */
async function contractViolations(path: string, body: any): Promise<string[]> {
  const fields = CONTRACT[path]!;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['the body is not a JSON object'];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    const type = fields[name];
    if (!type) {
      problems.push(`'${name}' is not a field of ${path}`);
      continue;
    }
    const ok = type === 'integer' ? Number.isInteger(value)
      : type === 'array' ? Array.isArray(value)
        : type === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : typeof value === type;
    if (!ok) problems.push(`'${name}' must be ${type === 'integer' ? 'an' : 'a'} ${type}`);
  }
  for (const side of ['width', 'height']) {
    const value = body[side];
    if (value !== undefined && (value < 64 || value > 2048 || value % 8 !== 0)) problems.push(`${side} ${value} is not a multiple of 8 in 64-2048`);
  }
  if (body.batch_size !== undefined && !(body.batch_size >= 1 && body.batch_size <= 8)) problems.push(`batch_size ${body.batch_size} is not 1-8`);
  if (body.override_settings && typeof body.override_settings.sd_model_checkpoint !== 'string') problems.push('override_settings.sd_model_checkpoint must be a string');
  if (path === '/sdapi/v1/img2img') {
    if (!Array.isArray(body.init_images) || body.init_images.length === 0) problems.push('init_images is required');
    for (const image of [...(body.init_images ?? []), ...(body.mask !== undefined ? [body.mask] : [])]) {
      if (!isBase64(image)) problems.push('an image is not bare base64');
      else if (!(await sharp(Buffer.from(image, 'base64')).metadata().then(() => true, () => false))) problems.push('an image does not decode');
    }
  }
  return problems;
}

const COLORS = [{ r: 200, g: 40, b: 30 }, { r: 20, g: 160, b: 60 }, { r: 30, g: 60, b: 220 }, { r: 240, g: 200, b: 20 }];
const GRID = { r: 128, g: 128, b: 128 };

/** What the fake does in one test. */
interface Script {
  /** An error answer instead of generating. */
  fail?: { status: number; body: unknown };
  /** Put a grid in front of the images, as the server does with return_grid (info.index_of_first_image = 1). */
  grid?: boolean;
  /** Answer with these images instead of batch_size PNGs. */
  images?: string[];
  /** Wait this long before answering. */
  delayMs?: number;
}

let fake: FakeUpstream;
let script: Script;
let violations: string[];
let expectedAuth: string | undefined;

async function handle(req: RecordedRequest, res: Parameters<typeof sendJson>[0]) {
  if (req.method !== 'POST' || !(req.path in CONTRACT)) {
    violations.push(`unexpected ${req.method} ${req.path}`);
    return sendJson(res, 404, fixture('error-not-found'));
  }
  if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) return sendJson(res, 401, fixture('error-auth'), { 'www-authenticate': 'Basic' });
  if (expectedAuth === undefined && req.headers.authorization !== undefined) violations.push('an authorization header was sent without A1111_API_KEY');
  if (!/^application\/json/.test(req.headers['content-type'] ?? '')) violations.push('the body is not JSON');
  const problems = await contractViolations(req.path, req.json);
  if (problems.length > 0) {
    violations.push(...problems);
    return sendJson(res, 422, { detail: problems.map((msg) => ({ loc: ['body'], msg, type: 'value_error' })) });
  }
  if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
  if (script.fail) return sendJson(res, script.fail.status, script.fail.body);
  const { width, height, batch_size: batch = 1 } = req.json;
  const made = await Promise.all(Array.from({ length: batch }, (_, i) => solidImage(width ?? 512, height ?? 512, COLORS[i % COLORS.length]!)));
  const grid = script.grid ? [await solidImage(width ?? 512, height ?? 512, GRID)] : [];
  const base = fixture('txt2img');
  const info = { ...JSON.parse(base.info), index_of_first_image: grid.length };
  sendJson(res, 200, { ...base, images: script.images ?? [...grid, ...made].map((b) => b.toString('base64')), parameters: req.json, info: JSON.stringify(info) });
}

beforeAll(async () => {
  fake = await startFakeUpstream(handle);
});
afterAll(() => fake.close());
beforeEach(() => {
  script = {};
  violations = [];
  expectedAuth = undefined;
  fake.requests.length = 0;
});

/** The adapter as the registry builds it with A1111_BASE_URL set to the fake. */
const provider = (env: Record<string, string> = {}, overrides: Parameters<typeof testSettings>[1] = {}) =>
  automatic1111Module.create(testSettings(fake.url, { apiKey: env.A1111_API_KEY, baseUrlConfigured: true, env, ...overrides }));
const a1111Call = (options: Omit<Parameters<typeof makeCall>[0], 'upstreamModel'> = {}) =>
  makeCall({ upstreamModel: 'default', capabilities, ...options });
const route = (r: RecordedRequest) => `${r.method} ${r.path}`;

describe('automatic1111 adapter', () => {
  it('text-to-image: posts the exact txt2img body and decodes every image of the batch', async () => {
    const call = a1111Call({ fields: { size: '768x512', n: 2 } });
    const result = await provider().generate(call);

    expect(fake.requests.map(route)).toEqual(['POST /sdapi/v1/txt2img']);
    expect(fake.requests[0]!.json).toEqual({
      prompt: 'a red fox', negative_prompt: '', width: 768, height: 512, batch_size: 2, steps: 20, cfg_scale: 7, seed: -1,
    });
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
    expect(result.images).toHaveLength(2);
    for (const [i, image] of result.images.entries()) {
      expect(image.format).toBe('png');
      const { width, height } = await sharp(image.bytes).metadata();
      expect([width, height]).toEqual([768, 512]);
      expect(await pixelAt(image.bytes, 5, 5)).toEqual(COLORS[i]);
    }
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('sends the extras typed, A1111_MODEL as override_settings and A1111_API_KEY as basic auth; warns about the rest', async () => {
    expectedAuth = `Basic ${Buffer.from('alice:s3cr:et').toString('base64')}`;
    // As multipart sends them: every value is text.
    const fields = { seed: '42', steps: '30', cfg_scale: '5.5', sampler_name: 'DPM++ 2M', negative_prompt: 'blurry', denoising_strength: '0.5', unknown_knob: '3' };
    const call = a1111Call({ fields, n: 1 });
    await provider({ A1111_API_KEY: 'alice:s3cr:et', A1111_MODEL: 'sd_xl_base_1.0.safetensors' }).generate(call);

    expect(fake.requests[0]!.json).toEqual({
      prompt: 'a red fox', negative_prompt: 'blurry', width: 1024, height: 1024, batch_size: 1, steps: 30, cfg_scale: 5.5, seed: 42,
      sampler_name: 'DPM++ 2M', override_settings: { sd_model_checkpoint: 'sd_xl_base_1.0.safetensors' }, override_settings_restore_afterwards: false,
    });
    expect(call.warnings).toEqual([
      expect.stringMatching(/'unknown_knob' is not a parameter.*not sent/),
      expect.stringMatching(/'denoising_strength' only applies to image edits/),
    ]);
    expect(violations).toEqual([]);
  });

  it('image-to-image with a mask: init_images, the mask converted to white-means-repaint, the input\'s size at size auto', async () => {
    const photo = await solidImage(128, 96, { r: 0, g: 0, b: 255 });
    // OpenAI's convention: the transparent rectangle is what to repaint.
    const mask = await sharp({ create: { width: 128, height: 96, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } })
      .composite([{ input: { create: { width: 20, height: 16, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } }, left: 8, top: 8, blend: 'dest-out' }])
      .png().toBuffer();
    const call = a1111Call({ fields: { prompt: 'a cat on the sofa' }, images: [inputImage(photo, 'image[0]', 128, 96)], mask: inputImage(mask, 'mask', 128, 96) });
    const result = await provider().generate(call);

    expect(fake.requests.map(route)).toEqual(['POST /sdapi/v1/img2img']);
    const { mask: sentMask, ...body } = fake.requests[0]!.json;
    expect(body).toEqual({
      prompt: 'a cat on the sofa', negative_prompt: '', width: 128, height: 96, batch_size: 1, steps: 20, cfg_scale: 7, seed: -1,
      init_images: [photo.toString('base64')], denoising_strength: 0.75, inpainting_mask_invert: 0,
    });
    const maskBytes = Buffer.from(sentMask, 'base64');
    const meta = await sharp(maskBytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', 128, 96, false]);
    expect(await pixelAt(maskBytes, 15, 15)).toEqual({ r: 255, g: 255, b: 255 }); // inside the transparent rectangle: repaint
    expect(await pixelAt(maskBytes, 100, 80)).toEqual({ r: 0, g: 0, b: 0 }); // opaque: keep
    expect(result.images).toHaveLength(1);
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('an opaque mask repaints its white part; denoising_strength and an explicit size are sent', async () => {
    const photo = await solidImage(32, 32, { r: 9, g: 9, b: 9 }, 'jpeg');
    const mask = await rectMask(16, 16, { left: 0, top: 0, width: 8, height: 16 }); // a smaller mask is scaled to the input
    const call = a1111Call({
      fields: { size: '512x512', denoising_strength: 0.4 },
      images: [inputImage(photo, 'image[0]', 32, 32, 'jpeg')],
      mask: inputImage(mask, 'mask', 16, 16),
    });
    await provider().generate(call);

    const body = fake.requests[0]!.json;
    expect(body).toMatchObject({ width: 512, height: 512, denoising_strength: 0.4, init_images: [photo.toString('base64')] });
    const maskBytes = Buffer.from(body.mask, 'base64');
    expect((await sharp(maskBytes).metadata()).width).toBe(32);
    expect(await pixelAt(maskBytes, 4, 20)).toEqual({ r: 255, g: 255, b: 255 });
    expect(await pixelAt(maskBytes, 28, 20)).toEqual({ r: 0, g: 0, b: 0 });
    expect(violations).toEqual([]);
  });

  it('sends an input the server may not decode (tiff) as PNG', async () => {
    const tiff = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 9, g: 9, b: 9 } } }).tiff().toBuffer();
    await provider().generate(a1111Call({ images: [inputImage(tiff, 'image[0]', 16, 16, 'tiff')] }));
    const sent = Buffer.from(fake.requests[0]!.json.init_images[0], 'base64');
    expect((await sharp(sent).metadata()).format).toBe('png');
    expect(fake.requests[0]!.json).toMatchObject({ width: 64, height: 64 }); // size auto: the input's shape, scaled up to the 64 minimum
    expect(violations).toEqual([]);
  });

  it('fits a size to multiples of 8 with a warning', async () => {
    const call = a1111Call({ fields: { size: '1000x700' }, size: { width: 1000, height: 700 } });
    await provider().generate(call);
    expect(fake.requests[0]!.json).toMatchObject({ width: 1000, height: 704 });
    expect(call.warnings).toEqual([expect.stringMatching(/1000x700.*1000x704/)]);
  });

  it('skips a grid the server puts first (info.index_of_first_image) and takes at most n images', async () => {
    script.grid = true;
    const result = await provider().generate(a1111Call({ fields: { size: '64x64' }, n: 2 }));
    expect(result.images).toHaveLength(2);
    expect(await pixelAt(result.images[0]!.bytes, 1, 1)).toEqual(COLORS[0]);
    expect(await pixelAt(result.images[1]!.bytes, 1, 1)).toEqual(COLORS[1]);
  });

  it('refuses an extra of the wrong type before calling the server', async () => {
    for (const fields of [{ seed: 'abc' }, { steps: 2.5 }, { denoising_strength: 3 }, { sampler_name: 7 }]) {
      const error = await provider().generate(a1111Call({ fields })).catch((e) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, param: Object.keys(fields)[0] });
    }
    expect(fake.requests).toHaveLength(0);
  });

  describe('errors', () => {
    it.each([
      [422, 'rejected', fixture('error-validation'), /steps.*not a valid integer/],
      [404, 'rejected', fixture('error-sampler'), /HTTPException: Sampler not found/],
      [404, 'server_error', fixture('error-not-found'), /--api/],
      [500, 'server_error', fixture('error-server'), /OutOfMemoryError: CUDA out of memory/],
    ])('an answer %i is %s', async (status, kind, body, message) => {
      script.fail = { status, body };
      const error = await provider().generate(a1111Call()).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind, status });
      expect(error.message).toMatch(message);
    });

    it('a refused --api-auth is auth', async () => {
      expectedAuth = `Basic ${Buffer.from('alice:right').toString('base64')}`;
      const error = await provider({ A1111_API_KEY: 'alice:wrong' }).generate(a1111Call()).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'auth', status: 401 });
      expect(error.message).toMatch(/Incorrect username or password/);
    });

    it('an A1111_API_KEY that is not user:password is an auth error, and nothing is sent', async () => {
      const error = await provider({ A1111_API_KEY: 'just-a-token' }).generate(a1111Call()).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'auth' });
      expect(fake.requests).toHaveLength(0);
    });

    it.each([
      [[], /without an image/],
      [['%%%not-base64%%%'], /not .*valid image|not an image/],
    ])('an answer with images %j is a bad response', async (images, message) => {
      script.images = images as string[];
      const error = await provider().generate(a1111Call()).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'bad_response' });
      expect(error.message).toMatch(message);
    });

    it('a server that is down is unreachable', async () => {
      const down = await startFakeUpstream(() => {});
      await down.close();
      const error = await automatic1111Module.create(testSettings(down.url, { apiKey: undefined, baseUrlConfigured: true, env: {} })).generate(a1111Call()).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'unreachable' });
    });

    it('a generation still running when the call times out is a timeout', async () => {
      script.delayMs = 1500;
      const started = Date.now();
      const error = await provider().generate(a1111Call({ signal: AbortSignal.timeout(200) })).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'timeout' });
      expect(Date.now() - started).toBeLessThan(1400);
    });
  });

  it('is available only when A1111_BASE_URL is set (there is no key to require)', () => {
    expect(automatic1111Module.create(testSettings(fake.url, { apiKey: undefined, baseUrlConfigured: false, env: {} })).isAvailable()).toBe(false);
    expect(automatic1111Module.create(testSettings(fake.url, { apiKey: undefined })).isAvailable()).toBe(false);
    expect(automatic1111Module.create(testSettings(fake.url, { apiKey: undefined, baseUrlConfigured: true, env: {} })).isAvailable()).toBe(true);
  });
});

describe('automatic1111 catalog (models.ts)', () => {
  it('is the module A1111_BASE_URL / A1111_API_KEY configure', () => {
    expect(automatic1111Module).toMatchObject({ id: 'automatic1111', envPrefix: 'A1111', defaultBaseUrl: 'http://127.0.0.1:7860' });
    expect(automatic1111Module.models).toBe(models);
  });

  it('offers automatic1111/default, free, named after A1111_MODEL when set', () => {
    const [plain] = modelsFor({});
    expect(plain!.model).toMatchObject({ id: 'automatic1111/default', name: expect.stringMatching(/checkpoint the server has loaded/) });
    expect(plain!.model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(plain!.offer).toMatchObject({ upstreamModel: 'default', price: { type: 'free' }, priceSource: PRICE_SOURCE });
    expect(PRICE_SOURCE).toBe('self-hosted: set a price in the config file to charge for it');
    expect(modelsFor({ A1111_MODEL: 'juggernautXL_v9' })[0]!.model.name).toMatch(/juggernautXL_v9/);
  });

  it('capabilities agree with the API contract', () => {
    const caps = modelsFor({})[0]!.offer.capabilities;
    expect(caps).toMatchObject({
      sizes: { kind: 'range', min: 64, max: 2048, multipleOf: 8 }, edit: true, mask: true, maxInputImages: 1, maxImagesPerCall: 8, quality: false,
    });
    expect([...caps.extras!].sort()).toEqual(['cfg_scale', 'denoising_strength', 'negative_prompt', 'sampler_name', 'seed', 'steps']);
    expect(KNOWN_EXTRAS.sort()).toEqual([...caps.extras!].sort());
    for (const extra of caps.extras!) expect(CONTRACT['/sdapi/v1/img2img']).toHaveProperty(extra);
    for (const size of [caps.defaultSize, ...caps.listedSizes.filter((s) => s !== 'auto')]) expect(sizeAllowed(caps.sizes, parseSize(size)), size).toBe(true);
  });
});
