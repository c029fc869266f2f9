import type { UsageRecord } from './types.js';

/**
 * Images this tab generated, for thumbnails on the Usage page. The playground asks for b64_json, so
 * nothing is hosted and its records carry no output ids; an answer does not name its record either,
 * so a record is matched by model, prompt, image count and the server's clock (the answer's
 * `created` against the record's `created_at`). Kept in memory only: gone on reload, like the images.
 */
export interface SessionRun {
  model: string;
  prompt: string;
  /** The answer's `created`, in ms. */
  createdMs: number;
  latencyMs: number;
  urls: string[];
}

const runs: SessionRun[] = [];
const matched = new Map<string, SessionRun>();

export const rememberRun = (run: SessionRun) => runs.push(run);

export function runFor(record: UsageRecord): SessionRun | undefined {
  const known = matched.get(record.id);
  if (known) return known;
  if (record.status !== 'success' || record.prompt === null) return undefined;
  const recorded = Date.parse(record.created_at);
  const taken = new Set(matched.values());
  const candidates = runs.filter((run) => !taken.has(run) && run.model === record.model && run.prompt === record.prompt
    && run.urls.length === record.images && Math.abs(run.createdMs - recorded) <= 2000 + run.latencyMs);
  const best = candidates.sort((a, b) => Math.abs(a.createdMs - recorded) - Math.abs(b.createdMs - recorded))[0];
  if (best) matched.set(record.id, best);
  return best;
}
