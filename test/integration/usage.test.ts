import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let alice: { key: string; accountId: string };
let bob: { key: string; accountId: string };
beforeAll(async () => {
  t = await startTestServer();
  const make = async (name: string) => {
    const key = await t.admin('POST', '/v1/admin/keys', { name });
    return { key: key.key as string, accountId: key.account_id as string };
  };
  alice = await make('alice');
  bob = await make('bob');
});
afterAll(async () => t?.close());

const generate = (key: string, body: Record<string, unknown>) =>
  t.call('/v1/openai/images/generations', { method: 'POST', auth: key, json: { model: 'test/test', size: '64x64', ...body } });
const usage = async (key: string, query = '') => {
  const response = await t.call(`/v1/usage${query}`, { auth: key });
  return { status: response.status, body: (await response.json()) as any };
};

describe('usage records', () => {
  it('records each request with its outcome, attempts and outputs; the prompt, never for b64_ephemeral', async () => {
    await generate(alice.key, { prompt: 'alice one', n: 2 });
    await generate(alice.key, { prompt: 'alice secret', response_format: 'b64_ephemeral' });
    await generate(alice.key, { prompt: 'alice bad', size: 'huge' });
    const { body } = await usage(alice.key);
    expect(body.data).toHaveLength(3);
    const [bad, secret, one] = body.data;
    expect(one).toMatchObject({ model: 'test/test', provider: 'test', status: 'success', http_status: 200, n: 2, images: 2, size: '64x64', quality: 'auto', cost: 0, prompt: 'alice one', account_id: alice.accountId });
    expect(one.output_ids).toHaveLength(2);
    expect(one.attempts).toEqual([expect.objectContaining({ provider: 'test', status: 'success', latency_ms: expect.any(Number) })]);
    expect(secret).toMatchObject({ response_format: 'b64_ephemeral', prompt: null, output_ids: [] });
    expect(bad).toMatchObject({ status: 'error', http_status: 400, error_code: 'invalid_size' });
  });

  it('one key never sees another account’s records; the admin key sees all', async () => {
    await generate(bob.key, { prompt: 'bob only' });
    const aliceView = await usage(alice.key);
    expect(aliceView.body.data.every((r: any) => r.account_id === alice.accountId)).toBe(true);
    expect(JSON.stringify(aliceView.body)).not.toContain('bob only');
    const bobView = await usage(bob.key);
    expect(bobView.body.data.map((r: any) => r.prompt)).toEqual(['bob only']);
    const adminView = await usage(ADMIN_KEY, '?limit=500');
    expect(adminView.body.data.length).toBeGreaterThanOrEqual(4);
    expect((await usage(ADMIN_KEY, `?account_id=${bob.accountId}`)).body.data).toHaveLength(1);
    // A key cannot widen its view with account_id.
    expect((await usage(bob.key, `?account_id=${alice.accountId}`)).body.data.map((r: any) => r.prompt)).toEqual(['bob only']);
  });

  it('paginates newest first and filters by model and time', async () => {
    const first = await usage(alice.key, '?limit=2');
    expect(first.body.data).toHaveLength(2);
    expect(first.body.has_more).toBe(true);
    const second = await usage(alice.key, `?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.has_more).toBe(false);
    const ids = [...first.body.data, ...second.body.data].map((r: any) => r.id);
    expect(new Set(ids).size).toBe(3);
    expect((await usage(alice.key, '?model=other/model')).body.data).toEqual([]);
    expect((await usage(alice.key, `?from=${Math.floor(Date.now() / 1000) + 60}`)).body.data).toEqual([]);
    expect((await usage(alice.key, `?to=2000-01-01T00:00:00Z`)).body.data).toEqual([]);
    expect((await usage(alice.key, '?from=yesterday')).status).toBe(400);
    expect((await usage(alice.key, '?limit=0')).status).toBe(400);
  });

  it('a key deletes the prompt and images of its own records, not of others', async () => {
    const response = await generate(alice.key, { prompt: 'to forget' });
    const url = ((await response.json()) as any).data[0].url;
    expect((await fetch(url)).status).toBe(200);
    const record = (await usage(alice.key)).body.data.find((r: any) => r.prompt === 'to forget');
    expect((await t.call(`/v1/usage/${record.id}/content`, { method: 'DELETE', auth: bob.key })).status).toBe(404);
    const deleted = await t.call(`/v1/usage/${record.id}/content`, { method: 'DELETE', auth: alice.key });
    expect(await deleted.json()).toEqual({ id: record.id, prompt_deleted: true, images_deleted: 1 });
    expect((await fetch(url)).status).toBe(404);
    const after = (await usage(alice.key)).body.data.find((r: any) => r.id === record.id);
    expect(after).toMatchObject({ prompt: null, output_ids: [], status: 'success' });
  });
});
