import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MODELS } from '../../src/catalog/models.js';
import type { ModelEntry } from '../../src/catalog/types.js';
import { ScriptedProvider } from '../helpers/providers.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** One model served by three providers (all scripted stand-ins), at different prices. */
const base = MODELS.find((m) => m.id === 'test/test')!;
const offer = (provider: string, perImageMicros: number, maxImagesPerCall = 10) => ({
  ...base.providers[0]!, provider, price: { type: 'fixed' as const, perImageMicros },
  capabilities: { ...base.providers[0]!.capabilities, maxImagesPerCall },
});
const shared: ModelEntry = { ...base, id: 'acme/shared', aliases: [], curatedRank: 1, providers: [offer('alpha', 30_000), offer('beta', 10_000), offer('gamma', 20_000)] };
const fanned: ModelEntry = { ...base, id: 'acme/one-per-call', aliases: [], curatedRank: 5, providers: [offer('alpha', 10_000, 1)] };
const sizes: ModelEntry = { ...base, id: 'acme/listed', aliases: [], providers: [{ ...offer('alpha', 10_000), capabilities: { ...offer('alpha', 10_000).capabilities, sizes: { kind: 'list', sizes: ['1024x1024', '1536x1024', '1024x1536'] }, quality: false } }] };

// A short breaker cooldown, so the circuit test waits for it to pass instead of faking it.
const COOLDOWN_SECONDS = 2;

let t: TestServer;
let providers: Record<string, ScriptedProvider>;
let configDir: string;
beforeAll(async () => {
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-routing-'));
  const config = path.join(configDir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ routing: { breaker_cooldown_seconds: COOLDOWN_SECONDS } }));
  providers = { test: new ScriptedProvider('test'), alpha: new ScriptedProvider('alpha'), beta: new ScriptedProvider('beta'), gamma: new ScriptedProvider('gamma') };
  t = await startTestServer({ PIXELROUTER_CONFIG: config }, { providers: Object.values(providers), models: [base, shared, fanned, sizes] });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(configDir, { recursive: true, force: true });
});
// Each test starts with every circuit closed (the failures of one test would open them for the next).
beforeEach(async () => {
  for (const id of Object.keys(providers)) await t.server.services.breaker.success(id);
});

// The admin key draws on no account, so routing is tested apart from billing (billing.test.ts covers that).
const generate = (body: Record<string, unknown>) =>
  t.call('/v1/openai/images/generations', { method: 'POST', auth: ADMIN_KEY, json: { model: 'acme/shared', prompt: 'routing', size: '64x64', response_format: 'b64_json', ...body } });
const lastRecord = async () => (await t.server.services.db.query<{ attempts: Array<{ provider: string; status: string; error_code?: string }>; provider: string; status: string; error_code: string | null }>(
  'SELECT attempts, provider, status, error_code FROM usage_records ORDER BY created_at DESC LIMIT 1'))[0]!;

