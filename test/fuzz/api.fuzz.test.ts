/**
 * Property-based fuzzing of the HTTP surface (fast-check), against real servers on 127.0.0.1.
 *
 * Every generated request goes over real HTTP to a real server (the free local `test/test` model,
 * tiny sizes, mostly inline b64 answers). The invariants, whatever was sent:
 *  - never a 5xx, and the server still answers /health at the end;
 *  - every non-2xx answer is exactly the OpenAI error envelope {"error":{"message","type","param","code"}},
 *    with a JSON content type and a status from the documented 4xx set;
 *  - every 200 from the image endpoints has the documented response shape;
 *  - nothing reaches Object.prototype (the server runs in this process).
 * Runs are split into shards that run at the same time (bounded concurrency). FUZZ_SEED=<n> replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUri, solidImage } from '../helpers/images.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const CONCURRENCY = 6;
const REQUEST_TIMEOUT_MS = 30_000;
const ERROR_STATUSES = new Set([400, 401, 402, 403, 404, 409, 413, 415, 429]);
const QUALITIES = ['auto', 'low', 'medium', 'high'];
const OUTPUT_FORMATS = ['webp', 'jpeg', 'png'];
const KNOWN_FIELDS = ['model', 'prompt', 'n', 'size', 'quality', 'response_format', 'output_format', 'output_compression',
  'background', 'user', 'image', 'image[]', 'images', 'mask', 'mask[]'];
const IMAGE_PATHS = ['/v1/openai/images/generations', '/v1/openai/images/edits', '/v1/images/generations', '/v1/images/edits'];
const SMALL_UPLOAD = 64 * 1024;
const SMALL_JSON = 256 * 1024;
const FIELD_SIZE = 256 * 1024; // the multipart per-field limit (src/server/app.ts)

const baseSeed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
let runs = 0; // generated cases (fast-check runs, shrinking excluded)
let requests = 0; // HTTP requests actually sent
let statuses = new Map<number, number>(); // of the property running now

let t: TestServer; // defaults
let small: TestServer; // small limits, no per-address rate limit
const img = { png: Buffer.alloc(0), webp: Buffer.alloc(0), jpeg: Buffer.alloc(0), gif: Buffer.alloc(0), tiny: Buffer.alloc(0), mask: Buffer.alloc(0) };
let validImages: Buffer[] = [];
let validUris: string[] = [];

beforeAll(async () => {
  [t, small] = await Promise.all([
    startTestServer(),
    startTestServer({ PIXELROUTER_MAX_UPLOAD_BYTES: '64kb', PIXELROUTER_MAX_JSON_BYTES: '256kb', PIXELROUTER_IP_RATE_LIMIT: '0' }),
  ]);
  img.png = await solidImage(8, 8, { r: 200, g: 30, b: 60 });
  img.webp = await solidImage(10, 6, { r: 10, g: 200, b: 60 }, 'webp');
  img.jpeg = await solidImage(12, 12, { r: 10, g: 20, b: 250 }, 'jpeg');
  img.tiny = await solidImage(1, 1, { r: 0, g: 0, b: 0 });
  img.mask = await solidImage(8, 8, { r: 255, g: 255, b: 255, alpha: 0 });
  const sharp = (await import('sharp')).default;
  img.gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } } }).gif().toBuffer();
  validImages = [img.png, img.webp, img.jpeg, img.gif, img.tiny, img.mask];
  validUris = [dataUri(img.png), dataUri(img.webp, 'image/webp'), dataUri(img.jpeg, 'image/jpeg'), dataUri(img.gif, 'image/gif'), dataUri(img.tiny), dataUri(img.mask)];
  console.log(`fuzz: FUZZ_SEED=${baseSeed}`);
});

afterAll(async () => {
  console.log(`fuzz: ${runs} generated cases run (${requests} HTTP requests)`);
  await Promise.all([t?.close(), small?.close()]);
});

// ---------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------

interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
}
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function send(server: TestServer, req: Req): Promise<Answer> {
  requests++;
  const body = req.body instanceof Uint8Array ? new Uint8Array(req.body) : req.body;
  const response = await fetch(server.url + req.path, { method: req.method ?? 'POST', headers: req.headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const jsonHeaders = (key: string) => ({ ...auth(key), 'content-type': 'application/json' });

function fail(answer: Answer, why: string): never {
  throw new Error(`${why}: ${answer.status} ${answer.headers.get('content-type')} ${answer.text.slice(0, 300)}`);
}

/** The invariants every answer must hold; `imageRoute` adds the documented 200 shape. */
function checkAnswer(answer: Answer, imageRoute: boolean) {
  if (answer.status >= 500) fail(answer, 'server error');
  if (answer.status >= 200 && answer.status < 300) {
    if (imageRoute) checkImageResponse(answer);
    return;
  }
  checkErrorEnvelope(answer);
}

function checkErrorEnvelope(answer: Answer) {
  if (!ERROR_STATUSES.has(answer.status)) fail(answer, 'status outside the documented set');
  if (!/^application\/json\b/.test(answer.headers.get('content-type') ?? '')) fail(answer, 'error without a JSON content type');
  const body = answer.json;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).join() !== 'error') fail(answer, 'not the error envelope');
  const error = body.error;
  if (!error || typeof error !== 'object' || Object.keys(error).sort().join() !== 'code,message,param,type') fail(answer, 'error keys');
  if (typeof error.message !== 'string' || error.message.length === 0) fail(answer, 'error.message');
  if (typeof error.type !== 'string' || error.type.length === 0) fail(answer, 'error.type');
  if (error.param !== null && typeof error.param !== 'string') fail(answer, 'error.param');
  if (error.code !== null && typeof error.code !== 'string') fail(answer, 'error.code');
}

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8,
  webp: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

