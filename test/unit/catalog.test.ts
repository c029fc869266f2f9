import { describe, expect, it } from 'vitest';
import { Catalog, parseModelQuery, sizeAllowed } from '../../src/catalog/catalog.js';
import { MODELS } from '../../src/catalog/models.js';
import { minPerImageMicros } from '../../src/billing/pricing.js';
import type { ModelEntry } from '../../src/catalog/types.js';

// A made-up catalog: the shipped one has a single model until real providers arrive.
const base = MODELS[0]!;
const model = (id: string, releaseDate: string, priceMicros: number, provider: string, rank: number, edit = true): ModelEntry => ({
  ...base,
  id,
  name: id,
  aliases: [],
  releaseDate,
  curatedRank: rank,
  providers: [{ ...base.providers[0]!, provider, price: { type: 'fixed', perImageMicros: priceMicros }, capabilities: { ...base.providers[0]!.capabilities, edit, mask: false, maxImagesPerCall: 1 } }],
});
const models = [
  model('acme/alpha', '2024-05-01', 40_000, 'acme', 2),
  model('acme/beta', '2025-03-01', 10_000, 'acme', 1, false),
  model('zeta/gamma', '2023-01-01', 0, 'zeta', 3),
];
const catalog = new Catalog(models, (provider) => provider === 'acme');

describe('catalog', () => {
  it('sorts by date (newest first), name, price (cheapest first) and popularity', () => {
    expect(Object.keys(catalog.list({ sort: 'date' }))).toEqual(['acme/beta', 'acme/alpha', 'zeta/gamma']);
    expect(Object.keys(catalog.list({ sort: 'name' }))).toEqual(['acme/alpha', 'acme/beta', 'zeta/gamma']);
    expect(Object.keys(catalog.list({ sort: 'price' }))).toEqual(['zeta/gamma', 'acme/beta', 'acme/alpha']);
    expect(Object.keys(catalog.list({ sort: 'popularity' }))).toEqual(['acme/beta', 'acme/alpha', 'zeta/gamma']);
    const used = new Map([['zeta/gamma', 5], ['acme/alpha', 2]]);
    expect(Object.keys(catalog.list({ sort: 'popularity' }, used))).toEqual(['zeta/gamma', 'acme/alpha', 'acme/beta']);
  });

  it('filters by name, provider and free, then limits', () => {
    expect(Object.keys(catalog.list({ name: 'ALP' }))).toEqual(['acme/alpha']);
    expect(Object.keys(catalog.list({ provider: 'zeta' }))).toEqual(['zeta/gamma']);
    expect(Object.keys(catalog.list({ free: true }))).toEqual(['zeta/gamma']);
    expect(Object.keys(catalog.list({ free: false, sort: 'name' }))).toEqual(['acme/alpha', 'acme/beta']);
    expect(Object.keys(catalog.list({ sort: 'name', limit: 2 }))).toEqual(['acme/alpha', 'acme/beta']);
  });

  it('marks models unavailable when no provider is configured, and prices in USD', () => {
    const listed = catalog.list({});
    expect(listed['zeta/gamma']!.available).toBe(false);
    expect(listed['acme/alpha']!.available).toBe(true);
    expect(listed['acme/alpha']!.providers[0]!.pricing).toEqual({ type: 'fixed', value: 0.04 });
    expect(listed['acme/beta']!.supported_params).toEqual({ quality: true, edit: false, mask: false, n: false });
  });

  it('computes supported_params from every provider, not only the first', () => {
    const twoProviders: ModelEntry = { ...models[1]!, providers: [...models[1]!.providers, ...models[0]!.providers] };
    expect(new Catalog([twoProviders], () => true).supportedParams(twoProviders).edit).toBe(true);
  });

  it('popular tops up from the curated order', () => {
    expect(catalog.popular(new Map([['zeta/gamma', 1]]), 2).map((m) => m.id)).toEqual(['zeta/gamma', 'acme/beta']);
  });

  it('checks sizes against list and range rules', () => {
    expect(sizeAllowed({ kind: 'list', sizes: ['1024x1024'] }, { width: 1024, height: 1024 })).toBe(true);
    expect(sizeAllowed({ kind: 'list', sizes: ['1024x1024'] }, { width: 1024, height: 1536 })).toBe(false);
    expect(sizeAllowed({ kind: 'range', min: 256, max: 2048, multipleOf: 64 }, { width: 512, height: 768 })).toBe(true);
    expect(sizeAllowed({ kind: 'range', min: 256, max: 2048, multipleOf: 64 }, { width: 500, height: 768 })).toBe(false);
    expect(sizeAllowed({ kind: 'range', min: 256, max: 2048, multipleOf: 64 }, { width: 4096, height: 768 })).toBe(false);
  });

  it('parses query strings strictly', () => {
    expect(parseModelQuery({ sort: 'price', limit: '5', free: 'true', name: 'x' })).toEqual({ type: undefined, name: 'x', provider: undefined, sort: 'price', limit: 5, free: true });
    expect(() => parseModelQuery({ limit: '2.5' })).toThrow(/limit/);
  });

  it('every shipped model is well formed', () => {
    for (const entry of MODELS) {
      expect(entry.id).toMatch(/^[a-z0-9-]+\/[\w.-]+$/);
      expect(entry.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.providers.length).toBeGreaterThan(0);
      for (const offer of entry.providers) {
        expect(offer.price).toBeDefined();
        const cheapest = minPerImageMicros(offer.price);
        expect(Number.isInteger(cheapest) && cheapest >= 0).toBe(true);
        expect(offer.capabilities.maxPromptLength).toBeLessThanOrEqual(32000);
        expect(offer.capabilities.maxInputImages).toBeLessThanOrEqual(16);
      }
    }
  });
});
