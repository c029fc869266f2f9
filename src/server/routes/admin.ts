import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalidRequest, notFound } from '../../api/errors.js';
import { requireAdmin } from '../auth.js';
import type { Services } from '../services.js';

const createKeyBody = z.object({ name: z.string().trim().min(1).max(100).optional() }).optional();

/** Key management, for the admin key only. The secret is returned once, at creation. */
export async function adminRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.addHook('onRequest', async (request) => requireAdmin(request, services));

  app.post('/v1/admin/keys', async (request, reply) => {
    const parsed = createKeyBody.safeParse(request.body ?? undefined);
    if (!parsed.success) throw invalidRequest("'name' must be a string of 1-100 characters", 'name');
    const created = await services.keys.create(parsed.data?.name ?? 'unnamed');
    reply.status(201);
    return { id: created.id, key: created.key, name: created.name, hint: created.hint, created_at: created.created_at };
  });

  app.get('/v1/admin/keys', async () => ({ object: 'list', data: await services.keys.list() }));

  app.delete('/v1/admin/keys/:id', async (request) => {
    const { id } = request.params as { id: string };
    if (!(await services.keys.revoke(id))) throw notFound(`No active key with id '${id}'`, 'key_not_found');
    return { id, revoked: true };
  });
}
