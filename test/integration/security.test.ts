import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRemoteFetcher, RemoteFetchError } from '../../src/net/fetchRemote.js';
import { form, solidImage } from '../helpers/images.js';
import { freshDatabase } from '../helpers/postgres.js';
import { ScriptedProvider } from '../helpers/providers.js';
import { ADMIN_KEY, listFiles, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The security section: remote image URLs never reach private addresses, every answer carries the
 * security headers and the configured CORS policy, keys are never stored in plaintext, accounts are
 * isolated, /storage resists path tricks and b64_ephemeral prompts leave no trace.
 */

// --- Guard: this machine may only talk to loopback. Any socket to another address is stopped
// before it connects and recorded, so a regression fails the test instead of sending packets.
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
const isLoopback = (address: string) => LOOPBACK.check(address, net.isIP(address) === 6 ? 'ipv6' : 'ipv4');
const offLoopback: string[] = [];
const realConnect = net.Socket.prototype.connect;
function guardedConnect(this: net.Socket, ...args: any[]) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host: string = typeof options === 'object' && options ? (options.path ? '' : (options.host ?? 'localhost')) : (args[1] ?? 'localhost');
  if (host && net.isIP(host) && !isLoopback(host)) {
    offLoopback.push(host);
    process.nextTick(() => this.destroy(new Error(`test guard: no connection to ${host}`)));
    return this;
  }
  if (host && !net.isIP(host) && typeof options === 'object') {
    const inner = options.lookup ?? dns.lookup;
    options.lookup = (name: string, opts: dns.LookupOptions, callback: (...a: any[]) => void) => inner(name, opts, (error: Error | null, address: any, family?: number) => {
      const addresses: string[] = error ? [] : Array.isArray(address) ? address.map((a) => a.address) : [address];
      const bad = addresses.find((a) => !isLoopback(a));
      if (bad) {
        offLoopback.push(`${name}=${bad}`);
        return callback(new Error(`test guard: no connection to ${bad}`));
      }
      callback(error, address, family);
    });
  }
  return (realConnect as any).apply(this, args);
}
beforeAll(() => {
  net.Socket.prototype.connect = guardedConnect as any;
});
afterAll(() => {
  net.Socket.prototype.connect = realConnect;
  expect(offLoopback).toEqual([]);
});

// --- A local image host on 127.0.0.1.
let png: Buffer;
let origin: string;
const hits: string[] = [];
const images = http.createServer((request, response) => {
  const url = new URL(request.url!, 'http://x');
  hits.push(url.pathname);
  const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/image.png') response.writeHead(200, { 'content-type': 'image/png' }).end(png);
  else if (url.pathname === '/redirect') response.writeHead(302, { location: url.searchParams.get('to')! }).end();
  else if (chain) response.writeHead(302, { location: Number(chain[1]) > 1 ? `/chain/${Number(chain[1]) - 1}` : '/image.png' }).end();
  else if (url.pathname === '/big') response.writeHead(200, { 'content-type': 'image/png', 'content-length': 100 * 1024 }).end(Buffer.alloc(100 * 1024, 1));
  else if (url.pathname === '/big-chunked') {
    response.writeHead(200, { 'content-type': 'image/png' });
    for (let i = 0; i < 100; i++) response.write(Buffer.alloc(1024, 1));
    response.end();
  } else if (url.pathname === '/slow-body') response.writeHead(200, { 'content-type': 'image/png' }).write(png.subarray(0, 10)); // then nothing
  else if (url.pathname === '/slow-headers') { /* never answers */ } else if (url.pathname === '/text') response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  else response.writeHead(404).end();
});

/** A GET or OPTIONS with the exact path and headers given (fetch would normalise `..` and `%2e`). */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { hostname, port } = new URL(base);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request({ host: hostname, port, path, method, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject).end();
  });
}

type ErrorBody = { error: { message: string; code: string; param: string } };

