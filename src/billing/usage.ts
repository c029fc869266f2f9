import type { Database, Queryable } from '../db/index.js';

/** One upstream call made for a request. */
export interface Attempt {
  provider: string;
  status: 'success' | 'error';
  latency_ms: number;
  error_code?: string;
}

/** One line per image request: what was asked, what happened, what it cost. Never image bytes. */
export interface UsageRecord {
  id: string;
  accountId: string | null;
  keyId: string | null;
  endpoint: 'generations' | 'edits';
  model: string;
  provider: string | null;
  attempts: Attempt[];
  n: number;
  images: number;
  size: string | null;
  quality: string | null;
  responseFormat: string | null;
  status: 'success' | 'error';
  httpStatus: number;
  errorCode: string | null;
  costMicros: number;
  latencyMs: number;
  /** Null for b64_ephemeral requests: their prompt is never stored. */
  prompt: string | null;
  outputIds: string[];
}

export interface UsageQuery {
  /** Only this account's records; undefined for all (admin). */
  accountId?: string;
  model?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Pagination: records strictly older than this record id's position. */
  before?: { createdAt: Date; id: string };
}

type UsageRow = Record<string, unknown> & { id: string; created_at: Date; cost_micros: string | number };

/** The API shape of a record. */
export const presentUsage = (row: UsageRow) => ({
  id: row.id,
  created_at: new Date(row.created_at).toISOString(),
  account_id: row.account_id,
  key_id: row.key_id,
  endpoint: row.endpoint,
  model: row.model,
  provider: row.provider,
  attempts: row.attempts,
  n: row.n,
  images: row.images,
  size: row.size,
  quality: row.quality,
  response_format: row.response_format,
  status: row.status,
  http_status: row.http_status,
  error_code: row.error_code,
  cost: Number(row.cost_micros) / 1_000_000,
  latency_ms: row.latency_ms,
  prompt: row.prompt,
  output_ids: row.output_ids,
});

export class UsageLog {
  constructor(private db: Database) {}

  async record(r: UsageRecord, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      `INSERT INTO usage_records (id, account_id, key_id, endpoint, model, provider, attempts, n, images, size, quality, response_format,
         status, http_status, error_code, cost_micros, latency_ms, prompt, output_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [r.id, r.accountId, r.keyId, r.endpoint, r.model, r.provider, JSON.stringify(r.attempts), r.n, r.images, r.size, r.quality, r.responseFormat,
        r.status, r.httpStatus, r.errorCode, r.costMicros, Math.round(r.latencyMs), r.prompt, r.outputIds],
    );
  }

  /** Newest first, at most `limit`, with the filters given. */
  async list(q: UsageQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.accountId !== undefined) add('account_id = ?', q.accountId);
    if (q.model) add('model = ?', q.model);
    if (q.from) add('created_at >= ?', q.from);
    if (q.to) add('created_at < ?', q.to);
    if (q.before) {
      params.push(q.before.createdAt, q.before.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(q.limit + 1);
    const rows = await this.db.query<UsageRow>(
      `SELECT * FROM usage_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
  }

  async get(id: string): Promise<UsageRow | null> {
    return (await this.db.query<UsageRow>('SELECT * FROM usage_records WHERE id = $1', [id]))[0] ?? null;
  }

  /** Forgets a record's prompt and output ids; returns the ids so their images can be deleted. */
  async forgetContent(id: string): Promise<string[]> {
    const rows = await this.db.query<{ output_ids: string[] }>('SELECT output_ids FROM usage_records WHERE id = $1', [id]);
    await this.db.query("UPDATE usage_records SET prompt = NULL, output_ids = '{}' WHERE id = $1", [id]);
    return rows[0]?.output_ids ?? [];
  }

  /** Successful requests per model over the last `days` days. */
  async popularity(days = 7): Promise<Map<string, number>> {
    const rows = await this.db.query<{ model: string; uses: number }>(
      `SELECT model, count(*)::int AS uses FROM usage_records
       WHERE status = 'success' AND created_at > now() - make_interval(days => $1::int) GROUP BY model`,
      [days],
    );
    return new Map(rows.map((r) => [r.model, r.uses]));
  }
}
