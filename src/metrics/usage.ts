import { UsageLog, type UsageRecord } from '../billing/usage.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Database, Queryable } from '../db/index.js';
import type { Metrics } from './metrics.js';

/**
 * The image series come from the usage record every image request already leaves (the pipeline's,
 * and the route's for requests refused before parsing), so nothing else needs a metrics call.
 */
export function observeUsage(metrics: Metrics, catalog: Catalog, r: UsageRecord) {
  // Label values stay bounded: a model name the client made up is not a series of its own.
  const model = catalog.resolve(r.model)?.id ?? 'unknown';
  const provider = r.provider ?? 'none';
  const labels = { model, provider, status: String(r.httpStatus) };
  metrics.imageRequests.inc(labels);
  metrics.imageDuration.observe(labels, r.latencyMs / 1000);
  for (const attempt of r.attempts) {
    if (attempt.status === 'error') metrics.upstreamErrors.inc({ provider: attempt.provider, kind: attempt.error_code ?? 'unknown' });
  }
  if (r.images > 0) metrics.images.inc({ model, provider }, r.images);
  if (r.costMicros > 0) metrics.cost.inc({ model, provider }, r.costMicros / 1_000_000);
}

/** The usage log, counting each record it writes into the metrics. */
export class MeteredUsageLog extends UsageLog {
  constructor(db: Database, private metrics: Metrics, private catalog: Catalog) {
    super(db);
  }

  override async record(r: UsageRecord, tx?: Queryable): Promise<void> {
    await super.record(r, tx);
    observeUsage(this.metrics, this.catalog, r);
  }
}
