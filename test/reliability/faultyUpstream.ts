import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';

/**
 * A misbehaving image provider on 127.0.0.1, for the reliability run. It speaks OpenAI's Images API
 * (`POST {base}/images/generations`) and, under `/bfl/v1`, Black Forest Labs' submit-and-poll API,
 * and fails in every way a real upstream can: per request it answers normally, resets the
 * connection, hangs, drips its body, answers an error status, sends broken JSON, sends bytes that are
 * not an image, sends an image past the download limit, or (BFL) runs a job that never finishes.
 *
 * The fault is chosen deterministically: under `/word/v1` by a `fault:<name>` word in the prompt,
 * under `/rng/v1` by a seeded PRNG keyed on the prompt and how many calls that prompt has made (so a
 * fanned-out request's calls get a mix of faults, the same on every run whatever the arrival order).
 */

export const FAULTS = [
  'ok', // 200 with b64_json images
  'ok_url', // 200 with url images served by this server
  'drip_ok', // 200, the body dripped in small pieces, finished well before the timeout
  'reset', // TCP reset before any answer
  'reset_mid_body', // headers and half the body, then a reset
  'hang', // never answers (until the client gives up)
  'drip_slow', // 200 headers, then the body a few bytes at a time, past the timeout
  'status_400', // the upstream refuses the request
  'status_500',
  'status_502',
  'status_503',
  'status_529',
  'status_429', // with Retry-After
  'truncated_json', // a 200 JSON body cut short
  'not_json', // a 200 HTML page
  'wrong_shape', // valid JSON in shapes the API never sends
  'error_in_200', // an error envelope with status 200
  'not_image', // valid JSON, the image is text
  'fake_png', // valid JSON, a PNG signature followed by garbage
  'url_404', // the image URL answers 404
  'oversized_url', // the image URL serves more than the download limit, with content-length
  'oversized_url_chunked', // the same without content-length
  'huge_b64', // a valid image past the download limit, inline
] as const;
export type Fault = (typeof FAULTS)[number];

/** BFL's faults, by a `fault:<name>` word in the prompt. */
export const BFL_FAULTS = ['async_ok', 'async_pending', 'submit_429', 'submit_503', 'submit_reset'] as const;
export type BflFault = (typeof BFL_FAULTS)[number];

/** The faults a fanned-out call can meet under `/rng/v1`, with weights. */
const RNG_FAULTS: Array<[Fault, number]> = [
  ['ok', 45], ['ok_url', 15], ['status_500', 6], ['status_503', 6], ['status_429', 6], ['reset', 6],
  ['not_image', 5], ['truncated_json', 5], ['hang', 3], ['oversized_url', 3],
];

/** mulberry32: a small, seeded, good-enough PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string, to key the PRNG on a prompt. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function pickWeighted<T>(random: () => number, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted.at(-1)![0];
}

/** The fault of the `call`-th call made for `prompt` under `/rng/v1` (the test predicts outcomes with it). */
export function rngFault(seed: number, prompt: string, call: number): Fault {
  return pickWeighted(prng(seed ^ hash(`${prompt}#${call}`)), RNG_FAULTS);
}

export interface FaultyUpstream {
  url: string;
  /** Upstream calls answered, by `route:fault` (BFL polls not counted). */
  counts: Record<string, number>;
  /** Connections open right now. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface FaultyOptions {
  seed: number;
  /** The gateway's PIXELROUTER_MAX_DOWNLOAD_BYTES: oversized images are made past it. */
  maxDownloadBytes: number;
  /** How long a slow drip takes in all (longer than the gateway's timeout). */
  slowDripMs: number;
}

const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const error = (message: string, type = 'server_error') => ({ error: { message, type, param: null, code: null } });

