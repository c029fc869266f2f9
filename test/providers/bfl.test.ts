import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { parseSize } from '../../src/api/imageRequest.js';
import { sizeAllowed } from '../../src/catalog/catalog.js';
import { bflModule } from '../../src/providers/bfl/index.js';
import { models } from '../../src/providers/bfl/models.js';
import { KNOWN_EXTRAS } from '../../src/providers/bfl/params.js';
import { sendBytes, sendJson, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, solidImage } from '../helpers/images.js';
import { inputImage, makeCall, testSettings } from '../helpers/providerCall.js';

/** A documented answer from test/fixtures/providers/bfl, without its `_source` note. */
function fixture(name: string): Record<string, any> {
  const { _source, ...body } = JSON.parse(readFileSync(new URL(`../fixtures/providers/bfl/${name}.json`, import.meta.url), 'utf8'));
  return body;
}

type FieldType = 'string' | 'integer' | 'number' | 'boolean';
const S = 'string', I = 'integer', N = 'number', B = 'boolean';
const webhook = { webhook_url: S, webhook_secret: S } as const;
const inputImages = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [i === 0 ? 'input_image' : `input_image_${i + 1}`, S]));
const flux1Pixels = { min: 256, max: 1440, multipleOf: 32 };
const flux2Pixels = { min: 64, max: 2048, multipleOf: 16 };

/** The request bodies of the endpoints, from their schemas in https://api.bfl.ai/openapi.json. */
const CONTRACT: Record<string, { required: string[]; fields: Record<string, FieldType>; pixels?: typeof flux1Pixels }> = {
  'flux-pro-1.1': {
    required: [],
    fields: { prompt: S, image_prompt: S, width: I, height: I, prompt_upsampling: B, seed: I, safety_tolerance: I, output_format: S, ...webhook },
    pixels: flux1Pixels,
  },
  'flux-dev': {
    required: [],
    fields: { prompt: S, image_prompt: S, width: I, height: I, steps: I, prompt_upsampling: B, seed: I, guidance: N, safety_tolerance: I, output_format: S, ...webhook },
    pixels: flux1Pixels,
  },
  'flux-pro-1.1-ultra': {
    required: [],
    fields: { prompt: S, prompt_upsampling: B, seed: I, aspect_ratio: S, safety_tolerance: I, output_format: S, raw: B, image_prompt: S, image_prompt_strength: N, ...webhook },
  },
  'flux-kontext-pro': {
    required: ['prompt'],
    fields: { prompt: S, ...inputImages(4), seed: I, aspect_ratio: S, output_format: S, prompt_upsampling: B, safety_tolerance: I, ...webhook },
  },
  'flux-2-pro': {
    required: ['prompt'],
    fields: { prompt: S, ...inputImages(8), seed: I, width: I, height: I, safety_tolerance: I, output_format: S, ...webhook },
    pixels: flux2Pixels, // schema: minimum 64; docs: multiples of 16, at most 4 MP
  },
};
CONTRACT['flux-kontext-max'] = CONTRACT['flux-kontext-pro']!;
CONTRACT['flux-2-max'] = CONTRACT['flux-2-pro']!;

const ratioValue = (ratio: string) => {
  const [w, h] = ratio.split(':').map(Number);
  return w! / h!;
};

