import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidApiKey } from '../api/errors.js';
import { secretsEqual } from '../auth/keys.js';
import type { Services } from '../server/services.js';

const IMAGE_ROUTE = /\/images\/(generations|edits)$/;

/** The route pattern (`/v1/models/*`), never the raw URL: ids and query strings would each make a series. */
const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';

/**
 * HTTP series for every route, the in-flight gauge for the image routes, and `GET /metrics`
 * (open unless PIXELROUTER_METRICS_KEY is set, then `Authorization: Bearer <that key>`).
 * Called on the root instance, not registered as a plugin, so the hooks see every route.
 */
export function registerMetrics(app: FastifyInstance, services: Services) {
  const { metrics } = services;
  const key = services.config.env.PIXELROUTER_METRICS_KEY || undefined;

  app.addHook('onRequest', async (request, reply) => {
    if (!IMAGE_ROUTE.test(routeOf(request))) return;
    metrics.inFlight.inc();
    // 'close' comes exactly once, whether the answer went out or the client went away.
    reply.raw.once('close', () => metrics.inFlight.dec());
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { route: routeOf(request), method: request.method, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (request, reply) => {
    if (key) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !secretsEqual(given, key)) throw invalidApiKey('This endpoint needs Authorization: Bearer <PIXELROUTER_METRICS_KEY>');
    }
    reply.type(metrics.registry.contentType);
    return metrics.text();
  });
}
