import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { solidImage, rectMask } from '../helpers/images.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The OpenAI adapter against a server no test here wrote: Prism (a third-party mock server) serving
 * OpenAI's own OpenAPI document for the Images API, which refuses (422) any request the contract
 * does not allow. A 200 through pixelrouter means the upstream request was valid.
 */
const SPEC = path.join(ROOT, 'test/fixtures/openai-spec/served.yaml');
const PRISM = path.join(ROOT, 'node_modules/.bin/prism');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let prism: ChildProcess;
let prismLog = '';
let t: TestServer;

beforeAll(async () => {
  const port = await freePort();
  prism = spawn(PRISM, ['mock', '-h', '127.0.0.1', '-p', String(port), SPEC], { stdio: ['ignore', 'pipe', 'pipe'] });
  prism.stdout!.on('data', (chunk) => (prismLog += chunk));
  prism.stderr!.on('data', (chunk) => (prismLog += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism did not start:\n${prismLog}`)), 30_000);
    const check = setInterval(() => {
      if (/Prism is listening/.test(prismLog)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
  });
  t = await startTestServer({ OPENAI_API_KEY: 'sk-test-prism', OPENAI_BASE_URL: `http://127.0.0.1:${port}` });
}, 60_000);
afterAll(async () => {
  await t?.close();
  prism?.kill('SIGTERM');
});

describe('OPENAI_BASE_URL pointed at Prism serving OpenAI’s own contract', () => {
  it('a generation round-trips: the upstream request is valid under OpenAI’s schema', async () => {
    const response = await t.call('/v1/openai/images/generations', {
      method: 'POST', auth: ADMIN_KEY,
      json: { model: 'openai/gpt-image-1.5', prompt: 'a lighthouse at dawn', size: '1536x1024', quality: 'high', background: 'opaque', output_format: 'png', response_format: 'b64_json' },
    });
    expect(response.status, `${await response.clone().text()}\n${prismLog}`).toBe(200);
    expect(response.headers.get('x-pixelrouter-provider')).toBe('openai');
    const body = (await response.json()) as { data: Array<{ b64_json: string }> };
    expect(body.data).toHaveLength(1);
  });

  it('an edit with several images and a mask round-trips as OpenAI’s multipart', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ model: 'openai/gpt-image-1.5', prompt: 'put them together', size: '1024x1024', response_format: 'b64_json' })) form.append(k, v);
    form.append('image[]', new Blob([new Uint8Array(await solidImage(64, 64, { r: 200, g: 0, b: 0 }))], { type: 'image/png' }), 'a.png');
    form.append('image[]', new Blob([new Uint8Array(await solidImage(64, 64, { r: 0, g: 0, b: 200 }))], { type: 'image/png' }), 'b.png');
    form.append('mask', new Blob([new Uint8Array(await rectMask(64, 64, { left: 0, top: 0, width: 32, height: 64 }))], { type: 'image/png' }), 'mask.png');
    const response = await t.call('/v1/openai/images/edits', { method: 'POST', auth: ADMIN_KEY, body: form });
    expect(response.status, `${await response.clone().text()}\n${prismLog}`).toBe(200);
  });

  it('Prism does refuse a request outside the contract (so the 200s above mean something)', async () => {
    const base = /http:\/\/127\.0\.0\.1:\d+/.exec(t.server.services.config.env.OPENAI_BASE_URL!)![0];
    const invalid = await fetch(`${base}/images/generations`, {
      method: 'POST', headers: { authorization: 'Bearer sk-test-prism', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-1.5', n: 11, size: '999x999' }),
    });
    expect(invalid.status).toBe(422);
  });
});
