import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist, built by `npm run build`; the same depth from src/server/routes and dist/server/routes. */
export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Paths that belong to the API: unknown ones there keep the JSON 404, never the dashboard's page. */
const API_PATH = /^\/(v1|storage|operations|health)(\/|$)/;

// The page loads nothing from elsewhere, so everything but our own origin is refused.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Only a browser navigating (it asks for HTML) gets the page for an unknown path; scripts get the API's 404. */
const wantsPage = (request: FastifyRequest) =>
  !API_PATH.test(request.url) && !path.posix.extname(request.url.split('?')[0]!) && (request.headers.accept ?? '').includes('text/html');

/**
 * The web dashboard: the built files at `/`, and index.html for the dashboard's own paths
 * (/models, /usage...) so reloads and shared links work. API routes are registered as exact paths and
 * win over the fallback. Without a build the API runs as before and `/` says how to build.
 */
export async function dashboardRoutes(app: FastifyInstance) {
  const indexFile = path.join(DASHBOARD_DIR, 'index.html');
  if (!fs.existsSync(indexFile)) {
    app.get('/', async (_request, reply) => reply.status(503).type('text/plain').send('The dashboard is not built: run `npm run build`.\n'));
    return;
  }
  const indexHtml = fs.readFileSync(indexFile);
  const sendPage = (reply: FastifyReply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(indexHtml);

  await app.register(fastifyStatic, {
    root: DASHBOARD_DIR,
    // One route per built file, found at start, so the catch-all below stays ours.
    wildcard: false,
    index: false,
    decorateReply: false,
    setHeaders: (reply, file) => {
      // Vite puts a content hash in every asset's name, so they never change.
      reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
    },
  });

  app.get('/', async (_request, reply) => sendPage(reply));
  app.get('/*', async (request, reply) => (wantsPage(request) ? sendPage(reply) : reply.callNotFound()));
}
