import { invalidRequest } from '../api/errors.js';
import type { Size } from '../api/imageRequest.js';
import { describePrice, minPerImageMicros, type PricingPolicy } from '../billing/pricing.js';
import type { Capabilities, ModelEntry, PriceRule, ProviderOffer, SizeRule } from './types.js';

export const SORTS = ['date', 'name', 'price', 'popularity'] as const;
export type ModelSort = (typeof SORTS)[number];

export interface ModelQuery {
  type?: string;
  name?: string;
  provider?: string;
  free?: boolean;
  sort?: ModelSort;
  limit?: number;
}

export function sizeAllowed(rule: SizeRule, size: Size): boolean {
  if (rule.kind === 'list') return rule.sizes.includes(`${size.width}x${size.height}`);
  if (rule.kind === 'aspect') return true;
  return [size.width, size.height].every((d) => d >= rule.min && d <= rule.max && d % rule.multipleOf === 0);
}

export function describeSizeRule(rule: SizeRule): string {
  if (rule.kind === 'aspect') return `any size (mapped to the nearest of the aspect ratios ${rule.ratios.join(', ')})`;
  return rule.kind === 'list'
    ? `one of ${rule.sizes.join(', ')}`
    : `WIDTHxHEIGHT with each side ${rule.min}-${rule.max}${rule.multipleOf > 1 ? ` and a multiple of ${rule.multipleOf}` : ''}`;
}

/** The cheapest per-image price any offer asks, in micro-USD. */
export const minPriceMicros = (model: ModelEntry) => Math.min(...model.providers.map((o) => minPerImageMicros(o.price)));

const isFreeRule = (price: PriceRule | undefined) => price?.type === 'free' || (price?.type === 'fixed' && price.perImageMicros === 0);
export const isFree = (model: ModelEntry) => model.providers.every((o) => isFreeRule(o.price));

/** The catalog with the operator's per-model prices in place of the providers' own. */
function withOverrides(models: ModelEntry[], overrides: Record<string, PriceRule>): ModelEntry[] {
  return models.map((model) => {
    const price = overrides[model.id];
    return price ? { ...model, providers: model.providers.map((offer) => ({ ...offer, price })) } : model;
  });
}

/** The models, looked up by id or alias, filtered and presented in ImageRouter's shape. */
export class Catalog {
  private byName = new Map<string, ModelEntry>();
  readonly models: ModelEntry[];

  constructor(
    models: ModelEntry[],
    private providerAvailable: (providerId: string) => boolean,
    private pricing: PricingPolicy = { marginPercent: 0 },
    priceOverrides: Record<string, PriceRule> = {},
  ) {
    this.models = withOverrides(models, priceOverrides);
    for (const model of this.models) {
      for (const name of [model.id, ...model.aliases]) this.byName.set(name.toLowerCase(), model);
    }
  }

  resolve(name: string): ModelEntry | undefined {
    return this.byName.get(name.trim().toLowerCase());
  }

  /** Offers whose provider is configured, in priority order. */
  availableOffers(model: ModelEntry): ProviderOffer[] {
    return model.providers.filter((offer) => this.providerAvailable(offer.provider));
  }

  isAvailable(model: ModelEntry): boolean {
    return this.availableOffers(model).length > 0;
  }

  /** What the model supports through any of its providers (not only the first). */
  supportedParams(model: ModelEntry) {
    const any = (key: keyof Pick<Capabilities, 'quality' | 'edit' | 'mask'>) => model.providers.some((o) => o.capabilities[key]);
    return {
      quality: any('quality'),
      edit: any('edit'),
      mask: any('mask'),
      n: model.providers.some((o) => o.capabilities.maxImagesPerCall > 1),
    };
  }

  present(model: ModelEntry) {
    return {
      id: model.id,
      name: model.name,
      aliases: model.aliases,
      providers: model.providers.map((offer) => ({
        id: offer.provider,
        model_name: offer.upstreamModel,
        pricing: offer.price ? describePrice(offer.price, this.pricing) : null,
        available: this.providerAvailable(offer.provider),
      })),
      sizes: [...new Set(model.providers.flatMap((o) => o.capabilities.listedSizes))],
      release_date: model.releaseDate,
      output: ['image'],
      supported_params: this.supportedParams(model),
      free: isFree(model),
      available: this.isAvailable(model),
    };
  }

  /** GET /v1/models: filtered, sorted and limited; `popularity` counts recent uses by model id. */
  list(query: ModelQuery, popularity: Map<string, number> = new Map()) {
    let models = this.models.filter((model) => {
      if (query.type && query.type.toLowerCase() !== 'image') return false;
      if (query.name && !`${model.id} ${model.name} ${model.aliases.join(' ')}`.toLowerCase().includes(query.name.toLowerCase())) return false;
      if (query.provider && !model.providers.some((o) => o.provider === query.provider)) return false;
      if (query.free !== undefined && isFree(model) !== query.free) return false;
      return true;
    });
    models = sortModels(models, query.sort ?? 'popularity', popularity);
    if (query.limit !== undefined) models = models.slice(0, query.limit);
    return Object.fromEntries(models.map((model) => [model.id, this.present(model)]));
  }

  /** The `limit` most used models, topped up from the curated order when usage is thin. */
  popular(popularity: Map<string, number>, limit = 10): ModelEntry[] {
    return sortModels(this.models, 'popularity', popularity).slice(0, limit);
  }
}

export function sortModels(models: ModelEntry[], sort: ModelSort, popularity: Map<string, number>): ModelEntry[] {
  const byCurated = (a: ModelEntry, b: ModelEntry) => a.curatedRank - b.curatedRank || a.id.localeCompare(b.id);
  const compare: Record<ModelSort, (a: ModelEntry, b: ModelEntry) => number> = {
    date: (a, b) => b.releaseDate.localeCompare(a.releaseDate) || a.id.localeCompare(b.id),
    name: (a, b) => a.id.localeCompare(b.id),
    price: (a, b) => minPriceMicros(a) - minPriceMicros(b) || a.id.localeCompare(b.id),
    popularity: (a, b) => (popularity.get(b.id) ?? 0) - (popularity.get(a.id) ?? 0) || byCurated(a, b),
  };
  return [...models].sort(compare[sort]);
}

/** Reads /v1/models query parameters; a bad value is a 400 naming it. */
export function parseModelQuery(raw: Record<string, string | undefined>): ModelQuery {
  const query: ModelQuery = { type: raw.type || undefined, name: raw.name || undefined, provider: raw.provider || undefined };
  if (raw.free !== undefined && raw.free !== '') {
    if (!['true', 'false'].includes(raw.free)) throw invalidRequest("'free' must be true or false", 'free');
    query.free = raw.free === 'true';
  }
  if (raw.sort) {
    if (!(SORTS as readonly string[]).includes(raw.sort)) throw invalidRequest(`'sort' must be one of: ${SORTS.join(', ')}`, 'sort');
    query.sort = raw.sort as ModelSort;
  }
  if (raw.limit !== undefined && raw.limit !== '') {
    const limit = Number(raw.limit);
    if (!Number.isInteger(limit) || limit < 1) throw invalidRequest("'limit' must be a positive integer", 'limit');
    query.limit = limit;
  }
  return query;
}
