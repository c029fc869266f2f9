import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorDistance, dataUri, form, pixelAt, rectMask, solidImage } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

type ImageBody = { data: Array<{ url?: string; b64_json?: string }>; size: string };
const RED = { r: 220, g: 30, b: 30 };
const BLUE = { r: 20, g: 40, b: 210 };

async function edit(fields: Record<string, string>, files: Parameters<typeof form>[1], path = '/v1/openai/images/edits') {
  const response = await t.call(path, { method: 'POST', body: form({ model: 'test/test', prompt: 'fill the masked area with flowers', response_format: 'b64_json', output_format: 'png', ...fields }, files) });
  return { response, body: (await response.json()) as ImageBody };
}
const output = (body: ImageBody, i = 0) => Buffer.from(body.data[i]!.b64_json!, 'base64');

describe('image-to-image', () => {
  it('transforms a single input image (multipart image[])', async () => {
    const input = await solidImage(300, 200, RED, 'webp');
    const { response, body } = await edit({ size: '256x256' }, [{ field: 'image[]', bytes: input, name: 'in.webp', type: 'image/webp' }]);
    expect(response.status).toBe(200);
    const out = output(body);
    expect((await sharp(out).metadata()).width).toBe(256);
    // Without a mask the input shows through a blend: reddish, but visibly changed.
    const p = await pixelAt(out, 128, 200);
    expect(p.r).toBeGreaterThan(p.b);
    expect(colorDistance(p, RED)).toBeGreaterThan(20);
  });

  it('applies a white-region mask: inside changes, outside stays the input', async () => {
    const input = await solidImage(256, 256, RED);
    const mask = await rectMask(256, 256, { left: 0, top: 0, width: 128, height: 256 });
    const { response, body } = await edit({ size: '256x256' }, [
      { field: 'image[]', bytes: input },
      { field: 'mask[]', bytes: mask, name: 'mask.png' },
    ]);
    expect(response.status).toBe(200);
    const out = output(body);
    expect(colorDistance(await pixelAt(out, 200, 128), RED)).toBeLessThan(6); // outside: untouched
    expect(colorDistance(await pixelAt(out, 20, 128), RED)).toBeGreaterThan(60); // inside: painted
  });

  it("applies an OpenAI-style mask (transparent pixels mark the edit area) sent as field 'mask'", async () => {
    const input = await solidImage(128, 128, BLUE);
    // Opaque black everywhere except a fully transparent bottom half.
    const rgba = Buffer.alloc(128 * 128 * 4);
    for (let p = 0; p < 128 * 64; p++) rgba[p * 4 + 3] = 255;
    const mask = await sharp(rgba, { raw: { width: 128, height: 128, channels: 4 } }).png().toBuffer();
    const { body } = await edit({ size: '128x128' }, [{ field: 'image', bytes: input }, { field: 'mask', bytes: mask }]);
    const out = output(body);
    expect(colorDistance(await pixelAt(out, 64, 10), BLUE)).toBeLessThan(6);
    expect(colorDistance(await pixelAt(out, 64, 120), BLUE)).toBeGreaterThan(60);
  });

  it('combines several images: each input appears in its own tile', async () => {
    const colors = [RED, BLUE, { r: 30, g: 200, b: 40 }, { r: 240, g: 220, b: 20 }];
    const files = await Promise.all(colors.map(async (c) => ({ field: 'image[]', bytes: await solidImage(64, 64, c) })));
    const full = await rectMask(200, 200, { left: 0, top: 0, width: 0, height: 0 }); // all black: edit nothing
    const { body } = await edit({ size: '200x200' }, [...files, { field: 'mask[]', bytes: full }]);
    const out = output(body);
    const tiles = [await pixelAt(out, 50, 50), await pixelAt(out, 150, 50), await pixelAt(out, 50, 150), await pixelAt(out, 150, 150)];
    tiles.forEach((p, i) => expect(colorDistance(p, colors[i]!)).toBeLessThan(6));
  });

  it('accepts 16 input images and refuses 17', async () => {
    const bytes = await solidImage(16, 16, RED);
    const files = (count: number) => Array.from({ length: count }, () => ({ field: 'image[]', bytes }));
    expect((await edit({ size: '64x64' }, files(16))).response.status).toBe(200);
    const { response, body } = await edit({ size: '64x64' }, files(17));
    expect(response.status).toBe(400);
    expect(body).toMatchObject({ error: { type: 'invalid_request_error', code: 'too_many_images', param: 'image' } });
  });

  it('accepts JSON images as data URIs and as OpenAI image_url objects, with a JSON mask', async () => {
    const input = await solidImage(128, 128, RED);
    const mask = await rectMask(128, 128, { left: 64, top: 0, width: 64, height: 128 });
    for (const images of [[dataUri(input)], [{ image_url: dataUri(input) }], [{ image_url: { url: dataUri(input) } }]]) {
      const response = await t.call('/v1/openai/images/edits', {
        method: 'POST',
        json: { model: 'test/test', prompt: 'flowers', images, mask: { image_url: dataUri(mask) }, size: '128x128', response_format: 'b64_json', output_format: 'png' },
      });
      expect(response.status).toBe(200);
      const out = Buffer.from(((await response.json()) as ImageBody).data[0]!.b64_json!, 'base64');
      expect(colorDistance(await pixelAt(out, 20, 64), RED)).toBeLessThan(6);
      expect(colorDistance(await pixelAt(out, 100, 64), RED)).toBeGreaterThan(60);
    }
  });

  it('works on the /v1/images/edits alias and returns URLs', async () => {
    const { response } = await (async () => {
      const r = await t.call('/v1/images/edits', { method: 'POST', body: form({ model: 'test/test', prompt: 'x', size: '64x64' }, [{ field: 'image', bytes: await solidImage(32, 32, RED) }]) });
      return { response: r };
    })();
    expect(response.status).toBe(200);
    const body = (await response.json()) as ImageBody;
    expect(body.data[0]!.url).toMatch(/\/storage\/[0-9a-f]{32}\.webp$/);
  });
});
