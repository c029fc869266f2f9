import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLedgerInvariant } from '../helpers/ledger.js';
import { ScriptedProvider, testModel } from '../helpers/providers.js';
import { startTestServer } from '../helpers/server.js';

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A server whose only model costs $0.01 an image and whose upstream takes `slow:MS` to answer. */
async function paidServer() {
  const t = await startTestServer({}, { providers: [new ScriptedProvider('test')], models: [testModel('test/paid', { type: 'fixed', perImageMicros: 10_000 })] });
  dataDirs.push(t.dataDir); // each test closes its server itself
  const account = await t.admin('POST', '/v1/admin/accounts', { name: 'shutdown', balance_usd: 1 });
  const { key } = await t.admin('POST', '/v1/admin/keys', { name: 'shutdown', account_id: account.id });
  const generate = (prompt: string) =>
    t.call('/v1/openai/images/generations', { method: 'POST', auth: key, json: { model: 'test/paid', prompt, size: '64x64', n: 2 } });
  // Read straight from the database: the HTTP API is closed by the time we look.
  const money = async () => {
    const [row] = await t.server.services.db.query<{ balance_micros: string }>('SELECT balance_micros FROM accounts WHERE id = $1', [account.id]);
    const open = await t.server.services.db.query('SELECT id FROM reservations');
    return { balance: Number(row!.balance_micros) / 1e6, openReservations: open.length };
  };
  /** Takes a look at the money the moment before close() closes the database (after everything has settled). */
  const atLastMoment = () => {
    const seen: { money?: Awaited<ReturnType<typeof money>>; records: unknown[] } = { records: [] };
    const services = t.server.services;
    const originalClose = services.close.bind(services);
    services.close = async () => {
      seen.money = await money();
      seen.records = await services.db.query('SELECT prompt, status, http_status, error_code FROM usage_records ORDER BY created_at');
      await checkLedgerInvariant(services.db);
      await originalClose();
    };
    return seen;
  };
  return { t, generate, money, atLastMoment };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', () => {
  it('lets a request that finishes within the grace period complete and charges it', async () => {
    const { t, generate, atLastMoment } = await paidServer();
    const seen = atLastMoment();
    const pending = generate('slow:700');
    await sleep(200);
    const startedClosing = Date.now();
    const closing = t.server.close(10_000);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toMatchObject({ cost: 0.02 });
    await closing;
    // It did not sit out the 10 s grace once nothing was left in flight.
    expect(Date.now() - startedClosing).toBeLessThan(5_000);
    expect(seen.money).toEqual({ balance: 0.98, openReservations: 0 });
    expect(seen.records).toEqual([{ prompt: 'slow:700', status: 'success', http_status: 200, error_code: null }]);
  });

  it('aborts what outlives the grace period: the client gets a 503, the money comes back, the record says why', async () => {
    const { t, generate, money, atLastMoment } = await paidServer();
    const seen = atLastMoment();
    const pending = generate('slow:20000'); // an upstream that would hold the request for 20 s
    await sleep(300);
    expect(await money()).toEqual({ balance: 0.98, openReservations: 1 });
    const startedClosing = Date.now();
    const closing = t.server.close(500);
    const response = await pending;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { type: 'api_error', code: 'server_shutting_down' } });
    await closing;
    expect(Date.now() - startedClosing).toBeLessThan(8_000);
    expect(seen.money).toEqual({ balance: 1, openReservations: 0 });
    expect(seen.records).toEqual([{ prompt: 'slow:20000', status: 'error', http_status: 503, error_code: 'server_shutting_down' }]);
  });

  it('stops accepting as soon as shutdown starts', async () => {
    const { t, generate } = await paidServer();
    const pending = generate('slow:1000');
    await sleep(200);
    const closing = t.server.close(5_000);
    await sleep(50);
    // A new connection is refused (the listener is closed); the request in flight still completes.
    await expect(fetch(`${t.url}/health`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    expect((await pending).status).toBe(200);
    await closing;
  });
});
