import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AddressPolicy } from './addresses.js';

/** Why a remote fetch failed: the address or scheme was refused, the fetch failed, took too long, or was too large. */
export class RemoteFetchError extends Error {
  constructor(readonly kind: 'refused' | 'failed' | 'timeout' | 'too_large', message: string) {
    super(message);
    this.name = 'RemoteFetchError';
  }
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface RemoteFetchOptions {
  /** PIXELROUTER_FETCH_ALLOW: hostnames, addresses and CIDRs that may be private. */
  allow: string[];
  timeoutMs: number;
  maxBytes: number;
  /** Name resolution; the system's by default (tests substitute names). */
  resolve?: Resolver;
}

export type RemoteFetcher = (url: string, signal?: AbortSignal) => Promise<Buffer>;

export const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const systemResolve: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * Fetches a caller-supplied image URL without letting the caller reach our own network (SSRF).
 * Names are checked inside the agents' `lookup`, on the very addresses the socket then connects to,
 * so a name cannot resolve to a public address for a check and to a private one for the connection.
 * Address literals never reach `lookup`, so they are checked before connecting. Redirects are
 * followed by hand, each hop checked again.
 */
export function createRemoteFetcher(options: RemoteFetchOptions): RemoteFetcher {
  const policy = new AddressPolicy(options.allow);
  const resolve = options.resolve ?? systemResolve;

  const lookup = ((hostname: string, lookupOptions: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then((found) => {
      const addresses = found.filter((a) => !lookupOptions.family || a.family === lookupOptions.family);
      // One private address among public ones is enough to refuse: the socket may try any of them.
      const refused = addresses.find((a) => !policy.permits(hostname, a.address));
      if (refused) return callback(new RemoteFetchError('refused', `${hostname} resolves to ${refused.address}, which is not a public address`));
      if (!addresses.length) return callback(new RemoteFetchError('failed', `${hostname} has no address`));
      if (lookupOptions.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    }, (error: unknown) => callback(error));
  }) as unknown as net.LookupFunction;
  const agents = { 'http:': new http.Agent({ lookup }), 'https:': new https.Agent({ lookup }) };

  function target(href: string): URL {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      throw new RemoteFetchError('failed', 'not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteFetchError('refused', `only http and https URLs are fetched (got ${url.protocol})`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !policy.permits(host, host)) throw new RemoteFetchError('refused', `${host} is not a public address`);
    return url;
  }

  const get = (url: URL, signal: AbortSignal) => new Promise<http.IncomingMessage>((resolveResponse, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, { agent: agents[url.protocol as 'http:' | 'https:'], signal, headers: { accept: 'image/*', 'user-agent': 'pixelrouter' } }, resolveResponse);
    request.on('error', reject);
  });

  return async (href, signal) => {
    // A timer of our own, not AbortSignal.timeout(): inside AbortSignal.any() that one can be
    // garbage-collected and never fire on Node 20 (nodejs/node#57736).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    const deadline = controller.signal;
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const failure = (error: unknown) => {
      if (error instanceof RemoteFetchError) return error;
      if (deadline.aborted) return new RemoteFetchError('timeout', `no complete answer within ${options.timeoutMs / 1000} s`);
      const code = (error as { code?: string }).code;
      return new RemoteFetchError('failed', `the image could not be fetched (${code ?? (error as Error).message})`);
    };
    let url = target(href);
    try {
      for (let hop = 0; ; hop++) {
        const response = await get(url, combined);
        const location = response.headers.location;
        if (REDIRECTS.has(response.statusCode!) && location) {
          response.destroy();
          if (hop === MAX_REDIRECTS) throw new RemoteFetchError('failed', `more than ${MAX_REDIRECTS} redirects`);
          url = target(new URL(location, url).href);
          continue;
        }
        if (response.statusCode! < 200 || response.statusCode! >= 300) {
          response.destroy();
          throw new RemoteFetchError('failed', `the image URL answered HTTP ${response.statusCode}`);
        }
        return await readBody(response, options.maxBytes);
      }
    } catch (error) {
      throw failure(error);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function readBody(response: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new RemoteFetchError('too_large', `the image is larger than the ${maxBytes} byte limit`);
  if (Number(response.headers['content-length']) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