/** What is wrong with a submitted body, as BFL's validation would see it (and unknown fields, which BFL would ignore). */
function contractViolations(endpoint: string, body: any): string[] {
  const contract = CONTRACT[endpoint];
  if (!contract) return [`no endpoint /v1/${endpoint}`];
  if (!body || typeof body !== 'object') return ['the body is not a JSON object'];
  const problems: string[] = [];
  for (const name of contract.required) if (!(name in body)) problems.push(`'${name}' is required`);
  for (const [name, value] of Object.entries(body)) {
    const type = contract.fields[name];
    if (!type) {
      problems.push(`'${name}' is not a field of ${endpoint}`);
      continue;
    }
    const ok = type === 'integer' ? Number.isInteger(value) : typeof value === type;
    if (!ok) problems.push(`'${name}' must be a ${type}`);
  }
  if (body.output_format !== undefined && !['jpeg', 'png', 'webp'].includes(body.output_format)) problems.push(`output_format '${body.output_format}' is not jpeg, png or webp`);
  for (const side of ['width', 'height']) {
    const value = body[side];
    if (value === undefined) continue;
    const { min, max, multipleOf } = contract.pixels ?? { min: 0, max: 0, multipleOf: 1 };
    if (!contract.pixels || value < min || value > max || value % multipleOf !== 0) problems.push(`${side} ${value} is not allowed`);
  }
  if (body.aspect_ratio !== undefined) {
    const ok = /^\d+:\d+$/.test(body.aspect_ratio) && ratioValue(body.aspect_ratio) <= 21 / 9 + 1e-9 && ratioValue(body.aspect_ratio) >= 9 / 21 - 1e-9;
    if (!ok) problems.push(`aspect_ratio '${body.aspect_ratio}' is not between 21:9 and 9:21`);
  }
  for (const name of Object.keys(body).filter((n) => n.startsWith('input_image'))) {
    if (!/^[A-Za-z0-9+/]+=*$/.test(body[name])) problems.push(`'${name}' is not bare base64`);
  }
  return problems;
}

const KEY = 'test-upstream-key';
type Answer = string | { status: number; body: unknown; headers?: Record<string, string> };

/** What the fake does in one test. */
interface Script {
  /** An error answer to the submit instead of accepting the job. */
  submit?: { status: number; body: unknown; headers?: Record<string, string> };
  /** The poll answers in turn (a fixture name, or a raw answer); the last one repeats. */
  polls: Answer[];
  /** Poll answers for one job id, instead of `polls`. */
  pollsFor?: Record<string, Answer[]>;
  /** The polling_url handed out, instead of the fake's own. */
  pollingUrl?: string;
}

let fake: FakeUpstream;
let script: Script;
let violations: string[];
let jobs: number;
const pollCounts = new Map<string, number>();
let resultImage: Buffer;

async function handle(req: RecordedRequest, res: Parameters<typeof sendJson>[0]) {
  const key = req.headers['x-key'];
  if (req.method === 'POST' && req.path.startsWith('/v1/')) {
    if (key !== KEY) return sendJson(res, 403, fixture('error-forbidden'));
    if (!/^application\/json/.test(req.headers['content-type'] ?? '')) violations.push('the submit is not JSON');
    const problems = contractViolations(req.path.slice('/v1/'.length), req.json);
    if (problems.length > 0) {
      violations.push(...problems);
      return sendJson(res, 422, { detail: problems.map((msg) => ({ loc: ['body'], msg, type: 'value_error' })) });
    }
    if (script.submit) return sendJson(res, script.submit.status, script.submit.body, script.submit.headers);
    const id = `job-${++jobs}`;
    return sendJson(res, 200, { ...fixture('submit'), id, polling_url: script.pollingUrl ?? `${fake.url}/v1/get_result?id=${id}` });
  }
  if (req.method === 'GET' && req.path === '/v1/get_result') {
    if (key !== KEY) {
      violations.push('a poll came without the x-key header');
      return sendJson(res, 403, fixture('error-forbidden'));
    }
    const id = req.query.get('id') ?? '';
    const count = pollCounts.get(id) ?? 0;
    pollCounts.set(id, count + 1);
    const answers = script.pollsFor?.[id] ?? script.polls;
    const answer = answers[Math.min(count, answers.length - 1)]!;
    if (typeof answer !== 'string') return sendJson(res, answer.status, answer.body, answer.headers);
    const body: Record<string, any> = { ...fixture(answer), id };
    if (body.status === 'Ready') body.result = { ...body.result, sample: `${fake.url}/delivery/${id}/sample.png` };
    return sendJson(res, 200, body);
  }
  if (req.method === 'GET' && req.path.startsWith('/delivery/')) {
    // The signed sample URL needs no key: one sent there would leak to BFL's delivery host.
    if (key !== undefined) violations.push('the x-key header was sent to the delivery URL');
    return sendBytes(res, resultImage, 'image/png');
  }
  violations.push(`unexpected ${req.method} ${req.path}`);
  sendJson(res, 404, { detail: 'Not Found' });
}

