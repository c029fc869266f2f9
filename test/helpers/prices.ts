import type { PriceRule } from '../../src/catalog/types.js';

/** Every amount a price rule holds, in micro-USD: for checking that each is a non-negative integer. */
export function priceAmounts(rule: PriceRule): number[] {
  switch (rule.type) {
    case 'free':
      return [];
    case 'fixed':
      return [rule.perImageMicros];
    case 'table':
      return rule.rows.map((r) => r.perImageMicros);
    case 'per_megapixel':
      return [rule.perMegapixelMicros, rule.perInputMegapixelMicros ?? 0];
    case 'reported':
      return [rule.maxPerImageMicros, ...Object.values(rule.tokens ?? {})];
  }
}