function checkImageResponse(answer: Answer) {
  if (answer.status !== 200) fail(answer, 'a 2xx other than 200');
  if (!/^application\/json\b/.test(answer.headers.get('content-type') ?? '')) fail(answer, '200 without a JSON content type');
  const body = answer.json;
  if (!body || typeof body !== 'object' || Array.isArray(body)) fail(answer, '200 body is not an object');
  const keys = Object.keys(body);
  const allowed = ['created', 'data', 'latency', 'cost', 'output_format', 'size', 'quality', 'warnings'];
  if (keys.some((k) => !allowed.includes(k))) fail(answer, 'undocumented key in 200');
  for (const k of allowed.slice(0, 7)) if (!(k in body)) fail(answer, `200 without ${k}`);
  if (!Number.isInteger(body.created) || Math.abs(body.created - Date.now() / 1000) > 3600) fail(answer, 'created');
  if (typeof body.latency !== 'number' || body.latency < 0) fail(answer, 'latency');
  if (typeof body.cost !== 'number' || body.cost !== 0) fail(answer, 'cost (test/test is free)');
  if (!OUTPUT_FORMATS.includes(body.output_format)) fail(answer, 'output_format');
  if (typeof body.size !== 'string' || !/^\d+x\d+$/.test(body.size)) fail(answer, 'size');
  if (!QUALITIES.includes(body.quality)) fail(answer, 'quality');
  if ('warnings' in body && (!Array.isArray(body.warnings) || body.warnings.length === 0 || body.warnings.some((w: unknown) => typeof w !== 'string'))) fail(answer, 'warnings');
  if (!Array.isArray(body.data) || body.data.length < 1 || body.data.length > 10) fail(answer, 'data');
  for (const item of body.data) {
    if (!item || typeof item !== 'object' || Object.keys(item).some((k) => !['url', 'b64_json', 'revised_prompt'].includes(k))) fail(answer, 'data item keys');
    if (('url' in item) === ('b64_json' in item)) fail(answer, 'data item needs exactly one of url, b64_json');
    if ('url' in item && !/^http:\/\/127\.0\.0\.1:\d+\/storage\/[0-9a-f]{32}\.(webp|jpe?g|png)$/.test(item.url)) fail(answer, 'data item url');
    if ('b64_json' in item) {
      if (typeof item.b64_json !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(item.b64_json)) fail(answer, 'data item b64_json');
      if (!MAGIC[body.output_format]!(Buffer.from(item.b64_json.slice(0, 32), 'base64'))) fail(answer, 'b64_json is not an image in output_format');
    }
  }
  if (answer.headers.get('x-pixelrouter-cost') !== String(body.cost)) fail(answer, 'x-pixelrouter-cost');
}

function checkNoPollution() {
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'x']) if (probe[key] !== undefined) throw new Error(`Object.prototype.${key} was polluted`);
}

/** Runs `numRuns` cases of a property, split into shards that run at the same time. */
async function fuzz<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, check: (value: T) => Promise<void>) {
  const started = Date.now();
  const shards = Array.from({ length: CONCURRENCY }, (_, i) => Math.floor(numRuns / CONCURRENCY) + (i < numRuns % CONCURRENCY ? 1 : 0));
  let counted = 0;
  statuses = new Map();
  const property = fc.asyncProperty(arb, async (value) => {
    counted++;
    await check(value);
    checkNoPollution();
  });
  const results = await Promise.allSettled(shards.map((n, i) => fc.assert(property, { numRuns: n, seed: baseSeed + i + name.length * 1000 })));
  runs += numRuns;
  const seen = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
  console.log(`fuzz: ${name}: ${numRuns} runs in ${Date.now() - started} ms (${seen})`);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  expect(counted).toBeGreaterThanOrEqual(numRuns);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const ABSENT = Symbol('absent');
type Maybe<T> = T | typeof ABSENT;
/** Present in about `percent` % of the cases, ABSENT otherwise. */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<Maybe<T>> =>
  fc.oneof({ arbitrary: arb, weight: percent }, { arbitrary: fc.constant<typeof ABSENT>(ABSENT), weight: 100 - percent });

const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then', 'length', 'polluted');
const anyKey = fc.oneof(fc.string({ maxLength: 12 }), protoKey, fc.constantFrom(...KNOWN_FIELDS));

/** Nested junk: every JSON type, prototype-pollution keys included. */
const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -1, 1e308, -1e-308, 2 ** 53 + 1, 1.5),
    fc.string({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const unicode = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff x', '\u202e\u200b\ufeff', '🏔️🌅👨‍👩‍👧', 'Ｔｅｓｔ', '\r\n\t', '"\\', '<script>', '%00', '${x}'),
);

/** A prompt: short, unicode, near and past the 32000 character ceiling. */
const prompt: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 60 }), weight: 5 },
  { arbitrary: unicode, weight: 4 },
  { arbitrary: fc.constantFrom(31999, 32000, 32001, 40000).chain((n) => fc.constantFrom('x', 'é', '😀').map((c) => c.repeat(c.length === 2 ? Math.ceil(n / 2) : n))), weight: 1 },
  { arbitrary: junk, weight: 1 },
);

const smallDim = fc.integer({ min: 64, max: 96 });
const sep = fc.constantFrom('x', 'X', '×', ' x ', 'x ', '\tx');
const validSize = fc.tuple(smallDim, sep, smallDim, fc.constantFrom('', ' ', '\n')).map(([w, s, h, pad]) => `${pad}${w}${s}${h}${pad}`);
/** Sizes in many spellings; anything valid is small (auto is 1024x1024 and kept rare). */
const size: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: validSize, weight: 12 },
  { arbitrary: fc.constantFrom('auto', 'AUTO', ' Auto '), weight: 1 },
  {
    arbitrary: fc.constantFrom('', 'big', '0x10', '10x0', '10x10', '63x64', '4097x64', '99999x99999', '-1x-1', '64x64x64', '64*64', '64', 'x',
      '６４x６４', '1e2x1e2', '64.5x64', '0064x0064', '64x', '١٢٨x١٢٨', '64\u0000x64', '64 x\n64', '123456x1'),
    weight: 4,
  },
  { arbitrary: fc.tuple(fc.integer({ min: -10, max: 100000 }), fc.integer({ min: -10, max: 100000 })).map(([w, h]) => `${w}x${h}`).filter((s) => !inModelRange(s)), weight: 2 },
  { arbitrary: junk, weight: 2 },
);
/** Sizes test/test accepts come from validSize only: a random one such as 4000x4000 would be slow to make. */
function inModelRange(s: string) {
  const m = /^(\d+)x(\d+)$/.exec(s);
  return !!m && Number(m[1]) >= 64 && Number(m[2]) >= 64 && Number(m[1]) <= 4096 && Number(m[2]) <= 4096;
}

const nValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 6 },
  { arbitrary: fc.constantFrom('1', ' 2 ', '3', 10, '10'), weight: 1 },
  { arbitrary: fc.constantFrom(0, -1, 11, 1.5, '1.5', 'two', '', '0x2', 1e308, true, [], {}, [1]), weight: 2 },
  { arbitrary: junk, weight: 1 },
);
const choice = (valid: string[], invalid: string[]): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: fc.constantFrom(...valid), weight: 6 },
  { arbitrary: fc.constantFrom(...valid).map((v) => ` ${v.toUpperCase()} `), weight: 1 },
  { arbitrary: fc.constantFrom(...invalid), weight: 2 },
  { arbitrary: junk, weight: 1 },
);
const quality = choice(['auto', 'low', 'medium', 'high', 'standard', 'hd'], ['ultra', 'HD+', 'best', '']);
const responseFormat = fc.oneof(
  { arbitrary: fc.constantFrom('b64_json', 'b64_ephemeral'), weight: 8 },
  { arbitrary: fc.constantFrom('url'), weight: 1 },
  { arbitrary: fc.constantFrom('file', 'B64-JSON', 'json', 'base64', ''), weight: 2 },
  { arbitrary: junk, weight: 1 },
);
const outputFormat = choice(['webp', 'jpeg', 'jpg', 'png'], ['gif', 'bmp', 'tiff', 'svg', 'image/png', '.png']);
const outputCompression: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 4 },
  { arbitrary: fc.constantFrom('50', ' 0 ', '100', -1, 101, 50.5, 'high', '1e2', 2 ** 31), weight: 2 },
  { arbitrary: junk, weight: 1 },
);
const background = choice(['auto', 'transparent', 'opaque'], ['green', 'none', 'white', 'rgba(0,0,0,0)']);
const user: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }), unicode, fc.constantFrom('u'.repeat(256), 'u'.repeat(257), 'é'.repeat(256)), junk,
);

/** Whatever goes where a data URI is expected: valid small images, truncated or garbage base64, remote URLs, junk. */
const uri: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 5 }).map((i) => validUris[i]!), weight: 6 },
  { arbitrary: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat()).map(([i, k]) => validUris[i]!.slice(0, 22 + (k % (validUris[i]!.length - 21)))), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 80 }).map((b) => `data:image/png;base64,${Buffer.from(b).toString('base64')}`), weight: 2 },
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => `data:image/png;base64,${s}`), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 5 }).map((i) => validUris[i]!.replace(/(.{30})/g, '$1\n ')), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 5 }).map((i) => validUris[i]!.replace(/\+/g, '-').replace(/\//g, '_').replace('image_', 'image/')), weight: 1 },
  {
    arbitrary: fc.integer({ min: 0, max: 5 }).chain((i) => fc.constantFrom(
      validUris[i]!.replace('data:image/png', 'DATA:IMAGE/PNG'),
      validUris[i]!.replace(/^data:[^;]*;/, 'data:;'),
      validUris[i]!.replace(';base64', ''),
      validUris[i]!.replace(';base64', ';charset=utf-8;base64'),
      validUris[i]!.replace(/^data:/, 'data:text/plain'),
      `${validUris[i]!}====`,
      `${validUris[i]!}%%%`,
    )),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom('data:image/png;base64,', 'data:,', 'data:', 'http://127.0.0.1:1/x.png', 'HTTP://127.0.0.1:1/x.png', 'https://[::1]:1/a.png', 'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1:1/x.png', 'http://localhost:1/x.png', 'http://0.0.0.0:1/', 'http://127.1:1/', 'ftp://127.0.0.1/x.png', 'file:///etc/passwd', 'gopher://127.0.0.1:1/', 'http://', '//127.0.0.1/x.png',
      'data:image/png;base64,aGVsbG8gd29ybGQ=', 'data:image/svg+xml;base64,PHN2Zy8+', `data:image/png;${'a=b;'.repeat(80)}base64,AAAA`, 'data:image/png;base64,====', ''),
    weight: 2,
  },
  { arbitrary: junk, weight: 1 },
);
const imageEntry: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: uri, weight: 6 },
  { arbitrary: uri.map((u) => ({ image_url: u })), weight: 2 },
  { arbitrary: uri.map((u) => ({ image_url: { url: u } })), weight: 2 },
  { arbitrary: uri.map((u) => ({ url: u })), weight: 1 },
  { arbitrary: fc.string({ maxLength: 10 }).map((id) => ({ file_id: id })), weight: 1 },
  { arbitrary: fc.tuple(uri, junk).map(([u, j]) => ({ image_url: u, detail: j, file_id: undefined })), weight: 1 },
);
const imagesValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.array(imageEntry, { maxLength: 4 }), weight: 6 },
  { arbitrary: fc.integer({ min: 15, max: 18 }).chain((n) => fc.array(fc.integer({ min: 0, max: 5 }).map((i) => validUris[i]!), { minLength: n, maxLength: n })), weight: 1 },
  { arbitrary: imageEntry, weight: 2 },
  { arbitrary: junk, weight: 1 },
);
const maskValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: imageEntry, weight: 4 },
  { arbitrary: fc.array(imageEntry, { maxLength: 3 }), weight: 2 },
  { arbitrary: junk, weight: 1 },
);
const modelValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom('test/test', 'test', 'TEST/Test', ' test/test '), weight: 12 },
  { arbitrary: fc.constantFrom('nobody/nothing', 'auto', '', '   ', 'test/', '/test', 'test/test\u0000', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'test/*'), weight: 2 },
  { arbitrary: unicode, weight: 1 },
  { arbitrary: fc.string({ minLength: 300, maxLength: 400 }), weight: 1 },
  { arbitrary: junk, weight: 1 },
);
const extraValue = fc.oneof(junk, fc.integer(), fc.string({ maxLength: 20 }));

/** What a well-behaved client sends for each field (the valid base of a case). */
const validEntry = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom('bare', 'image_url', 'nested'))
  .map(([i, shape]) => (shape === 'bare' ? validUris[i]! : shape === 'image_url' ? { image_url: validUris[i]! } : { image_url: { url: validUris[i]! } }));
