import sharp from 'sharp';
import { endsComplete } from '../images/complete.js';
import { UpstreamError, type UpstreamFailure } from './errors.js';
import type { GeneratedImage } from './types.js';

/**
 * The HTTP plumbing every adapter shares: calls that turn network and status failures into
 * UpstreamErrors, size-limited downloads, polling, and image format detection.
 */

const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Turns a fetch failure into an UpstreamError; a client abort stays an abort. */
function networkFailure(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    return reason?.name === 'TimeoutError' ? new UpstreamError('timeout', 'no answer before the timeout') : error;
  }
  const code = ((error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code) as string | undefined;
  if (code && NOTHING_SENT.has(code)) return new UpstreamError('unreachable', `cannot connect (${code})`);
  return new UpstreamError('server_error', `connection failed (${code ?? (error as Error).message})`);
}

/** The most useful message in an upstream error body, whatever its shape. */
export function upstreamMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string') return body.slice(0, 500) || fallback;
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const error = b.error as Record<string, unknown> | string | undefined;
    const candidates = [typeof error === 'object' ? error?.message : error, b.detail, b.message, b.title];
    for (const c of candidates) {
      if (typeof c === 'string' && c) return c.slice(0, 500);
      if (Array.isArray(c) && c.length) return JSON.stringify(c).slice(0, 500);
    }
  }
  return fallback;
}

/** The usual meaning of an HTTP status; adapters refine it where their provider documents more. */
export function classifyStatus(status: number): UpstreamFailure {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server_error';
  return 'rejected';
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * One HTTP call. Resolves with the parsed body (JSON when it parses, else text) for 2xx; otherwise
 * throws the UpstreamError `classify` picks (default: by status).
 */
export async function callUpstream<T = any>(
  url: string,
  init: RequestInit & { signal: AbortSignal },
  classify: (status: number, body: unknown) => UpstreamFailure = classifyStatus,
): Promise<UpstreamResponse<T>> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw networkFailure(error, init.signal);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw networkFailure(error, init.signal);
  }
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (response.status >= 200 && response.status < 300) return { status: response.status, headers: response.headers, body: body as T };
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new UpstreamError(classify(response.status, body), upstreamMessage(body, `HTTP ${response.status}`), response.status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

/** Downloads an upstream's output image, refusing anything past `maxBytes`. */
export async function downloadImage(url: string, options: { signal: AbortSignal; maxBytes: number; headers?: Record<string, string> }): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal, headers: options.headers });
  } catch (error) {
    throw networkFailure(error, options.signal);
  }
  if (!response.ok || !response.body) throw new UpstreamError('bad_response', `the output image could not be downloaded (HTTP ${response.status})`, response.status);
  const declared = Number(response.headers.get('content-length'));
  if (declared > options.maxBytes) throw new UpstreamError('bad_response', `the output image is larger than ${options.maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.length;
      if (total > options.maxBytes) {
        await response.body.cancel().catch(() => {});
        throw new UpstreamError('bad_response', `the output image is larger than ${options.maxBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw networkFailure(error, options.signal);
  }
  return Buffer.concat(chunks);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Polls `check` every `intervalMs` until it returns a value. The call's signal bounds it: the
 * per-model timeout ends it as an UpstreamError('timeout'), a client abort as an abort.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, options: { signal: AbortSignal; intervalMs: number }): Promise<T> {
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    try {
      await sleep(options.intervalMs, options.signal);
    } catch (error) {
      throw networkFailure(error, options.signal);
    }
  }
}

/** png, jpeg or webp from the first bytes; null for anything else. */
export function sniffFormat(bytes: Buffer): GeneratedImage['format'] | null {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/**
 * Bytes as a Blob for a multipart upload. Blob copies what it is given once; wrapping the Buffer in
 * a new Uint8Array first (to satisfy the DOM typings) would copy every input image twice.
 */
export const imageBlob = (bytes: Buffer, type: string) => new Blob([bytes as Uint8Array<ArrayBuffer>], { type });

/** Wraps upstream bytes as a GeneratedImage, converting other formats to PNG; undecodable bytes are a bad response. */
export async function toGeneratedImage(bytes: Buffer, revisedPrompt?: string): Promise<GeneratedImage> {
  const format = sniffFormat(bytes);
  if (format) {
    // The magic number can lie: the header must parse and the file must run to its end marker
    // (a full decode would cost more than the rest of the request).
    const meta = endsComplete(bytes, format) ? await sharp(bytes).metadata().catch(() => null) : null;
    if (!meta?.width || !meta.height) throw new UpstreamError('bad_response', 'the provider returned bytes that are not a valid image');
    return { bytes, format, width: meta.width, height: meta.height, ...(revisedPrompt && { revisedPrompt }) };
  }
  try {
    return { bytes: await sharp(bytes).png().toBuffer(), format: 'png', ...(revisedPrompt && { revisedPrompt }) };
  } catch {
    throw new UpstreamError('bad_response', 'the provider returned bytes that are not an image');
  }
}
