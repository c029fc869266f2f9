import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMultipart, sendJson, startFakeUpstream, type FakeUpstream } from '../helpers/fakeUpstream.js';
import { solidImage } from '../helpers/images.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Real adapters wired through the whole server by configuration alone: `<NAME>_API_KEY` and
 * `<NAME>_BASE_URL` point a built-in provider at a local fake, and the config file's `upstreams`
 * declares an OpenAI-compatible server. (Each adapter's full contract is tested in test/providers.)
 */
const png = (w: number, h: number) => solidImage(w, h, { r: 10, g: 120, b: 200 });

let openai: FakeUpstream;
let compatible: FakeUpstream;
let bfl: FakeUpstream;
let t: TestServer;
let configDir: string;

beforeAll(async () => {
  // OpenAI's Image API, as much as these requests need: Bearer auth, JSON generations, multipart edits.
  openai = await startFakeUpstream(async (req, res) => {
    if (req.headers.authorization !== 'Bearer sk-openai-fake') return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    if (req.method === 'POST' && req.path === '/v1/images/generations') {
      if (req.json?.model !== 'gpt-image-1.5' || 'response_format' in req.json) return sendJson(res, 400, { error: { message: 'bad request', type: 'invalid_request_error', param: null, code: null } });
      const b64 = (await png(1024, 1024)).toString('base64');
      return sendJson(res, 200, { created: 1, data: Array.from({ length: req.json.n ?? 1 }, () => ({ b64_json: b64 })), usage: { input_tokens: 50, output_tokens: 4160, total_tokens: 4210, input_tokens_details: { text_tokens: 50, image_tokens: 0 } } });
    }
    if (req.method === 'POST' && req.path === '/v1/images/edits') {
      const form = await parseMultipart(req);
      if (form.getAll('image[]').length !== 2 || !form.get('mask')) return sendJson(res, 400, { error: { message: 'images or mask missing', type: 'invalid_request_error', param: 'image', code: null } });
      return sendJson(res, 200, { created: 1, data: [{ b64_json: (await png(1024, 1024)).toString('base64') }] });
    }
    sendJson(res, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } });
  });
  // An OpenAI-compatible self-hosted server that answers with URLs.
  compatible = await startFakeUpstream(async (req, res) => {
    if (req.path === '/out.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(await png(768, 512));
    }
    if (req.headers.authorization !== 'Bearer local-secret') return sendJson(res, 401, { error: { message: 'no' } });
    if (req.method === 'POST' && req.path === '/v1/images/generations' && req.json?.model === 'sdxl-base' && req.json.size === '768x512') {
      return sendJson(res, 200, { created: 1, data: [{ url: `${compatible.url}/out.png` }] });
    }
    sendJson(res, 400, { error: { message: `unexpected ${req.method} ${req.path} ${JSON.stringify(req.json)}` } });
  });
  // Black Forest Labs: submit, poll, download.
  let polls = 0;
  bfl = await startFakeUpstream(async (req, res) => {
    if (req.path === '/sample.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      return res.end(await sharp(await png(1024, 768)).jpeg().toBuffer());
    }
    if (req.headers['x-key'] !== 'bfl-fake') return sendJson(res, 403, { detail: 'Not authenticated' });
    if (req.method === 'POST' && req.path === '/v1/flux-pro-1.1') return sendJson(res, 200, { id: 'job-1', polling_url: `${bfl.url}/v1/get_result?id=job-1` });
    if (req.method === 'GET' && req.path === '/v1/get_result') {
      polls++;
      return sendJson(res, 200, polls < 3 ? { id: 'job-1', status: 'Pending' } : { id: 'job-1', status: 'Ready', result: { sample: `${bfl.url}/sample.jpg`, prompt: 'a lighthouse' } });
    }
    sendJson(res, 404, { detail: 'Not Found' });
  });

  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-providers-'));
  const config = path.join(configDir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({
    upstreams: [{
      id: 'homelab', name: 'Home lab SDXL', base_url: `${compatible.url}/v1`, api_key_env: 'HOMELAB_KEY',
      models: [{ id: 'homelab/sdxl', upstream_model: 'sdxl-base', price: { type: 'fixed', per_image_usd: 0.001 }, sizes: ['1024x1024', '768x512'] }],
    }],
  }));
  t = await startTestServer({
    PIXELROUTER_CONFIG: config, PIXELROUTER_POLL_INTERVAL: '20ms', HOMELAB_KEY: 'local-secret',
    OPENAI_API_KEY: 'sk-openai-fake', OPENAI_BASE_URL: `${openai.url}/v1`,
    BFL_API_KEY: 'bfl-fake', BFL_BASE_URL: `${bfl.url}/v1`,
  });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([openai, compatible, bfl].map((f) => f?.close()));
  fs.rmSync(configDir, { recursive: true, force: true });
});

