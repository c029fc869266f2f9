import type { ProviderCall } from './types.js';

/**
 * How a provider extra (`request.extras`: seed, negative_prompt, steps...) is checked against what
 * an upstream model documents before it is sent. Multipart sends every field as a string, so
 * numbers, booleans and JSON are parsed. A value outside the documented range is moved to the
 * nearest allowed one and reported; a value of the wrong kind is reported and not sent: nothing is
 * dropped quietly.
 */
export type ExtraRule =
  /** `why` explains a bound that is ours rather than the upstream's (a price that holds only up to it). */
  | { type: 'integer' | 'number'; min?: number; max?: number; why?: string }
  | { type: 'boolean' }
  /** `refused`: values that would change the price (Recraft's vector styles cost double); never sent. */
  | { type: 'string'; maxLength?: number; refused?: { prefix: string; reason: string } }
  /** fal documents some enums of digits as strings ("1".."6"): numbers are accepted and sent as strings. */
  | { type: 'enum'; values: string[] }
  /** Arrays and objects (colors, color_palette, style_codes), passed as given. */
  | { type: 'json'; shape: 'array' | 'object' };

export const integer = (min?: number, max?: number, why?: string): ExtraRule => ({ type: 'integer', min, max, why });
export const number = (min?: number, max?: number): ExtraRule => ({ type: 'number', min, max });
export const boolean: ExtraRule = { type: 'boolean' };
export const text = (maxLength?: number, refused?: { prefix: string; reason: string }): ExtraRule => ({ type: 'string', maxLength, refused });
export const oneOf = (...values: string[]): ExtraRule => ({ type: 'enum', values });
export const list: ExtraRule = { type: 'json', shape: 'array' };
export const object: ExtraRule = { type: 'json', shape: 'object' };

type Warn = (message: string) => void;

/** The value to send: as given, moved to the nearest allowed value, or undefined (not sent). */
export function fitExtra(name: string, value: unknown, rule: ExtraRule, warn: Warn): unknown {
  switch (rule.type) {
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) return reject(warn, name, rule.type === 'integer' ? 'an integer' : 'a number');
      let fitted = rule.type === 'integer' ? Math.round(n) : n;
      if (rule.min !== undefined) fitted = Math.max(rule.min, fitted);
      if (rule.max !== undefined) fitted = Math.min(rule.max, fitted);
      if (fitted !== n) warn(`'${name}' ${n} is outside what this model allows (${range(rule)}${rule.why ? `: ${rule.why}` : ''}); using ${fitted}`);
      return fitted;
    }
    case 'boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      return reject(warn, name, 'true or false');
    case 'string':
      if (typeof value !== 'string') return reject(warn, name, 'a string');
      if (rule.maxLength !== undefined && value.length > rule.maxLength) return reject(warn, name, `at most ${rule.maxLength} characters`);
      if (rule.refused && value.startsWith(rule.refused.prefix)) {
        warn(`'${name}' ${value.slice(0, 60)} is not offered here (${rule.refused.reason}); not sent`);
        return undefined;
      }
      return value;
    case 'enum': {
      const given = typeof value === 'number' ? String(value) : value;
      if (typeof given === 'string' && rule.values.includes(given)) return given;
      return reject(warn, name, `one of ${rule.values.join(', ')}`);
    }
    case 'json': {
      let parsed = value;
      if (typeof value === 'string') {
        try {
          parsed = JSON.parse(value);
        } catch {
          return reject(warn, name, `a JSON ${rule.shape}`);
        }
      }
      const isArray = Array.isArray(parsed);
      const fits = rule.shape === 'array' ? isArray : !isArray && typeof parsed === 'object' && parsed !== null;
      return fits ? parsed : reject(warn, name, `a JSON ${rule.shape}`);
    }
  }
}

function reject(warn: Warn, name: string, expected: string): undefined {
  warn(`'${name}' must be ${expected}; not sent`);
  return undefined;
}

function range(rule: { type: 'integer' | 'number'; min?: number; max?: number }): string {
  const kind = rule.type === 'integer' ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} from ${rule.min}`;
  if (rule.max !== undefined) return `${kind} up to ${rule.max}`;
  return kind;
}

/** The extras to send for a call: each one the model takes, fitted to its rule; the rest reported. */
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
