import type { ProviderOffer } from '../catalog/types.js';

export const STRATEGIES = ['priority', 'cheapest', 'fastest', 'weighted'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Moving average of observed latency per provider and upstream model. */
export class LatencyTracker {
  private averages = new Map<string, number>();

  constructor(private smoothing = 0.3) {}

  private key = (offer: ProviderOffer) => `${offer.provider}:${offer.upstreamModel}`;

  observe(offer: ProviderOffer, ms: number) {
    const previous = this.averages.get(this.key(offer));
    this.averages.set(this.key(offer), previous === undefined ? ms : previous + this.smoothing * (ms - previous));
  }

  get(offer: ProviderOffer): number | undefined {
    return this.averages.get(this.key(offer));
  }
}

export interface OrderContext {
  /** The most this offer would cost for the request, in micro-USD. */
  cost(offer: ProviderOffer): number;
  latency: LatencyTracker;
  /** Relative weights by provider id (default 1). */
  weights: Record<string, number>;
  random?: () => number;
}

/** The order in which a request tries its candidate offers. Ties keep catalog order. */
export function orderOffers(offers: ProviderOffer[], strategy: Strategy, ctx: OrderContext): ProviderOffer[] {
  const indexed = offers.map((offer, index) => ({ offer, index }));
  const byCatalog = (a: { index: number }, b: { index: number }) => a.index - b.index;
  switch (strategy) {
    case 'priority':
      return offers.slice();
    case 'cheapest':
      return indexed.sort((a, b) => ctx.cost(a.offer) - ctx.cost(b.offer) || byCatalog(a, b)).map((x) => x.offer);
    case 'fastest':
      // Offers never measured go first, so every provider gets observed once.
      return indexed
        .sort((a, b) => (ctx.latency.get(a.offer) ?? -1) - (ctx.latency.get(b.offer) ?? -1) || byCatalog(a, b))
        .map((x) => x.offer);
    case 'weighted': {
      const random = ctx.random ?? Math.random;
      const pool = indexed.map((x) => ({ ...x, weight: Math.max(0, ctx.weights[x.offer.provider] ?? 1) }));
      const ordered: ProviderOffer[] = [];
      while (pool.length) {
        const total = pool.reduce((sum, x) => sum + x.weight, 0);
        let pick = total > 0 ? random() * total : 0;
        let i = 0;
        while (i < pool.length - 1 && (pick -= pool[i]!.weight) >= 0) i++;
        ordered.push(pool.splice(total > 0 ? i : 0, 1)[0]!.offer);
      }
      return ordered;
    }
  }
}
