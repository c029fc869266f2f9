import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../db/index.js';

export const KEY_PREFIX = 'sk-pr-';

/** What an operator can limit per key. Null means no limit. */
export interface KeyLimits {
  /** Model id patterns such as `openai/*`; null allows every model. */
  allowedModels: string[] | null;
  rateLimitRpm: number | null;
  concurrencyLimit: number | null;
  spendLimitMicros: number | null;
  dailySpendLimitMicros: number | null;
}

export interface KeySettings extends KeyLimits {
  name: string;
  enabled: boolean;
  expiresAt: Date | null;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key, enough to recognise it in a list, never enough to use it. */
  hint: string;
  account_id: string;
  enabled: boolean;
  expires_at: string | null;
  allowed_models: string[] | null;
  rate_limit_rpm: number | null;
  concurrency_limit: number | null;
  spend_limit_usd: number | null;
  daily_spend_limit_usd: number | null;
  spent_usd: number;
  created_at: string;
  revoked_at: string | null;
}

export type KeyPrincipal = { kind: 'key'; keyId: string; name: string; accountId: string; limits: KeyLimits };
/** Who is calling: the operator's admin key, or one of the stored keys. */
export type Principal = { kind: 'admin' } | KeyPrincipal;
/** Why a stored key was refused. */
export type KeyRefusal = 'unknown' | 'disabled' | 'expired';

export const generateKey = () => KEY_PREFIX + randomBytes(24).toString('base64url');
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
export const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}`;

/** Compares two secrets in constant time (by their digests, so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** `openai/*` style patterns: `*` matches any run of characters. */
export function modelAllowed(patterns: string[] | null, modelId: string): boolean {
  if (patterns === null) return true;
  return patterns.some((pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i').test(modelId));
}

interface KeyRow {
  id: string; name: string; key_hint: string; account_id: string; enabled: boolean; expires_at: Date | null;
  allowed_models: string[] | null; rate_limit_rpm: number | null; concurrency_limit: number | null;
  spend_limit_micros: string | number | null; daily_spend_limit_micros: string | number | null; spent_micros: string | number;
  created_at: Date; revoked_at: Date | null;
}

const num = (value: string | number | null) => (value === null ? null : Number(value));
const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
const usd = (micros: string | number | null) => (micros === null ? null : Number(micros) / 1_000_000);

const toInfo = (row: KeyRow): ApiKeyInfo => ({
  id: row.id,
  name: row.name,
  hint: row.key_hint,
  account_id: row.account_id,
  enabled: row.enabled,
  expires_at: iso(row.expires_at),
  allowed_models: row.allowed_models,
  rate_limit_rpm: row.rate_limit_rpm,
  concurrency_limit: row.concurrency_limit,
  spend_limit_usd: usd(row.spend_limit_micros),
  daily_spend_limit_usd: usd(row.daily_spend_limit_micros),
  spent_usd: usd(row.spent_micros)!,
  created_at: iso(row.created_at)!,
  revoked_at: iso(row.revoked_at),
});

const toLimits = (row: KeyRow): KeyLimits => ({
  allowedModels: row.allowed_models,
  rateLimitRpm: row.rate_limit_rpm,
  concurrencyLimit: row.concurrency_limit,
  spendLimitMicros: num(row.spend_limit_micros),
  dailySpendLimitMicros: num(row.daily_spend_limit_micros),
});

const COLUMNS: Record<keyof KeySettings, string> = {
  name: 'name', enabled: 'enabled', expiresAt: 'expires_at', allowedModels: 'allowed_models', rateLimitRpm: 'rate_limit_rpm',
  concurrencyLimit: 'concurrency_limit', spendLimitMicros: 'spend_limit_micros', dailySpendLimitMicros: 'daily_spend_limit_micros',
};

/**
 * Keys live in the database only as SHA-256 hashes; each belongs to an account. Lookups are cached
 * for a few seconds because every request does one; changes made here clear the cache at once.
 */
export class KeyStore {
  private cache = new Map<string, { result: Principal | KeyRefusal; until: number }>();

  constructor(private db: Database, private cacheMs = 5_000) {}

  /** Creates a key for an existing account (inside the caller's transaction when given one). */
  async create(accountId: string, settings: Partial<KeySettings> & { name: string }, tx: Queryable = this.db): Promise<ApiKeyInfo & { key: string }> {
    const key = generateKey();
    const id = newId('key');
    await tx.query('INSERT INTO api_keys (id, name, key_hash, key_hint, account_id) VALUES ($1, $2, $3, $4, $5)', [id, settings.name, hashKey(key), key.slice(0, KEY_PREFIX.length + 4), accountId]);
    const info = await this.update(id, settings, tx);
    return { ...info!, key };
  }

  async get(id: string): Promise<ApiKeyInfo | null> {
    const rows = await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] ? toInfo(rows[0]) : null;
  }

  async list(accountId?: string): Promise<ApiKeyInfo[]> {
    const rows = accountId
      ? await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at, id', [accountId])
      : await this.db.query<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id');
    return rows.map(toInfo);
  }

  /** Changes the given settings of a key; null when there is no such key. */
  async update(id: string, settings: Partial<KeySettings>, tx: Queryable = this.db): Promise<ApiKeyInfo | null> {
    const entries = Object.entries(settings).filter(([field, value]) => value !== undefined && field in COLUMNS) as Array<[keyof KeySettings, unknown]>;
    const sets = entries.map(([field], i) => `${COLUMNS[field]} = $${i + 2}`);
    const rows = sets.length
      ? await tx.query<KeyRow>(`UPDATE api_keys SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, [id, ...entries.map(([, value]) => value)])
      : await tx.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    this.cache.clear();
    return rows[0] ? toInfo(rows[0]) : null;
  }

  /** Revokes a key; false when there is no such key or it was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
    this.cache.clear();
    return rows.length === 1;
  }

  /** The key's principal, or why it is refused. */
  async lookup(key: string): Promise<Principal | KeyRefusal> {
    const hash = hashKey(key);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.result;
    const rows = await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hash]);
    const row = rows[0];
    let result: Principal | KeyRefusal = 'unknown';
    if (row && !row.enabled) result = 'disabled';
    else if (row && row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) result = 'expired';
    else if (row) result = { kind: 'key', keyId: row.id, name: row.name, accountId: row.account_id, limits: toLimits(row) };
    if (this.cache.size > 10_000) this.cache.clear();
    // An expiring key is cached no longer than it lives.
    const until = Math.min(Date.now() + this.cacheMs, row?.expires_at ? new Date(row.expires_at).getTime() : Infinity);
    this.cache.set(hash, { result, until });
    return result;
  }
}
