import type { Model, Pricing } from './types.js';

/** Dollars as people write them: $12.50, $0.04, $0.0398; never float noise. */
export function usd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '$0';
  if (abs >= 1) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const trimmed = abs.toFixed(6).replace(/0+$/, '');
  const [whole, fraction = ''] = trimmed.split('.');
  return `${sign}$${whole}.${fraction.padEnd(2, '0')}`;
}

export const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The local calendar day of a time, as YYYY-MM-DD. */
export function localDay(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
}

/** One offer's price rule in words. */
export function price(pricing: Pricing | null): string {
  if (!pricing) return 'no price';
  if (pricing.type === 'fixed') return pricing.value === 0 ? 'free' : `${usd(pricing.value)}/image`;
  if (pricing.type === 'per_megapixel') return `${usd(pricing.value)}/MP`;
  const { min, max } = pricing.range;
  if (min === max) return `${usd(min)}/image`;
  // Reported prices are only known after the call: the range's floor of 0 says nothing.
  if (pricing.type === 'post_generation' && min === 0) return `up to ${usd(max)}/image`;
  return `${usd(min)}–${usd(max)}/image`;
}

/** A model's headline price: its first available offer's (the catalog lists the official provider first). */
export function modelPrice(model: Model): string {
  if (model.free) return 'free';
  const offer = model.providers.find((o) => o.available && o.pricing) ?? model.providers.find((o) => o.pricing);
  return offer ? price(offer.pricing) : 'no price';
}
