import { formatSize, type ImageRequest, type Size } from '../api/imageRequest.js';
import type { PriceRule } from '../catalog/types.js';
import type { UpstreamUsage } from '../providers/types.js';

/** Operator pricing on top of the providers' prices. */
export interface PricingPolicy {
  /** Added to every provider price, in percent (20 = +20%). */
  marginPercent: number;
}

const megapixels = (size: Size) => (size.width * size.height) / 1_000_000;
const inputMegapixels = (request: ImageRequest) => request.images.reduce((sum, image) => sum + (image.width * image.height) / 1_000_000, 0);

function tableRow(rule: Extract<PriceRule, { type: 'table' }>, request: ImageRequest, size: Size) {
  const row = rule.rows.find((r) => (r.size === undefined || r.size === formatSize(size)) && (r.quality === undefined || r.quality === request.quality));
  // A table without a matching row is priced at its most expensive row: never under-reserve.
  return row?.perImageMicros ?? Math.max(...rule.rows.map((r) => r.perImageMicros));
}

/** The provider's price for `images` images, before margin; `usage` only matters for reported prices. */
function basePrice(rule: PriceRule, request: ImageRequest, size: Size, images: number, usage?: UpstreamUsage): number {
  switch (rule.type) {
    case 'free':
      return 0;
    case 'fixed':
      return rule.perImageMicros * images;
    case 'table':
      return tableRow(rule, request, size) * images;
    case 'per_megapixel':
      return megapixels(size) * rule.perMegapixelMicros * images + (images > 0 ? inputMegapixels(request) * (rule.perInputMegapixelMicros ?? 0) : 0);
    case 'reported': {
      const ceiling = rule.maxPerImageMicros * images;
      if (usage === undefined) return ceiling; // the estimate, or an upstream that reported nothing
      let reported = usage.costMicros;
      const hasTokens = usage.inputTokens !== undefined || usage.imageInputTokens !== undefined || usage.outputTokens !== undefined;
      if (reported === undefined && rule.tokens && hasTokens) {
        const t = rule.tokens;
        reported = ((usage.inputTokens ?? 0) * t.inputPerMillionMicros + (usage.imageInputTokens ?? 0) * t.imageInputPerMillionMicros + (usage.outputTokens ?? 0) * t.outputPerMillionMicros) / 1_000_000;
      }
      return Math.min(reported ?? ceiling, ceiling);
    }
  }
}

const withMargin = (micros: number, policy: PricingPolicy) => Math.ceil((micros * (100 + policy.marginPercent)) / 100 - 1e-9);

/** The most a request can cost: what gets reserved before any provider is called. */
export function estimateMaxCost(rule: PriceRule, request: ImageRequest, size: Size, policy: PricingPolicy): number {
  return withMargin(basePrice(rule, request, size, request.n), policy);
}

/** What the images actually produced cost, never more than the estimate. */
export function actualCost(rule: PriceRule, request: ImageRequest, size: Size, images: number, usage: UpstreamUsage | undefined, policy: PricingPolicy): number {
  const cost = withMargin(basePrice(rule, request, size, images, usage), policy);
  return Math.min(cost, estimateMaxCost(rule, request, size, policy));
}

/** The per-image price shown in /v1/models, in USD: fixed, or the range a rule can produce. */
export function describePrice(rule: PriceRule, policy: PricingPolicy) {
  const usd = (micros: number) => withMargin(micros, policy) / 1_000_000;
  switch (rule.type) {
    case 'free':
      return { type: 'fixed', value: 0 };
    case 'fixed':
      return { type: 'fixed', value: usd(rule.perImageMicros) };
    case 'table': {
      const prices = rule.rows.map((r) => r.perImageMicros);
      return { type: 'calculated', range: { min: usd(Math.min(...prices)), max: usd(Math.max(...prices)) } };
    }
    case 'per_megapixel':
      return { type: 'per_megapixel', value: usd(rule.perMegapixelMicros) };
    case 'reported':
      return { type: 'post_generation', range: { min: 0, max: usd(rule.maxPerImageMicros) } };
  }
}

/** A rule's per-image price for sorting (the cheapest row; the ceiling for reported prices); unpriced models sort last. */
export function minPerImageMicros(rule: PriceRule | undefined): number {
  if (!rule) return Number.MAX_SAFE_INTEGER;
  switch (rule.type) {
    case 'free':
      return 0;
    case 'fixed':
      return rule.perImageMicros;
    case 'table':
      return Math.min(...rule.rows.map((r) => r.perImageMicros));
    case 'per_megapixel':
      return rule.perMegapixelMicros;
    case 'reported':
      return rule.maxPerImageMicros;
  }
}
