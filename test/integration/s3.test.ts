import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server/start.js';
import { listFiles, startTestServer, type TestServer } from '../helpers/server.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => s3?.close());

async function generateUrl(t: TestServer, body: Record<string, unknown> = {}) {
  const response = await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', prompt: 's3', size: '64x64', output_format: 'png', ...body } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Array<{ url: string }> }).data.map((d) => d.url);
}

describe('images stored in an S3-compatible bucket (s3rver on loopback)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ ...s3.env, S3_PREFIX: 'images/', PIXELROUTER_URL_TTL: '2s', PIXELROUTER_SWEEP_INTERVAL: '500ms' });
  });
  afterAll(async () => t?.close());

  it('/health names the backend and finds the bucket', async () => {
    const response = await fetch(`${t.url}/health`);
    expect(await response.json()).toMatchObject({ status: 'ok', storage: { status: 'ok', kind: 's3' } });
  });

  it('puts each output in the bucket under the prefix with its content type, serves it, and writes nothing to disk', async () => {
    const urls = await generateUrl(t, { n: 2 });
    const names = urls.map((u) => u.split('/').pop()!);
    expect((await s3.keys()).filter((k) => names.some((n) => k.endsWith(n)))).toEqual(names.map((n) => `images/${n}`).sort());

    const { bytes: inBucket, contentType } = await s3.object(`images/${names[0]}`);
    expect(contentType).toBe('image/png');

    const served = await fetch(urls[0]!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.equals(inBucket)).toBe(true);
    expect((await sharp(bytes).metadata()).width).toBe(64);
    expect(listFiles(`${t.dataDir}/images`)).toEqual([]);
  });

  it('expired images answer 404 and the sweeper deletes their objects', async () => {
    const [url] = await generateUrl(t);
    const key = `images/${url!.split('/').pop()}`;
    expect(await s3.keys()).toContain(key);
    await sleep(2200);
    expect((await fetch(url!)).status).toBe(404);
    for (let i = 0; i < 20 && (await s3.keys()).includes(key); i++) await sleep(250);
    expect(await s3.keys()).not.toContain(key);
  });
});

describe('S3 failures', () => {
  it('an unknown key or a missing bucket stops the server at start, without the secret in the message', async () => {
    // s3rver checks the access key id but not version-4 signatures, so a wrong key id stands in for wrong credentials.
    const secret = 'a-secret-that-must-not-leak-0123';
    const attempt = (env: Record<string, string>) =>
      startServer(loadConfig({ PORT: '0', PIXELROUTER_DATA_DIR: '/tmp/pixelrouter-s3-never', LOG_LEVEL: 'silent', ...s3.env, ...env }), { logger: false })
        .then(async (server) => {
          await server.close();
          return null;
        }, (error: Error) => error);
    const badKey = await attempt({ S3_ACCESS_KEY_ID: 'NOT-A-KEY', S3_SECRET_ACCESS_KEY: secret });
    expect(badKey?.message).toMatch(/S3 bucket 'pixelrouter' is not usable \(HTTP 403\)/);
    expect(badKey?.message).not.toContain(secret);
    const noBucket = await attempt({ S3_BUCKET: 'no-such-bucket' });
    expect(noBucket?.message).toMatch(/S3 bucket 'no-such-bucket' is not usable \(HTTP 404\)/);
  });

  it('half-set credentials are a configuration error', () => {
    expect(() => loadConfig({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' })).toThrow(/set both or neither/);
    expect(() => loadConfig({ S3_BUCKET: 'b', S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT must start with http/);
    expect(loadConfig({ S3_BUCKET: 'b', S3_ENDPOINT: 'http://minio:9000/' }).s3).toMatchObject({ endpoint: 'http://minio:9000', forcePathStyle: true, region: 'us-east-1', prefix: '' });
    expect(loadConfig({ S3_BUCKET: 'b' }).s3).toMatchObject({ endpoint: undefined, forcePathStyle: false });
    expect(loadConfig({ S3_BUCKET: 'b', S3_ENDPOINT: 'https://s3.example.com', S3_FORCE_PATH_STYLE: 'false' }).s3?.forcePathStyle).toBe(false);
  });

  it('the store going away mid-service: 503 storage_unavailable, nothing charged, b64_json still works', async () => {
    const store = await startLocalS3('flaky');
    const t = await startTestServer({ ...store.env, PIXELROUTER_CONFIG: priceFile() });
    try {
      const account = await t.admin('POST', '/v1/admin/accounts', { name: 's3-down', balance_usd: 1 });
      const { key } = await t.admin('POST', '/v1/admin/keys', { name: 's3-down', account_id: account.id });
      await store.close();
      const response = await t.call('/v1/openai/images/generations', { method: 'POST', auth: key, json: { model: 'test/test', prompt: 'down', size: '64x64', n: 2 } });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { type: 'api_error', code: 'storage_unavailable' } });
      expect(await t.admin('GET', `/v1/admin/accounts/${account.id}`)).toMatchObject({ balance_usd: 1, reserved_usd: 0 });
      expect(await t.server.services.db.query('SELECT id FROM stored_images')).toEqual([]);
      const health = await fetch(`${t.url}/health`);
      expect(health.status).toBe(503);

      const b64 = await t.call('/v1/openai/images/generations', { method: 'POST', auth: key, json: { model: 'test/test', prompt: 'b64', size: '64x64', response_format: 'b64_json' } });
      expect(b64.status).toBe(200);
      expect(await t.admin('GET', `/v1/admin/accounts/${account.id}`)).toMatchObject({ balance_usd: 0.99 });
    } finally {
      await t.close();
    }
  });
});

/** A config file pricing test/test at $0.01, so the failure case can show that nothing was charged. */
function priceFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-s3-config-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ prices: { 'test/test': { type: 'fixed', per_image_usd: 0.01 } } }));
  return file;
}
