import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, startTestServer, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('server behaviour', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ PIXELROUTER_PUBLIC_URL: 'https://img.example.test/' });
  });
  afterAll(async () => t?.close());

  it('builds image URLs on PIXELROUTER_PUBLIC_URL', async () => {
    const response = await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: '64x64' } });
    const url = ((await response.json()) as { data: Array<{ url: string }> }).data[0]!.url;
    expect(url).toMatch(/^https:\/\/img\.example\.test\/storage\/[0-9a-f]{32}\.webp$/);
    // The same name is served here.
    expect((await fetch(`${t.url}/storage/${url.split('/').pop()}`)).status).toBe(200);
  });

  it('keeps a sane caller request id and replaces an unsafe one', async () => {
    const kept = await fetch(`${t.url}/health`, { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await fetch(`${t.url}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    const error = await fetch(`${t.url}/nowhere`);
    expect(error.headers.get('x-request-id')).toMatch(/^req_/); // errors carry it too
  });

  it('aborts the work when the client disconnects, records it, and stores nothing', async () => {
    const before = listFiles(path.join(t.dataDir, 'images')).length;
    const body = JSON.stringify({ model: 'test/test', prompt: 'slow', n: 10, size: '4096x4096', output_format: 'png' });
    const request = http.request(`${t.url}/v1/openai/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    request.on('error', () => {});
    request.end(body);
    await sleep(300);
    request.destroy();

    let record: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && !record; i++) {
      await sleep(100);
      [record] = await t.server.services.db.query("SELECT * FROM usage_records WHERE prompt = 'slow'");
    }
    expect(record).toMatchObject({ status: 'error', error_code: 'client_disconnected', http_status: 499, images: 0 });
    expect(listFiles(path.join(t.dataDir, 'images')).length).toBe(before);
    // And the server is still fine.
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });

  it('reports 503 on /health when storage cannot be written', async () => {
    const images = path.join(t.dataDir, 'images');
    fs.rmSync(images, { recursive: true, force: true });
    fs.writeFileSync(images, 'not a folder');
    const response = await fetch(`${t.url}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'error', database: { status: 'ok' }, storage: { status: 'error' } });
    fs.rmSync(images);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});
