import { describe, expect, it } from 'vitest';
import { Catalog, parseModelQuery, sizeAllowed } from '../../src/catalog/catalog.js';
import { MODELS } from '../../src/catalog/models.js';
import { minPerImageMicros } from '../../src/billing/pricing.js';
import { PROVIDER_MODULES } from '../../src/providers/registry.js';
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

  it('every shipped model is well formed (the catalog schema check)', () => {
    const providerIds = new Set(PROVIDER_MODULES.map((m) => m.id));
    const ids = new Set<string>();
    for (const entry of MODELS) {
      expect(entry.id, entry.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(ids.has(entry.id), `duplicate ${entry.id}`).toBe(false);
      ids.add(entry.id);
      expect(entry.name.length).toBeGreaterThan(0);
      expect(entry.releaseDate, entry.id).toMatch(/^20\d{2}-\d{2}-\d{2}$/);
      expect(entry.providers.length).toBeGreaterThan(0);
      for (const offer of entry.providers) {
        const where = `${entry.id} via ${offer.provider}`;
        expect(providerIds.has(offer.provider), where).toBe(true);
        expect(offer.upstreamModel.length, where).toBeGreaterThan(0);
        expect(offer.priceSource?.length ?? 0, `${where}: price source`).toBeGreaterThan(0);
        // A model without a price is allowed (it is refused until the operator sets one), a bad price is not.
        if (offer.price) {
          const cheapest = minPerImageMicros(offer.price);
          expect(Number.isInteger(cheapest) && cheapest >= 0, where).toBe(true);
        }
        const caps = offer.capabilities;
        if (caps.sizes.kind === 'list') expect(caps.sizes.sizes.every((size) => /^\d+x\d+$/.test(size)), where).toBe(true);
        if (caps.sizes.kind === 'range') expect(caps.sizes.min <= caps.sizes.max && caps.sizes.multipleOf >= 1, where).toBe(true);
        if (caps.sizes.kind === 'aspect') expect(caps.sizes.ratios.every((r) => /^\d+(\.\d+)?:\d+(\.\d+)?$/.test(r)), where).toBe(true);
        expect(caps.defaultSize, where).toMatch(/^\d+x\d+$/);
        expect(caps.maxImagesPerCall, where).toBeGreaterThanOrEqual(1);
        expect(caps.maxInputImages, where).toBeLessThanOrEqual(16);
        if (caps.edit) expect(caps.maxInputImages, where).toBeGreaterThanOrEqual(1);
        if (caps.mask) expect(caps.edit, where).toBe(true);
        expect(caps.maxPromptLength, where).toBeLessThanOrEqual(32000);
        expect(caps.outputFormats.length, where).toBeGreaterThan(0);
      }
    }
  });
});