describe('routing', () => {
  it('tries providers in catalog order (priority) and answers with the one used', async () => {
    const response = await generate({});
    expect(response.headers.get('x-pixelrouter-provider')).toBe('alpha');
  });

  it('falls back on failures that cannot have made an image, recording every attempt', async () => {
    for (const kind of ['unreachable', 'rate_limited', 'auth', 'quota', 'overloaded']) {
      const response = await generate({ prompt: `fail@alpha:${kind}` });
      expect(response.status, kind).toBe(200);
      expect(response.headers.get('x-pixelrouter-provider')).toBe('beta');
      const record = await lastRecord();
      expect(record.attempts.map((a) => [a.provider, a.status, a.error_code])).toEqual([['alpha', 'error', kind], ['beta', 'success', undefined]]);
    }
  });

  it('does not fall back where a second paid image could result, or for content policy', async () => {
    const timeout = await generate({ prompt: 'fail@alpha:timeout' });
    expect(timeout.status).toBe(504);
    expect(await timeout.json()).toMatchObject({ error: { code: 'upstream_timeout' } });
    const server = await generate({ prompt: 'fail@alpha:server_error' });
    expect(server.status).toBe(502);
    const policy = await generate({ prompt: 'fail@alpha:content_policy' });
    expect(policy.status).toBe(400);
    expect(await policy.json()).toMatchObject({ error: { code: 'content_policy_violation', param: 'prompt' } });
    expect((await lastRecord()).attempts).toHaveLength(1);
  });

  it('maps the last failure when every provider fails', async () => {
    const response = await generate({ prompt: 'fail:rate_limited' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('10');
    expect((await lastRecord()).attempts.map((a) => a.provider)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('orders by price with the cheapest strategy, reserving the dearest candidate', async () => {
    const routing = t.server.services.routing;
    routing.models['acme/shared'] = 'cheapest';
    try {
      const response = await generate({});
      expect(response.headers.get('x-pixelrouter-provider')).toBe('beta');
      const fallback = await generate({ prompt: 'fail@beta:overloaded' });
      expect(fallback.headers.get('x-pixelrouter-provider')).toBe('gamma');
    } finally {
      delete routing.models['acme/shared'];
    }
  });

  it('orders by observed latency with the fastest strategy', async () => {
    const routing = t.server.services.routing;
    routing.models['acme/shared'] = 'fastest';
    try {
      // Each provider is measured once (unmeasured ones go first), then the quickest wins.
      await generate({ prompt: 'slow:900 fail@beta:overloaded fail@gamma:overloaded' }); // alpha: slow
      await generate({ prompt: 'fail@alpha:overloaded fail@gamma:overloaded' }); // beta: quick
      await generate({ prompt: 'slow:450 fail@alpha:overloaded fail@beta:overloaded' }); // gamma: in between (wide gaps: timings are noisy on a loaded machine)
      expect((await generate({})).headers.get('x-pixelrouter-provider')).toBe('beta');
    } finally {
      delete routing.models['acme/shared'];
    }
  });

  it('opens the circuit after repeated failures, skips the provider, then probes it after the cooldown', async () => {
    const breaker = t.server.services.breaker;
    for (let i = 0; i < 5; i++) await generate({ prompt: 'fail@alpha:overloaded' });
    expect(await breaker.status('alpha')).toBe('open');
    const skipped = await generate({});
    expect(skipped.headers.get('x-pixelrouter-provider')).toBe('beta');
    expect((await lastRecord()).attempts[0]).toMatchObject({ provider: 'alpha', error_code: 'circuit_open' });
    // Once the cooldown has passed, one probe goes to alpha and closes the circuit.
    await vi.waitFor(async () => expect(await breaker.status('alpha')).toBe('half-open'), { timeout: 5 * COOLDOWN_SECONDS * 1000, interval: 100 });
    expect((await generate({})).headers.get('x-pixelrouter-provider')).toBe('alpha');
    expect(await breaker.status('alpha')).toBe('closed');
  });

  it('fans n out over one-image-per-call providers, and returns and charges a partial success', async () => {
    const before = providers.alpha!.calls;
    const response = await generate({ model: 'acme/one-per-call', n: 5 });
    const body = (await response.json()) as { data: unknown[] };
    expect(body.data).toHaveLength(5);
    expect(providers.alpha!.calls - before).toBe(5);

    // Every second call fails: 2 of 4 images are made, returned, charged and explained.
    while (providers.alpha!.calls % 2 !== 0) await generate({ model: 'acme/one-per-call' });
    const partial = await generate({ model: 'acme/one-per-call', n: 4, prompt: 'flaky:2' });
    const partialBody = (await partial.json()) as { data: unknown[]; cost: number; warnings: string[] };
    expect(partialBody.data).toHaveLength(2);
    expect(partialBody.cost).toBe(0.02); // the price of the 2 images made (the admin key is shown the price)
    expect(partialBody.warnings).toEqual(['only 2 of 4 images could be made: The upstream failed this call']);
  });

  it('maps unsupported sizes to the nearest allowed one and says so in warnings and a header', async () => {
    const response = await generate({ model: 'acme/listed', size: '1400x900', quality: 'high', seed: 7, style: 'vivid' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { size: string; warnings: string[]; data: Array<{ b64_json: string }> };
    expect(body.size).toBe('1536x1024');
    expect((await sharp(Buffer.from(body.data[0]!.b64_json, 'base64')).metadata()).width).toBe(1536);
    expect(body.warnings).toEqual([
      'size 1400x900 is not available for this model; using 1536x1024',
      "quality 'high' is not supported by this model; ignored",
      "parameter 'style' is not supported by test/test; ignored",
    ]);
    expect(JSON.parse(response.headers.get('x-pixelrouter-warnings')!)).toEqual(body.warnings);
    const clean = await generate({ model: 'acme/listed', size: '1024x1024' });
    expect(((await clean.json()) as { warnings?: string[] }).warnings).toBeUndefined();
    expect(clean.headers.get('x-pixelrouter-warnings')).toBeNull();
  });

  it('auto picks the best available model that can serve the request', async () => {
    const response = await generate({ model: 'auto' });
    expect(response.status).toBe(200);
    const record = (await t.server.services.db.query<{ model: string }>('SELECT model FROM usage_records ORDER BY created_at DESC LIMIT 1'))[0]!;
    expect(record.model).toBe('acme/shared'); // curated order, and never the local test model while a real one can serve
  });

  it('times out an upstream that takes longer than the model’s timeout: 504, no fallback, no charge', async () => {
    const routing = t.server.services.routing;
    routing.timeouts['acme/shared'] = 0.3;
    try {
      const started = Date.now();
      const response = await generate({ prompt: 'slow:5000' });
      expect(response.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(4000);
      expect((await lastRecord()).attempts).toHaveLength(1);
    } finally {
      delete routing.timeouts['acme/shared'];
    }
  });
});