const validBase = fc.record({
  model: fc.constantFrom('test/test', 'test', 'TEST/Test', ' test/test '),
  prompt: sometimes(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 })), 70),
  n: sometimes(fc.oneof(fc.integer({ min: 1, max: 2 }), fc.constantFrom('1', ' 2 ')), 50),
  size: sometimes(validSize, 99), // absent is 1024x1024: rare
  quality: sometimes(fc.constantFrom('auto', 'low', 'medium', 'high', 'standard', 'hd', 'HD'), 40),
  response_format: sometimes(fc.constantFrom('b64_json', 'b64_json', 'b64_json', 'b64_ephemeral', 'url'), 97),
  output_format: sometimes(fc.constantFrom('webp', 'jpeg', 'jpg', 'png', 'PNG'), 50),
  output_compression: sometimes(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom('0', '100')), 30),
  background: sometimes(fc.constantFrom('auto', 'opaque', 'transparent'), 30),
  user: sometimes(fc.string({ maxLength: 40 }), 20),
  images: sometimes(fc.array(validEntry, { minLength: 1, maxLength: 3 }), 15),
  mask: sometimes(validEntry, 10),
});
/** Anything at all for each field: valid, invalid, wrong types, nested junk. */
const anyField: Record<string, fc.Arbitrary<unknown>> = {
  model: modelValue, prompt, n: nValue, size, quality, response_format: responseFormat, output_format: outputFormat,
  output_compression: outputCompression, background, user, images: imagesValue, image: imagesValue, 'image[]': imagesValue,
  mask: maskValue, 'mask[]': maskValue,
};
/** One change to the base: a field set to anything, a field removed, or a prototype-pollution key. */
const mutation: fc.Arbitrary<[string, unknown]> = fc.oneof(
  { arbitrary: fc.constantFrom(...Object.keys(anyField)).chain((k) => anyField[k]!.map((v): [string, unknown] => [k, v])), weight: 8 },
  { arbitrary: fc.tuple(fc.constantFrom(...KNOWN_FIELDS), fc.constant<unknown>(ABSENT)), weight: 1 },
  { arbitrary: fc.tuple(protoKey, junk), weight: 1 },
);

interface JsonCase {
  path: string;
  entries: Array<[string, unknown]>;
  authKind: 'user' | 'admin' | 'none' | 'bad';
  idempotencyKey: Maybe<string>;
  requestId: Maybe<string>;
  wholeBody: Maybe<unknown>;
}

/** JSON bodies: a valid request with 0-4 fields changed to anything, plus extras, duplicate and prototype-pollution keys. */
const jsonCase: fc.Arbitrary<JsonCase> = fc.record({
  path: fc.constantFrom(...IMAGE_PATHS),
  base: validBase,
  mutations: fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }), weight: 6 }),
  extras: sometimes(fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), protoKey, fc.constantFrom('seed', 'negative_prompt', 'steps')), extraValue), { minLength: 1, maxLength: 3 }), 30),
  duplicate: sometimes(fc.tuple(fc.constantFrom(...KNOWN_FIELDS), junk), 5),
  authKind: fc.constantFrom<JsonCase['authKind']>('user', 'user', 'user', 'user', 'user', 'user', 'user', 'user', 'admin', 'none', 'bad'),
  idempotencyKey: sometimes(fc.constantFrom('k1', 'k2', 'k3', 'x'.repeat(255), 'x'.repeat(256), ' ', 'k\tk'), 5),
  requestId: sometimes(fc.oneof(fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.constantFrom('x'.repeat(200), 'req_1')), 10),
  wholeBody: sometimes(fc.oneof(junk, fc.constantFrom(null, [], [{ model: 'test/test' }], 'test/test', 42, true)), 3),
}).map(({ path, base, mutations, extras, duplicate, authKind, idempotencyKey, requestId, wholeBody }) => {
  const fields = new Map<string, unknown>(Object.entries(base).filter(([, v]) => v !== ABSENT));
  for (const [k, v] of mutations) {
    if (v === ABSENT) fields.delete(k);
    else fields.set(k, v);
  }
  // Without a size (or with auto) the image is 1024x1024: make it once, not n times.
  const sizeValue = fields.get('size');
  if (sizeValue === undefined || (typeof sizeValue === 'string' && /auto/i.test(sizeValue))) fields.set('n', 1);
  const entries: Array<[string, unknown]> = [...fields];
  if (extras !== ABSENT) for (const [k, v] of extras) entries.push([k, v]);
  if (duplicate !== ABSENT) entries.push(duplicate);
  return { path, entries, authKind, idempotencyKey, requestId, wholeBody };
});

/** Serialises key by key, so "__proto__" and duplicate keys reach the server as written. */
const serialise = (entries: Array<[string, unknown]>) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;

