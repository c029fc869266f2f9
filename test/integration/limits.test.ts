import { afterAll, describe, expect, it } from 'vitest';
import { ScriptedProvider } from '../helpers/providers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const REDIS_URL = process.env.PIXELROUTER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// A prefix of this run's own, so other runs sharing the Redis (same client address) cannot interfere.
const PIXELROUTER_REDIS_PREFIX = `pixelrouter-test-${process.pid}-${Date.now()}:`;
const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(env: Record<string, string> = {}) {
  const t = await startTestServer(env, { providers: [new ScriptedProvider()] });
  servers.push(t);
  return t;
}
const generate = (t: TestServer, key: string, prompt = 'limits') =>
  t.call('/v1/openai/images/generations', { method: 'POST', auth: key, json: { model: 'test/test', prompt, size: '64x64', response_format: 'b64_json' } });

describe.each([['memory', {}], ['redis', { REDIS_URL, PIXELROUTER_REDIS_PREFIX }]] as const)('limits (%s)', (kind, env) => {
  it('requests per minute per key: 429 with Retry-After and x-ratelimit headers', async () => {
    const t = await server(env);
    expect(t.server.services.limits.kind).toBe(kind);
    const { key } = await t.admin('POST', '/v1/admin/keys', { name: 'rpm', rate_limit_rpm: 3 });
    const ok = await generate(t, key);
    expect(ok.status).toBe(200);
    expect([ok.headers.get('x-ratelimit-limit'), ok.headers.get('x-ratelimit-remaining')]).toEqual(['3', '2']);
    expect((await generate(t, key)).status).toBe(200);
    expect((await generate(t, key)).status).toBe(200);
    const limited = await generate(t, key);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(retryAfter);
    // Another key is not affected.
    const other = await t.admin('POST', '/v1/admin/keys', { name: 'other', rate_limit_rpm: 3 });
    expect((await generate(t, other.key)).status).toBe(200);
  });

  it('concurrent requests per key: the second in flight gets 429, and the slot comes back', async () => {
    const t = await server(env);
    const { key } = await t.admin('POST', '/v1/admin/keys', { name: 'one-at-a-time', concurrency_limit: 1 });
    const slow = generate(t, key, 'slow:800');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await generate(t, key);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await slow).status).toBe(200);
    expect((await generate(t, key)).status).toBe(200);
  });

  it('per client IP on routes without a key', async () => {
    const t = await server({ ...env, PIXELROUTER_IP_RATE_LIMIT: '5' });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${t.url}/v1/models`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await fetch(`${t.url}/health`)).status).toBe(200); // health checks are not limited
  });
});

describe('limits with REDIS_URL are shared by every server process', () => {
  it('a key’s rate limit holds across two servers on the same database and Redis', async () => {
    const { freshDatabase } = await import('../helpers/postgres.js');
    const database = await freshDatabase();
    try {
      const env = { REDIS_URL, PIXELROUTER_REDIS_PREFIX, DATABASE_URL: database.url };
      const a = await server(env);
      const b = await server(env);
      const { key } = await a.admin('POST', '/v1/admin/keys', { name: 'shared', rate_limit_rpm: 4 });
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await generate(i % 2 ? b : a, key)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      await a.close();
      await b.close();
    } finally {
      await database.drop();
    }
  });
});