let open: TestServer; // remote fetches allowed from 127.0.0.1, small limits
let closed: TestServer; // defaults: only public addresses
beforeAll(async () => {
  png = await solidImage(64, 64, { r: 200, g: 40, b: 40 });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(images.address() as net.AddressInfo).port}`;
  open = await startTestServer({ PIXELROUTER_FETCH_ALLOW: '127.0.0.1', PIXELROUTER_MAX_UPLOAD_BYTES: '64kb', PIXELROUTER_FETCH_TIMEOUT: '1s' });
  closed = await startTestServer({ PIXELROUTER_FETCH_TIMEOUT: '5s' });
});
afterAll(async () => {
  images.closeAllConnections();
  await new Promise((resolve) => images.close(resolve));
  await open?.close();
  await closed?.close();
});

const edit = (t: TestServer, body: Record<string, unknown>) =>
  t.call('/v1/openai/images/edits', { method: 'POST', json: { model: 'test/test', prompt: 'remote', size: '64x64', response_format: 'b64_json', ...body } });

async function refused(t: TestServer, body: Record<string, unknown>, param = 'images[0]', status = 400) {
  const started = Date.now();
  const response = await edit(t, body);
  const elapsed = Date.now() - started;
  const error = ((await response.json()) as ErrorBody).error;
  expect(response.status, error.message).toBe(status);
  expect(error.param).toBe(param);
  if (status === 400) expect(error.code).toBe('invalid_image');
  return { error, elapsed };
}

describe('remote image URLs', () => {
  it('are fetched from an allowed host, in every JSON shape, mask included', async () => {
    const response = await edit(open, { images: [`${origin}/image.png`, { image_url: `${origin}/image.png` }], mask: { image_url: { url: `${origin}/image.png` } } });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(hits.filter((h) => h === '/image.png')).toHaveLength(3);
  });

  it('refuses loopback by default, and a name that resolves to loopback, without connecting', async () => {
    hits.length = 0;
    const literal = await refused(closed, { images: [`${origin}/image.png`] });
    expect(literal.error.message).toMatch(/127\.0\.0\.1 is not a public address/);
    const port = new URL(origin).port;
    const named = await refused(closed, { image: { image_url: `http://localhost:${port}/image.png` } }, 'image[0]');
    expect(named.error.message).toMatch(/localhost resolves to .*not a public address/);
    expect(hits).toEqual([]);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:169.254.169.254]/',
    'http://10.0.0.1/', 'http://172.16.0.1/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://0/',
    'http://2130706433/', 'http://[fe80::1]/', 'http://[fd00::1]/', 'http://224.0.0.1/', 'http://[ff02::1]/', 'http://[::]/',
    'http://[64:ff9b::a00:1]/', 'file:///etc/passwd', 'ftp://example.com/a.png', 'gopher://127.0.0.1:6379/_INFO',
  ])('refuses %s at once, before any connection', async (url) => {
    const { error, elapsed } = await refused(closed, { images: [url] });
    expect(error.message).toMatch(/not a public address|only http and https/);
    expect(elapsed).toBeLessThan(1000);
    expect(offLoopback).toEqual([]);
  });

  it('refuses the mask too, naming it', async () => {
    const { error } = await refused(open, { images: [`${origin}/image.png`], mask: 'http://169.254.169.254/' }, 'mask');
    expect(error.message).toMatch(/169\.254\.169\.254 is not a public address/);
  });

  it('checks every redirect hop: an allowed host cannot bounce the fetch to a private address', async () => {
    hits.length = 0;
    const toPrivate = await refused(open, { images: [`${origin}/redirect?to=${encodeURIComponent('http://10.0.0.1/x.png')}`] });
    expect(toPrivate.error.message).toMatch(/10\.0\.0\.1 is not a public address/);
    const toV6Loopback = await refused(open, { images: [`${origin}/redirect?to=${encodeURIComponent(`http://[::1]:${new URL(origin).port}/image.png`)}`] });
    expect(toV6Loopback.error.message).toMatch(/::1 is not a public address/);
    await refused(open, { images: [`${origin}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`] });
    expect(hits).toEqual(['/redirect', '/redirect', '/redirect']);
    expect((await edit(open, { images: [`${origin}/chain/3`] })).status).toBe(200); // 3 redirects are followed
    expect((await refused(open, { images: [`${origin}/chain/4`] })).error.message).toMatch(/more than 3 redirects/);
  });

  it('limits size (413) and time (400), and reports failed fetches (400)', async () => {
    await refused(open, { images: [`${origin}/big`] }, 'images[0]', 413);
    await refused(open, { images: [`${origin}/big-chunked`] }, 'images[0]', 413);
    for (const path of ['/slow-headers', '/slow-body']) {
      const { error, elapsed } = await refused(open, { images: [`${origin}${path}`] });
      expect(error.message).toMatch(/within 1 s/);
      expect(elapsed).toBeLessThan(3000);
    }
    expect((await refused(open, { images: [`${origin}/missing`] })).error.message).toMatch(/HTTP 404/);
    expect((await refused(open, { images: [`${origin}/text`] })).error.message).toMatch(/could not be decoded/);
  });

  it('checks names on the address actually connected to (one resolution: no rebinding window)', async () => {
    const port = new URL(origin).port;
    const answers: Record<string, string[]> = { 'metadata.example': ['169.254.169.254'], 'mixed.example': ['93.184.216.34', '10.1.2.3'] };
    let calls = 0;
    const fetcher = createRemoteFetcher({
      allow: ['127.0.0.1', 'images.example'], timeoutMs: 2000, maxBytes: 1 << 20,
      resolve: async (hostname) => {
        const name = hostname.replace(/\.$/, '');
        calls++;
        // A rebinding name: allowed 127.0.0.1 first, then 127.0.0.2 (not allowed, and not listening).
        if (name === 'rebind.example') return [{ address: calls === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
        if (name === 'images.example') return [{ address: '127.0.0.1', family: 4 }];
        return (answers[name] ?? []).map((address) => ({ address, family: 4 }));
      },
    });
    expect((await fetcher(`http://rebind.example:${port}/image.png`)).equals(png)).toBe(true);
    expect(calls).toBe(1); // the address checked is the one connected to
    expect((await fetcher(`http://IMAGES.example.:${port}/image.png`)).equals(png)).toBe(true); // allowed by hostname
    for (const name of ['metadata.example', 'mixed.example']) {
      const error = await fetcher(`http://${name}/x.png`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteFetchError);
      expect((error as RemoteFetchError).kind).toBe('refused');
      expect((error as Error).message).toMatch(/not a public address/);
    }
  });

  it('validates PIXELROUTER_FETCH_ALLOW and PIXELROUTER_CORS_ORIGINS', () => {
    expect(loadConfig({ PIXELROUTER_FETCH_ALLOW: 'images.internal, 10.0.0.0/8,::1, fd00::/8' }).fetchAllow).toEqual(['images.internal', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', 'http://x', 'a b']) expect(() => loadConfig({ PIXELROUTER_FETCH_ALLOW: bad })).toThrow(/PIXELROUTER_FETCH_ALLOW/);
    expect(loadConfig({}).fetchTimeoutMs).toBe(15_000);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(() => loadConfig({ PIXELROUTER_CORS_ORIGINS: 'app.example' })).toThrow(/PIXELROUTER_CORS_ORIGINS/);
  });
});

describe('security headers and CORS', () => {
  const SECURITY = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

  it('every answer carries the security headers; the dashboard keeps its CSP', async () => {
    const generated = await closed.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: '64x64' } });
    const stored = new URL(((await generated.json()) as { data: Array<{ url: string }> }).data[0]!.url).pathname;
    const paths = ['/health', '/v1/models', '/v1/nothing', '/v1/credits', stored, '/storage/nothing.webp'];
    for (const path of paths) expect((await raw(closed.url, path)).headers, path).toMatchObject(SECURITY);
    const page = await raw(closed.url, '/', { accept: 'text/html' });
    if (page.status === 200) expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers).toMatchObject(SECURITY);
    expect(generated.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends no CORS headers by default', async () => {
    const simple = await raw(closed.url, '/health', { origin: 'https://app.example' });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await raw(closed.url, '/v1/openai/images/generations', { origin: 'https://app.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  describe('with PIXELROUTER_CORS_ORIGINS', () => {
    let listed: TestServer;
    let any: TestServer;
    beforeAll(async () => {
      listed = await startTestServer({ PIXELROUTER_CORS_ORIGINS: 'https://app.example, http://localhost:5173/' });
      any = await startTestServer({ PIXELROUTER_CORS_ORIGINS: '*' });
    });
    afterAll(async () => {
      await listed?.close();
      await any?.close();
    });
    const preflight = (t: TestServer, from: string) => raw(t.url, '/v1/openai/images/generations', {
      origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type',
    }, 'OPTIONS');

    it('answers preflights for listed origins only, allowing Authorization and Content-Type', async () => {
      const ok = await preflight(listed, 'https://app.example');
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(ok.headers['access-control-allow-headers']).toMatch(/Authorization/);
      expect(ok.headers['access-control-allow-headers']).toMatch(/Content-Type/);
      expect(ok.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(ok.headers).toMatchObject(SECURITY);
      expect((await preflight(listed, 'http://localhost:5173')).headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect((await preflight(listed, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
      expect((await preflight(any, 'https://evil.example')).headers['access-control-allow-origin']).toBe('*');
    });

    it('exposes the request id, cost, provider, warnings, rate-limit headers and Retry-After', async () => {
      const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const { hostname, port } = new URL(listed.url);
        const request = http.request({ host: hostname, port, path: '/v1/openai/images/generations', method: 'POST', headers: { origin: 'https://app.example', authorization: `Bearer ${listed.key}`, 'content-type': 'application/json' } }, resolve);
        request.on('error', reject).end(JSON.stringify({ model: 'test/test', size: '64x64' }));
      });
      response.resume();
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
      const exposed = String(response.headers['access-control-expose-headers']).split(/,\s*/).map((h) => h.toLowerCase());
      for (const header of ['x-request-id', 'x-pixelrouter-cost', 'x-pixelrouter-provider', 'x-pixelrouter-warnings', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after']) {
        expect(exposed).toContain(header);
      }
      // Errors carry CORS headers too, so a browser can read them.
      expect((await raw(listed.url, '/v1/credits', { origin: 'https://app.example' })).headers['access-control-allow-origin']).toBe('https://app.example');
    });
  });
});

/** Every row of every table of the server's database, as text. */
async function everyTable(t: TestServer): Promise<string> {
  const db = t.server.services.db;
  const tables = await db.query<{ schema: string; name: string }>(
    "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
  );
  expect(tables.length).toBeGreaterThan(3);
  let text = '';
  for (const { schema, name } of tables) {
    const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${name}" t`);
    text += rows.map((r) => r.row).join('\n');
  }
  return text;
}

/** Issues keys, uses each of them, and returns their secrets. */
async function issueAndUseKeys(t: TestServer): Promise<string[]> {
  const keys = [t.key];
  for (const name of ['a', 'b']) keys.push((await t.admin('POST', '/v1/admin/keys', { name, rate_limit_rpm: 100 })).key);
  for (const key of keys) {
    for (const response_format of ['url', 'b64_json']) {
      const response = await t.call('/v1/openai/images/generations', { method: 'POST', auth: key, json: { model: 'test/test', size: '64x64', response_format }, headers: { 'idempotency-key': `idem-${key.slice(-6)}-${response_format}` } });
      expect(response.status).toBe(200);
    }
    expect((await t.call('/v1/credits?by_api_key=true', { auth: key })).status).toBe(200);
    expect((await t.call('/v1/auth/test', { method: 'POST', auth: key })).status).toBe(200);
  }
  return [...keys, ...keys.map((k) => k.slice('sk-pr-'.length)), ADMIN_KEY];
}

describe('keys are never stored in plaintext', () => {
  it('PGlite: no table and no file of the data dir holds an issued key', async () => {
    const t = await startTestServer();
    try {
      const secrets = await issueAndUseKeys(t);
      const text = await everyTable(t);
      expect(text).toContain(t.key.slice(0, 10)); // the hint is stored: the scan does see key columns
      for (const secret of secrets) expect(text).not.toContain(secret);
      await t.server.close();
      const files = listFiles(t.dataDir);
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) {
        const bytes = fs.readFileSync(file);
        for (const secret of secrets) expect(bytes.includes(secret), `${file} holds a key`).toBe(false);
      }
    } finally {
      await t.close();
    }
  });

  it('PostgreSQL: no table holds an issued key', async () => {
    const database = await freshDatabase();
    const t = await startTestServer({ DATABASE_URL: database.url });
    try {
      const secrets = await issueAndUseKeys(t);
      const text = await everyTable(t);
      expect(text).toContain(t.key.slice(0, 10));
      for (const secret of secrets) expect(text).not.toContain(secret);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});

describe('the admin key and admin routes', () => {
  it('refuses wrong admin keys of the same and of other lengths', async () => {
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'x' ? 'y' : 'x') + s.slice(i + 1);
    const wrong = [flip(ADMIN_KEY, ADMIN_KEY.length - 1), flip(ADMIN_KEY, 0), flip(ADMIN_KEY, 10), ADMIN_KEY.toUpperCase(), `${ADMIN_KEY}x`, ADMIN_KEY.slice(0, -1), ADMIN_KEY.slice(0, 6), `${ADMIN_KEY}${ADMIN_KEY}`];
    for (const key of wrong) {
      const response = await closed.call('/v1/admin/keys', { auth: key });
      expect(response.status, key).toBe(401);
      expect(((await response.json()) as ErrorBody).error.code).toBe('invalid_api_key');
    }
    expect((await closed.call('/v1/admin/keys', { auth: ADMIN_KEY })).status).toBe(200);
  });

  it('refuses user keys on every admin route (403) and changes nothing', async () => {
    const other = await closed.admin('POST', '/v1/admin/keys', { name: 'victim' });
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/v1/admin/accounts', { name: 'x', balance_usd: 100 }], ['GET', '/v1/admin/accounts'], ['GET', `/v1/admin/accounts/${other.account_id}`],
      ['POST', `/v1/admin/accounts/${other.account_id}/credits`, { amount_usd: 100 }], ['POST', '/v1/admin/keys', { name: 'x' }], ['GET', '/v1/admin/keys'],
      ['PATCH', `/v1/admin/keys/${other.id}`, { enabled: false }], ['DELETE', `/v1/admin/keys/${other.id}`],
    ];
    const before = await closed.admin('GET', '/v1/admin/keys');
    for (const [method, path, json] of routes) {
      const response = await closed.call(path, { method, json });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(((await response.json()) as ErrorBody).error.code).toBe('forbidden');
    }
    expect(await closed.admin('GET', '/v1/admin/keys')).toEqual(before);
    expect((await closed.call('/v1/auth/test', { method: 'POST', auth: other.key })).status).toBe(200);
  });
});

describe('accounts are isolated', () => {
  it('a key neither reads nor deletes another account’s records and images', async () => {
    const alice = await closed.admin('POST', '/v1/admin/keys', { name: 'alice' });
    const bob = await closed.admin('POST', '/v1/admin/keys', { name: 'bob' });
    const generated = await closed.call('/v1/openai/images/generations', { method: 'POST', auth: alice.key, json: { model: 'test/test', size: '64x64', prompt: 'alice private' } });
    const url = ((await generated.json()) as { data: Array<{ url: string }> }).data[0]!.url;
    const record = ((await (await closed.call('/v1/usage', { auth: alice.key })).json()) as { data: Array<{ id: string }> }).data[0]!;
    for (const query of ['', `?account_id=${alice.account_id}`, '?limit=500']) {
      const view = await (await closed.call(`/v1/usage${query}`, { auth: bob.key })).text();
      expect(view).not.toContain('alice private');
      expect(view).not.toContain(record.id);
    }
    expect((await closed.call(`/v1/usage/${record.id}/content`, { method: 'DELETE', auth: bob.key })).status).toBe(404);
    expect(await (await closed.call('/v1/credits?by_api_key=true', { auth: bob.key })).text()).not.toContain(alice.id);
    // Bob's attempts changed nothing: the prompt and the image are still Alice's.
    expect((await fetch(url)).status).toBe(200);
    const still = ((await (await closed.call('/v1/usage', { auth: alice.key })).json()) as { data: Array<{ id: string; prompt: string; output_ids: string[] }> }).data[0]!;
    expect(still).toMatchObject({ id: record.id, prompt: 'alice private' });
    expect(still.output_ids).toHaveLength(1);
  });
});

describe('/storage path tricks', () => {
  it('answers 404 to traversal, encoded dots, other cases, extra extensions and null bytes', async () => {
    const generated = await closed.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: '64x64' } });
    const name = new URL(((await generated.json()) as { data: Array<{ url: string }> }).data[0]!.url).pathname.split('/').pop()!;
    const [id] = name.split('.') as [string];
    expect((await raw(closed.url, `/storage/${name}`)).status).toBe(200);
    const tricks = [
      '/storage/..%2F..%2Fetc%2Fpasswd', '/storage/%2e%2e/', '/storage/%2e%2e/%2e%2e/etc/passwd', '/storage/../../etc/passwd', '/storage/..%5c..%5cetc%5cpasswd',
      `/storage/%2e%2e%2f${name}`, `/storage/${id.toUpperCase()}.webp`, `/storage/${id}.WEBP`, `/storage/${id}.webp.png`, `/storage/${id}.png`,
      `/storage/${id}`, `/storage/${id}.webp%00`, `/storage/${id}%00.webp`, `/storage/${id}.webp%00.png`, `/storage/${name}/`, `/storage/${name}%2F`,
      `/storage/${id.slice(0, 2)}/${name}`, `/storage/./${name}`, `/storage/${name}.partial`, '/storage/.health', '/storage/%00',
    ];
    for (const path of tricks) {
      const response = await raw(closed.url, path);
      expect(response.status, path).toBe(404);
      expect(response.headers['content-type'], path).toMatch(/application\/json/);
    }
  });
});

describe('b64_ephemeral prompts appear nowhere', () => {
  let t: TestServer;
  const logs: string[] = [];
  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (chunk) => logs.push(String(chunk)));
    const options = { providers: [new ScriptedProvider()], logger: true, logStream };
    t = await startTestServer({ LOG_LEVEL: 'trace', PIXELROUTER_FETCH_ALLOW: '127.0.0.1' }, options);
  });
  afterAll(async () => t?.close());

  async function expectNoTrace(marker: string) {
    expect(await everyTable(t)).not.toContain(marker);
    await t.server.services.db.query('CHECKPOINT');
    expect(listFiles(t.dataDir).filter((file) => fs.readFileSync(file).includes(marker))).toEqual([]);
    expect(logs.join('')).not.toContain(marker);
  }

  it('a control: a b64_json prompt is stored, so the scan can find one', async () => {
    const marker = `control-${Date.now()}`;
    expect((await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: '64x64', prompt: marker, response_format: 'b64_json' } })).status).toBe(200);
    expect(await everyTable(t)).toContain(marker);
  });

  it('multipart requests', async () => {
    const marker = `ephemeral-multipart-${Date.now()}`;
    const body = form({ model: 'test/test', prompt: marker, size: '64x64', response_format: 'b64_ephemeral' }, [{ field: 'image[]', bytes: png }]);
    const response = await t.call('/v1/openai/images/edits', { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: Array<{ b64_json: string }> }).data[0]!.b64_json.length).toBeGreaterThan(100);
    await expectNoTrace(marker);
  });

  it('requests that fail upstream, fail validation or fail to fetch their image', async () => {
    const marker = `ephemeral-failing-${Date.now()}`;
    const post = (json: Record<string, unknown>) => t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: '64x64', response_format: 'b64_ephemeral', ...json } });
    expect((await post({ prompt: `${marker} fail` })).status).toBe(502);
    expect((await post({ prompt: `${marker} fail:content_policy` })).status).toBe(400);
    expect((await post({ prompt: marker, size: 'huge' })).status).toBe(400);
    expect((await post({ prompt: marker, images: [`${origin}/missing`] })).status).toBe(400);
    const multipart = form({ model: 'test/test', prompt: `${marker} fail`, size: '64x64', response_format: 'b64_ephemeral' }, [{ field: 'image[]', bytes: png }]);
    expect((await t.call('/v1/openai/images/edits', { method: 'POST', body: multipart })).status).toBe(502);
    expect(logs.join('')).toContain('/v1/openai/images/generations'); // the requests themselves were logged
    await expectNoTrace(marker);
  });
});
