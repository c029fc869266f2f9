import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

async function check(probe: () => Promise<unknown>) {
  try {
    await probe();
    return { status: 'ok' as const };
  } catch (error) {
    return { status: 'error' as const, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Liveness and readiness: 200 when the database and image storage both answer, 503 otherwise. */
export async function healthRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/health', async (_request, reply) => {
    const [database, storage] = await Promise.all([
      check(() => services.db.query('SELECT 1')),
      check(() => services.blobs.check()),
    ]);
    const ok = database.status === 'ok' && storage.status === 'ok';
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'error', database: { ...database, kind: services.db.kind }, storage: { ...storage, kind: services.blobs.kind } };
  });
}
