import { readFileSync } from 'node:fs';
import type http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/providers/errors.js';
import { downloadHeaders } from '../../src/providers/replicate/api.js';
import { replicateModule } from '../../src/providers/replicate/index.js';
import { buildInput, MODEL_INPUTS } from '../../src/providers/replicate/params.js';
import { sendBytes, sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';

/**
 * Replicate's contract, enforced by a fake on 127.0.0.1: Bearer auth everywhere, `Prefer: wait` on
 * creation, `{input}` for official models and `{version, input}` for pinned ones, each input checked
 * against the model's published schema (required fields, types, enums, ranges, no unknown fields).
 */

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/providers/replicate/${name}`, import.meta.url), 'utf8'));
const PREDICTION = fixture('prediction.json');
const ERRORS = fixture('errors.json');
const SCHEMAS: Record<string, Schema> = fixture('input-schemas.json');
const KEY = 'test-upstream-key';
const FLUX_PRO_VERSION = '96ccd0e758a1796926584ded2246369cdf8eb3d7c34475cf9c442be5e097d926';
const VERSIONS: Record<string, string> = { [FLUX_PRO_VERSION]: 'black-forest-labs/flux-1.1-pro' };

interface Property { type: string; format?: string; enum?: string[]; minimum?: number; maximum?: number; items?: Property }
interface Schema { output: 'uri' | 'uri[]'; required: string[]; properties: Record<string, Property> }

/** Problems with an input, in the words of Replicate's 422 `invalid_fields`. */
function validate(schema: Schema, input: Record<string, unknown>): string[] {
  const problems = schema.required.filter((name) => !(name in input)).map((name) => `${name} is required`);
  for (const [name, value] of Object.entries(input)) {
    const property = schema.properties[name];
    if (!property) problems.push(`Additional property ${name} is not allowed`);
    else problems.push(...checkValue(`input.${name}`, value, property));
  }
  return problems;
}

function checkValue(field: string, value: unknown, p: Property): string[] {
  const typed = { string: typeof value === 'string', boolean: typeof value === 'boolean', number: typeof value === 'number',
    integer: Number.isInteger(value), array: Array.isArray(value) }[p.type];
  if (!typed) return [`${field}: Invalid type. Expected: ${p.type}`];
  if (p.enum && !p.enum.includes(value as string)) return [`${field}: must be one of the following: ${p.enum.join(', ')}`];
  if (p.minimum !== undefined && (value as number) < p.minimum) return [`${field}: Must be greater than or equal to ${p.minimum}`];
  if (p.maximum !== undefined && (value as number) > p.maximum) return [`${field}: Must be less than or equal to ${p.maximum}`];
  if (p.format === 'uri' && !/^(https?|data):/.test(value as string)) return [`${field}: Does not match format 'uri'`];
  if (p.items) return (value as unknown[]).flatMap((item, i) => checkValue(`${field}.${i}`, item, p.items!));
  return [];
}

/** What the fake does with the next prediction. */
type Behavior =
  | { kind: 'complete' }
  | { kind: 'processing'; polls: number }
  | { kind: 'stuck' }
  | { kind: 'fail'; fixture: string }
  | { kind: 'http'; error: string; status: number };

let fake: FakeUpstream;
let behavior: Behavior;
const predictions = new Map<string, { prediction: Record<string, unknown>; pollsLeft: number; outputs: unknown; behavior: Behavior }>();
let counter = 0;

const problem = (res: http.ServerResponse, name: string, status: number) => sendJson(res, status, ERRORS[name].body, ERRORS[name].headers ?? {});

async function handle(req: RecordedRequest, res: http.ServerResponse) {
  if (req.headers.authorization !== `Bearer ${KEY}`) return problem(res, '401', 401);

  const delivery = /^\/delivery\/(\w+)\/out-(\d)\.(webp|jpg|png)$/.exec(req.path);
  if (req.method === 'GET' && delivery) return sendBytes(res, await picture(delivery[3]!), `image/${delivery[3] === 'jpg' ? 'jpeg' : delivery[3]}`);

  const get = /^\/predictions\/(\w+)$/.exec(req.path);
  if (req.method === 'GET' && get) {
    const entry = predictions.get(get[1]!);
    if (!entry) return sendJson(res, 404, { title: 'Not found', detail: 'Not found.', status: 404 });
    if (entry.behavior.kind !== 'stuck' && --entry.pollsLeft <= 0) settle(entry);
    return sendJson(res, 200, entry.prediction);
  }

  const official = /^\/models\/([\w.-]+)\/([\w.-]+)\/predictions$/.exec(req.path);
  if (req.method !== 'POST' || !(official || req.path === '/predictions')) return sendJson(res, 404, { title: 'Not found', detail: 'Not found.', status: 404 });
  if (!/^wait(=([1-9]|[1-5][0-9]|60))?$/.test(String(req.headers.prefer))) return sendJson(res, 400, { title: 'test: Prefer: wait expected', status: 400 });
  if (!/application\/json/.test(String(req.headers['content-type'])) || !req.json) return sendJson(res, 400, { title: 'test: a JSON body expected', status: 400 });
  const keys = Object.keys(req.json).sort().join(',');
  let model: string;
  if (official) {
    if (keys !== 'input') return sendJson(res, 422, { title: 'Input validation failed', detail: `- body: unexpected fields ${keys}\n`, status: 422 });
    model = `${official[1]}/${official[2]}`;
  } else {
    if (keys !== 'input,version') return sendJson(res, 422, { title: 'Input validation failed', detail: `- body: unexpected fields ${keys}\n`, status: 422 });
    if (!VERSIONS[req.json.version]) return problem(res, '422-version', 422);
    model = VERSIONS[req.json.version]!;
  }
  const schema = SCHEMAS[model];
  if (!schema) return sendJson(res, 404, { title: 'Not found', detail: 'Not found.', status: 404 });
  const problems = validate(schema, req.json.input);
  if (problems.length) {
    return sendJson(res, 422, { ...ERRORS['422-input'].body, detail: problems.map((p) => `- ${p}\n`).join(''), invalid_fields: problems.map((description) => ({ description })) });
  }
  if (behavior.kind === 'http') return problem(res, behavior.error, behavior.status);

  const id = `p${++counter}fakeprediction`;
  const format = req.json.input.output_format ?? 'png';
  const count = req.json.input.num_outputs ?? 1;
  const urls = Array.from({ length: count }, (_, i) => `${fake.url}/delivery/${id}/out-${i}.${format}`);
  const entry = {
    prediction: {
      ...PREDICTION, _source: undefined, id, model, version: VERSIONS[req.json.version] ? req.json.version : 'hidden', input: req.json.input,
      status: 'starting', output: null, error: null, completed_at: null,
      urls: { ...PREDICTION.urls, get: `${fake.url}/predictions/${id}`, cancel: `${fake.url}/predictions/${id}/cancel` },
    },
    outputs: schema.output === 'uri' ? urls[0] : urls,
    pollsLeft: behavior.kind === 'processing' ? behavior.polls : 0,
    behavior,
  };
  predictions.set(id, entry);
  if (behavior.kind === 'processing' || behavior.kind === 'stuck') entry.prediction.status = 'processing';
  else settle(entry);
  sendJson(res, 201, entry.prediction);
}

function settle(entry: { prediction: Record<string, unknown>; outputs: unknown; behavior: Behavior }) {
  if (entry.behavior.kind === 'fail') Object.assign(entry.prediction, { ...fixture(entry.behavior.fixture), _source: undefined });
  else Object.assign(entry.prediction, { status: 'succeeded', output: entry.outputs });
}

async function picture(format: string): Promise<Buffer> {
  const image = sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 40, b: 40 } } });
  return format === 'jpg' ? image.jpeg().toBuffer() : format === 'webp' ? image.webp().toBuffer() : image.png().toBuffer();
}

const provider = (overrides = {}) => replicateModule.create(testSettings(fake.url, overrides));
const posts = () => fake.requests.filter((r) => r.method === 'POST');
const failure = async (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as UpstreamError);

beforeAll(async () => {
  fake = await startFakeUpstream(handle);
});
afterAll(() => fake.close());
beforeEach(() => {
  behavior = { kind: 'complete' };
  fake.requests.length = 0;
});

describe('replicate adapter', () => {
  it('runs an official model in sync mode: exact body, downloads and decodes the outputs', async () => {
    const call = makeCall({ upstreamModel: 'black-forest-labs/flux-schnell', fields: { n: 2, output_format: 'webp' } });
    const result = await provider().generate(call);

    const [post] = posts();
    expect(post!.path).toBe('/models/black-forest-labs/flux-schnell/predictions');
    expect(post!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(post!.headers.prefer).toBe('wait');
    expect(post!.json).toEqual({ input: { prompt: 'a red fox', aspect_ratio: '1:1', num_outputs: 2, output_format: 'webp' } });
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.format).toBe('webp');
      expect(await sharp(image.bytes).metadata()).toMatchObject({ width: 48, height: 32, format: 'webp' });
    }
    // Output files were fetched with the key, as the docs ask; nothing was polled.
    const downloads = fake.requests.filter((r) => r.path.startsWith('/delivery/'));
    expect(downloads.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
    expect(fake.requests.filter((r) => r.path.startsWith('/predictions/'))).toHaveLength(0);
    expect(call.warnings).toEqual([]);
  });

  it('runs a pinned version through POST /predictions with {version, input}', async () => {
    const call = makeCall({ upstreamModel: `black-forest-labs/flux-1.1-pro:${FLUX_PRO_VERSION}`, fields: { output_format: 'png', size: '1024x768' } });
    const result = await provider().generate(call);

    expect(posts()[0]!.path).toBe('/predictions');
    expect(posts()[0]!.json).toEqual({
      version: FLUX_PRO_VERSION,
      input: { prompt: 'a red fox', aspect_ratio: 'custom', width: 1024, height: 768, output_format: 'png' },
    });
    expect(result.images.map((i) => i.format)).toEqual(['png']);
  });

  it('polls urls.get with the key while the prediction is still processing', async () => {
    behavior = { kind: 'processing', polls: 3 };
    const result = await provider().generate(makeCall({ upstreamModel: 'google/imagen-4', fields: { output_format: 'jpeg' } }));

    const polls = fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/predictions/'));
    expect(polls).toHaveLength(3);
    expect(polls.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(result.images.map((i) => i.format)).toEqual(['jpeg']);
  });

  it('edits with flux-kontext-pro: the input image as a data URI, its aspect ratio kept', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const call = makeCall({ upstreamModel: 'black-forest-labs/flux-kontext-pro', images: [inputImage(png)], fields: { prompt: 'make it a watercolor', safety_tolerance: 5 } });
    const result = await provider().generate(call);

    expect(posts()[0]!.json).toEqual({
      input: {
        prompt: 'make it a watercolor', aspect_ratio: 'match_input_image', input_image: `data:image/png;base64,${png.toString('base64')}`,
        output_format: 'png', safety_tolerance: 2,
      },
    });
    expect(call.warnings).toEqual(["'safety_tolerance' 5 is outside what this model allows (an integer from 0 to 2); using 2"]);
    expect(result.images).toHaveLength(1);
  });

  it('maps sizes, formats and extras to what the model takes, and says what changed', async () => {
    const call = makeCall({
      upstreamModel: 'black-forest-labs/flux-dev',
      size: { width: 1000, height: 700 },
      // As multipart sends them: strings.
      fields: { output_format: 'jpg', seed: '42', guidance: '12', go_fast: 'maybe', num_inference_steps: 28.4, lora: 'x' },
    });
    await provider().generate(call);

    expect(posts()[0]!.json).toEqual({
      input: { prompt: 'a red fox', aspect_ratio: '3:2', num_outputs: 1, output_format: 'jpg', seed: 42, guidance: 10, num_inference_steps: 28 },
    });
    expect(call.warnings).toEqual([
      'size 1000x700 is not available for this model; using aspect ratio 3:2',
      "'guidance' 12 is outside what this model allows (a number from 0 to 10); using 10",
      "'go_fast' must be true or false; not sent",
      "'num_inference_steps' 28.4 is outside what this model allows (an integer from 1 to 50); using 28",
      "'lora' is not a parameter of this model; not sent",
    ]);
  });

  it('asks for PNG when the model cannot make the client format, and sends named sizes and enums as given', async () => {
    const imagen = makeCall({ upstreamModel: 'google/imagen-4', fields: { output_format: 'webp', safety_filter_level: 'block_none' } });
    await provider().generate(imagen);
    expect(posts()[0]!.json).toEqual({ input: { prompt: 'a red fox', aspect_ratio: '1:1', output_format: 'png' } });
    expect(imagen.warnings).toEqual(["'safety_filter_level' must be one of block_low_and_above, block_medium_and_above, block_only_high; not sent"]);

    const recraft = makeCall({ upstreamModel: 'recraft-ai/recraft-v3', size: { width: 1365, height: 1024 }, fields: { style: 'digital_illustration' } });
    await provider().generate(recraft);
    expect(posts()[1]!.json).toEqual({ input: { prompt: 'a red fox', size: '1365x1024', style: 'digital_illustration' } });
    expect(recraft.warnings).toEqual([]);
  });

  it('edits with nano-banana: every input image in the image_input list, gif sent as png', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const gif = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#cc6633' } }).gif().toBuffer();
    const call = makeCall({
      upstreamModel: 'google/nano-banana',
      images: [inputImage(png, 'image[0]', 64, 48), inputImage(gif, 'image[1]', 32, 32, 'gif')],
      fields: { prompt: 'put the cat on the sofa', output_format: 'jpeg' },
    });
    const result = await provider().generate(call);

    const input = posts()[0]!.json.input;
    expect(posts()[0]!.path).toBe('/models/google/nano-banana/predictions');
    expect(Object.keys(input).sort()).toEqual(['aspect_ratio', 'image_input', 'output_format', 'prompt']);
    expect(input).toMatchObject({ prompt: 'put the cat on the sofa', aspect_ratio: 'match_input_image', output_format: 'jpg' });
    expect(input.image_input).toHaveLength(2);
    expect(input.image_input[0]).toBe(`data:image/png;base64,${png.toString('base64')}`);
    // Gemini takes no gif: the second image went as PNG, same pixels.
    expect(input.image_input[1]).toMatch(/^data:image\/png;base64,/);
    const converted = Buffer.from(input.image_input[1].split(',')[1], 'base64');
    expect(await sharp(converted).metadata()).toMatchObject({ format: 'png', width: 32, height: 32 });
    expect(call.warnings).toEqual([]);
    expect(result.images.map((i) => i.format)).toEqual(['jpeg']);
  });

  it('picks the resolution tier from the requested size, never a dearer one than the price covers', async () => {
    const small = makeCall({ upstreamModel: 'google/nano-banana-pro', size: { width: 1024, height: 1024 } });
    await provider().generate(small);
    expect(posts()[0]!.json.input).toEqual({ prompt: 'a red fox', aspect_ratio: '1:1', resolution: '1K', output_format: 'png' });

    // A 2K 16:9 image is 2752x1536: still 2K.
    const wide = makeCall({ upstreamModel: 'google/nano-banana-pro', size: { width: 2752, height: 1536 }, fields: { safety_filter_level: 'block_only_high' } });
    await provider().generate(wide);
    expect(posts()[1]!.json.input).toEqual({ prompt: 'a red fox', aspect_ratio: '16:9', resolution: '2K', output_format: 'png', safety_filter_level: 'block_only_high' });
    expect(wide.warnings).toEqual(['size 2752x1536 is not available for this model; using aspect ratio 16:9']);

    // 4K is priced twice as high on Replicate and is not asked for.
    const huge = makeCall({ upstreamModel: 'google/nano-banana-pro', size: { width: 4096, height: 4096 } });
    await provider().generate(huge);
    expect(posts()[2]!.json.input).toMatchObject({ aspect_ratio: '1:1', resolution: '2K' });
    expect(huge.warnings).toEqual(['size 4096x4096 is larger than this model makes here; using resolution 2K (about 2048x2048 pixels)']);

    // Seedream 4.5 makes 2K and 4K at one price.
    const seedream = makeCall({ upstreamModel: 'bytedance/seedream-4.5', size: { width: 4096, height: 4096 } });
    await provider().generate(seedream);
    expect(posts()[3]!.json.input).toEqual({ prompt: 'a red fox', aspect_ratio: '1:1', size: '4K' });
    expect(seedream.warnings).toEqual([]);
  });

  describe('failures', () => {
    it('a refused key is auth', async () => {
      const error = await failure(provider({ apiKey: 'wrong-key' }).generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell' })));
      expect(error).toMatchObject({ kind: 'auth', status: 401, message: 'You did not pass a valid authentication token' });
    });

    it('no credit (402) is quota', async () => {
      behavior = { kind: 'http', error: '402', status: 402 };
      const error = await failure(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell' })));
      expect(error).toMatchObject({ kind: 'quota', status: 402 });
      expect(error.message).toMatch(/insufficient credit/);
    });

    it('an unknown version (422) is rejected', async () => {
      const error = await failure(provider().generate(makeCall({ upstreamModel: `black-forest-labs/flux-1.1-pro:${'0'.repeat(64)}` })));
      expect(error).toMatchObject({ kind: 'rejected', status: 422, message: expect.stringMatching(/version does not exist/) });
    });

    it('throttling (429) is rate_limited with the Retry-After', async () => {
      behavior = { kind: 'http', error: '429', status: 429 };
      const error = await failure(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell' })));
      expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfter: 7 });
    });

    it('a 5xx is server_error', async () => {
      const server = await startFakeUpstream((_req, res) => sendJson(res, 503, { title: 'Service Unavailable', status: 503 }));
      try {
        const error = await failure(replicateModule.create(testSettings(server.url)).generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell' })));
        expect(error).toMatchObject({ kind: 'server_error', status: 503 });
      } finally {
        await server.close();
      }
    });

    it('a prediction failed by the safety checker is content_policy', async () => {
      behavior = { kind: 'fail', fixture: 'failed-nsfw.json' };
      const error = await failure(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell' })));
      expect(error).toMatchObject({ kind: 'content_policy', message: expect.stringMatching(/NSFW content detected/) });
    });

    it('a prediction failed otherwise is server_error', async () => {
      behavior = { kind: 'fail', fixture: 'failed.json' };
      const error = await failure(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell' })));
      expect(error).toMatchObject({ kind: 'server_error', message: expect.stringMatching(/raised an exception/) });
    });

    it('a prediction still processing when the call times out is timeout', async () => {
      behavior = { kind: 'stuck' };
      const started = Date.now();
      const error = await failure(provider().generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell', signal: AbortSignal.timeout(300) })));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  it('is unavailable without a key', () => {
    expect(replicateModule.create(testSettings(fake.url, { apiKey: undefined })).isAvailable()).toBe(false);
    expect(provider().isAvailable()).toBe(true);
  });

  it('sends the key only to the API origin and replicate.delivery', () => {
    const settings = { apiKey: KEY, baseUrl: 'https://api.replicate.com/v1' };
    expect(downloadHeaders(settings, 'https://replicate.delivery/xezq/abc/out-0.webp')).toEqual({ authorization: `Bearer ${KEY}` });
    expect(downloadHeaders(settings, 'https://tjzk.replicate.delivery/abc/out-0.webp')).toEqual({ authorization: `Bearer ${KEY}` });
    expect(downloadHeaders(settings, 'https://api.replicate.com/v1/files/abc')).toEqual({ authorization: `Bearer ${KEY}` });
    expect(downloadHeaders(settings, 'https://evil.example/replicate.delivery/x.png')).toEqual({});
  });

  it('catalog: every model is priced with a source and only promises what its schema takes', async () => {
    const { models } = replicateModule;
    expect(models.length).toBeGreaterThanOrEqual(24);
    expect(new Set(models.map((m) => m.model.id)).size).toBe(models.length);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } }).png().toBuffer();

    for (const { model, offer } of models) {
      const schema = SCHEMAS[offer.upstreamModel];
      expect(schema, model.id).toBeDefined();
      expect(model.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(offer.price?.type).toBe('fixed');
      const micros = offer.price?.type === 'fixed' ? offer.price.perImageMicros : 0;
      expect(Number.isInteger(micros) && micros > 0, model.id).toBe(true);
      expect(offer.priceSource, model.id).toMatch(/^https:\/\/replicate\.com\/\S+ .*, read \d{4}-\d{2}-\d{2}$/);

      const caps = offer.capabilities;
      for (const extra of caps.extras ?? []) expect(schema!.properties, `${model.id} ${extra}`).toHaveProperty(extra);
      const rule = caps.sizes;
      if (rule.kind === 'aspect') for (const ratio of rule.ratios) expect(schema!.properties.aspect_ratio!.enum, model.id).toContain(ratio);
      const sizeInput = MODEL_INPUTS[offer.upstreamModel]!.size;
      if (sizeInput.kind === 'aspect' && sizeInput.matchInput) expect(schema!.properties.aspect_ratio!.enum, model.id).toContain(sizeInput.matchInput);
      if (sizeInput.kind === 'aspect' && sizeInput.resolution) {
        for (const tier of sizeInput.resolution.tiers) expect(schema!.properties[sizeInput.resolution.field]!.enum, model.id).toContain(tier.value);
      }
      const images = MODEL_INPUTS[offer.upstreamModel]!.images;
      if (images) expect(schema!.properties[images.field]!.type, model.id).toBe(images.list ? 'array' : 'string');
      if (rule.kind === 'list') for (const size of rule.sizes) expect(schema!.properties.size!.enum, model.id).toContain(size);
      if (rule.kind === 'range') {
        expect(rule.min).toBeGreaterThanOrEqual(schema!.properties.width!.minimum!);
        expect(rule.max).toBeLessThanOrEqual(schema!.properties.width!.maximum!);
      }
      if (caps.maxImagesPerCall > 1) expect(caps.maxImagesPerCall).toBeLessThanOrEqual(schema!.properties.num_outputs!.maximum!);
      expect(caps.edit).toBe(MODEL_INPUTS[offer.upstreamModel]!.images !== undefined);

      // The input for a default call, and for an edit where the model takes images, passes the schema.
      const [width, height] = caps.defaultSize.split('x').map(Number) as [number, number];
      const call = makeCall({ upstreamModel: offer.upstreamModel, size: { width, height }, n: caps.maxImagesPerCall });
      const spec = MODEL_INPUTS[offer.upstreamModel]!;
      expect(validate(schema!, buildInput(call, spec, [])), model.id).toEqual([]);
      if (caps.edit) expect(validate(schema!, buildInput(call, spec, [`data:image/png;base64,${png.toString('base64')}`])), model.id).toEqual([]);
      expect(call.warnings, model.id).toEqual([]);
    }
  });

  it.runIf(process.env.REPLICATE_API_KEY)('live: flux-schnell makes one image', async () => {
    const live = replicateModule.create(testSettings(replicateModule.defaultBaseUrl, { apiKey: process.env.REPLICATE_API_KEY, pollIntervalMs: 1000 }));
    const result = await live.generate(makeCall({ upstreamModel: 'black-forest-labs/flux-schnell', signal: AbortSignal.timeout(90_000) }));
    expect(result.images).toHaveLength(1);
    expect((await sharp(result.images[0]!.bytes).metadata()).width).toBeGreaterThan(0);
  }, 100_000);
});
