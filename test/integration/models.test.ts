import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

const getJson = async (path: string) => {
  const response = await fetch(t.url + path);
  return { status: response.status, body: (await response.json()) as any };
};

describe('model listing', () => {
  it('GET /v1/models answers in ImageRouter’s shape, keyed by id, without a key', async () => {
    const { status, body } = await getJson('/v1/models');
    expect(status).toBe(200);
    expect(body['test/test']).toMatchObject({
      providers: [{ id: 'test', model_name: 'test', pricing: { type: 'fixed', value: 0 } }],
      release_date: '2025-01-01',
      output: ['image'],
      supported_params: { quality: true, edit: true, mask: true, n: true },
      available: true,
      free: true,
    });
    expect(body['test/test'].sizes).toContain('1024x1024');
  });

  it('filters by type, name, provider and free, and limits', async () => {
    const all = Object.keys((await getJson('/v1/models?type=image&sort=date&limit=1000')).body);
    expect(all.length).toBeGreaterThanOrEqual(30);
    const named = Object.keys((await getJson('/v1/models?type=image&sort=date&name=TEST')).body);
    expect(named).toContain('test/test');
    expect(named.every((id) => id.includes('test'))).toBe(true);
    const gemini = (await getJson('/v1/models?name=gemini')).body;
    expect(Object.keys(gemini).length).toBeGreaterThan(0);
    expect(Object.values(gemini).every((m: any) => `${m.id} ${m.name} ${m.aliases.join(' ')}`.toLowerCase().includes('gemini'))).toBe(true);
    expect((await getJson('/v1/models?type=video')).body).toEqual({});
    expect(Object.keys((await getJson('/v1/models?provider=test')).body)).toEqual(['test/test']);
    const openai = (await getJson('/v1/models?provider=openai')).body;
    expect(Object.keys(openai)).toContain('openai/gpt-image-1.5');
    expect(Object.values(openai).every((m: any) => m.providers.some((p: any) => p.id === 'openai'))).toBe(true);
    expect((await getJson('/v1/models?provider=nobody')).body).toEqual({});
    const free = Object.values((await getJson('/v1/models?free=true')).body) as any[];
    expect(free.map((m) => m.id)).toContain('test/test'); // and the self-hosted ones: the operator's own GPUs
    expect(free.every((m) => m.free && m.providers.every((p: any) => p.pricing.value === 0))).toBe(true);
    const paid = Object.keys((await getJson('/v1/models?free=false&limit=1000')).body);
    expect(paid).not.toContain('test/test');
    expect(paid.length).toBe(all.length - free.length);
    expect(Object.keys((await getJson('/v1/models?limit=2')).body)).toHaveLength(2);
  });

  it('lists each provider’s models with ?provider=<id>', async () => {
    const { PROVIDER_MODULES } = await import('../../src/providers/registry.js');
    for (const module of PROVIDER_MODULES) {
      const listed = Object.keys((await getJson(`/v1/models?provider=${module.id}&limit=1000`)).body).sort();
      expect(listed, module.id).toEqual([...new Set(module.models.map((m) => m.model.id))].sort());
    }
  });

  it('shows models whose providers have no key as unavailable', async () => {
    const model = (await getJson('/v1/models/openai/gpt-image-1.5')).body;
    expect(model.available).toBe(false);
    expect(model.providers.every((p: any) => p.available === false)).toBe(true);
    expect((await getJson('/v1/models/test/test')).body.available).toBe(true);
  });

  it('sorts by price (cheapest first) and date (newest first)', async () => {
    const byPrice = Object.values((await getJson('/v1/models?sort=price&limit=1000')).body) as any[];
    expect(byPrice[0].free).toBe(true);
    expect(byPrice.at(-1).free).toBe(false);
    const byDate = Object.values((await getJson('/v1/models?sort=date&limit=1000')).body) as any[];
    const dates = byDate.map((m) => m.release_date);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('rejects bad filters with 400 naming them', async () => {
    for (const [query, param] of [['sort=random', 'sort'], ['limit=0', 'limit'], ['limit=x', 'limit'], ['free=maybe', 'free']]) {
      const { status, body } = await getJson(`/v1/models?${query}`);
      expect(status).toBe(400);
      expect(body.error.param).toBe(param);
    }
  });

  it('GET /v1/models/{id} takes ids with a slash (and aliases); unknown ids are 404', async () => {
    expect((await getJson('/v1/models/test/test')).body.id).toBe('test/test');
    expect((await getJson('/v1/models/test%2Ftest')).body.id).toBe('test/test');
    expect((await getJson('/v1/models/test')).body.id).toBe('test/test');
    const missing = await getJson('/v1/models/openai/not-a-model');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'model_not_found', type: 'not_found_error' });
  });

  it('GET /v1/openai/models answers in OpenAI’s list shape', async () => {
    const { body } = await getJson('/v1/openai/models');
    expect(body.object).toBe('list');
    expect(body.data).toContainEqual({ id: 'test/test', object: 'model', created: Date.UTC(2025, 0, 1) / 1000, owned_by: 'test' });
    expect((await getJson('/v1/openai/models/test/test')).body).toMatchObject({ id: 'test/test', object: 'model' });
  });

  it('POST /operations/get-popular-models: the curated order, then real usage', async () => {
    const before = await (await fetch(`${t.url}/operations/get-popular-models`, { method: 'POST' })).json() as any[];
    expect(before).toHaveLength(10);
    expect(before.every((m) => m.uses_last_7_days === 0)).toBe(true);
    expect(before.map((m) => m.id)).not.toContain('test/test'); // the local test model is not a popular model by default
    for (let i = 0; i < 3; i++) {
      await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: '64x64', response_format: 'b64_json' } });
    }
    // A failed request does not count as a use.
    await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', size: 'huge' } });
    const after = await (await fetch(`${t.url}/operations/get-popular-models`, { method: 'POST' })).json() as any[];
    expect(after[0]).toMatchObject({ id: 'test/test', uses_last_7_days: 3 });
  });

  it('GET /health reports the database and storage', async () => {
    const { status, body } = await getJson('/health');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', database: { status: 'ok', kind: 'pglite' }, storage: { status: 'ok', kind: 'filesystem' } });
  });
});
