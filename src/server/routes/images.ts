import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runImageRequest } from '../../pipeline/imagePipeline.js';
import { authenticate } from '../auth.js';
import { readImageRequest } from '../parse/imageRequestBody.js';
import type { Services } from '../services.js';

/**
 * The unified image endpoint: /generations and /edits are the same handler, each accepting JSON and
 * multipart, under /v1/openai/images and the bare /v1/images alias the OpenAI SDKs use.
 */
export async function imageRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const handle = (endpoint: 'generations' | 'edits') => async (request: FastifyRequest, reply: FastifyReply) => {
    const startedAt = Date.now();
    const principal = await authenticate(request, services);
    const imageRequest = await readImageRequest(request, services.config.maxUploadBytes);

    // A client that goes away aborts the upstream work.
    const controller = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort();
    };
    reply.raw.on('close', onClose);
    try {
      const result = await runImageRequest(services, imageRequest, {
        endpoint,
        keyId: principal.kind === 'key' ? principal.keyId : null,
        baseUrl: services.config.publicUrl ?? `${request.protocol}://${request.host}`,
        signal: controller.signal,
        startedAt,
      });
      reply.header('x-pixelrouter-cost', String(result.body.cost));
      reply.header('x-pixelrouter-provider', result.provider);
      return result.body;
    } finally {
      reply.raw.off('close', onClose);
    }
  };

  for (const prefix of ['/v1/openai/images', '/v1/images']) {
    app.post(`${prefix}/generations`, handle('generations'));
    app.post(`${prefix}/edits`, handle('edits'));
  }
}
