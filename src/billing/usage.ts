import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.js';

/** One line per image request: what was asked, what happened, what it cost. Never image bytes. */
export interface UsageRecord {
  keyId: string | null;
  endpoint: 'generations' | 'edits';
  model: string;
  provider: string | null;
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

export class UsageLog {
  constructor(private db: Database) {}

  async record(r: UsageRecord): Promise<string> {
    const id = `req_${randomUUID().replace(/-/g, '')}`;
    await this.db.query(
      `INSERT INTO usage_records (id, key_id, endpoint, model, provider, n, images, size, quality, response_format,
         status, http_status, error_code, cost_micros, latency_ms, prompt, output_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [id, r.keyId, r.endpoint, r.model, r.provider, r.n, r.images, r.size, r.quality, r.responseFormat,
        r.status, r.httpStatus, r.errorCode, r.costMicros, Math.round(r.latencyMs), r.prompt, r.outputIds],
    );
    return id;
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