const generate = (json: Record<string, unknown>) => t.call('/v1/openai/images/generations', { method: 'POST', auth: ADMIN_KEY, json: { prompt: 'a lighthouse', response_format: 'b64_json', ...json } });

describe('providers configured by environment and config file', () => {
  it('marks configured providers available', async () => {
    const models = (await (await fetch(`${t.url}/v1/models?limit=1000`)).json()) as Record<string, { available: boolean }>;
    expect(models['openai/gpt-image-1.5']!.available).toBe(true);
    expect(models['black-forest-labs/flux-1.1-pro']!.available).toBe(true);
    expect(models['homelab/sdxl']!.available).toBe(true);
    expect(models['google/gemini-2.5-flash-image']!.available).toBe(false); // no GEMINI_API_KEY
  });

  it('OpenAI through OPENAI_BASE_URL: generation priced from the reported tokens', async () => {
    const response = await generate({ model: 'openai/gpt-image-1.5', size: '1024x1024', n: 2 });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pixelrouter-provider')).toBe('openai');
    const body = (await response.json()) as { data: unknown[]; cost: number };
    expect(body.data).toHaveLength(2);
    expect(body.cost).toBeGreaterThan(0);
    expect(openai.requests.at(-1)!.json).toMatchObject({ model: 'gpt-image-1.5', n: 2, size: '1024x1024' });
  });

  it('OpenAI edits: several images and a mask as multipart', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ model: 'openai/gpt-image-1.5', prompt: 'combine', response_format: 'b64_json', size: '1024x1024' })) form.append(k, v);
    for (let i = 0; i < 2; i++) form.append('image[]', new Blob([new Uint8Array(await png(64, 64))], { type: 'image/png' }), `in${i}.png`);
    form.append('mask', new Blob([new Uint8Array(await png(64, 64))], { type: 'image/png' }), 'mask.png');
    const response = await t.call('/v1/openai/images/edits', { method: 'POST', auth: ADMIN_KEY, body: form });
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it('an asynchronous upstream (BFL): submit, poll, download, all hidden behind one answer', async () => {
    const response = await generate({ model: 'black-forest-labs/flux-1.1-pro', size: '1024x768', output_format: 'png' });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { data: Array<{ b64_json: string; revised_prompt?: string }>; size: string };
    expect(body.size).toBe('1024x768');
    expect((await sharp(Buffer.from(body.data[0]!.b64_json, 'base64')).metadata()).format).toBe('png'); // jpeg transcoded as asked
    expect(bfl.requests.filter((r) => r.path === '/v1/get_result').length).toBeGreaterThanOrEqual(3);
  });

  it('an OpenAI-compatible upstream from the config file, with its key from api_key_env', async () => {
    const response = await generate({ model: 'homelab/sdxl', size: '760x500' });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { size: string; warnings: string[]; cost: number };
    expect(body.size).toBe('768x512');
    expect(body.warnings).toEqual(['size 760x500 is not available for this model; using 768x512']);
    expect(body.cost).toBe(0.001);
  });
});
