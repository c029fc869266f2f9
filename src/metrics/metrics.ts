import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ImageProvider } from '../providers/types.js';
import type { CircuitBreaker } from '../routing/breaker.js';
import { clusterMetrics } from './cluster.js';

// Image requests take seconds to minutes; the HTTP ones range from a millisecond to the same.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const IMAGE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const BREAKER_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * The Prometheus series of one server. Each server has its own registry (never prom-client's
 * global one), so several servers in one process (the tests) do not collide.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly httpRequests = new Counter({ name: 'pixelrouter_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['route', 'method', 'status'], registers: this.registers });
  readonly httpDuration = new Histogram({ name: 'pixelrouter_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['route', 'method', 'status'], buckets: HTTP_BUCKETS, registers: this.registers });
  readonly imageRequests = new Counter({ name: 'pixelrouter_image_requests_total', help: 'Image requests (one per usage record) by model, provider and HTTP status', labelNames: ['model', 'provider', 'status'], registers: this.registers });
  readonly imageDuration = new Histogram({ name: 'pixelrouter_image_request_duration_seconds', help: 'Image request latency, end to end', labelNames: ['model', 'provider', 'status'], buckets: IMAGE_BUCKETS, registers: this.registers });
  readonly upstreamErrors = new Counter({ name: 'pixelrouter_upstream_errors_total', help: 'Failed upstream attempts by provider and failure kind (circuit_open: skipped by the breaker)', labelNames: ['provider', 'kind'], registers: this.registers });
  readonly images = new Counter({ name: 'pixelrouter_images_generated_total', help: 'Images delivered, by model and provider', labelNames: ['model', 'provider'], registers: this.registers });
  readonly cost = new Counter({ name: 'pixelrouter_cost_usd_total', help: 'What image requests cost (charged, or the price for the admin key), in USD', labelNames: ['model', 'provider'], registers: this.registers });
  readonly inFlight = new Gauge({ name: 'pixelrouter_image_requests_in_flight', help: 'Image requests being served now', registers: this.registers });

  constructor(breaker: CircuitBreaker, providers: Map<string, ImageProvider>) {
    // Read at scrape time (from Redis when the state is shared), so the breaker needs no hook; only
    // configured providers are shown.
    new Gauge({
      name: 'pixelrouter_circuit_breaker_state',
      help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open',
      labelNames: ['provider'],
      registers: this.registers,
      // Every worker reads the same shared state: across a cluster, the highest is the answer, not the sum.
      aggregator: 'max',
      async collect() {
        const ids = [...providers].filter(([, provider]) => provider.isAvailable()).map(([id]) => id);
        const states = await Promise.all(ids.map((id) => breaker.status(id)));
        ids.forEach((id, i) => this.set({ provider: id }, BREAKER_STATE[states[i]!]));
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  private readonly wholeCluster = clusterMetrics(this.registry);

  /** The text a scrape gets: this server's series, or, in a worker of `serve --workers`, every worker's summed. */
  async text(): Promise<string> {
    return this.wholeCluster ? this.wholeCluster() : this.registry.metrics();
  }
}
