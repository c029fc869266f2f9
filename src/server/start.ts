import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api/errors.js';
import type { Config } from '../config.js';
import { buildApp, type AppOptions } from './app.js';
import { createServices, type ServiceOverrides, type Services } from './services.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  /** Set on the first start of an empty database without an admin key: shown once, stored only hashed. */
  firstKey?: string;
  /** Graceful shutdown (see shutdown() below); `graceMs` defaults to PIXELROUTER_SHUTDOWN_GRACE. */
  close(graceMs?: number): Promise<void>;
}

/** Opens the database, makes sure someone can call the API, and listens. */
export async function startServer(config: Config, options: AppOptions & ServiceOverrides = {}): Promise<RunningServer> {
  const services = await createServices(config, options);
  const firstKey = config.adminKey ? undefined : await createFirstKey(services);
  const app = await buildApp(services, options);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await services.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    app,
    services,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    firstKey,
    close(graceMs = config.shutdownGraceSeconds * 1000) {
      closing ??= shutdown(app, services, graceMs);
      return closing;
    },
  };
}

/**
 * On an empty database, an account and a key, so someone can call the API. Under a lock, so that of
 * several processes starting at once on one PostgreSQL exactly one creates it.
 */
async function createFirstKey(services: Services): Promise<string | undefined> {
  return services.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(727275)');
    const [row] = await tx.query<{ count: number }>('SELECT count(*)::int AS count FROM api_keys');
    if (row!.count > 0) return undefined;
    const accountId = await services.ledger.createAccount('default', 0, undefined, tx);
    return (await services.keys.create(accountId, { name: 'default' }, tx)).key;
  });
}

/** How long aborted requests get to release their money before the database closes. */
const SETTLE_MS = 5_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Stops accepting (new requests on open connections get 503), gives requests in flight `graceMs` to
 * finish, then aborts the rest: their clients get a 503 and their reservations are released, so
 * nothing waits for the reconciler. Then the sockets left (including ones a client opened but never
 * used, which would hold the server open until Node's header timeout) are cut and the database closed.
 */
async function shutdown(app: FastifyInstance, services: Services, graceMs: number) {
  services.inFlight.stopping = true;
  const closed = app.close();
  const inTime = await Promise.race([closed.then(() => true), sleep(graceMs).then(() => false)]);
  if (!inTime) {
    services.inFlight.abortAll(new ApiError(503, 'api_error', 'server_shutting_down', 'The server is shutting down; retry the request', null, { 'retry-after': '1' }));
    await services.inFlight.settled(SETTLE_MS);
    app.server.closeAllConnections();
    await closed;
  }
  // A handler whose connection was cut still finishes its bookkeeping.
  await services.inFlight.settled(SETTLE_MS);
  await services.close();
}
