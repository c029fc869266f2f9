import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidRequest, rateLimited } from '../../api/errors.js';
import { newId, type Principal } from '../../auth/keys.js';
import { requestFingerprint } from '../../billing/idempotency.js';
import { runImageRequest } from '../../pipeline/imagePipeline.js';
import { authenticate } from '../auth.js';
import { readImageRequest } from '../parse/imageRequestBody.js';
import type { Services } from '../services.js';

/** Per-key requests per minute, then concurrency; returns the slot release (a no-op without a limit). */
async function applyKeyLimits(services: Services, principal: Principal, reply: FastifyReply): Promise<() => Promise<void>> {
  if (principal.kind !== 'key') return async () => {};
  const { rateLimitRpm, concurrencyLimit } = principal.limits;
  const bucket = `key:${principal.keyId}`;
  if (rateLimitRpm) {
    const decision = await services.limits.consumeRate(bucket, rateLimitRpm);
    const headers = {
      'x-ratelimit-limit': String(decision.limit),
      'x-ratelimit-remaining': String(decision.remaining),
      'x-ratelimit-reset': String(decision.resetSeconds),
    };
    if (!decision.allowed) {
      throw rateLimited(`Rate limit exceeded: ${rateLimitRpm} requests per minute for this key`, { ...headers, 'retry-after': String(decision.resetSeconds) });
    }
    reply.headers(headers);
  }
  if (concurrencyLimit) {
    const slot = await services.limits.acquireConcurrency(bucket, concurrencyLimit);
    if (!slot.allowed) {
      throw rateLimited(`Rate limit exceeded: at most ${concurrencyLimit} requests at a time for this key`, { 'retry-after': '1' });
    }
    return slot.release;
  }
  return async () => {};
}

/** JSON safe for an HTTP header: non-ASCII characters escaped. */
const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A request refused before it could be parsed still leaves a usage record (the pipeline writes all others). */
async function recordRejected(services: Services, principal: Principal, endpoint: 'generations' | 'edits', request: FastifyRequest, error: unknown, startedAt: number) {
  const body = request.body as { model?: unknown } | undefined;
  const apiError = error instanceof ApiError ? error : null;
  await services.usage.record({
    id: newId('req'), accountId: principal.kind === 'key' ? principal.accountId : null, keyId: principal.kind === 'key' ? principal.keyId : null,
    endpoint, model: typeof body?.model === 'string' ? body.model.slice(0, 200) : '', provider: null, attempts: [], n: 0, images: 0,
    size: null, quality: null, responseFormat: null, status: 'error', httpStatus: apiError?.status ?? 500, errorCode: apiError?.code ?? 'internal_error',
    costMicros: 0, latencyMs: Date.now() - startedAt, prompt: null, outputIds: [],
  });
}

/**
 * The unified image endpoint: /generations and /edits are the same handler, each accepting JSON and
 * multipart, under /v1/openai/images and the bare /v1/images alias the OpenAI SDKs use.
 */
export async function imageRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const handle = (endpoint: 'generations' | 'edits') => async (request: FastifyRequest, reply: FastifyReply) => {
    const startedAt = Date.now();
    const principal = await authenticate(request, services);
    const release = await applyKeyLimits(services, principal, reply);
    // A client that goes away aborts the upstream work.
    const controller = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort();
    };
    reply.raw.on('close', onClose);
    // Shutdown aborts it too, and waits until its answer is out (its money is settled before that).
    reply.raw.once('close', services.inFlight.add(controller));
    try {
      const imageRequest = await readImageRequest(request, services.config.maxUploadBytes).catch(async (error: unknown) => {
        await recordRejected(services, principal, endpoint, request, error, startedAt).catch(() => {});
        throw error;
      });
      const idempotencyKey = request.headers['idempotency-key'];
      if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
        throw invalidRequest('Idempotency-Key must be 1-255 characters', 'Idempotency-Key');
      }
      const owner = principal.kind === 'key' ? principal.keyId : 'admin';
      if (idempotencyKey) {
        const start = await services.idempotency.begin(owner, idempotencyKey, requestFingerprint(endpoint, imageRequest));
        if (start.kind === 'replay') {
          reply.header('idempotent-replayed', 'true');
          reply.header('x-pixelrouter-cost', String((start.body as { cost?: unknown })?.cost ?? 0));
          if (start.provider) reply.header('x-pixelrouter-provider', start.provider);
          return reply.status(start.status).send(start.body);
        }
      }
      try {
        const result = await runImageRequest(services, imageRequest, {
          endpoint,
          principal,
          baseUrl: services.config.publicUrl ?? `${request.protocol}://${request.host}`,
          signal: controller.signal,
          startedAt,
          // In the charging transaction: a crash cannot leave a charged request whose key a retry could run again.
          onCharged: idempotencyKey
            ? (tx, result) => services.idempotency.complete(owner, idempotencyKey, {
              status: 200, body: imageRequest.responseFormat === 'b64_ephemeral' ? null : result.body, provider: result.provider,
            }, tx)
            : undefined,
        });
        reply.header('x-pixelrouter-cost', String(result.body.cost));
        reply.header('x-pixelrouter-provider', result.provider);
        if (result.body.warnings) reply.header('x-pixelrouter-warnings', asciiJson(result.body.warnings));
        return result.body;
      } catch (error) {
        if (idempotencyKey) await services.idempotency.abandon(owner, idempotencyKey).catch(() => {});
        throw error;
      }
    } finally {
      reply.raw.off('close', onClose);
      await release();
    }
  };

  for (const prefix of ['/v1/openai/images', '/v1/images']) {
    app.post(`${prefix}/generations`, handle('generations'));
    app.post(`${prefix}/edits`, handle('edits'));
  }
}
