import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { LIMITS } from '../api/imageRequest.js';
import { registerMetrics } from '../metrics/http.js';
import { createRemoteFetcher } from '../net/fetchRemote.js';
import { frameworkErrors, registerErrorHandlers } from './errors.js';
import { rateLimited } from '../api/errors.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { imageRoutes } from './routes/images.js';
import { modelRoutes } from './routes/models.js';
import { storageRoutes } from './routes/storage.js';
import type { Services } from './services.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
// On every answer: no MIME sniffing, no URLs (with their image names) leaked as referrers, no framing.
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
// What a browser script may read from our answers: ids, cost, provider, warnings, limits.
const EXPOSED_HEADERS = ['x-request-id', 'x-pixelrouter-cost', 'x-pixelrouter-provider', 'x-pixelrouter-warnings', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'];

/** The HTTP app: every plugin is registered here, in one visible place. */
export interface AppOptions {
  logger?: boolean;
  /** Where JSON logs go (stdout by default). */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: options.logger === false ? false : {
      level: config.logLevel,
      ...(options.logStream && { stream: options.logStream }),
      // Request logs carry method, path and status only: never bodies, headers or query strings.
      serializers: {
        req: (req) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
    bodyLimit: config.maxJsonBytes,
    trustProxy: config.trustProxy,
    // Accept a caller's request id when it is sane, so logs can be joined across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${randomUUID().replace(/-/g, '')}`;
    },
    requestTimeout: 0,
    frameworkErrors,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id).headers(SECURITY_HEADERS);
  });
  // During shutdown every answer closes its connection, so keep-alive clients cannot hold the server open.
  app.addHook('onSend', async (_request, reply) => {
    if (services.inFlight.stopping) reply.header('connection', 'close');
  });
  // Before the limits below, so a 429 still carries CORS headers a browser can read.
  if (config.corsOrigins.length) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  app.decorate('fetchRemoteImage', createRemoteFetcher({ allow: config.fetchAllow, timeoutMs: config.fetchTimeoutMs, maxBytes: config.maxUploadBytes }));

  app.addHook('onRequest', async (request, reply) => {
    // Routes anyone may call without a key are limited per client address.
    if (config.ipRateLimitPerMinute > 0 && (request.routeOptions.config as { public?: boolean } | undefined)?.public) {
      const decision = await services.limits.consumeRate(`ip:${request.ip}`, config.ipRateLimitPerMinute);
      const headers = { 'x-ratelimit-limit': String(decision.limit), 'x-ratelimit-remaining': String(decision.remaining), 'x-ratelimit-reset': String(decision.resetSeconds) };
      if (!decision.allowed) throw rateLimited('Rate limit exceeded for this address', { ...headers, 'retry-after': String(decision.resetSeconds) });
      reply.headers(headers);
    }
  });
  registerErrorHandlers(app);
  registerMetrics(app, services);
  // Only JSON and multipart bodies are part of the API; plain text would reach handlers as a string.
  app.removeContentTypeParser('text/plain');

  await app.register(multipart, {
    limits: {
      fileSize: config.maxUploadBytes,
      files: LIMITS.maxInputImages + 2, // one over images + mask, so the parser reports "too many" itself
      fields: 64,
      fieldSize: 256 * 1024,
      parts: 128,
    },
  });

  await app.register(healthRoutes, { services });
  await app.register(modelRoutes, { services });
  await app.register(imageRoutes, { services });
  await app.register(storageRoutes, { services });
  await app.register(accountRoutes, { services });
  await app.register(adminRoutes, { services });
  // Last and least specific: the web dashboard's files and its page for non-API paths.
  await app.register(dashboardRoutes);
  return app;
}
