import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { buildApp, type AppOptions } from './app.js';
import { createServices, type ServiceOverrides, type Services } from './services.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  /** Set on the first start of an empty database without an admin key: shown once, stored only hashed. */
  firstKey?: string;
  /**
   * Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts what is left
   * (including sockets a client opened but never used, which would otherwise hold the server open
   * until Node's header timeout).
   */
  close(graceMs?: number): Promise<void>;
}

/** Opens the database, makes sure someone can call the API, and listens. */
export async function startServer(config: Config, options: AppOptions & ServiceOverrides = {}): Promise<RunningServer> {
  const services = await createServices(config, options);
  let firstKey: string | undefined;
  if (!config.adminKey && (await services.keys.count()) === 0) {
    const accountId = await services.ledger.createAccount('default');
    firstKey = (await services.keys.create(accountId, { name: 'default' })).key;
  }
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
    close(graceMs = 10_000) {
      if (!closing) {
        const deadline = setTimeout(() => app.server.closeAllConnections(), graceMs);
        closing = app.close().then(() => services.close()).finally(() => clearTimeout(deadline));
      }
      return closing;
    },
  };
}
