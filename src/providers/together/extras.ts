import type { ProviderCall } from '../types.js';

/**
 * Provider extras (`request.extras`: seed, negative_prompt, steps...) checked against what an
 * upstream model documents before they are sent. Shared by the Together and DeepInfra adapters,
 * whose models take flat JSON fields. A value a model cannot take is moved to the nearest one it
 * can, or left out, and either way `call.warn` says so: nothing is dropped quietly.
 */
export type ExtraRule =
  /** `why` explains a bound that is ours rather than the upstream's (a price that holds only up to it). */
  | { type: 'integer' | 'number'; min?: number; max?: number; why?: string }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'enum'; values: string[] };

export const integer = (min?: number, max?: number, why?: string): ExtraRule => ({ type: 'integer', min, max, why });
export const number = (min?: number, max?: number): ExtraRule => ({ type: 'number', min, max });
export const text: ExtraRule = { type: 'string' };
export const oneOf = (...values: string[]): ExtraRule => ({ type: 'enum', values });

/** The extras to send for a call: each one the model takes, fitted to its rule. */
export function fitExtras(call: ProviderCall, rules: Record<string, ExtraRule>): Record<string, unknown> {
  const sent: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(call.request.extras)) {
    const rule = rules[name];
    if (!rule) {
      call.warn(`'${name}' is not a parameter of ${call.upstreamModel}; not sent`);
      continue;
    }
    const fitted = fitExtra(name, value, rule, (message) => call.warn(`${message} (${call.upstreamModel})`));
    if (fitted !== undefined) sent[name] = fitted;
  }
  return sent;
}

function fitExtra(name: string, value: unknown, rule: ExtraRule, warn: (message: string) => void): unknown {
  switch (rule.type) {
    case 'integer':
    case 'number': {
      // Multipart sends every field as a string.
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) {
        warn(`'${name}' must be a number; not sent`);
        return undefined;
      }
      let fitted = rule.type === 'integer' ? Math.round(n) : n;
      if (rule.min !== undefined) fitted = Math.max(rule.min, fitted);
      if (rule.max !== undefined) fitted = Math.min(rule.max, fitted);
      if (fitted !== n) warn(`'${name}' ${n} is not allowed: ${describeRange(rule)}${rule.why ? ` (${rule.why})` : ''}; using ${fitted}`);
      return fitted;
    }
    case 'boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      warn(`'${name}' must be true or false; not sent`);
      return undefined;
    case 'string':
      if (typeof value === 'string') return value;
      warn(`'${name}' must be a string; not sent`);
      return undefined;
    case 'enum':
      if (typeof value === 'string' && rule.values.includes(value)) return value;
      warn(`'${name}' must be one of ${rule.values.join(', ')}; not sent`);
      return undefined;
  }
}

function describeRange(rule: { type: 'integer' | 'number'; min?: number; max?: number }): string {
  const kind = rule.type === 'integer' ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} from ${rule.min}`;
  if (rule.max !== undefined) return `${kind} up to ${rule.max}`;
  return kind;
}