/** Shapes a broken upstream could send with status 200; none holds a usable image. */
const WRONG_SHAPES = [
  '{"data":"oops"}', '{"data":[null]}', '{"data":[{"b64_json":42}]}', '{"data":[{"url":"not a url"}]}', '[]', 'null',
  '{"data":[{"b64_json":""}]}', '{"data":{}}', '{"data":[{"url":17}]}', '{"data":[]}', '"data"', '{"data":[{"url":"ftp://127.0.0.1/x.png"}]}',
];

export async function startFaultyUpstream(options: FaultyOptions): Promise<FaultyUpstream> {
  const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 30, g: 140, b: 90 } } }).png().toBuffer();
  // Noise does not compress: a real, decodable PNG past the download limit.
  const side = Math.ceil(Math.sqrt(options.maxDownloadBytes / 3)) + 64;
  const noise = Buffer.alloc(side * side * 3);
  const random = prng(options.seed);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256);
  const big = await sharp(noise, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  if (big.length <= options.maxDownloadBytes) throw new Error('the oversized image is not oversized');

  const counts: Record<string, number> = {};
  const callsPerPrompt = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const jobs = new Map<string, { fault: BflFault; polls: number }>();
  let jobId = 0;
  let shapeIndex = 0;
  let base = '';

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  /** Writes `body` a few bytes at a time over `totalMs`; stops if the client leaves. */
  const drip = (res: http.ServerResponse, body: string, totalMs: number) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const pieces = Math.min(40, body.length);
    const size = Math.ceil(body.length / pieces);
    let offset = 0;
    const step = () => {
      if (res.destroyed) return;
      res.write(body.slice(offset, offset + size));
      offset += size;
      if (offset >= body.length) res.end();
      else later(totalMs / pieces, step);
    };
    step();
  };

  const images = (n: number, item: () => Record<string, unknown>) => JSON.stringify({ created: 1, data: Array.from({ length: n }, item) });

  function answer(route: string, fault: Fault, n: number, req: http.IncomingMessage, res: http.ServerResponse) {
    counts[`${route}:${fault}`] = (counts[`${route}:${fault}`] ?? 0) + 1;
    const okBody = images(n, () => ({ b64_json: small.toString('base64') }));
    switch (fault) {
      case 'ok':
        return sendJson(res, 200, okBody);
      case 'ok_url':
        return sendJson(res, 200, images(n, () => ({ url: `${base}/files/small.png` })));
      case 'drip_ok':
        return drip(res, okBody, 150);
      case 'reset':
        return req.socket.resetAndDestroy();
      case 'reset_mid_body':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(okBody.length) });
        res.write(okBody.slice(0, okBody.length >> 1));
        return later(10, () => req.socket.resetAndDestroy());
      case 'hang':
        return; // the socket stays open until the gateway gives up (or close())
      case 'drip_slow':
        return drip(res, okBody, options.slowDripMs);
      case 'status_400':
        return sendJson(res, 400, error('Invalid size', 'invalid_request_error'));
      case 'status_500':
      case 'status_502':
      case 'status_503':
      case 'status_529':
        return sendJson(res, Number(fault.slice(7)), error(`upstream ${fault}`));
      case 'status_429':
        return sendJson(res, 429, error('Rate limit reached', 'requests'), { 'retry-after': '3' });
      case 'truncated_json':
        return sendJson(res, 200, okBody.slice(0, Math.floor(okBody.length * 0.6)));
      case 'not_json':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>502 Bad Gateway</body></html>');
      case 'wrong_shape':
        return sendJson(res, 200, WRONG_SHAPES[shapeIndex++ % WRONG_SHAPES.length]!);
      case 'error_in_200':
        return sendJson(res, 200, error('The server had an error while processing your request'));
      case 'not_image':
        return sendJson(res, 200, images(n, () => ({ b64_json: Buffer.from('this is not an image, just text').toString('base64') })));
      case 'fake_png':
        return sendJson(res, 200, images(n, () => ({ b64_json: Buffer.concat([small.subarray(0, 16), Buffer.alloc(200, 7)]).toString('base64') })));
      case 'url_404':
        return sendJson(res, 200, images(n, () => ({ url: `${base}/files/missing.png` })));
      case 'oversized_url':
        return sendJson(res, 200, images(n, () => ({ url: `${base}/files/big.png` })));
      case 'oversized_url_chunked':
        return sendJson(res, 200, images(n, () => ({ url: `${base}/files/big-chunked.png` })));
      case 'huge_b64':
        return sendJson(res, 200, images(n, () => ({ b64_json: big.toString('base64') })));
    }
  }

  function bfl(path: string, url: URL, body: any, req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.headers['x-key'] !== 'bfl-fake') return sendJson(res, 403, { detail: 'Not authenticated' });
    if (req.method === 'POST' && path === '/bfl/v1/flux-pro-1.1') {
      const fault = (/fault:(\w+)/.exec(String(body?.prompt))?.[1] ?? 'async_ok') as BflFault;
      counts[`bfl:${fault}`] = (counts[`bfl:${fault}`] ?? 0) + 1;
      if (fault === 'submit_429') return sendJson(res, 429, { detail: 'Too many active tasks' });
      if (fault === 'submit_503') return sendJson(res, 503, { detail: 'Service overloaded' });
      if (fault === 'submit_reset') return req.socket.resetAndDestroy();
      const id = `job-${++jobId}`;
      jobs.set(id, { fault, polls: 0 });
      return sendJson(res, 200, { id, polling_url: `${base}/bfl/v1/get_result?id=${id}` });
    }
    if (req.method === 'GET' && path === '/bfl/v1/get_result') {
      const job = jobs.get(url.searchParams.get('id') ?? '');
      if (!job) return sendJson(res, 404, { detail: 'Task not found' });
      job.polls++;
      if (job.fault === 'async_ok' && job.polls >= 2) {
        jobs.delete(url.searchParams.get('id')!);
        return sendJson(res, 200, { id: 'x', status: 'Ready', result: { sample: `${base}/files/small.png` } });
      }
      return sendJson(res, 200, { id: 'x', status: 'Pending' });
    }
    sendJson(res, 404, { detail: 'Not Found' });
  }

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the gateway went away mid-request
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: any;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    } catch {
      return sendJson(res, 400, error('invalid JSON', 'invalid_request_error'));
    }
    const path = url.pathname;
    if (path === '/files/small.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(small.length) });
      return res.end(small);
    }
    if (path === '/files/big.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(big.length) });
      return res.end(big);
    }
    if (path === '/files/big-chunked.png') {
      res.writeHead(200, { 'content-type': 'image/png' }); // no length: the gateway must count
      for (let i = 0; i < big.length && !res.destroyed; i += 64 * 1024) res.write(big.subarray(i, i + 64 * 1024));
      return res.end();
    }
    if (path.startsWith('/bfl/')) return bfl(path, url, body, req, res);
    if (req.method !== 'POST' || !path.endsWith('/v1/images/generations')) return sendJson(res, 404, error(`no route ${req.method} ${path}`, 'invalid_request_error'));
    if (req.headers.authorization !== 'Bearer faulty-secret') return sendJson(res, 401, error('bad key', 'invalid_request_error'));
    const prompt = String(body?.prompt ?? '');
    const n = Number(body?.n ?? 1);
    if (path.startsWith('/word/')) {
      const fault = /fault:(\w+)/.exec(prompt)?.[1] as Fault | undefined;
      if (!fault || !FAULTS.includes(fault)) return sendJson(res, 400, error(`unknown fault in '${prompt}'`, 'invalid_request_error'));
      return answer('word', fault, n, req, res);
    }
    const call = callsPerPrompt.get(prompt) ?? 0;
    callsPerPrompt.set(prompt, call + 1);
    return answer('rng', rngFault(options.seed, prompt, call), n, req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    counts,
    openConnections: () => sockets.size,
    close: () => new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
