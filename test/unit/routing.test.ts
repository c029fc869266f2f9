import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/catalog/models.js';
import type { ProviderOffer } from '../../src/catalog/types.js';
import { fitSize } from '../../src/routing/fit.js';
import { LatencyTracker, orderOffers } from '../../src/routing/strategy.js';

const base = MODELS.find((m) => m.id === 'test/test')!.providers[0]!;
const offer = (provider: string, perImageMicros: number): ProviderOffer => ({ ...base, provider, price: { type: 'fixed', perImageMicros } });
const offers = [offer('a', 30), offer('b', 10), offer('c', 20)];
const ctx = (random?: () => number) => ({ cost: (o: ProviderOffer) => (o.price as { perImageMicros: number }).perImageMicros, latency: new LatencyTracker(), weights: { a: 1, b: 0, c: 3 }, random });
const ids = (list: ProviderOffer[]) => list.map((o) => o.provider);

describe('strategies', () => {
  it('priority keeps catalog order; cheapest sorts by the request’s cost', () => {
    expect(ids(orderOffers(offers, 'priority', ctx()))).toEqual(['a', 'b', 'c']);
    expect(ids(orderOffers(offers, 'cheapest', ctx()))).toEqual(['b', 'c', 'a']);
  });

  it('fastest puts unmeasured offers first, then the lowest moving average', () => {
    const c = ctx();
    c.latency.observe(offers[0]!, 100);
    c.latency.observe(offers[1]!, 500);
    expect(ids(orderOffers(offers, 'fastest', c))).toEqual(['c', 'a', 'b']);
    c.latency.observe(offers[2]!, 300);
    // The average moves towards new observations: b gets faster over a few quick answers.
    for (let i = 0; i < 10; i++) c.latency.observe(offers[1]!, 50);
    expect(ids(orderOffers(offers, 'fastest', c))).toEqual(['b', 'a', 'c']);
  });

  it('weighted draws in proportion to the weights and never picks weight 0 before the others', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 4000; i++) counts[orderOffers(offers, 'weighted', ctx(random))[0]!.provider]!++;
    expect(counts.b).toBe(0);
    expect(counts.c! / counts.a!).toBeGreaterThan(2.5);
    expect(counts.c! / counts.a!).toBeLessThan(3.5);
    expect(orderOffers(offers, 'weighted', ctx(random))).toHaveLength(3); // every offer still in the order
  });
});

describe('size fitting', () => {
  it('keeps an allowed size and maps others to the nearest, with a warning', () => {
    const list = { kind: 'list' as const, sizes: ['1024x1024', '1536x1024', '1024x1536'] };
    expect(fitSize(list, { width: 1024, height: 1024 })).toEqual({ size: { width: 1024, height: 1024 } });
    expect(fitSize(list, { width: 1920, height: 1080 }).size).toEqual({ width: 1536, height: 1024 });
    expect(fitSize(list, { width: 512, height: 512 })).toEqual({ size: { width: 1024, height: 1024 }, warning: 'size 512x512 is not available for this model; using 1024x1024' });
    const range = { kind: 'range' as const, min: 256, max: 1440, multipleOf: 32 };
    expect(fitSize(range, { width: 1000, height: 2000 }).size).toEqual({ width: 992, height: 1440 }); // nearest multiple of 32, clamped
    expect(fitSize(range, { width: 100, height: 300 }).size).toEqual({ width: 256, height: 288 });
    expect(fitSize({ kind: 'aspect', ratios: ['1:1'] }, { width: 1000, height: 700 })).toEqual({ size: { width: 1000, height: 700 } });
  });
});
