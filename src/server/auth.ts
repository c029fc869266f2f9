import type { FastifyRequest } from 'fastify';
import { invalidApiKey, permissionDenied } from '../api/errors.js';
import { secretsEqual, type Principal } from '../auth/keys.js';
import type { Services } from './services.js';

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** The caller behind `Authorization: Bearer ...`; 401 when it is missing, unknown or revoked. */
export async function authenticate(request: FastifyRequest, services: Services): Promise<Principal> {
  const key = bearer(request);
  if (!key) throw invalidApiKey('Missing API key: send Authorization: Bearer <key>');
  const admin = services.config.adminKey;
  if (admin && secretsEqual(key, admin)) return { kind: 'admin' };
  const result = await services.keys.lookup(key);
  if (result === 'unknown') throw invalidApiKey();
  if (result === 'disabled') throw invalidApiKey('This API key is disabled');
  if (result === 'expired') throw invalidApiKey('This API key has expired');
  return result;
}

/** The admin key only; user keys get 403. */
export async function requireAdmin(request: FastifyRequest, services: Services): Promise<void> {
  if (!services.config.adminKey) {
    const key = bearer(request);
    if (!key) throw invalidApiKey('Missing API key: send Authorization: Bearer <key>');
    throw permissionDenied('The admin API is disabled: start the server with PIXELROUTER_ADMIN_KEY set');
  }
  const principal = await authenticate(request, services);
  if (principal.kind !== 'admin') throw permissionDenied('This route needs the admin key');
}
