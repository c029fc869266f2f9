import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, startTestServer, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hosted URLs expire', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ PIXELROUTER_URL_TTL: '2s', PIXELROUTER_SWEEP_INTERVAL: '500ms' });
  });
  afterAll(async () => t?.close());

  it('serves the image until the TTL, then 404s, and the sweeper deletes the bytes', async () => {
    const response = await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', prompt: 'ttl', size: '64x64', output_format: 'png' } });
    const url = ((await response.json()) as { data: Array<{ url: string }> }).data[0]!.url;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    expect(Number(/max-age=(\d+)/.exec(first.headers.get('cache-control')!)![1])).toBeLessThanOrEqual(2);
    const name = url.split('/').pop()!;
    const file = listFiles(path.join(t.dataDir, 'images')).find((f) => f.endsWith(name));
    expect(file && fs.existsSync(file)).toBe(true);

    await sleep(2200);
    const expired = await fetch(url);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('image_not_found');

    // The sweeper runs every 500 ms; allow it a few rounds.
    for (let i = 0; i < 20 && fs.existsSync(file!); i++) await sleep(250);
    expect(fs.existsSync(file!)).toBe(false);
    const rows = await t.server.services.db.query('SELECT id FROM stored_images WHERE id = $1', [name.split('.')[0]]);
    expect(rows).toHaveLength(0);
  });

  it('HEAD works on a stored image', async () => {
    const response = await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: '64x64' } });
    const url = ((await response.json()) as { data: Array<{ url: string }> }).data[0]!.url;
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('image/webp');
  });
});

describe('b64_ephemeral leaves no trace', () => {
  let t: TestServer;
  const logs: string[] = [];
  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (chunk) => logs.push(String(chunk)));
    t = await startTestServer({ LOG_LEVEL: 'trace' });
    // Restart the same data dir with trace-level logs captured, to see everything the server would log.
    await t.server.close();
    const { loadConfig } = await import('../../src/config.js');
    const { startServer } = await import('../../src/server/start.js');
    t.server = await startServer(loadConfig({ PORT: '0', PIXELROUTER_DATA_DIR: t.dataDir, PIXELROUTER_ADMIN_KEY: 'sk-pr-admin-test-key-0123456789', LOG_LEVEL: 'trace' }), { logStream });
    t.url = t.server.url;
  });
  afterAll(async () => t?.close());

  const call = (json: unknown) => fetch(`${t.url}/v1/openai/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });

  function grepDir(dir: string, needle: string): string[] {
    return listFiles(dir).filter((file) => fs.readFileSync(file).includes(needle));
  }

  it('stores the prompt of a b64_json request (the control)', async () => {
    const marker = `control-marker-${Date.now()}`;
    expect((await call({ model: 'test/test', prompt: marker, size: '64x64', response_format: 'b64_json' })).status).toBe(200);
    const rows = await t.server.services.db.query<{ prompt: string }>('SELECT prompt FROM usage_records WHERE prompt = $1', [marker]);
    expect(rows).toHaveLength(1);
  });

  it('writes no image, no prompt and no log line for b64_ephemeral', async () => {
    const marker = `ephemeral-marker-${Date.now()}`;
    const imagesBefore = listFiles(path.join(t.dataDir, 'images')).length;
    const response = await call({ model: 'test/test', prompt: marker, size: '64x64', response_format: 'b64_ephemeral' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ b64_json: string }> };
    expect(body.data[0]!.b64_json.length).toBeGreaterThan(100);

    expect(listFiles(path.join(t.dataDir, 'images')).length).toBe(imagesBefore);
    const rows = await t.server.services.db.query<Record<string, unknown>>('SELECT * FROM usage_records ORDER BY created_at DESC LIMIT 1');
    expect(rows[0]).toMatchObject({ response_format: 'b64_ephemeral', prompt: null, output_ids: [] });
    const everything = await t.server.services.db.query('SELECT * FROM usage_records');
    expect(JSON.stringify(everything)).not.toContain(marker);
    await t.server.services.db.query('CHECKPOINT');
    expect(grepDir(t.dataDir, marker)).toEqual([]);
    expect(logs.join('')).not.toContain(marker);
    expect(logs.join('')).toContain('/v1/openai/images/generations'); // the request itself was logged
  });
});