beforeAll(async () => {
  resultImage = await solidImage(64, 48, { r: 200, g: 40, b: 30 });
  fake = await startFakeUpstream(handle);
});
afterAll(() => fake.close());
beforeEach(() => {
  script = { polls: ['poll-ready'] };
  violations = [];
  jobs = 0;
  pollCounts.clear();
  fake.requests.length = 0;
});

const provider = (overrides: Parameters<typeof testSettings>[1] = {}) => bflModule.create(testSettings(`${fake.url}/v1`, overrides));
const offer = (upstreamModel: string) => models.find((m) => m.offer.upstreamModel === upstreamModel)!.offer;
/** A call as the router makes it for this BFL model, with the model's real capabilities. */
const bflCall = (upstreamModel: string, options: Omit<Parameters<typeof makeCall>[0], 'upstreamModel'> = {}) =>
  makeCall({ upstreamModel, capabilities: offer(upstreamModel).capabilities, ...options });
const route = (r: RecordedRequest) => `${r.method} ${r.path}`;

describe('bfl adapter', () => {
  it('text-to-image: submits the exact body, polls through Pending to Ready, downloads and decodes the image', async () => {
    script.polls = ['poll-pending', 'poll-pending', 'poll-ready'];
    const call = bflCall('flux-pro-1.1', { fields: { size: '1024x768', output_format: 'png' } });
    const result = await provider().generate(call);

    const [submit, ...rest] = fake.requests;
    expect(route(submit!)).toBe('POST /v1/flux-pro-1.1');
    expect(submit!.headers['x-key']).toBe(KEY);
    expect(submit!.json).toEqual({ prompt: 'a red fox', width: 1024, height: 768, output_format: 'png' });
    expect(rest.map(route)).toEqual(['GET /v1/get_result', 'GET /v1/get_result', 'GET /v1/get_result', 'GET /delivery/job-1/sample.png']);
    expect(rest.slice(0, 3).every((r) => r.headers['x-key'] === KEY && r.query.get('id') === 'job-1')).toBe(true);

    expect(result.images).toHaveLength(1);
    const image = result.images[0]!;
    expect(image.format).toBe('png');
    expect(image.revisedPrompt).toBeUndefined(); // BFL reports the prompt it was sent
    const { width, height } = await sharp(image.bytes).metadata();
    expect([width, height]).toEqual([64, 48]);
    expect(await pixelAt(image.bytes, 10, 10)).toEqual({ r: 200, g: 40, b: 30 });
    expect(result.usage).toEqual({ costMicros: 40_000 }); // submit.json: cost 4 credits
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('Kontext image-to-image: sends the input image as bare base64 and keeps its shape at size auto', async () => {
    const photo = await solidImage(32, 32, { r: 0, g: 0, b: 255 });
    const call = bflCall('flux-kontext-pro', { fields: { prompt: 'make it snowy' }, images: [inputImage(photo)] });
    const result = await provider().generate(call);

    expect(route(fake.requests[0]!)).toBe('POST /v1/flux-kontext-pro');
    expect(fake.requests[0]!.json).toEqual({ prompt: 'make it snowy', input_image: photo.toString('base64'), output_format: 'png' });
    expect(result.images).toHaveLength(1);
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('Kontext with several references and a size: input_image_2 and the matching aspect ratio', async () => {
    const [a, b] = await Promise.all([solidImage(16, 16, { r: 255, g: 0, b: 0 }), solidImage(16, 16, { r: 0, g: 255, b: 0 }, 'jpeg')]);
    const call = bflCall('flux-kontext-max', { fields: { prompt: 'both', size: '1280x720' }, images: [inputImage(a), inputImage(b, 'image[1]', 16, 16, 'jpeg')] });
    await provider().generate(call);

    expect(fake.requests[0]!.json).toEqual({ prompt: 'both', aspect_ratio: '16:9', input_image: a.toString('base64'), input_image_2: b.toString('base64'), output_format: 'png' });
    expect(call.warnings).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('sends an input format BFL may not decode (tiff) as PNG', async () => {
    const tiff = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 9, g: 9, b: 9 } } }).tiff().toBuffer();
    await provider().generate(bflCall('flux-2-pro', { fields: { prompt: 'sharpen' }, images: [inputImage(tiff, 'image[0]', 16, 16, 'tiff')] }));

    const sent = Buffer.from(fake.requests[0]!.json.input_image, 'base64');
    expect((await sharp(sent).metadata()).format).toBe('png');
    expect(fake.requests[0]!.json).not.toHaveProperty('width'); // size auto on an edit: BFL matches the input
    expect(violations).toEqual([]);
  });

  it('maps a size to the nearest aspect ratio, warns about what BFL cannot honour, passes documented extras typed', async () => {
    // As multipart sends them: every value is text.
    const call = bflCall('flux-pro-1.1-ultra', { fields: { size: '1000x700', quality: 'high', output_format: 'jpeg', seed: '42', raw: 'true', unknown_knob: '3' } });
    await provider().generate(call);

    expect(fake.requests[0]!.json).toEqual({ prompt: 'a red fox', aspect_ratio: '3:2', output_format: 'jpeg', seed: 42, raw: true });
    expect(call.warnings).toHaveLength(3);
    expect(call.warnings[0]).toMatch(/quality 'high'/);
    expect(call.warnings[1]).toMatch(/1000x700.*3:2/);
    expect(call.warnings[2]).toMatch(/'unknown_knob'.*not sent/);
    expect(violations).toEqual([]);
  });

  it('fits a pixel size to the multiples of 32 FLUX1.1 [pro] takes, with a warning', async () => {
    const call = bflCall('flux-pro-1.1', { fields: { size: '1000x700', seed: 7 } });
    await provider().generate(call);

    expect(fake.requests[0]!.json).toEqual({ prompt: 'a red fox', width: 992, height: 704, output_format: 'png', seed: 7 });
    expect(call.warnings).toEqual([expect.stringMatching(/1000x700.*992x704/)]);
  });

  it('does not send an extra the model does not document (FLUX.2 has no prompt_upsampling)', async () => {
    const call = bflCall('flux-2-pro', { fields: { size: '1024x1024', prompt_upsampling: true, safety_tolerance: 4 } });
    await provider().generate(call);

    expect(fake.requests[0]!.json).toEqual({ prompt: 'a red fox', width: 1024, height: 1024, output_format: 'png', safety_tolerance: 4 });
    expect(call.warnings).toEqual([expect.stringMatching(/'prompt_upsampling'.*not sent/)]);
    expect(violations).toEqual([]);
  });

  it('refuses an extra of the wrong type before calling BFL', async () => {
    const error = await provider().generate(bflCall('flux-pro-1.1', { fields: { seed: 'abc' } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, param: 'seed' });
    expect(fake.requests).toHaveLength(0);
  });

  it('reports the prompt BFL used when it differs (prompt upsampling)', async () => {
    const result = await provider().generate(bflCall('flux-pro-1.1', { fields: { prompt: 'fox', prompt_upsampling: 'true' } }));
    expect(fake.requests[0]!.json.prompt_upsampling).toBe(true);
    expect(result.images[0]!.revisedPrompt).toBe('a red fox'); // poll-ready.json's result.prompt
  });

  it('makes one image per job (the router fans n out)', async () => {
    const one = await provider().generate(bflCall('flux-pro-1.1', {}));
    expect(one.images).toHaveLength(1);
    expect(one.usage).toEqual({ costMicros: 40_000 });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  describe('errors', () => {
    it.each([
      [401, 'auth', fixture('error-forbidden')],
      [403, 'auth', fixture('error-forbidden')],
      [402, 'quota', fixture('error-insufficient-credits')],
      [429, 'rate_limited', fixture('error-too-many-tasks')],
      [422, 'rejected', fixture('error-validation')],
      [500, 'server_error', { detail: 'Internal Server Error' }],
      // BFL documents 503 as "temporarily unavailable ... try again": the framework's 'overloaded'.
      [503, 'overloaded', { detail: 'Service Unavailable' }],
    ])('a submit answered %i is %s', async (status, kind, body) => {
      script.submit = { status, body, headers: status === 429 ? { 'retry-after': '5' } : {} };
      const error = await provider().generate(bflCall('flux-pro-1.1')).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind, status });
      if (status === 429) expect(error.retryAfter).toBe(5);
      if (status === 422) expect(error.message).toMatch(/multiple of 32/);
      expect(fake.requests).toHaveLength(1); // nothing to poll
    });

    it.each([
      ['poll-content-moderated', 'content_policy'],
      [{ status: 200, body: { id: 'job-1', status: 'Request Moderated', result: null } }, 'content_policy'],
      ['poll-error', 'server_error'],
      [{ status: 200, body: { id: 'job-1', status: 'Task not found', result: null } }, 'server_error'],
      [{ status: 200, body: { id: 'job-1', status: 'Ready', result: {} } }, 'bad_response'],
      // After submission the job may be billed: a refused poll must not let the router try another provider.
      [{ status: 401, body: fixture('error-forbidden') }, 'server_error'],
    ] as Array<[Answer, string]>)('a poll answered %j is %s', async (answer, kind) => {
      script.polls = ['poll-pending', answer];
      const error = await provider().generate(bflCall('flux-pro-1.1')).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind });
      expect(fake.requests.some((r) => r.path.startsWith('/delivery/'))).toBe(false);
    });

    it('keeps polling through a 503, as BFL asks', async () => {
      script.polls = [{ status: 503, body: { detail: 'Service Unavailable' } }, 'poll-ready'];
      const result = await provider().generate(bflCall('flux-pro-1.1'));
      expect(result.images).toHaveLength(1);
      expect(pollCounts.get('job-1')).toBe(2);
    });

    it('refuses an output image larger than maxDownloadBytes', async () => {
      const error = await provider({ maxDownloadBytes: 100 }).generate(bflCall('flux-pro-1.1')).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'bad_response' });
      expect(error.message).toMatch(/larger than 100 bytes/);
    });

    it('does not send the key to a polling_url on an unexpected host', async () => {
      script.pollingUrl = 'http://localhost:9/v1/get_result?id=job-1';
      const error = await provider().generate(bflCall('flux-pro-1.1')).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'bad_response' });
      expect(error.message).toMatch(/unexpected host/);
    });

    it('a job still Pending when the call times out is a timeout', async () => {
      script.polls = ['poll-pending'];
      const started = Date.now();
      const error = await provider().generate(bflCall('flux-pro-1.1', { signal: AbortSignal.timeout(300) })).catch((e) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', kind: 'timeout' });
      expect(pollCounts.get('job-1')).toBeGreaterThan(3);
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });

  it('is available only with an API key', () => {
    expect(bflModule.create(testSettings(`${fake.url}/v1`, { apiKey: undefined })).isAvailable()).toBe(false);
    expect(provider().isAvailable()).toBe(true);
  });

  it.runIf(process.env.BFL_API_KEY)('live: FLUX1.1 [pro] makes a small image', async () => {
    const live = bflModule.create({ apiKey: process.env.BFL_API_KEY, baseUrl: process.env.BFL_BASE_URL ?? bflModule.defaultBaseUrl, maxDownloadBytes: 20 * 1024 * 1024, pollIntervalMs: 1000 });
    const result = await live.generate(bflCall('flux-pro-1.1', { fields: { prompt: 'a small red fox in snow', size: '256x256', output_format: 'jpeg' }, signal: AbortSignal.timeout(120_000) }));
    expect(result.images).toHaveLength(1);
    expect((await sharp(result.images[0]!.bytes).metadata()).width).toBe(256);
  }, 130_000);
});

