import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUri, form, solidImage } from '../helpers/images.js';
import { ADMIN_KEY, listFiles, startTestServer, type TestServer } from '../helpers/server.js';

// Small limits so the 413 paths are cheap to reach.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ PIXELROUTER_MAX_UPLOAD_BYTES: '64kb', PIXELROUTER_MAX_JSON_BYTES: '256kb' });
});
afterAll(async () => t?.close());

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

async function expectError(response: Response, status: number, expected: Partial<ErrorBody['error']>) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await response.json()) as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(body.error).toMatchObject(expected);
  return body.error;
}

const post = (json: unknown, init: { auth?: string | null; path?: string } = {}) =>
  t.call(init.path ?? '/v1/openai/images/generations', { method: 'POST', json, auth: init.auth });

describe('errors in the OpenAI envelope with real statuses', () => {
  it('unknown model: 400 with Router One’s message', async () => {
    const error = await expectError(await post({ model: 'nobody/nothing', prompt: 'x' }), 400, { type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
    expect(error.message).toBe("Model 'nobody/nothing' does not support image generation");
  });

  it.each(([
    [{ prompt: 'x' }, 'model'],
    [{ model: 'test/test', size: 'big' }, 'size'],
    [{ model: 'test/test', size: '0x10' }, 'size'],
    [{ model: 'test/test', quality: 'ultra' }, 'quality'],
    [{ model: 'test/test', output_format: 'gif' }, 'output_format'],
    [{ model: 'test/test', response_format: 'file' }, 'response_format'],
    [{ model: 'test/test', n: 0 }, 'n'],
    [{ model: 'test/test', n: 11 }, 'n'],
    [{ model: 'test/test', n: 1.5 }, 'n'],
    [{ model: 'test/test', n: 'two' }, 'n'],
    [{ model: 'test/test', output_compression: 101 }, 'output_compression'],
    [{ model: 'test/test', background: 'green' }, 'background'],
    [{ model: 'test/test', background: 'transparent', output_format: 'jpeg' }, 'background'],
    [{ model: 'test/test', prompt: 'x'.repeat(32001) }, 'prompt'], // over the API's ceiling
    [{ model: 'test/test', prompt: 42 }, 'prompt'],
    [{ model: 'test/test', user: 'u'.repeat(300) }, 'user'],
  ] as Array<[Record<string, unknown>, string]>).map(([body, param]) => [param, body] as const))('bad %s: 400 naming it', async (param, body) => {
    await expectError(await post(body), 400, { type: 'invalid_request_error', param });
  });

  it('a mask without an image, too many JSON images, undecodable images: 400', async () => {
    const png = await solidImage(8, 8, { r: 1, g: 2, b: 3 });
    await expectError(await post({ model: 'test/test', mask: dataUri(png) }), 400, { param: 'mask' });
    await expectError(await post({ model: 'test/test', images: Array(17).fill(dataUri(png)) }), 400, { code: 'too_many_images' });
    await expectError(await post({ model: 'test/test', images: ['data:image/png;base64,aGVsbG8gd29ybGQ='] }), 400, { param: 'images[0]', code: 'invalid_image' });
    await expectError(await post({ model: 'test/test', images: ['not a uri'] }), 400, { param: 'images[0]' });
    await expectError(await post({ model: 'test/test', images: [{ file_id: 'file-1' }] }), 400, { param: 'images[0]' });
    // A truncated PNG: valid header, broken data.
    const truncated = (await solidImage(200, 200, { r: 9, g: 9, b: 9 })).subarray(0, 60);
    const multipart = form({ model: 'test/test', prompt: 'x' }, [{ field: 'image[]', bytes: truncated }]);
    await expectError(await t.call('/v1/openai/images/edits', { method: 'POST', body: multipart }), 400, { param: 'image[0]', code: 'invalid_image' });
    const stray = form({ model: 'test/test' }, [{ field: 'picture', bytes: png }]);
    await expectError(await t.call('/v1/openai/images/edits', { method: 'POST', body: stray }), 400, { param: 'picture' });
    const twoMasks = form({ model: 'test/test' }, [{ field: 'image[]', bytes: png }, { field: 'mask[]', bytes: png }, { field: 'mask[]', bytes: png }]);
    await expectError(await t.call('/v1/openai/images/edits', { method: 'POST', body: twoMasks }), 400, { param: 'mask' });
  });

  it('missing, malformed, unknown and revoked keys: 401', async () => {
    await expectError(await post({ model: 'test/test' }, { auth: null }), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    await expectError(await post({ model: 'test/test' }, { auth: 'sk-pr-not-a-real-key' }), 401, { code: 'invalid_api_key' });
    const malformed = await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test' }, auth: null, headers: { authorization: 'Basic abc' } });
    await expectError(malformed, 401, { code: 'invalid_api_key' });

    const created = (await (await t.call('/v1/admin/keys', { method: 'POST', auth: ADMIN_KEY, json: { name: 'short-lived' } })).json()) as { id: string; key: string };
    expect((await post({ model: 'test/test', size: '64x64' }, { auth: created.key })).status).toBe(200);
    expect((await t.call(`/v1/admin/keys/${created.id}`, { method: 'DELETE', auth: ADMIN_KEY })).status).toBe(200);
    await expectError(await post({ model: 'test/test' }, { auth: created.key }), 401, { code: 'invalid_api_key' });
  });

  it('admin routes refuse user keys (403) and missing keys (401)', async () => {
    await expectError(await t.call('/v1/admin/keys', { method: 'GET' }), 403, { type: 'permission_error' });
    await expectError(await t.call('/v1/admin/keys', { method: 'GET', auth: null }), 401, { type: 'authentication_error' });
  });

  it('payloads past the limits: 413', async () => {
    const big = Buffer.alloc(100 * 1024, 7);
    const multipart = form({ model: 'test/test' }, [{ field: 'image[]', bytes: big }]);
    await expectError(await t.call('/v1/openai/images/edits', { method: 'POST', body: multipart }), 413, { code: 'request_too_large' });
    await expectError(await post({ model: 'test/test', images: [dataUri(big)] }), 413, { code: 'request_too_large' }); // over the per-file limit
    await expectError(await post({ model: 'test/test', prompt: 'x'.repeat(300 * 1024) }), 413, { code: 'request_too_large' }); // over the JSON limit
  });

  it('unsupported media types: 415; malformed JSON and a non-object body: 400', async () => {
    const urlencoded = await t.call('/v1/openai/images/generations', { method: 'POST', body: 'model=test/test', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await expectError(urlencoded, 415, { code: 'unsupported_media_type' });
    const text = await t.call('/v1/openai/images/generations', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    await expectError(text, 415, { code: 'unsupported_media_type' });
    await expectError(await t.call('/v1/openai/images/generations', { method: 'POST' }), 415, { code: 'unsupported_media_type' });
    const broken = await t.call('/v1/openai/images/generations', { method: 'POST', body: '{"model": "test/test",', headers: { 'content-type': 'application/json' } });
    await expectError(broken, 400, { code: 'invalid_json' });
    await expectError(await post([1, 2, 3]), 400, { code: 'invalid_json' });
    const badMultipart = await t.call('/v1/openai/images/edits', { method: 'POST', body: '--xyz\r\nContent-Disposition: form-data; name="model"\r\n\r\ntest', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } });
    expect(badMultipart.status).toBe(400);
  });

  it('unknown routes and unknown model ids: 404', async () => {
    await expectError(await t.call('/v1/nothing-here'), 404, { type: 'not_found_error' });
    await expectError(await t.call('/v1/models/nobody/nothing', { auth: null }), 404, { code: 'model_not_found' });
    await expectError(await t.call('/storage/../../etc/passwd', { auth: null }), 404, {});
    await expectError(await t.call('/storage/0123456789abcdef0123456789abcdef.webp', { auth: null }), 404, { code: 'image_not_found' });
  });

  it('found by fuzzing (test/fuzz): NUL characters, output_compression 0, undecodable path escapes', async () => {
    // PostgreSQL text cannot hold NUL: a 400 naming the field, not a 500 when the usage record is written.
    await expectError(await post({ model: 'test/test', size: '64x64', response_format: 'b64_json', prompt: 'a\u0000b' }), 400, { param: 'prompt', code: 'invalid_value' });
    await expectError(await post({ model: 'test/test\u0000' }), 400, { param: 'model', code: 'invalid_value' });
    // 0 is a valid output_compression; sharp's webp and jpeg quality starts at 1.
    for (const output_format of ['webp', 'jpeg']) {
      const response = await post({ model: 'test/test', size: '64x64', response_format: 'b64_json', output_format, output_compression: 0 });
      expect(response.status).toBe(200);
    }
    // NUL reaching the database from a path, a query or an admin body: a 400, not a 500.
    await expectError(await t.call('/v1/usage/%00/content', { method: 'DELETE' }), 400, { code: 'invalid_value' });
    await expectError(await t.call('/v1/usage?model=%00'), 400, { code: 'invalid_value' });
    await expectError(await t.call('/v1/admin/accounts', { method: 'POST', auth: ADMIN_KEY, json: { name: 'a\u0000b' } }), 400, { code: 'invalid_value' });
    // A %-escape the router cannot decode, and "%25", which the router decodes to a lone '%'.
    await expectError(await t.call('/v1/models/%E0%A4%A', { auth: null }), 400, { type: 'invalid_request_error' });
    await expectError(await t.call('/v1/models/%25', { auth: null }), 404, { code: 'model_not_found' });
  });

  it('a multipart body refused midway leaves the keep-alive connection usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (pathname: string, contentType: string, body: string) => new Promise<number>((resolve, reject) => {
      const data = Buffer.from(body);
      const request = http.request(t.url + pathname, {
        method: 'POST', agent, headers: { authorization: `Bearer ${t.key}`, 'content-type': contentType, 'content-length': data.length },
      }, (response) => response.resume().on('end', () => resolve(response.statusCode ?? 0)));
      request.on('error', reject);
      request.setTimeout(5000, () => request.destroy(new Error(`no answer to ${pathname} within 5 s`)));
      // As a streaming client sends it: the first part, then the rest a moment later.
      request.write(data.subarray(0, 120));
      setTimeout(() => request.end(data.subarray(120)), 50);
    });
    const b = 'fuzz-boundary';
    const part = (disposition: string, value: string) => `--${b}\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n${value}\r\n`;
    const refusedMidway = [
      // refused at its first part (a file field other than image[] and mask[]), 200 KB still to come
      part('name="picture"; filename="a.png"', 'x') + part('name="image[]"; filename="b.png"', 'z'.repeat(200_000)),
      // refused past the 64 KB per-file limit, more parts after it
      part('name="image[]"; filename="a.png"', 'z'.repeat(100_000)) + part('name="model"', 'test/test'),
    ];
    try {
      for (const body of refusedMidway) {
        expect([400, 413]).toContain(await send('/v1/openai/images/edits', `multipart/form-data; boundary=${b}`, `${body}--${b}--\r\n`));
        // The next request on the same connection used to wait for the keep-alive timeout (72 s).
        expect(await send('/v1/openai/images/generations', 'application/json', '{"model":"nobody/nothing"}')).toBe(400);
      }
    } finally {
      agent.destroy();
    }
  });

  it('left nothing behind: failed requests stored no image', async () => {
    const stored = listFiles(path.join(t.dataDir, 'images')).filter((f) => !f.endsWith('.health'));
    // Only the one successful request above (the revoked-key check) stored an image.
    expect(stored).toHaveLength(1);
  });
});
