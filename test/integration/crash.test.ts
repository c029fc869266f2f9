import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { spawnServer, type SpawnedServer } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/postgres.js';
import { checkLedgerInvariant } from '../helpers/ledger.js';

const ADMIN = 'sk-pr-crash-admin-key-0123456789';
const dirs: string[] = [];
const servers: SpawnedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-crash-'));
  dirs.push(dir);
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ prices: { 'test/test': { type: 'fixed', per_image_usd: 0.01 } } }));
  return { PIXELROUTER_DATA_DIR: path.join(dir, 'data'), PIXELROUTER_CONFIG: config, PIXELROUTER_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn' };
}

async function start(env: Record<string, string>) {
  const server = await spawnServer(env);
  servers.push(server);
  const admin = async (method: string, pathname: string, json?: unknown) => {
    const response = await fetch(server.url + pathname, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(json !== undefined && { 'content-type': 'application/json' }) }, body: json === undefined ? undefined : JSON.stringify(json) });
    return response.json() as Promise<any>;
  };
  return { server, admin };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a slow, paid request, waits until its money is reserved, then SIGKILLs the server. */
async function killMidRequest(env: Record<string, string>, accountId: string, key: string) {
  const { server, admin } = await start(env);
  const body = JSON.stringify({ model: 'test/test', prompt: 'crash', n: 10, size: '4096x4096', output_format: 'png', response_format: 'b64_json' });
  fetch(`${server.url}/v1/openai/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body }).catch(() => {});
  let reserved = 0;
  for (let i = 0; i < 100 && reserved === 0; i++) {
    await sleep(50);
    reserved = (await admin('GET', `/v1/admin/accounts/${accountId}`)).reserved_usd;
  }
  expect(reserved).toBe(0.1); // 10 images at $0.01 held
  expect(await server.stop('SIGKILL')).toBe(null); // killed, not exited
}

describe('a crash between reserve and settle strands no money', () => {
  it('on PGlite: killed mid-request twice; each restart releases the reservation', async () => {
    const env = setup();
    const { server, admin } = await start(env);
    const account = await admin('POST', '/v1/admin/accounts', { name: 'crash', balance_usd: 1 });
    const { key } = await admin('POST', '/v1/admin/keys', { name: 'crash', account_id: account.id });
    await server.stop();

    for (let round = 0; round < 2; round++) await killMidRequest(env, account.id, key);

    const restarted = await start(env);
    expect(await restarted.admin('GET', `/v1/admin/accounts/${account.id}`)).toMatchObject({ balance_usd: 1, reserved_usd: 0, charges_usd: 0, deposits_usd: 1 });
    // The server still works and charges normally after recovery.
    const ok = await fetch(`${restarted.server.url}/v1/openai/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'test/test', prompt: 'after', size: '64x64' }) });
    expect(ok.status).toBe(200);
    expect(await restarted.admin('GET', `/v1/admin/accounts/${account.id}`)).toMatchObject({ balance_usd: 0.99, reserved_usd: 0 });
    await restarted.server.stop();

    const db = await openDatabase({ dataDir: env.PIXELROUTER_DATA_DIR });
    await checkLedgerInvariant(db);
    expect(await db.query('SELECT * FROM reservations')).toEqual([]);
    const crashed = await db.query<{ status: string }>("SELECT status FROM usage_records WHERE prompt = 'crash'");
    expect(crashed).toEqual([]); // the killed requests never settled, so they left no record and no charge
    await db.close();
  });

  it('on PostgreSQL: a reservation past its expiry is released by the restarted server', async () => {
    const database = await freshDatabase();
    try {
      const env = { ...setup(), DATABASE_URL: database.url, PIXELROUTER_RESERVATION_TTL: '2s' };
      const { server, admin } = await start(env);
      const account = await admin('POST', '/v1/admin/accounts', { name: 'crash', balance_usd: 1 });
      const { key } = await admin('POST', '/v1/admin/keys', { name: 'crash', account_id: account.id });
      await server.stop();
      await killMidRequest(env, account.id, key);

      const restarted = await start(env);
      let state: any;
      for (let i = 0; i < 40; i++) {
        state = await restarted.admin('GET', `/v1/admin/accounts/${account.id}`);
        if (state.reserved_usd === 0) break;
        await sleep(250);
      }
      expect(state).toMatchObject({ balance_usd: 1, reserved_usd: 0, charges_usd: 0 });
      await restarted.server.stop();
      const db = await openDatabase({ databaseUrl: database.url, dataDir: env.PIXELROUTER_DATA_DIR });
      await checkLedgerInvariant(db);
      await db.close();
    } finally {
      await database.drop();
    }
  });
});
