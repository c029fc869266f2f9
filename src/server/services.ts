import path from 'node:path';
import { KeyStore } from '../auth/keys.js';
import { IdempotencyStore } from '../billing/idempotency.js';
import { Ledger } from '../billing/ledger.js';
import type { PricingPolicy } from '../billing/pricing.js';
import type { UsageLog } from '../billing/usage.js';
import { Catalog } from '../catalog/catalog.js';
import type { ModelEntry } from '../catalog/types.js';
import { ConfigError, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/index.js';
import { createLimits, type Limits } from '../limits/index.js';
import { Metrics } from '../metrics/metrics.js';
import { MeteredUsageLog } from '../metrics/usage.js';
import { compatibleModule } from '../providers/openai-compatible/index.js';
import { buildProviders, mergeModels, PROVIDER_MODULES } from '../providers/registry.js';
import type { ImageProvider } from '../providers/types.js';
import { createBreaker, type CircuitBreaker } from '../routing/breaker.js';
import { longestTimeoutSeconds, type RoutingPolicy } from '../routing/policy.js';
import { LatencyTracker } from '../routing/strategy.js';
import { FileBlobs, type BlobBackend } from '../storage/blobs.js';
import { ImageStore } from '../storage/imageStore.js';
import { S3Blobs } from '../storage/s3.js';
import { InFlight } from './inFlight.js';

/** Everything a running server holds, built once from the configuration. */
export interface Services {
  config: Config;
  db: Database;
  keys: KeyStore;
  ledger: Ledger;
  idempotency: IdempotencyStore;
  limits: Limits;
  catalog: Catalog;
  providers: Map<string, ImageProvider>;
  pricing: PricingPolicy;
  reservationTtlSeconds: number;
  routing: RoutingPolicy;
  breaker: CircuitBreaker;
  latency: LatencyTracker;
  blobs: BlobBackend;
  store: ImageStore;
  usage: UsageLog;
  metrics: Metrics;
  /** Image requests being served (graceful shutdown aborts them and waits for their settlement). */
  inFlight: InFlight;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  /** Replace the built-in providers and catalog (tests use this to stand in failing upstreams). */
  providers?: ImageProvider[];
  models?: ModelEntry[];
}

export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  // What is opened is closed again if a later step fails, so a refused start leaves no connection behind.
  const opened: Array<() => unknown> = [];
  try {
    return await openServices(config, overrides, opened);
  } catch (error) {
    for (const close of [...opened].reverse()) await Promise.resolve().then(close).catch(() => {});
    throw error;
  }
}

async function openServices(config: Config, overrides: ServiceOverrides, opened: Array<() => unknown>): Promise<Services> {
  const builtIn = new Set(PROVIDER_MODULES.map((m) => m.id));
  const clash = config.upstreams.find((u) => builtIn.has(u.id));
  if (clash) throw new ConfigError(`PIXELROUTER_CONFIG: upstream id '${clash.id}' is taken by a built-in provider`);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  opened.push(() => db.close());
  // A concurrency slot held longer than any request can last was left by a crashed process.
  const longestRequestSeconds = longestTimeoutSeconds(config.routing) + 60;
  const limits = await createLimits({ redisUrl: config.redisUrl, keyPrefix: config.redisPrefix, slotTtlMs: longestRequestSeconds * 1000 });
  opened.push(() => limits.close());
  // With Redis the breaker state is shared by every process (its own connection, like the limits).
  const breaker = await createBreaker(config.routing, config.redisUrl ? { url: config.redisUrl, keyPrefix: config.redisPrefix } : undefined);
  opened.push(() => breaker.close());
  const blobs: BlobBackend = config.s3 ? new S3Blobs(config.s3) : new FileBlobs(path.join(config.dataDir, 'images'));
  opened.push(() => blobs.close?.());
  // A wrong bucket or key fails at start, like a wrong database or Redis URL, not at the first image.
  if (config.s3) await blobs.check();

  const modules = [...PROVIDER_MODULES, ...config.upstreams.map(compatibleModule)];
  const providers = overrides.providers
    ? new Map(overrides.providers.map((p) => [p.id, p]))
    : buildProviders(modules, config.env, { maxDownloadBytes: config.maxDownloadBytes, pollIntervalMs: config.pollIntervalMs });
  const pricing: PricingPolicy = { marginPercent: config.marginPercent };
  const catalog = new Catalog(overrides.models ?? mergeModels(modules), (id) => providers.get(id)?.isAvailable() ?? false, pricing, config.priceOverrides);
  const store = new ImageStore(db, blobs, config.urlTtlSeconds);
  const ledger = new Ledger(db);
  const metrics = new Metrics(breaker, providers);

  // Money reserved by a process that crashed goes back to its account. The embedded database has
  // one process, so at start every open reservation is orphaned; on PostgreSQL other processes may
  // be mid-request, so only expired reservations are released, now and periodically.
  await ledger.releaseStale(db.kind === 'pglite');
  const idempotency = new IdempotencyStore(db);
  // Likewise for Idempotency-Keys left pending, so a client's retry after a crash is not refused for long.
  await idempotency.prune(db.kind === 'pglite' ? 0 : config.reservationTtlSeconds);
  const reconciler = setInterval(() => {
    void ledger.releaseStale(false).catch(() => {});
    void idempotency.prune(config.reservationTtlSeconds).catch(() => {});
  }, Math.min(60, config.reservationTtlSeconds) * 1000);
  reconciler.unref();
  const stopSweeper = store.startSweeper(config.sweepIntervalSeconds, () => {});
  return {
    config,
    db,
    keys: new KeyStore(db),
    ledger,
    idempotency,
    limits,
    catalog,
    providers,
    pricing,
    reservationTtlSeconds: config.reservationTtlSeconds,
    routing: config.routing,
    breaker,
    latency: new LatencyTracker(),
    blobs,
    store,
    usage: new MeteredUsageLog(db, metrics, catalog),
    metrics,
    inFlight: new InFlight(),
    async close() {
      clearInterval(reconciler);
      stopSweeper();
      for (const close of [...opened].reverse()) await close();
    },
  };
}
