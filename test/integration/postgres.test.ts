import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { MIGRATIONS } from '../../src/db/migrations.js';
import { freshDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// The same schema and code paths on a real PostgreSQL server via DATABASE_URL.
let database: Awaited<ReturnType<typeof freshDatabase>>;
let t: TestServer;
beforeAll(async () => {
  database = await freshDatabase();
  t = await startTestServer({ DATABASE_URL: database.url });
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe('on PostgreSQL (DATABASE_URL)', () => {
  it('runs the migrations once, even when several processes open the database at the same time', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: database.url, dataDir: t.dataDir })));
    const rows = await opened[0]!.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    await Promise.all(opened.map((db) => db.close()));
  });

  it('serves the whole request path: key, generation, hosted URL, usage, popular models, health', async () => {
    expect(t.server.services.db.kind).toBe('postgres');
    const response = await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', prompt: 'on postgres', size: '64x64', output_format: 'png' } });
    expect(response.status).toBe(200);
    const url = ((await response.json()) as { data: Array<{ url: string }> }).data[0]!.url;
    expect((await fetch(url)).headers.get('content-type')).toBe('image/png');

    const usage = await t.server.services.db.query<{ prompt: string; status: string; output_ids: string[] }>('SELECT prompt, status, output_ids FROM usage_records');
    expect(usage).toEqual([{ prompt: 'on postgres', status: 'success', output_ids: [url.split('/').pop()!.split('.')[0]] }]);
    const keys = await t.server.services.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys');
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k.key_hash) && !k.key_hash.includes(t.key))).toBe(true);

    const popular = (await (await fetch(`${t.url}/operations/get-popular-models`, { method: 'POST' })).json()) as Array<{ id: string; uses_last_7_days: number }>;
    expect(popular[0]).toMatchObject({ id: 'test/test', uses_last_7_days: 1 });
    expect(await (await fetch(`${t.url}/health`)).json()).toMatchObject({ status: 'ok', database: { kind: 'postgres', status: 'ok' } });
  });
});
