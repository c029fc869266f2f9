import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { spawnServer, type SpawnedServer } from '../helpers/cli.js';
import { checkLedgerInvariant } from '../helpers/ledger.js';
import { freshDatabase } from '../helpers/postgres.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3.js';

/**
 * Several server processes on the machine's PostgreSQL and Redis and an S3-compatible store
 * (s3rver): what one process does, the others see.
 */
const REDIS_URL = process.env.PIXELROUTER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = 'sk-pr-scale-admin-key-0123456789';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** Shared state for one scenario: a fresh database, a Redis prefix of its own, a bucket, a config file. */
async function sharedState(config: object = {}) {
  const database = await freshDatabase();
  cleanups.push(() => database.drop());
  const s3 = await startLocalS3();
  cleanups.push(() => s3.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-scale-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ prices: { 'test/test': { type: 'fixed', per_image_usd: 0.01 } }, ...config }));
  const redisPrefix = `pixelrouter-scale-${process.pid}-${Math.random().toString(36).slice(2)}:`;
  cleanups.push(async () => {
    // Limits and breaker state the servers left in the machine's Redis.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    PIXELROUTER_REDIS_PREFIX: redisPrefix,
    ...s3.env,
    PIXELROUTER_CONFIG: configFile,
    LOG_LEVEL: 'warn',
  };
  return { env, database, s3, dir };
}

async function start(env: Record<string, string>, args: string[] = []) {
  // Each process gets a data dir of its own: nothing may be shared through the local disk.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-scale-data-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const server = await spawnServer({ PIXELROUTER_DATA_DIR: dataDir, ...env }, args);
  cleanups.push(() => server.stop('SIGKILL'));
  return { server, dataDir };
}

/** POSTs JSON on a connection of its own (no keep-alive pool), so each request may go to another worker. */
function onNewConnection(url: string, key: string, json: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(json);
    const request = http.request(url, { method: 'POST', agent: false, timeout: 60_000, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume().on('end', () => resolve(response.statusCode!));
    });
    request.on('timeout', () => request.destroy(new Error('timeout'))).on('error', reject).end(body);
  });
}

