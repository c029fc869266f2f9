import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorDistance, pixelAt, rectMask, solidImage } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// The official client, unmodified: only its base URL points at us.
let t: TestServer;
let client: OpenAI;
beforeAll(async () => {
  t = await startTestServer();
  client = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1/openai`, maxRetries: 0, timeout: 30_000 });
});
afterAll(async () => t?.close());

describe('the openai npm client', () => {
  it('images.generate', async () => {
    const result = await client.images.generate({ model: 'test/test', prompt: 'a red panda', n: 2, size: '256x256' as any, response_format: 'b64_json' });
    expect(result.data).toHaveLength(2);
    const meta = await sharp(Buffer.from(result.data![0]!.b64_json!, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);
    const withUrl = await client.images.generate({ model: 'test/test', prompt: 'a red panda', size: '256x256' as any });
    expect((await fetch(withUrl.data![0]!.url!)).status).toBe(200);
  });

  it('images.edit with several images and a mask', async () => {
    const red = { r: 220, g: 30, b: 30 };
    const blue = { r: 20, g: 40, b: 210 };
    const result = await client.images.edit({
      model: 'test/test',
      prompt: 'paint the left half',
      image: [
        await toFile(await solidImage(64, 64, red), 'red.png', { type: 'image/png' }),
        await toFile(await solidImage(64, 64, blue), 'blue.png', { type: 'image/png' }),
      ],
      mask: await toFile(await rectMask(256, 128, { left: 0, top: 0, width: 64, height: 128 }), 'mask.png', { type: 'image/png' }),
      size: '256x128' as any,
      response_format: 'b64_json',
      output_format: 'png',
    } as any);
    const out = Buffer.from(result.data![0]!.b64_json!, 'base64');
    // Two inputs side by side; the mask covers the left quarter.
    expect(colorDistance(await pixelAt(out, 100, 64), red)).toBeLessThan(6);
    expect(colorDistance(await pixelAt(out, 200, 64), blue)).toBeLessThan(6);
    expect(colorDistance(await pixelAt(out, 20, 64), red)).toBeGreaterThan(60);
  });

  it('models.list and models.retrieve', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('test/test');
    expect((await client.models.retrieve('test/test')).owned_by).toBe('test');
  });

  it('surfaces our errors as the SDK’s typed errors', async () => {
    await expect(client.images.generate({ model: 'nobody/nothing', prompt: 'x' })).rejects.toMatchObject({ status: 400, code: 'model_not_found' });
    const anonymous = new OpenAI({ apiKey: 'sk-pr-wrong', baseURL: `${t.url}/v1/openai`, maxRetries: 0 });
    await expect(anonymous.images.generate({ model: 'test/test', prompt: 'x' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
