import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

// Under `serve --workers N` a scrape lands on one worker; these messages let that worker answer for
// all of them. The primary asks every worker for its series (prom-client's own protocol) and sums them.
const REQUEST = 'pixelrouter:cluster-metrics-request';
const RESPONSE = 'pixelrouter:cluster-metrics-response';
const TIMEOUT_MS = 5_000;

interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

/** In the primary: answers workers' requests with every worker's metrics, aggregated. */
export function serveClusterMetrics() {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== REQUEST) return;
    const answer = (response: Omit<MetricsResponse, 'type' | 'id'>) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, ...response });
    aggregator.clusterMetrics().then((text) => answer({ text }), (error: Error) => answer({ error: error.message }));
  });
}

let nextId = 0;

/**
 * In a worker: offers `registry` to the primary's aggregation and returns a function that fetches
 * the whole cluster's metrics. Outside a cluster: null (the registry alone is the answer).
 */
export function clusterMetrics(registry: Registry): (() => Promise<string>) | null {
  if (!cluster.isWorker) return null;
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs prom-client's listener for the primary's requests
  return () => new Promise((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the other workers did not report their metrics in time'));
    }, TIMEOUT_MS);
    const onMessage = (message: MetricsResponse) => {
      if (message?.type !== RESPONSE || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(message.error ?? 'no metrics'));
    };
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id });
  });
}