function client(base: string, key: string) {
  return async (pathname: string, json?: unknown) => {
    const response = await fetch(base + pathname, {
      method: json === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, ...(json !== undefined && { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
}

describe('two server processes on one PostgreSQL, Redis and S3 bucket', () => {
  let a: SpawnedServer;
  let b: SpawnedServer;
  let aDir: string;
  let bDir: string;
  let state: Awaited<ReturnType<typeof sharedState>>;
  const adminA = () => client(a.url, ADMIN);
  const adminB = () => client(b.url, ADMIN);

  beforeAll(async () => {
    state = await sharedState({
      // A provider on a closed port: every call fails, and two failures open its circuit.
      upstreams: [{ id: 'downstairs', base_url: 'http://127.0.0.1:9/v1', models: [{ id: 'downstairs/sdxl', upstream_model: 'sdxl', price: { type: 'free' } }] }],
      routing: { breaker_threshold: 2, breaker_cooldown_seconds: 600 },
    });
    const env = { ...state.env, PIXELROUTER_ADMIN_KEY: ADMIN, PIXELROUTER_METRICS_KEY: 'metrics-key-0123456789' };
    ({ server: a, dataDir: aDir } = await start(env));
    ({ server: b, dataDir: bDir } = await start(env));
  });

  it('a URL made by one process is served by the other, from the bucket', async () => {
    const made = await adminA()('/v1/openai/images/generations', { model: 'test/test', prompt: 'shared', size: '64x64', output_format: 'png' });
    expect(made.status).toBe(200);
    const url = new URL(made.body.data[0].url);
    expect(url.origin).toBe(a.url);
    const fromA = Buffer.from(await (await fetch(url)).arrayBuffer());
    const fromB = await fetch(b.url + url.pathname);
    expect(fromB.status).toBe(200);
    expect(fromB.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fromB.arrayBuffer()).equals(fromA)).toBe(true);
    expect(await state.s3.keys()).toContain(url.pathname.split('/').pop());
    // Neither process wrote image files to its own disk.
    for (const dir of [aDir, bDir]) expect(fs.existsSync(path.join(dir, 'images'))).toBe(false);
  });

  it("a key's rate limit holds across both processes", async () => {
    const account = (await adminA()('/v1/admin/accounts', { name: 'rate', balance_usd: 10 })).body;
    const { key } = (await adminB()('/v1/admin/keys', { name: 'rate', account_id: account.id, rate_limit_rpm: 10 })).body;
    const body = { model: 'test/test', prompt: 'rate', size: '64x64', response_format: 'b64_json' };
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => client(i % 2 ? b.url : a.url, key)('/v1/openai/images/generations', body).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });

  it('200 concurrent requests spread over both never overdraw a balance', async () => {
    const account = (await adminB()('/v1/admin/accounts', { name: 'race', balance_usd: 0.1 })).body;
    const { key } = (await adminA()('/v1/admin/keys', { name: 'race', account_id: account.id })).body;
    const body = { model: 'test/test', prompt: 'race', size: '64x64', response_format: 'b64_json' };
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => client(i % 2 ? b.url : a.url, key)('/v1/openai/images/generations', body).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(190);
    expect((await adminB()(`/v1/admin/accounts/${account.id}`)).body).toMatchObject({ balance_usd: 0, reserved_usd: 0, charges_usd: 0.1 });
    const db = await openDatabase({ databaseUrl: state.database.url, dataDir: aDir });
    try {
      await checkLedgerInvariant(db);
    } finally {
      await db.close();
    }
  });

  it("failures seen by one process open the provider's circuit in the other", async () => {
    const scrape = async (base: string) => (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-key-0123456789' } })).text();
    const state = (text: string) => Number(/pixelrouter_circuit_breaker_state\{provider="downstairs"\} (\d)/.exec(text)?.[1]);
    expect(state(await scrape(b.url))).toBe(0);
    for (let i = 0; i < 2; i++) expect((await adminA()('/v1/openai/images/generations', { model: 'downstairs/sdxl', prompt: 'x' })).status).toBe(502);
    expect(state(await scrape(b.url))).toBe(2); // open, and B never called it
    const skipped = await adminB()('/v1/openai/images/generations', { model: 'downstairs/sdxl', prompt: 'x' });
    expect(skipped.status).toBe(503);
    expect(skipped.body.error.message).toMatch(/circuit open/);
  });

  it('popularity counts uses made through either process', async () => {
    const popular = await client(b.url, ADMIN)('/operations/get-popular-models', {});
    // Successful uses of test/test above: 1 through A, then 5 + 5 and 5 + 5 through A and B.
    expect(popular.body[0]).toMatchObject({ id: 'test/test', uses_last_7_days: 21 });
  });
});

describe('pixelrouter serve --workers 2', () => {
  it('refuses to start without PostgreSQL and Redis', async () => {
    const spawned = spawnServer({ PIXELROUTER_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-workers-')) }, ['--workers', '2']);
    await expect(spawned).rejects.toThrow(/--workers needs DATABASE_URL/);
    // Workers that cannot reach the database stop the whole server, with their reason, rather than restart forever.
    const unreachable = spawnServer({ PIXELROUTER_DATA_DIR: os.tmpdir(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', REDIS_URL }, ['--workers', '2']);
    await expect(unreachable).rejects.toThrow(/server exited with 1:[\s\S]*could not start: .*ECONNREFUSED/);
  });

  it('runs two workers on one port, creates one first key, replaces a killed worker, and stops cleanly on SIGTERM', async () => {
    const state = await sharedState({ prices: { 'test/test': { type: 'free' } } }); // the first key's account is empty
    const { server } = await start(state.env, ['--workers', '2']);
    const key = /\n {2}(sk-pr-\S+)\n/.exec(server.output())?.[1];
    expect(key).toBeDefined();
    const db = new pg.Client({ connectionString: state.database.url });
    await db.connect();
    cleanups.push(() => db.end());
    expect((await db.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(1);

    const workers = () => execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.process.pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter(Boolean);
    const first = workers();
    expect(first).toHaveLength(2);

    const generate = () => client(server.url, key!)('/v1/openai/images/generations', { model: 'test/test', prompt: 'workers', size: '64x64', response_format: 'b64_json' });
    // Each on a connection of its own, at once, so that both workers take some.
    const statuses = await Promise.all(Array.from({ length: 20 }, () => onNewConnection(`${server.url}/v1/openai/images/generations`, key!, { model: 'test/test', prompt: 'workers', size: '64x64', response_format: 'b64_json' })));
    expect(statuses.every((status) => status === 200)).toBe(true);
    // Whichever worker takes a scrape, it answers for both.
    for (let i = 0; i < 3; i++) {
      const text = await (await fetch(`${server.url}/metrics`, { headers: { connection: 'close' } })).text();
      expect(text).toContain('pixelrouter_image_requests_total{model="test/test",provider="test",status="200"} 20');
    }

    process.kill(first[0]!, 'SIGKILL');
    // Requests keep being answered by the other worker while the primary starts a new one.
    for (let i = 0; i < 5; i++) expect((await generate()).status).toBe(200);
    let now = workers();
    for (let i = 0; i < 100 && !(now.length === 2 && !now.includes(first[0]!)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      now = workers();
    }
    expect(now).toHaveLength(2);
    expect(now).not.toContain(first[0]);

    const code = await server.stop('SIGTERM');
    expect(code, server.output()).toBe(0);
    for (const pid of now) expect(() => process.kill(pid, 0)).toThrow(); // no worker left behind
  });
});
