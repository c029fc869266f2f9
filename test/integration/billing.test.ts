import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedgerInvariant } from '../helpers/ledger.js';
import { freshDatabase } from '../helpers/postgres.js';
import { ScriptedProvider, testModel } from '../helpers/providers.js';
import { listFiles, startTestServer, type TestServer } from '../helpers/server.js';

const PRICE_USD = 0.01;

describe.each(['pglite', 'postgres'] as const)('billing on %s', (engine) => {
  let t: TestServer;
  let provider: ScriptedProvider;
  let dropDatabase = async () => {};
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-billing-'));

  beforeAll(async () => {
    const configFile = path.join(configDir, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ margin_percent: 0, prices: { 'test/test': { type: 'fixed', per_image_usd: PRICE_USD } } }));
    const env: Record<string, string> = { PIXELROUTER_CONFIG: configFile };
    if (engine === 'postgres') {
      const database = await freshDatabase();
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
    provider = new ScriptedProvider();
    t = await startTestServer(env, {
      providers: [provider],
      models: [
        testModel('test/test', { type: 'free' }), // priced at 0.01 by the config file
        testModel('test/unpriced', undefined),
        testModel('test/reported', { type: 'reported', maxPerImageMicros: 50_000 }),
        testModel('test/megapixel', { type: 'per_megapixel', perMegapixelMicros: 40_000 }),
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await dropDatabase();
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  /** A new account with `usd` in it and a key on it. */
  async function funded(usd: number, keySettings: Record<string, unknown> = {}) {
    const account = await t.admin('POST', '/v1/admin/accounts', { name: 'customer', balance_usd: usd });
    const key = await t.admin('POST', '/v1/admin/keys', { name: 'k', account_id: account.id, ...keySettings });
    return { accountId: account.id as string, key: key.key as string, keyId: key.id as string };
  }
  const balance = async (accountId: string) => (await t.admin('GET', `/v1/admin/accounts/${accountId}`)) as { balance_usd: number; reserved_usd: number; charges_usd: number; deposits_usd: number };
  const generate = (key: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    t.call('/v1/openai/images/generations', { method: 'POST', auth: key, headers, json: { model: 'test/test', prompt: 'billing', size: '64x64', response_format: 'b64_json', ...body } });

  it('charges each image at the configured price; cost and header equal the charge', async () => {
    const { accountId, key } = await funded(1);
    const response = await generate(key, { n: 3 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { cost: number; data: unknown[] };
    expect(body.data).toHaveLength(3);
    expect(body.cost).toBe(0.03);
    expect(response.headers.get('x-pixelrouter-cost')).toBe('0.03');
    expect(await balance(accountId)).toMatchObject({ balance_usd: 0.97, reserved_usd: 0, charges_usd: 0.03, deposits_usd: 1 });
    const [record] = await t.server.services.db.query<{ cost_micros: string; account_id: string }>('SELECT cost_micros, account_id FROM usage_records WHERE account_id = $1', [accountId]);
    expect(Number(record!.cost_micros)).toBe(30_000);
    await checkLedgerInvariant(t.server.services.db);
  });

  it('answers 402 before calling any provider when the balance cannot cover the maximum', async () => {
    const { accountId, key } = await funded(0.02);
    const callsBefore = provider.calls;
    const imagesBefore = listFiles(path.join(t.dataDir, 'images')).length;
    const response = await generate(key, { n: 3, response_format: 'url' });
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ error: { type: 'billing_error', code: 'insufficient_balance' } });
    expect(provider.calls).toBe(callsBefore);
    expect(listFiles(path.join(t.dataDir, 'images')).length).toBe(imagesBefore);
    expect(await balance(accountId)).toMatchObject({ balance_usd: 0.02, reserved_usd: 0 });
    expect((await generate(key, { n: 2 })).status).toBe(200); // exactly covered
    expect(await balance(accountId)).toMatchObject({ balance_usd: 0, reserved_usd: 0 });
  });

  it('200 concurrent requests against a balance for 10: exactly 10 succeed, 190 get 402, balance ends at 0', async () => {
    const { accountId, key } = await funded(10 * PRICE_USD);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => generate(key).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(190);
    expect(await balance(accountId)).toMatchObject({ balance_usd: 0, reserved_usd: 0, charges_usd: 0.1 });
    await checkLedgerInvariant(t.server.services.db);
  });

  it('100 concurrent requests that all succeed on one key: every one charged, none stuck or refused', async () => {
    // Reserve and settle lock the same rows; in opposite orders two requests would deadlock.
    const { accountId, key } = await funded(10);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => generate(key).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await balance(accountId)).toMatchObject({ balance_usd: 9, reserved_usd: 0, charges_usd: 1 });
    await checkLedgerInvariant(t.server.services.db);
  });

  it('refunds everything when the upstream fails, and charges only the images made on partial success', async () => {
    const { accountId, key } = await funded(1);
    const failed = await generate(key, { prompt: 'please fail', n: 4 });
    expect(failed.status).toBe(502);
    expect(await balance(accountId)).toMatchObject({ balance_usd: 1, reserved_usd: 0, charges_usd: 0 });
    const partial = await generate(key, { prompt: 'partial:2', n: 4 });
    const body = (await partial.json()) as { cost: number; data: unknown[] };
    expect(body.data).toHaveLength(2);
    expect(body.cost).toBe(0.02);
    expect(await balance(accountId)).toMatchObject({ balance_usd: 0.98, reserved_usd: 0 });
    const records = await t.server.services.db.query<{ status: string; error_code: string | null; cost_micros: string; attempts: Array<{ status: string }> }>(
      'SELECT status, error_code, cost_micros, attempts FROM usage_records WHERE account_id = $1 ORDER BY created_at', [accountId]);
    expect(records.map((r) => [r.status, r.error_code, Number(r.cost_micros), r.attempts[0]!.status])).toEqual([['error', 'upstream_error', 0, 'error'], ['success', null, 20_000, 'success']]);
    await checkLedgerInvariant(t.server.services.db);
  });

  it('prices per megapixel and from upstream-reported cost, never above the declared maximum', async () => {
    const { accountId, key } = await funded(1);
    const mp = (await (await generate(key, { model: 'test/megapixel', size: '1000x500', n: 2 })).json()) as { cost: number };
    expect(mp.cost).toBe(0.04); // 0.5 MP x $0.04 x 2
    const reported = (await (await generate(key, { model: 'test/reported', prompt: 'usage:12345' })).json()) as { cost: number };
    expect(reported.cost).toBe(0.012345);
    const capped = (await (await generate(key, { model: 'test/reported', prompt: 'usage:999999' })).json()) as { cost: number };
    expect(capped.cost).toBe(0.05);
    const unreported = (await (await generate(key, { model: 'test/reported', prompt: 'nothing reported' })).json()) as { cost: number };
    expect(unreported.cost).toBe(0.05); // no report: the maximum
    expect((await balance(accountId)).charges_usd).toBeCloseTo(0.04 + 0.012345 + 0.05 + 0.05, 6);
  });

  it('refuses a model without a price (fail closed)', async () => {
    const { key } = await funded(1);
    const response = await generate(key, { model: 'test/unpriced' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'model_not_priced' } });
  });

  it('Idempotency-Key: a repeat returns the stored answer and charges nothing more; another body is 409', async () => {
    const { accountId, key } = await funded(1);
    const first = await generate(key, { n: 2 }, { 'idempotency-key': 'order-1' });
    const firstBody = await first.json();
    const again = await generate(key, { n: 2 }, { 'idempotency-key': 'order-1' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // The replay carries the same headers as the answer it repeats.
    expect(again.headers.get('x-pixelrouter-cost')).toBe(first.headers.get('x-pixelrouter-cost'));
    expect(again.headers.get('x-pixelrouter-provider')).toBe('test');
    expect(await again.json()).toEqual(firstBody);
    expect((await balance(accountId)).charges_usd).toBe(0.02);
    const different = await generate(key, { n: 3 }, { 'idempotency-key': 'order-1' });
    expect(different.status).toBe(409);
    expect(await different.json()).toMatchObject({ error: { code: 'idempotency_conflict' } });
    // A failed request frees its key for a retry.
    expect((await generate(key, { prompt: 'fail' }, { 'idempotency-key': 'order-2' })).status).toBe(502);
    expect((await generate(key, { prompt: 'fail' }, { 'idempotency-key': 'order-2' })).status).toBe(502);
    // b64_ephemeral answers are never stored, so a repeat cannot be replayed: 409, and no second charge.
    expect((await generate(key, { response_format: 'b64_ephemeral' }, { 'idempotency-key': 'order-3' })).status).toBe(200);
    expect((await generate(key, { response_format: 'b64_ephemeral' }, { 'idempotency-key': 'order-3' })).status).toBe(409);
    expect((await balance(accountId)).charges_usd).toBe(0.03);
  });

  it('enforces key spend limits (total and daily) with 402, and allowed models with 403', async () => {
    const total = await funded(1, { spend_limit_usd: 0.02 });
    expect((await generate(total.key, { n: 2 })).status).toBe(200);
    expect((await generate(total.key)).status).toBe(402);
    const daily = await funded(1, { daily_spend_limit_usd: 0.015 });
    expect((await generate(daily.key)).status).toBe(200);
    const refused = await generate(daily.key);
    expect(refused.status).toBe(402);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/daily/);
    const restricted = await funded(1, { allowed_models: ['test/m*'] });
    expect((await generate(restricted.key, { model: 'test/megapixel' })).status).toBe(200);
    const denied = await generate(restricted.key);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: 'model_not_allowed', param: 'model' } });
  });

  it('disabled and expired keys get 401; updating a key takes effect at once', async () => {
    const { key, keyId } = await funded(1);
    expect((await generate(key)).status).toBe(200);
    await t.admin('PATCH', `/v1/admin/keys/${keyId}`, { enabled: false });
    expect(await (await generate(key)).json()).toMatchObject({ error: { code: 'invalid_api_key', message: 'This API key is disabled' } });
    await t.admin('PATCH', `/v1/admin/keys/${keyId}`, { enabled: true, expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(await (await generate(key)).json()).toMatchObject({ error: { message: 'This API key has expired' } });
    await t.admin('PATCH', `/v1/admin/keys/${keyId}`, { expires_at: null });
    expect((await generate(key)).status).toBe(200);
  });

  it('top-ups and deductions are ledger entries; a deduction never goes below zero', async () => {
    const { accountId } = await funded(0);
    expect(await t.admin('POST', `/v1/admin/accounts/${accountId}/credits`, { amount_usd: 5, note: 'invoice 42' })).toMatchObject({ balance_usd: 5, deposits_usd: 5 });
    expect(await t.admin('POST', `/v1/admin/accounts/${accountId}/credits`, { amount_usd: -2, note: 'refund' })).toMatchObject({ balance_usd: 3, deposits_usd: 3 });
    const tooMuch = await t.call(`/v1/admin/accounts/${accountId}/credits`, { method: 'POST', auth: 'sk-pr-admin-test-key-0123456789', json: { amount_usd: -4 } });
    expect(tooMuch.status).toBe(400);
    const notes = await t.server.services.db.query<{ note: string }>("SELECT note FROM ledger_entries WHERE account_id = $1 AND kind = 'deposit' ORDER BY id", [accountId]);
    expect(notes.map((n) => n.note)).toEqual(['invoice 42', 'refund']);
    await checkLedgerInvariant(t.server.services.db);
  });

  it('GET /v1/credits in ImageRouter’s shape, with a per-key breakdown', async () => {
    const { accountId, key, keyId } = await funded(1);
    const second = await t.admin('POST', '/v1/admin/keys', { name: 'second', account_id: accountId });
    await generate(key, { n: 2 });
    await generate(second.key);
    const credits = await (await t.call('/v1/credits?by_api_key=true', { auth: key })).json();
    expect(credits).toMatchObject({ remaining_credits: 0.97, credit_usage: 0.03, total_deposits: 1, reserved_credits: 0 });
    expect(credits.by_api_key).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: keyId, credit_usage: 0.02 }),
      expect.objectContaining({ id: second.id, name: 'second', credit_usage: 0.01 }),
    ]));
    const auth = await (await t.call('/v1/auth/test', { method: 'POST', auth: key })).json();
    expect(auth).toMatchObject({ valid: true, admin: false, key: { id: keyId, account_id: accountId } });
    expect((await t.call('/v1/auth/test', { method: 'POST', auth: 'sk-pr-nope' })).status).toBe(401);
  });

  it('a client that disconnects mid-request gets its reservation released', async () => {
    const { accountId, key } = await funded(1);
    const controller = new AbortController();
    const pending = t.call('/v1/openai/images/generations', { method: 'POST', auth: key, signal: controller.signal, json: { model: 'test/test', prompt: 'slow:1500', n: 5, size: '64x64' } }).catch(() => null);
    let reserved = 0;
    for (let i = 0; i < 40 && reserved === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      reserved = (await balance(accountId)).reserved_usd;
    }
    expect(reserved).toBe(0.05);
    controller.abort();
    await pending;
    let state = await balance(accountId);
    for (let i = 0; i < 40 && state.reserved_usd !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = await balance(accountId);
    }
    expect(state).toMatchObject({ balance_usd: 1, reserved_usd: 0, charges_usd: 0 });
    const [record] = await t.server.services.db.query<{ error_code: string }>("SELECT error_code FROM usage_records WHERE account_id = $1", [accountId]);
    expect(record!.error_code).toBe('client_disconnected');
  });

  it('the invariant holds across everything above', async () => {
    const rows = await checkLedgerInvariant(t.server.services.db);
    expect(rows.length).toBeGreaterThan(5);
    expect(await t.server.services.db.query('SELECT * FROM reservations')).toEqual([]);
  });
});

describe('idempotency keys are pruned', () => {
  it('drops pending keys older than the reservation TTL and answers older than a day', async () => {
    const t = await startTestServer();
    try {
      const { db, idempotency } = t.server.services;
      await idempotency.begin('k', 'fresh', 'h');
      await idempotency.begin('k', 'stuck', 'h');
      await idempotency.begin('k', 'old', 'h');
      await idempotency.complete('k', 'old', { status: 200, body: { ok: true }, provider: 'test' });
      await db.query("UPDATE idempotency_keys SET created_at = now() - interval '2 hours' WHERE idempotency_key = 'stuck'");
      await db.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE idempotency_key = 'old'");
      await idempotency.prune(3600);
      const left = await db.query<{ idempotency_key: string }>('SELECT idempotency_key FROM idempotency_keys');
      expect(left.map((r) => r.idempotency_key)).toEqual(['fresh']);
    } finally {
      await t.close();
    }
  });
});
