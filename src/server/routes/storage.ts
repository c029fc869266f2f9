import type { FastifyInstance } from 'fastify';
import { notFound } from '../../api/errors.js';
import type { Services } from '../services.js';

/** Hosted outputs. The name is the only credential: 128 random bits. Expired links are 404. */
export async function storageRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/storage/:name', { config: { public: true } }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const image = await services.store.open(name);
    if (!image) throw notFound('Image not found or its link has expired', 'image_not_found');
    const maxAge = Math.max(0, Math.floor((image.expiresAt.getTime() - Date.now()) / 1000));
    reply
      .header('content-type', image.contentType)
      .header('cache-control', `public, max-age=${maxAge}, immutable`)
      .header('expires', image.expiresAt.toUTCString())
      .header('x-content-type-options', 'nosniff');
    return image.bytes;
  });
}