describe('bfl catalog (models.ts)', () => {
  it('is the module BFL_API_KEY / BFL_BASE_URL configure', () => {
    expect(bflModule).toMatchObject({ id: 'bfl', envPrefix: 'BFL', defaultBaseUrl: 'https://api.bfl.ai/v1' });
    expect(bflModule.models).toBe(models);
  });

  it('lists the BFL models under their shared ids, with published prices', () => {
    const prices = Object.fromEntries(models.map(({ model, offer }) => [model.id, offer.price]));
    expect(prices).toEqual({
      'black-forest-labs/flux-1.1-pro': { type: 'fixed', perImageMicros: 40_000 },
      'black-forest-labs/flux-1.1-pro-ultra': { type: 'fixed', perImageMicros: 60_000 },
      'black-forest-labs/flux-kontext-pro': { type: 'fixed', perImageMicros: 40_000 },
      'black-forest-labs/flux-kontext-max': { type: 'fixed', perImageMicros: 80_000 },
      'black-forest-labs/flux-dev': undefined, // not on BFL's pricing page: refused until the operator prices it
      'black-forest-labs/flux-2-pro': { type: 'reported', maxPerImageMicros: expect.any(Number) },
      'black-forest-labs/flux-2-max': { type: 'reported', maxPerImageMicros: expect.any(Number) },
    });
    // The FLUX.2 ceiling covers the largest job: a 4 MP output with 8 inputs of 4 MP (3c + 1.5c per further MP for [pro]).
    expect(prices['black-forest-labs/flux-2-pro']).toMatchObject({ maxPerImageMicros: 581_232 });
    expect(prices['black-forest-labs/flux-2-max']).toMatchObject({ maxPerImageMicros: 1_172_463 });
  });

  it.each(models.map((m) => [m.model.id, m] as const))('%s: capabilities agree with the API contract', (_id, { model, offer }) => {
    expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const contract = CONTRACT[offer.upstreamModel]!;
    expect(contract).toBeDefined();
    if (offer.price) {
      expect(offer.priceSource).toMatch(/^https:\/\/\S+.*, read \d{4}-\d{2}-\d{2}$/);
      const micros = offer.price.type === 'fixed' ? offer.price.perImageMicros : offer.price.type === 'reported' ? offer.price.maxPerImageMicros : NaN;
      expect(Number.isInteger(micros) && micros > 0).toBe(true);
    }
    const caps = offer.capabilities;
    expect(caps).toMatchObject({ maxImagesPerCall: 1, mask: false, quality: false, transparentBackground: false });
    expect([...caps.outputFormats].sort()).toEqual(['jpeg', 'png', 'webp']);
    for (const size of [caps.defaultSize, ...caps.listedSizes.filter((s) => s !== 'auto')]) expect(sizeAllowed(caps.sizes, parseSize(size)), size).toBe(true);
    if (caps.sizes.kind === 'range') {
      expect(caps.sizes).toEqual({ kind: 'range', ...contract.pixels });
    } else {
      expect(caps.sizes.kind).toBe('aspect');
      expect('aspect_ratio' in contract.fields).toBe(true);
      for (const ratio of caps.sizes.kind === 'aspect' ? caps.sizes.ratios : []) expect(ratioValue(ratio) <= 21 / 9 + 1e-9 && ratioValue(ratio) >= 9 / 21 - 1e-9, ratio).toBe(true);
    }
    const slots = Object.keys(contract.fields).filter((f) => f.startsWith('input_image')).length;
    expect(caps.maxInputImages).toBe(caps.edit ? slots : 0);
    for (const extra of caps.extras ?? []) {
      expect(KNOWN_EXTRAS).toContain(extra);
      expect(contract.fields).toHaveProperty(extra);
    }
  });
});
