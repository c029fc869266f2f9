import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/index.js';

export const KEY_PREFIX = 'sk-pr-';

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key, enough to recognise it in a list, never enough to use it. */
  hint: string;
  created_at: string;
  revoked_at: string | null;
}

/** Who is calling: the operator's admin key, or one of the stored keys. */
export type Principal = { kind: 'admin' } | { kind: 'key'; keyId: string; name: string };

export const generateKey = () => KEY_PREFIX + randomBytes(24).toString('base64url');
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Compares two secrets in constant time (by their digests, so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

type KeyRow = { id: string; name: string; key_hint: string; created_at: Date; revoked_at: Date | null };
const toInfo = (row: KeyRow): ApiKeyInfo => ({
  id: row.id,
  name: row.name,
  hint: row.key_hint,
  created_at: new Date(row.created_at).toISOString(),
  revoked_at: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
});

/** Keys live in the database only as SHA-256 hashes; lookups are cached briefly because every request does one. */
export class KeyStore {
  private cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(private db: Database, private cacheMs = 10_000) {}

  async create(name: string): Promise<ApiKeyInfo & { key: string }> {
    const key = generateKey();
    const rows = await this.db.query<KeyRow>(
      'INSERT INTO api_keys (id, name, key_hash, key_hint) VALUES ($1, $2, $3, $4) RETURNING *',
      [`key_${randomUUID().replace(/-/g, '')}`, name, hashKey(key), key.slice(0, KEY_PREFIX.length + 4)],
    );
    return { ...toInfo(rows[0]!), key };
  }

  async list(): Promise<ApiKeyInfo[]> {
    return (await this.db.query<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')).map(toInfo);
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ count: number }>('SELECT count(*)::int AS count FROM api_keys');
    return rows[0]!.count;
  }

  /** Revokes a key; false when there is no such key or it was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
    this.cache.clear();
    return rows.length === 1;
  }

  /** The key's principal, or null when it is unknown or revoked. */
  async lookup(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const rows = await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hash]);
    const principal: Principal | null = rows[0] ? { kind: 'key', keyId: rows[0].id, name: rows[0].name } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: Date.now() + this.cacheMs });
    return principal;
  }
}
