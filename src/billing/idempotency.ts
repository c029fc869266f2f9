import { createHash } from 'node:crypto';
import { ApiError } from '../api/errors.js';
import type { ImageRequest } from '../api/imageRequest.js';
import type { Database, Queryable } from '../db/index.js';

/** JSON with sorted keys, so the same parameters always hash the same. */
const canonical = (value: unknown): string =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
    : JSON.stringify(value) ?? 'null';

/** A digest of what was asked (parameters and image bytes), whatever the encoding it came in. */
export function requestFingerprint(endpoint: string, request: ImageRequest): string {
  const hash = createHash('sha256');
  const { images, mask, ...fields } = request;
  hash.update(canonical({ endpoint, ...fields }));
  for (const image of [...images, ...(mask ? [mask] : [])]) hash.update(`\u0000${image.param}\u0000`).update(image.bytes);
  return hash.digest('hex');
}

export type IdempotencyStart =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown; provider: string | null };

const conflict = (message: string) => new ApiError(409, 'invalid_request_error', 'idempotency_conflict', message);

/**
 * `Idempotency-Key`: the first request with a key runs; a repeat with the same body gets the stored
 * answer and is not charged again; a repeat with another body, or while the first still runs, is 409.
 * Only successes are kept: a failed request charged nothing, so its key is freed for a retry.
 */
export class IdempotencyStore {
  constructor(private db: Database) {}

  async begin(owner: string, key: string, bodyHash: string): Promise<IdempotencyStart> {
    const inserted = await this.db.query(
      `INSERT INTO idempotency_keys (key_id, idempotency_key, body_hash, state) VALUES ($1, $2, $3, 'pending')
       ON CONFLICT (key_id, idempotency_key) DO NOTHING RETURNING key_id`,
      [owner, key, bodyHash],
    );
    if (inserted[0]) return { kind: 'new' };
    const rows = await this.db.query<{ body_hash: string; state: string; http_status: number | null; response: unknown; provider: string | null }>(
      'SELECT body_hash, state, http_status, response, provider FROM idempotency_keys WHERE key_id = $1 AND idempotency_key = $2',
      [owner, key],
    );
    const row = rows[0];
    if (!row) return this.begin(owner, key, bodyHash); // freed between the two statements
    if (row.body_hash !== bodyHash) throw conflict('This Idempotency-Key was already used with a different request body');
    if (row.state === 'pending') throw conflict('A request with this Idempotency-Key is still in progress');
    if (row.response === null) {
      throw conflict('This Idempotency-Key was already used; its b64_ephemeral response was not kept, so it cannot be replayed');
    }
    return { kind: 'replay', status: row.http_status ?? 200, body: row.response, provider: row.provider };
  }

  /**
   * Stores the answer; `null` for b64_ephemeral answers, which are never written anywhere. Run in the
   * transaction that charges the request (`tx`), so a crash cannot leave a charge whose key still
   * looks unfinished and would let a retry be charged again.
   */
  async complete(owner: string, key: string, answer: { status: number; body: unknown | null; provider: string }, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      "UPDATE idempotency_keys SET state = 'done', http_status = $3, response = $4, provider = $5 WHERE key_id = $1 AND idempotency_key = $2",
      [owner, key, answer.status, answer.body === null ? null : JSON.stringify(answer.body), answer.provider],
    );
  }

  /** Forgets answers after a day, and pending keys whose request died with its process. */
  async prune(pendingTtlSeconds: number): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'
         OR (state = 'pending' AND created_at < now() - make_interval(secs => $1))`,
      [pendingTtlSeconds],
    );
  }

  async abandon(owner: string, key: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE key_id = $1 AND idempotency_key = $2', [owner, key]);
  }
}
