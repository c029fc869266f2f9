import { h } from '../dom.js';
import { usd } from '../format.js';
import type { KeyLimits } from '../types.js';

/** A row of labelled numbers (balance, spent...). */
export const stats = (items: Array<[string, string]>) =>
  h('dl', { class: 'stats' }, items.map(([label, value]) => h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, value))));

/** A key's limits in a few words; "no limits" when it has none. */
export function limitsSummary(key: KeyLimits): string {
  const parts = [
    key.rate_limit_rpm !== null && `${key.rate_limit_rpm}/min`,
    key.concurrency_limit !== null && `${key.concurrency_limit} at a time`,
    key.spend_limit_usd !== null && `${usd(key.spend_limit_usd)} total`,
    key.daily_spend_limit_usd !== null && `${usd(key.daily_spend_limit_usd)}/day`,
    key.allowed_models !== null && `models: ${key.allowed_models.join(', ')}`,
    key.expires_at !== null && `expires ${key.expires_at.slice(0, 10)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no limits';
}
