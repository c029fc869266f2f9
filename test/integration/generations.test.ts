import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

type ImageBody = { created: number; data: Array<{ url?: string; b64_json?: string; revised_prompt?: string }>; latency: number; cost: number; output_format: string; size: string; quality: string };

async function generate(body: Record<string, unknown>, path = '/v1/openai/images/generations') {
  const response = await t.call(path, { method: 'POST', json: { model: 'test/test', prompt: 'a lighthouse at dawn', ...body } });
  return { response, body: (await response.json()) as ImageBody };
}

const decode = (b64: string) => Buffer.from(b64, 'base64');

describe('POST /v1/openai/images/generations (JSON)', () => {
  it('answers in the documented shape with a hosted URL by default', async () => {
    const { response, body } = await generate({});
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('x-pixelrouter-cost')).toBe('0');
    expect(response.headers.get('x-pixelrouter-provider')).toBe('test');
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(60); // unix seconds, not ms
    expect(body).toMatchObject({ cost: 0, output_format: 'webp', size: '1024x1024', quality: 'auto' });
    expect(body.latency).toBeGreaterThanOrEqual(0);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]!.url).toMatch(new RegExp(`^${t.url}/storage/[0-9a-f]{32}\\.webp$`));

    const image = await fetch(body.data[0]!.url!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect(image.headers.get('cache-control')).toMatch(/^public, max-age=\d+, immutable$/);
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1024, 1024]);
  });

  it('honours size, in both WxH and W×H spellings', async () => {
    for (const size of ['640x360', '300×500']) {
      const { response, body } = await generate({ size, response_format: 'b64_json', output_format: 'png' });
      expect(response.status).toBe(200);
      const meta = await sharp(decode(body.data[0]!.b64_json!)).metadata();
      const [w, h] = size.split(/[x×]/).map(Number);
      expect([meta.width, meta.height]).toEqual([w, h]);
      expect(body.size).toBe(`${w}x${h}`);
    }
  });

  it('makes n distinct images', async () => {
    const { body } = await generate({ n: 4, size: '128x128', response_format: 'b64_json', output_format: 'png' });
    expect(body.data).toHaveLength(4);
    const distinct = new Set(body.data.map((d) => d.b64_json));
    expect(distinct.size).toBe(4);
  });

  it('is deterministic for a prompt and seed, and differs across prompts and seeds', async () => {
    const one = async (prompt: string, seed?: number) =>
      (await generate({ prompt, seed, size: '128x128', response_format: 'b64_json', output_format: 'png' })).body.data[0]!.b64_json;
    const a = await one('red fox in snow', 7);
    expect(await one('red fox in snow', 7)).toBe(a);
    expect(await one('red fox in snow', 8)).not.toBe(a);
    expect(await one('blue whale at sea', 7)).not.toBe(a);
  });

  it.each([
    ['png', 'png', 'image/png'],
    ['jpeg', 'jpeg', 'image/jpeg'],
    ['jpg', 'jpeg', 'image/jpeg'],
    ['webp', 'webp', 'image/webp'],
  ])('output_format %s gives %s bytes', async (requested, format, contentType) => {
    const { body } = await generate({ output_format: requested, size: '200x100' });
    expect(body.output_format).toBe(format);
    const image = await fetch(body.data[0]!.url!);
    expect(image.headers.get('content-type')).toBe(contentType);
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).format).toBe(format);
  });

  it('output_compression changes the encoded size', async () => {
    const size = async (c: number) => decode((await generate({ output_format: 'jpeg', output_compression: c, size: '512x512', response_format: 'b64_json' })).body.data[0]!.b64_json!).length;
    expect(await size(10)).toBeLessThan((await size(95)) * 0.7);
  });

  it('background transparent leaves transparent pixels; opaque leaves none', async () => {
    const alphaMin = async (background: string, output_format: string) => {
      const { body } = await generate({ background, output_format, size: '256x256', response_format: 'b64_json' });
      const rgba = await sharp(decode(body.data[0]!.b64_json!)).ensureAlpha().raw().toBuffer();
      let min = 255;
      for (let i = 3; i < rgba.length; i += 4) min = Math.min(min, rgba[i]!);
      return min;
    };
    expect(await alphaMin('transparent', 'png')).toBe(0);
    expect(await alphaMin('transparent', 'webp')).toBe(0);
    expect(await alphaMin('opaque', 'png')).toBe(255);
    expect(await alphaMin('auto', 'png')).toBe(255);
  });

  it('quality changes the picture and standard/hd are accepted as medium/high', async () => {
    const image = async (quality: string) => (await generate({ quality, size: '128x128', response_format: 'b64_json', output_format: 'png' })).body;
    const low = await image('low');
    const high = await image('high');
    expect(low.quality).toBe('low');
    expect(low.data[0]!.b64_json).not.toBe(high.data[0]!.b64_json);
    expect((await image('standard')).quality).toBe('medium');
    expect((await image('hd')).data[0]!.b64_json).toBe(high.data[0]!.b64_json);
  });

  it('b64_json and b64_ephemeral return inline base64', async () => {
    for (const response_format of ['b64_json', 'b64_ephemeral']) {
      const { body } = await generate({ response_format, size: '64x64' });
      expect(body.data[0]!.url).toBeUndefined();
      expect((await sharp(decode(body.data[0]!.b64_json!)).metadata()).width).toBe(64);
    }
  });

  it('accepts user and a model alias; the /v1/images alias path works', async () => {
    const { response } = await generate({ user: 'user-123', model: 'test', size: '64x64' }, '/v1/images/generations');
    expect(response.status).toBe(200);
  });

  it('allows an empty prompt for test/test', async () => {
    const { response } = await generate({ prompt: undefined, size: '64x64' });
    expect(response.status).toBe(200);
  });

  it('ends with the same answer on /edits with multipart and no image (text-to-image)', async () => {
    const body = form({ prompt: 'a cyberpunk city at night', model: 'test/test', quality: 'high', size: '96x64', response_format: 'b64_json', output_format: 'png', n: '2' });
    const response = await t.call('/v1/openai/images/edits', { method: 'POST', body });
    expect(response.status).toBe(200);
    const json = (await response.json()) as ImageBody;
    expect(json.data).toHaveLength(2);
    expect((await sharp(decode(json.data[0]!.b64_json!)).metadata()).width).toBe(96);
    // Same parameters over JSON on /generations give the same pixels.
    const again = await generate({ prompt: 'a cyberpunk city at night', quality: 'high', size: '96x64', response_format: 'b64_json', output_format: 'png', n: 2 });
    expect(again.body.data[0]!.b64_json).toBe(json.data[0]!.b64_json);
  });
});