function authHeader(kind: JsonCase['authKind']): Record<string, string> {
  if (kind === 'user') return auth(t.key);
  if (kind === 'admin') return auth(ADMIN_KEY);
  if (kind === 'bad') return auth('sk-pr-not-a-real-key');
  return {};
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const NUM_RUNS = { json: 3000, valid: 400, raw: 2300, multipart: 1500, brokenMultipart: 2000, routes: 800, limits: 400 };

describe('fuzz: the HTTP surface', { timeout: 120_000 }, () => {
  it('JSON bodies: any mix of valid and invalid fields gets a documented answer', async () => {
    await fuzz('json bodies', jsonCase, NUM_RUNS.json, async (c) => {
      const headers: Record<string, string> = { ...authHeader(c.authKind), 'content-type': 'application/json' };
      if (c.idempotencyKey !== ABSENT) headers['idempotency-key'] = c.idempotencyKey;
      if (c.requestId !== ABSENT) headers['x-request-id'] = c.requestId;
      const body = c.wholeBody !== ABSENT ? JSON.stringify(c.wholeBody) ?? 'null' : serialise(c.entries);
      const answer = await send(t, { path: c.path, headers, body });
      checkAnswer(answer, true);
      if ((c.authKind === 'none' || c.authKind === 'bad') && answer.status !== 401 && answer.status !== 400) fail(answer, 'no valid key, yet not 401');
    });
  });

  it('valid JSON requests always succeed with exactly what was asked', async () => {
    const sizeSpec = fc.oneof({ arbitrary: fc.tuple(smallDim, sep, smallDim), weight: 40 }, { arbitrary: fc.constant(null), weight: 1 });
    const validCase = fc.record({
      path: fc.constantFrom(...IMAGE_PATHS),
      model: fc.constantFrom('test/test', 'test', 'TEST/Test', ' test/test '),
      prompt: sometimes(fc.oneof(fc.string({ maxLength: 60 }), unicode).map((s) => s.replace(/\u0000/g, '')), 75),
      n: fc.integer({ min: 1, max: 3 }),
      nAsString: fc.boolean(),
      size: sizeSpec,
      quality: sometimes(fc.constantFrom('auto', 'low', 'medium', 'high', 'standard', 'hd', ' HD '), 50),
      responseFormat: fc.constantFrom('b64_json', 'b64_json', 'b64_ephemeral', 'url'),
      outputFormat: sometimes(fc.constantFrom('webp', 'jpeg', 'jpg', 'png', 'PNG'), 70),
      outputCompression: sometimes(fc.integer({ min: 0, max: 100 }), 50),
      background: sometimes(fc.constantFrom('auto', 'opaque', 'transparent'), 60),
      user: sometimes(fc.string({ maxLength: 256 }), 50),
      images: fc.oneof(
        { arbitrary: fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom('bare', 'image_url', 'nested')), { maxLength: 3 }), weight: 8 },
        { arbitrary: fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom('bare', 'image_url', 'nested')), { minLength: 4, maxLength: 16 }), weight: 1 },
      ),
      imagesField: fc.constantFrom('images', 'image', 'image[]'),
      mask: fc.boolean(),
      seed: sometimes(fc.oneof(fc.integer(), fc.string({ maxLength: 10 })), 50),
      extras: fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/).filter((k) => !KNOWN_FIELDS.includes(k) && k !== 'seed' && !['constructor', '__proto__', 'prototype'].includes(k)), fc.oneof(fc.integer(), fc.string({ maxLength: 10 })), { maxKeys: 2 }),
    });
    await fuzz('valid json', validCase, NUM_RUNS.valid, async (c) => {
      const format = c.outputFormat === ABSENT ? 'webp' : c.outputFormat.toLowerCase() === 'jpg' ? 'jpeg' : c.outputFormat.toLowerCase();
      const body: Record<string, unknown> = { model: c.model, response_format: c.responseFormat, ...c.extras };
      if (c.prompt !== ABSENT) body.prompt = c.prompt;
      // A 1024x1024 answer (size auto) is made once, not n times.
      const n = c.size === null ? 1 : c.n;
      body.n = c.nAsString ? String(n) : n;
      if (c.size) body.size = `${c.size[0]}${c.size[1]}${c.size[2]}`;
      if (c.quality !== ABSENT) body.quality = c.quality;
      if (c.outputFormat !== ABSENT) body.output_format = c.outputFormat;
      if (c.outputCompression !== ABSENT) body.output_compression = c.outputCompression;
      if (c.background !== ABSENT && !(c.background === 'transparent' && format === 'jpeg')) body.background = c.background;
      if (c.user !== ABSENT) body.user = c.user;
      if (c.seed !== ABSENT) body.seed = c.seed;
      const entries = c.images.map(([i, shape]) => (shape === 'bare' ? validUris[i] : shape === 'image_url' ? { image_url: validUris[i] } : { image_url: { url: validUris[i] } }));
      if (entries.length > 0) body[c.imagesField] = entries;
      if (c.mask && entries.length > 0) body.mask = dataUri(img.mask);
      const answer = await send(t, { path: c.path, headers: jsonHeaders(t.key), body: JSON.stringify(body) });
      if (answer.status !== 200) fail(answer, 'a valid request failed');
      checkImageResponse(answer);
      const expectedQuality = c.quality === ABSENT ? 'auto' : ({ standard: 'medium', hd: 'high' } as Record<string, string>)[c.quality.trim().toLowerCase()] ?? c.quality.trim().toLowerCase();
      const expected = {
        n, format, quality: expectedQuality,
        size: c.size ? `${c.size[0]}x${c.size[2]}` : '1024x1024',
        warnings: Object.keys(c.extras).length > 0,
        url: c.responseFormat === 'url',
      };
      const got = {
        n: answer.json.data.length, format: answer.json.output_format, quality: answer.json.quality, size: answer.json.size,
        warnings: 'warnings' in answer.json, url: 'url' in answer.json.data[0],
      };
      if (JSON.stringify(got) !== JSON.stringify(expected)) fail(answer, `expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
      if (answer.headers.get('x-pixelrouter-provider') !== 'test') fail(answer, 'x-pixelrouter-provider');
    });
  });

  it('raw malformed JSON, wrong content types and methods get a documented error', async () => {
    const validBody = '{"model":"test/test","size":"64x64","response_format":"b64_json"}';
    const rawBody = fc.oneof(
      { arbitrary: fc.string({ maxLength: 80 }), weight: 3 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 80 }), weight: 1 },
      { arbitrary: fc.tuple(fc.json({ maxDepth: 3 }), fc.nat()).map(([s, k]) => s.slice(0, k % (s.length + 1))), weight: 3 },
      { arbitrary: fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([k, s]) => { const i = k % validBody.length; return validBody.slice(0, i) + s + validBody.slice(i); }), weight: 3 },
      { arbitrary: fc.nat().map((k) => validBody.slice(0, k % validBody.length)), weight: 2 },
      { arbitrary: fc.uint8Array({ maxLength: 80 }), weight: 2 },
      {
        arbitrary: fc.constantFrom(
          '', ' ', '\n', 'null', '[]', '"test/test"', '123', 'true', '{', '}', '{"model":', '{"model":"test/test",}', `\ufeff${validBody}`,
          '{"__proto__":{"polluted":1},"model":"test/test","size":"64x64"}', '{"model":"test/test","a":{"__proto__":{"polluted":1}}}',
          '{"constructor":{"prototype":{"polluted":1}},"model":"test/test"}', '{"model":"test/test","model":"nobody/x"}',
          '['.repeat(20000), '{"a":'.repeat(5000), '{"a":['.repeat(3000) + '1', 'NaN', 'Infinity', "{'model':'test/test'}", `${validBody}garbage`,
          `${validBody}${validBody}`, '{"model":"test/test","n":1e999}', '{"model":"test/test","n":-0}', '{"model":"\\ud800"}', '{"model":"\\u0000"}',
          '{"model":"test/test","prompt":"\\u0000"}', '{"model":"test/test","size":"64x64","response_format":"b64_json","seed":{"valueOf":{}}}'.replace('"seed"', '"x_seed"'),
        ),
        weight: 3,
      },
    ).map((b) => (typeof b === 'string' ? b : new Uint8Array(b)));
    const contentType = fc.oneof(
      { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=UTF-8'), weight: 6 },
      {
        arbitrary: fc.constantFrom('text/plain', 'text/json', 'application/x-www-form-urlencoded', 'application/vnd.api+json', 'application/json-patch+json',
          'application/json; charset=latin1', 'application/json; charset=utf-16', 'multipart/form-data', 'multipart/form-data; boundary=',
          'image/png', 'application/octet-stream', '*/*', 'application/*', ';', 'json', 'application/jsonx', 'text/html; charset=utf-8', 'a/b/c', ''),
        weight: 4,
      },
      { arbitrary: fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), weight: 1 },
      { arbitrary: fc.constant(null), weight: 1 },
    );
    const rawCase = fc.record({
      path: fc.constantFrom(...IMAGE_PATHS),
      method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'OPTIONS'),
      body: rawBody,
      contentType,
      authKind: fc.constantFrom<JsonCase['authKind']>('user', 'user', 'user', 'admin', 'none', 'bad'),
    });
    await fuzz('raw bodies', rawCase, NUM_RUNS.raw, async (c) => {
      const headers: Record<string, string> = authHeader(c.authKind);
      if (c.contentType !== null) headers['content-type'] = c.contentType;
      const withBody = c.method !== 'GET';
      const answer = await send(t, { method: c.method, path: c.path, headers, body: withBody ? c.body : undefined });
      if (c.method === 'OPTIONS' && answer.status === 204) return; // CORS preflight
      checkAnswer(answer, true);
    });
  });

  it('multipart bodies built with FormData: random fields and files get a documented answer', async () => {
    const fieldName = fc.oneof(
      { arbitrary: fc.constantFrom(...KNOWN_FIELDS), weight: 4 },
      { arbitrary: protoKey, weight: 1 },
      { arbitrary: fc.constantFrom('seed', 'negative_prompt', 'image[0]', 'images[]', 'mask[0]', 'files', ''), weight: 1 },
      { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    );
    const fieldValue = fc.oneof(
      { arbitrary: fc.constantFrom('test/test', '64x64', '96 x 64', '1', '2', 'b64_json', 'b64_ephemeral', 'png', 'jpg', 'webp', 'high', 'transparent', '50', 'auto', ''), weight: 6 },
      { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
      { arbitrary: unicode, weight: 2 },
      { arbitrary: fc.constantFrom('x'.repeat(32001), 'u'.repeat(257), 'x'.repeat(FIELD_SIZE + 10)), weight: 1 },
    );
    const fileBytes = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 5 }).map((i) => validImages[i]!), weight: 6 },
      { arbitrary: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat()).map(([i, k]) => validImages[i]!.subarray(0, k % validImages[i]!.length)), weight: 2 },
      { arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), weight: 2 },
      { arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), Buffer.from('GIF89a'), Buffer.from('\x89PNG\r\n\x1a\n')), weight: 1 },
    );
    const file = fc.record({
      field: fc.oneof({ arbitrary: fc.constantFrom('image[]', 'image', 'mask[]', 'mask'), weight: 8 }, { arbitrary: fieldName, weight: 1 }),
      bytes: fileBytes,
      filename: fc.oneof(fc.constantFrom('a.png', 'image.webp', '', '../../etc/passwd', 'x.exe', 'ñ.png'), fc.string({ maxLength: 12 })),
      type: fc.constantFrom('image/png', 'image/webp', 'image/jpeg', 'application/octet-stream', 'text/plain', ''),
    });
    const multipartCase = fc.record({
      path: fc.constantFrom(...IMAGE_PATHS),
      model: sometimes(fc.constantFrom('test/test', 'test', 'test/test', 'nobody/nothing', ''), 97),
      size: sometimes(fc.oneof({ arbitrary: validSize, weight: 10 }, { arbitrary: fc.constantFrom('auto', 'big', '0x0', ''), weight: 1 }), 97),
      responseFormat: sometimes(fc.constantFrom('b64_json', 'b64_json', 'b64_ephemeral', 'url', 'file'), 95),
      fields: fc.oneof({ arbitrary: fc.constant<Array<[string, string]>>([]), weight: 1 }, { arbitrary: fc.array(fc.tuple(fieldName, fieldValue), { minLength: 1, maxLength: 5 }), weight: 2 }),
      imageCount: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3 }), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 18 }), weight: 2 }),
      maskCount: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1 }), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 1 }),
      files: fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: fc.array(file, { minLength: 1, maxLength: 3 }), weight: 1 }),
      validFiles: fc.constantFrom(true, true, true, false),
      fieldsFirst: fc.boolean(),
      authKind: fc.constantFrom<JsonCase['authKind']>('user', 'user', 'user', 'user', 'admin', 'none', 'bad'),
      contentType: sometimes(fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=nope', 'application/json', 'text/plain'), 5),
    });
    await fuzz('multipart (FormData)', multipartCase, NUM_RUNS.multipart, async (c) => {
      const form = new FormData();
      const fields: Array<[string, string]> = [];
      if (c.model !== ABSENT) fields.push(['model', c.model]);
      if (c.size !== ABSENT) fields.push(['size', c.size]);
      // Fields without size stay rare and n small: 1024x1024 images are the slow ones.
      if (c.size === ABSENT || /auto/.test(c.size)) fields.push(['n', '1']);
      if (c.responseFormat !== ABSENT) fields.push(['response_format', c.responseFormat]);
      const randomFields = c.fields.filter(([k]) => !(k === 'n' || k === 'size'));
      const files = [
        ...Array.from({ length: c.imageCount }, (_, i) => ({ field: i % 2 ? 'image' : 'image[]', bytes: c.validFiles ? validImages[i % 6]! : c.files[0]?.bytes ?? img.png, filename: `${i}.png`, type: 'image/png' })),
        ...Array.from({ length: c.maskCount }, (_, i) => ({ field: i % 2 ? 'mask' : 'mask[]', bytes: img.mask, filename: 'mask.png', type: 'image/png' })),
        ...c.files,
      ];
      const addFields = () => { for (const [k, v] of [...fields, ...randomFields]) form.append(k, v); };
      if (c.fieldsFirst) addFields();
      for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.filename);
      if (!c.fieldsFirst) addFields();
      const headers: Record<string, string> = authHeader(c.authKind);
      if (c.contentType !== ABSENT) headers['content-type'] = c.contentType;
      const answer = await send(t, { path: c.path, headers, body: form });
      checkAnswer(answer, true);
    });
  });

  it('hand-built broken multipart bodies get a documented error', async () => {
    const CRLF = '\r\n';
    const part = (name: string, value: string | Buffer, filename?: string) => Buffer.concat([
      Buffer.from(`Content-Disposition: form-data; name="${name}"${filename !== undefined ? `; filename="${filename}"` : ''}${CRLF}${filename !== undefined ? `Content-Type: image/png${CRLF}` : ''}${CRLF}`),
      Buffer.isBuffer(value) ? value : Buffer.from(value),
    ]);
    const brokenCase = fc.record({
      path: fc.constantFrom(...IMAGE_PATHS),
      boundary: fc.oneof(fc.constantFrom('xyz', 'X-BOUNDARY', '----WebKitFormBoundary7MA4YWxkTrZu0gW', '"quoted"', 'a'.repeat(71), 'a'.repeat(200), ' ', 'ä'), fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,40}$/)),
      headerBoundary: fc.oneof({ arbitrary: fc.constant<string | null>(null), weight: 5 }, { arbitrary: fc.constantFrom<string | null>('other', '', 'xyz"', '"xyz"'), weight: 1 }),
      parts: fc.array(fc.oneof(
        fc.tuple(fc.constantFrom('model', 'size', 'prompt', 'n', 'response_format', 'seed', '__proto__', 'constructor'), fc.constantFrom('test/test', '64x64', 'b64_json', '1', 'x', '')).map(([k, v]) => part(k, v)),
        fc.integer({ min: 0, max: 5 }).map((i) => part('image[]', validImages[i]!, 'a.png')),
        fc.constant(part('mask[]', Buffer.from('not an image'), 'm.png')),
        fc.constantFrom(
          Buffer.from(`Content-Disposition: form-data${CRLF}${CRLF}noname`),
          Buffer.from(`Content-Disposition: form-data; filename="a.png"${CRLF}${CRLF}x`),
          Buffer.from(`Content-Type: text/plain${CRLF}${CRLF}no disposition`),
          Buffer.from(`Content-Disposition: attachment; name="model"${CRLF}${CRLF}test/test`),
          Buffer.from(`Content-Disposition: form-data; name="model"${CRLF}no blank line`),
          Buffer.from(`Content-Disposition: form-data; name="model"\n\ntest/test`),
          Buffer.from(`Content-Disposition: form-data; name=${CRLF}${CRLF}x`),
          Buffer.from(`Content-Disposition: form-data; name*=UTF-8''%C3%A9${CRLF}${CRLF}x`),
          Buffer.from(`X-Long: ${'h'.repeat(20000)}${CRLF}Content-Disposition: form-data; name="a"${CRLF}${CRLF}x`),
          Buffer.from(`Content-Disposition: form-data; name="image[]"; filename="a.png"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}iVBORw0KGgo=`),
        ),
        fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
      ), { maxLength: 5 }),
      ending: fc.constantFrom('final', 'final', 'none', 'no-dashes', 'lf', 'extra-garbage', 'preamble'),
      truncateAt: sometimes(fc.nat(), 40),
      contentType: fc.constantFrom('multipart/form-data', 'multipart/form-data', 'multipart/form-data', 'Multipart/Form-Data', 'multipart/mixed', 'multipart/form-data; charset=utf-8'),
      authKind: fc.constantFrom<JsonCase['authKind']>('user', 'user', 'user', 'none'),
    });
    await fuzz('broken multipart', brokenCase, NUM_RUNS.brokenMultipart, async (c) => {
      const b = c.boundary.replace(/^"|"$/g, '');
      const nl = c.ending === 'lf' ? '\n' : CRLF;
      const chunks: Buffer[] = [];
      if (c.ending === 'preamble') chunks.push(Buffer.from(`preamble text${CRLF}`));
      for (const p of c.parts) chunks.push(Buffer.from(`--${b}${nl}`), p, Buffer.from(nl));
      if (c.ending === 'final' || c.ending === 'preamble' || c.ending === 'lf') chunks.push(Buffer.from(`--${b}--${nl}`));
      if (c.ending === 'no-dashes') chunks.push(Buffer.from(`--${b}${nl}`));
      if (c.ending === 'extra-garbage') chunks.push(Buffer.from(`--${b}--${CRLF}trailing garbage \x00\xff`));
      let body = Buffer.concat(chunks);
      if (c.truncateAt !== ABSENT) body = body.subarray(0, c.truncateAt % (body.length + 1));
      const headerBoundary = c.headerBoundary ?? c.boundary;
      const contentType = `${c.contentType}; boundary=${headerBoundary}`;
      const headers: Record<string, string> = { ...authHeader(c.authKind), 'content-type': /^[\x20-\x7e]*$/.test(contentType) ? contentType : 'multipart/form-data; boundary=x' };
      const answer = await send(t, { path: c.path, headers, body: new Uint8Array(body) });
      checkAnswer(answer, true);
    });
  });

  it('other routes, methods and Authorization headers get a documented answer', async () => {
    const routeCase = fc.record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'DELETE', 'PATCH', 'PUT'),
      path: fc.oneof(
        fc.constantFrom('/v1/models', '/v1/models/test/test', '/v1/openai/models', '/v1/openai/models/test/test', '/v1/credits', '/v1/credits?by_api_key=true',
          '/v1/auth/test', '/v1/usage', '/v1/admin/accounts', '/v1/admin/keys', '/operations/get-popular-models', '/health', '/v1/nothing', '/v1/openai/images',
          '/storage/0123456789abcdef0123456789abcdef.webp', '/storage/../../etc/passwd', '/storage/%2e%2e%2fetc%2fpasswd', '/v1/models/%00', '/v1/usage/req_x/content',
          '/v1/admin/keys/key_nope', '/v1/admin/accounts/acct_nope/credits', '//v1//models', '/v1/models?limit=-1&sort=nope&free=maybe&type=video'),
        fc.tuple(fc.constantFrom('/v1/models', '/v1/usage', '/v1/models/', '/storage/', '/v1/admin/keys/', '/v1/usage/', '/'), fc.string({ maxLength: 30 }))
          .map(([p, s]) => p + encodeURIComponent(s).replace(/%2F/g, '/')),
        // Escapes the router cannot decode, and ones that decode to something odd.
        fc.tuple(fc.constantFrom('/v1/models/', '/v1/openai/models/', '/storage/', '/v1/usage/', '/v1/admin/keys/', '/v1/openai/images/', '/', '/v1/models?name='),
          fc.constantFrom('%', '%zz', '%E0%A4%A', '%25', '%2525', '%00', '%2e%2e/%2e%2e/etc/passwd', '%2F', '%C0%AF', '%uD800', '%FF', 'test%2Ftest'), fc.constantFrom('', '/content', '.webp', '/x'))
          .map(([a, b, c]) => a + b + c),
        fc.tuple(fc.constantFrom('/v1/models?', '/v1/usage?', '/v1/credits?'), fc.dictionary(fc.constantFrom('limit', 'sort', 'name', 'free', 'type', 'provider', 'by_api_key', 'model', 'status', 'since', 'from', 'to', 'cursor', 'account_id', '__proto__'), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', 'a\u0000', '-1', '1e999', '2025-13-45', '\ud800')), { maxKeys: 3 }))
          .map(([p, q]) => p + new URLSearchParams(Object.entries(q)).toString()),
      ),
      authorization: fc.oneof(
        { arbitrary: fc.constantFrom('user', 'none'), weight: 6 },
        { arbitrary: fc.constantFrom('admin'), weight: 2 },
        { arbitrary: fc.oneof(fc.constantFrom('Bearer', 'Bearer ', 'bearer sk-pr-x', 'Basic abc', 'Bearer a b', `Bearer ${'k'.repeat(5000)}`, 'Bearer sk-pr-admin-test-key-012345678'), fc.string({ maxLength: 40 }).filter((s) => /^[\x21-\x7e][\x20-\x7e]*$/.test(s) || s === '').map((s) => `Bearer ${s}`)), weight: 2 },
      ),
      json: sometimes(junk, 50),
    });
    await fuzz('routes and auth', routeCase, NUM_RUNS.routes, async (c) => {
      // The admin key only reads: writes would change the server the other properties use.
      const method = c.authorization === 'admin' ? 'GET' : c.method;
      const headers: Record<string, string> = {};
      if (c.authorization === 'user') Object.assign(headers, auth(t.key));
      else if (c.authorization === 'admin') Object.assign(headers, auth(ADMIN_KEY));
      else if (c.authorization !== 'none') headers.authorization = c.authorization;
      let body: string | undefined;
      if (method !== 'GET' && c.json !== ABSENT) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(c.json) ?? 'null';
      }
      const answer = await send(t, { method, path: c.path, headers, body });
      checkAnswer(answer, false);
    });
  });

  it('size limits (64kb per file, 256kb JSON): past them 413, under them never 413', async () => {
    const fill = (len: number) => Buffer.alloc(len, 0x41);
    const limitCase = fc.oneof(
      // A JSON body around the 256kb limit (a long prompt).
      fc.integer({ min: SMALL_JSON - 2000, max: SMALL_JSON + 40_000 }).map((len) => ({ kind: 'json-body' as const, len })),
      // One data URI around the 64kb per-file limit (a valid PNG padded, or garbage).
      fc.tuple(fc.integer({ min: SMALL_UPLOAD - 64, max: SMALL_UPLOAD + 64 }), fc.boolean(), fc.constantFrom('images', 'mask')).map(([len, png, field]) => ({ kind: 'data-uri' as const, len, png, field })),
      fc.tuple(fc.integer({ min: 1000, max: SMALL_UPLOAD * 2 }), fc.boolean(), fc.constantFrom('images', 'mask')).map(([len, png, field]) => ({ kind: 'data-uri' as const, len, png, field })),
      // Several data URIs under the per-file limit whose JSON passes 256kb together.
      fc.integer({ min: 2, max: 6 }).map((count) => ({ kind: 'many-uris' as const, count })),
      // Multipart files around the per-file limit.
      fc.tuple(fc.array(fc.integer({ min: SMALL_UPLOAD - 64, max: SMALL_UPLOAD + 64 }), { minLength: 1, maxLength: 3 }), fc.constantFrom('image[]', 'mask[]')).map(([lens, field]) => ({ kind: 'multipart-file' as const, lens, field })),
      // A multipart field around the 256kb field limit.
      fc.integer({ min: FIELD_SIZE - 100, max: FIELD_SIZE + 100 }).map((len) => ({ kind: 'multipart-field' as const, len })),
    );
    await fuzz('size limits', limitCase, NUM_RUNS.limits, async (c) => {
      const path = '/v1/openai/images/edits';
      const base = { model: 'test/test', size: '64x64', response_format: 'b64_json' };
      let answer: Answer;
      let over: boolean;
      if (c.kind === 'json-body') {
        const body = JSON.stringify({ ...base, prompt: '' });
        const padded = body.replace('"prompt":""', `"prompt":"${'p'.repeat(Math.max(0, c.len - body.length))}"`);
        answer = await send(small, { path, headers: jsonHeaders(small.key), body: padded });
        over = Buffer.byteLength(padded) > SMALL_JSON;
      } else if (c.kind === 'data-uri') {
        const bytes = c.png ? Buffer.concat([img.png, fill(Math.max(0, c.len - img.png.length))]) : fill(c.len);
        const uriValue = dataUri(bytes);
        const body = c.field === 'mask' ? { ...base, images: [dataUri(img.png)], mask: uriValue } : { ...base, images: [uriValue] };
        answer = await send(small, { path, headers: jsonHeaders(small.key), body: JSON.stringify(body) });
        over = bytes.length > SMALL_UPLOAD;
      } else if (c.kind === 'many-uris') {
        const each = dataUri(Buffer.concat([img.png, fill(60_000)]));
        const body = JSON.stringify({ ...base, images: Array(c.count).fill(each) });
        answer = await send(small, { path, headers: jsonHeaders(small.key), body });
        over = Buffer.byteLength(body) > SMALL_JSON;
      } else if (c.kind === 'multipart-file') {
        const form = new FormData();
        for (const [k, v] of Object.entries(base)) form.append(k, v);
        if (c.field === 'mask[]') form.append('image[]', new Blob([new Uint8Array(img.png)], { type: 'image/png' }), 'a.png');
        for (const len of c.lens) form.append(c.field, new Blob([new Uint8Array(Buffer.concat([img.png, fill(Math.max(0, len - img.png.length))]))], { type: 'image/png' }), 'a.png');
        answer = await send(small, { path, headers: auth(small.key), body: form });
        // A second mask is refused (400) before its size is read, so only the first mask counts.
        over = c.field === 'image[]' ? c.lens.some((len) => len > SMALL_UPLOAD) : c.lens[0]! > SMALL_UPLOAD;
      } else {
        const form = new FormData();
        for (const [k, v] of Object.entries(base)) form.append(k, v);
        form.append('negative_prompt', 'n'.repeat(c.len));
        answer = await send(small, { path, headers: auth(small.key), body: form });
        over = c.len > FIELD_SIZE;
      }
      checkAnswer(answer, true);
      if (over && answer.status !== 413) fail(answer, `${c.kind} past the limit, yet not 413`);
      if (over && answer.json.error.code !== 'request_too_large') fail(answer, '413 without request_too_large');
      if (!over && answer.status === 413) fail(answer, `${c.kind} under the limit, yet 413`);
    });
  });

  it('found by fuzzing: {"seed":{"toString":1}} is a valid seed, not a 500', async () => {
    const answer = await send(t, { path: IMAGE_PATHS[0]!, headers: jsonHeaders(t.key), body: '{"model":"test/test","size":"64x64","response_format":"b64_json","seed":{"toString":1}}' });
    checkAnswer(answer, true);
  });

  it(`ran at least 10,000 cases, and the servers still answer /health`, async () => {
    for (const server of [t, small]) {
      const health = await send(server, { method: 'GET', path: '/health' });
      expect(health.status).toBe(200);
      expect(health.json.status).toBe('ok');
    }
    expect(runs).toBeGreaterThanOrEqual(10_000);
    expect(Object.values(NUM_RUNS).reduce((a, b) => a + b, 0)).toBe(runs);
  });
});
