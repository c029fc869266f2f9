import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MODELS } from '../../src/catalog/models.js';
import type { ModelEntry } from '../../src/catalog/types.js';
import type { AppOptions } from '../../src/server/app.js';
import type { ServiceOverrides } from '../../src/server/services.js';
import { ScriptedProvider } from '../helpers/providers.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** The Prometheus text format as { name, labels, value } samples. */
function parseMetrics(text: string) {
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => {
    const [, name, labelText = '', value] = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)!;
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    return { name: name!, labels, value: Number(value) };
  });
}

/** The value of the series with exactly these labels (undefined when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}) {
  const same = (a: Record<string, string>) => Object.keys(a).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => a[k] === v);
  return parseMetrics(text).find((s) => s.name === name && same(s.labels))?.value;
}

/** The test model served by two scripted providers at fixed prices. */
const base = MODELS.find((m) => m.id === 'test/test')!;
const offer = (provider: string, perImageMicros: number) => ({ ...base.providers[0]!, provider, price: { type: 'fixed' as const, perImageMicros } });
const shared: ModelEntry = { ...base, id: 'acme/shared', aliases: [], providers: [offer('alpha', 30_000), offer('beta', 10_000)] };

describe('GET /metrics', () => {
  let t: TestServer;
  const scrape = async () => {
    const response = await t.call('/metrics', { auth: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };
  // The admin key draws on no account, so the cost series shows the price.
  const generate = (body: Record<string, unknown>) =>
    t.call('/v1/openai/images/generations', { method: 'POST', auth: ADMIN_KEY, json: { model: 'acme/shared', prompt: 'metrics', size: '64x64', response_format: 'b64_json', ...body } });

  // A short breaker cooldown, so the circuit test waits for it to pass instead of faking it.
  const COOLDOWN_SECONDS = 2;
  let configDir: string;
  beforeAll(async () => {
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-metrics-'));
    const config = path.join(configDir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ routing: { breaker_cooldown_seconds: COOLDOWN_SECONDS } }));
    t = await startTestServer({ PIXELROUTER_CONFIG: config }, { providers: [new ScriptedProvider('test'), new ScriptedProvider('alpha'), new ScriptedProvider('beta')], models: [base, shared] });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  it('counts requests, upstream failures, images and cost with exact values', async () => {
    expect((await generate({ n: 2 })).status).toBe(200); // alpha makes 2
    expect((await generate({ prompt: 'fail@alpha:server_error' })).status).toBe(502); // no fallback
    expect((await generate({ prompt: 'fail@alpha:overloaded' })).status).toBe(200); // falls back to beta
    expect((await generate({ model: 'nope/nope' })).status).toBe(400); // unknown model, in the pipeline
    expect((await generate({ model: 'test/test', n: 99 })).status).toBe(400); // refused by the route's parser
    expect((await t.call('/v1/models/test/test?key=abc')).status).toBe(200);
    expect((await t.call('/no/such/path')).status).toBe(404);

    const text = await scrape();
    const images = (model: string, provider: string, status: string) => sample(text, 'pixelrouter_image_requests_total', { model, provider, status });
    expect(images('acme/shared', 'alpha', '200')).toBe(1);
    expect(images('acme/shared', 'beta', '200')).toBe(1);
    expect(images('acme/shared', 'none', '502')).toBe(1);
    expect(images('unknown', 'none', '400')).toBe(1);
    expect(images('test/test', 'none', '400')).toBe(1);
    expect(parseMetrics(text).filter((s) => s.name === 'pixelrouter_image_requests_total').reduce((sum, s) => sum + s.value, 0)).toBe(5);
    expect(sample(text, 'pixelrouter_image_request_duration_seconds_count', { model: 'acme/shared', provider: 'alpha', status: '200' })).toBe(1);

    expect(sample(text, 'pixelrouter_upstream_errors_total', { provider: 'alpha', kind: 'server_error' })).toBe(1);
    expect(sample(text, 'pixelrouter_upstream_errors_total', { provider: 'alpha', kind: 'overloaded' })).toBe(1);
    expect(sample(text, 'pixelrouter_images_generated_total', { model: 'acme/shared', provider: 'alpha' })).toBe(2);
    expect(sample(text, 'pixelrouter_images_generated_total', { model: 'acme/shared', provider: 'beta' })).toBe(1);
    expect(sample(text, 'pixelrouter_cost_usd_total', { model: 'acme/shared', provider: 'alpha' })).toBeCloseTo(0.06, 9);
    expect(sample(text, 'pixelrouter_cost_usd_total', { model: 'acme/shared', provider: 'beta' })).toBeCloseTo(0.01, 9);

    // HTTP series are labelled by route pattern: no ids, query strings or unknown paths.
    const route = '/v1/openai/images/generations';
    expect(sample(text, 'pixelrouter_http_requests_total', { route, method: 'POST', status: '200' })).toBe(2);
    expect(sample(text, 'pixelrouter_http_requests_total', { route, method: 'POST', status: '502' })).toBe(1);
    expect(sample(text, 'pixelrouter_http_requests_total', { route, method: 'POST', status: '400' })).toBe(2);
    expect(sample(text, 'pixelrouter_http_request_duration_seconds_count', { route, method: 'POST', status: '200' })).toBe(2);
    expect(sample(text, 'pixelrouter_http_requests_total', { route: '/v1/models/*', method: 'GET', status: '200' })).toBe(1);
    expect(sample(text, 'pixelrouter_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(text).not.toContain('key=abc');
    expect(text).not.toContain('/no/such/path');

    expect(sample(text, 'pixelrouter_image_requests_in_flight')).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('shows image requests in flight', async () => {
    const slow = generate({ prompt: 'slow:400' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sample(await scrape(), 'pixelrouter_image_requests_in_flight')).toBe(1);
    expect((await slow).status).toBe(200);
    expect(sample(await scrape(), 'pixelrouter_image_requests_in_flight')).toBe(0);
  });

  it('shows each provider circuit as 0 closed, 2 open, 1 half-open', async () => {
    const state = async (provider: string) => sample(await scrape(), 'pixelrouter_circuit_breaker_state', { provider });
    const breaker = t.server.services.breaker;
    await breaker.success('alpha');
    expect(await state('alpha')).toBe(0);
    expect(await state('beta')).toBe(0);
    for (let i = 0; i < 5; i++) await generate({ prompt: 'fail@alpha:overloaded' });
    expect(await breaker.status('alpha')).toBe('open');
    expect(await state('alpha')).toBe(2);
    expect(await state('beta')).toBe(0);
    // A request while open skips alpha, which is counted as circuit_open.
    expect((await generate({})).headers.get('x-pixelrouter-provider')).toBe('beta');
    expect(sample(await scrape(), 'pixelrouter_upstream_errors_total', { provider: 'alpha', kind: 'circuit_open' })).toBe(1);
    // Once the cooldown has passed: half-open until a probe succeeds.
    await vi.waitFor(async () => expect(await state('alpha')).toBe(1), { timeout: 5 * COOLDOWN_SECONDS * 1000, interval: 100 });
    expect((await generate({})).headers.get('x-pixelrouter-provider')).toBe('alpha');
    expect(await state('alpha')).toBe(0);
  });
});

// One server for both (each server start costs seconds of CPU): a metrics key, a real OpenAI adapter
// in front of a failing stand-in upstream, and every log line captured at trace level.
describe('PIXELROUTER_METRICS_KEY and JSON logs', () => {
  const METRICS_KEY = 'metrics-scrape-key-0123456789';
  const PROVIDER_KEY = 'sk-provider-secret-0123456789';
  const lines: string[] = [];
  const seen: string[] = [];
  let t: TestServer;
  let upstream: http.Server;
  beforeAll(async () => {
    upstream = http.createServer((request, response) => {
      seen.push(String(request.headers.authorization));
      request.resume();
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'upstream exploded' } }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const logStream = new PassThrough();
    logStream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)));
    // startTestServer passes its second argument on to startServer, so the logger can be turned on.
    const options: ServiceOverrides & AppOptions = { logger: true, logStream };
    t = await startTestServer({
      PIXELROUTER_METRICS_KEY: METRICS_KEY, LOG_LEVEL: 'trace',
      OPENAI_API_KEY: PROVIDER_KEY, OPENAI_BASE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
    }, options);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('/metrics requires Authorization: Bearer <PIXELROUTER_METRICS_KEY>', async () => {
    for (const auth of [null, 'wrong-key', ADMIN_KEY, t.key]) {
      const response = await t.call('/metrics', { auth });
      expect(response.status, String(auth)).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    }
    const response = await t.call('/metrics', { auth: METRICS_KEY });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('pixelrouter_http_requests_total');
  });

  it('logs carry the request id and never a key or an ephemeral prompt', async () => {
    const marker = `ephemeral-prompt-${Date.now()}`;
    const post = (auth: string, json: unknown, requestId: string) =>
      t.call('/v1/openai/images/generations', { method: 'POST', auth, json, headers: { 'x-request-id': requestId } });
    expect((await post(t.key, { model: 'test/test', prompt: marker, size: '64x64', response_format: 'b64_ephemeral' }, 'req-log-check-1')).status).toBe(200);
    expect((await post(ADMIN_KEY, { model: 'openai/gpt-image-2.6-sunburst', prompt: 'x', size: '1024x1024' }, 'req-log-check-2')).status).toBe(502);
    expect(seen).toEqual([`Bearer ${PROVIDER_KEY}`]); // the provider key really was sent upstream
    expect((await t.call('/v1/admin/keys', { auth: ADMIN_KEY })).status).toBe(200);
    expect((await t.call(`/v1/models?key=${PROVIDER_KEY}&api_key=${t.key}`)).status).toBe(200);
    expect((await t.call('/metrics', { auth: METRICS_KEY })).status).toBe(200);

    const records = lines.map((line) => JSON.parse(line) as { reqId?: string; level: number; msg: string });
    expect(records.some((r) => r.reqId === 'req-log-check-1' && r.msg === 'request completed')).toBe(true);
    expect(records.some((r) => r.reqId === 'req-log-check-2' && r.level === 50)).toBe(true); // the 502, at error level
    const all = lines.join('\n');
    expect(all).toContain('/v1/admin/keys'); // the key's creation (its key in the response body) was logged too
    for (const secret of [t.key, ADMIN_KEY, PROVIDER_KEY, METRICS_KEY, marker, 'Bearer', 'authorization']) expect(all, secret).not.toContain(secret);
  });
});
