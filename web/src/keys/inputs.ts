import { h } from '../dom.js';
import type { KeyLimits } from '../types.js';

/** Empty means "no limit" (null); otherwise the number typed. */
export const numberOrNull = (input: HTMLInputElement) => (input.value.trim() === '' ? null : Number(input.value));

export const moneyInput = (props: Record<string, unknown> = {}) => h('input', { type: 'number', step: '0.01', inputmode: 'decimal', ...props });
export const countInput = (props: Record<string, unknown> = {}) => h('input', { type: 'number', step: '1', min: 1, inputmode: 'numeric', ...props });

/** "test/*, openai/*" to a list; empty means every model (null). */
export function patternsOrNull(input: HTMLInputElement): string[] | null {
  const patterns = input.value.split(',').map((p) => p.trim()).filter(Boolean);
  return patterns.length ? patterns : null;
}

/** A date input's day as an expiry: the key stops working when that day starts (UTC). */
export const expiryOrNull = (input: HTMLInputElement) => (input.value ? `${input.value}T00:00:00Z` : null);

/** The key-limit fields shared by "create" and "edit", filled from a key when editing. */
export function limitFields(key?: KeyLimits) {
  return {
    spend: moneyInput({ min: 0, value: key?.spend_limit_usd ?? '' }),
    daily: moneyInput({ min: 0, value: key?.daily_spend_limit_usd ?? '' }),
    rpm: countInput({ value: key?.rate_limit_rpm ?? '' }),
    concurrency: countInput({ value: key?.concurrency_limit ?? '' }),
    models: h('input', { type: 'text', placeholder: 'test/*, openai/*', value: key?.allowed_models?.join(', ') ?? '' }),
    expires: h('input', { type: 'date', value: key?.expires_at?.slice(0, 10) ?? '' }),
  };
}

export type LimitFields = ReturnType<typeof limitFields>;

/** The fields as the admin API spells them; null clears a limit. */
export const limitsBody = (f: LimitFields) => ({
  spend_limit_usd: numberOrNull(f.spend),
  daily_spend_limit_usd: numberOrNull(f.daily),
  rate_limit_rpm: numberOrNull(f.rpm),
  concurrency_limit: numberOrNull(f.concurrency),
  allowed_models: patternsOrNull(f.models),
  expires_at: expiryOrNull(f.expires),
});
