import type { FastifyInstance } from 'fastify';
import { invalidRequest, notFound, permissionDenied } from '../../api/errors.js';
import { presentUsage } from '../../billing/usage.js';
import { authenticate } from '../auth.js';
import type { Services } from '../services.js';

function parseTime(value: string | undefined, param: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidRequest(`'${param}' must be an ISO 8601 time or unix seconds`, param);
  return date;
}

/** Pagination cursors are opaque to clients: the last record's time and id. */
const encodeCursor = (createdAt: string, id: string) => Buffer.from(`${createdAt}|${id}`).toString('base64url');
function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(time ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw invalidRequest("'cursor' is not valid", 'cursor');
  return { createdAt, id };
}

/** What a key can see about itself: its account's credits, its records. The admin key sees all records. */
export async function accountRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { ledger, keys, usage, store } = services;

  app.post('/v1/auth/test', async (request) => {
    const principal = await authenticate(request, services);
    if (principal.kind === 'admin') return { valid: true, admin: true };
    return { valid: true, admin: false, key: await keys.get(principal.keyId) };
  });

  // ImageRouter's shape, in USD.
  app.get('/v1/credits', async (request) => {
    const principal = await authenticate(request, services);
    if (principal.kind !== 'key') throw permissionDenied('The admin key has no account: use GET /v1/admin/accounts');
    const account = (await ledger.getAccount(principal.accountId))!;
    const body: Record<string, unknown> = {
      remaining_credits: account.balance_usd,
      credit_usage: account.charges_usd,
      total_deposits: account.deposits_usd,
      reserved_credits: account.reserved_usd,
    };
    if ((request.query as { by_api_key?: string }).by_api_key === 'true') {
      const charges = new Map((await ledger.keyUsage(principal.accountId)).map((k) => [k.key_id, k.charges_micros]));
      body.by_api_key = (await keys.list(principal.accountId)).map((k) => ({
        id: k.id, name: k.name, hint: k.hint, revoked: k.revoked_at !== null, credit_usage: (charges.get(k.id) ?? 0) / 1_000_000,
      }));
    }
    return body;
  });

  app.get('/v1/usage', async (request) => {
    const principal = await authenticate(request, services);
    const q = request.query as Record<string, string | undefined>;
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalidRequest("'limit' must be an integer from 1 to 500", 'limit');
    const { rows, hasMore } = await usage.list({
      accountId: principal.kind === 'key' ? principal.accountId : q.account_id || undefined,
      model: q.model || undefined,
      from: parseTime(q.from, 'from'),
      to: parseTime(q.to, 'to'),
      limit,
      before: decodeCursor(q.cursor),
    });
    const data = rows.map(presentUsage);
    const last = data[data.length - 1];
    return { object: 'list', data, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(last.created_at, last.id) : null };
  });

  // Forget a record's prompt and delete its images; the record itself (and what it cost) stays.
  app.delete('/v1/usage/:id/content', async (request) => {
    const principal = await authenticate(request, services);
    const { id } = request.params as { id: string };
    const record = await usage.get(id);
    if (!record || (principal.kind === 'key' && record.account_id !== principal.accountId)) throw notFound(`No usage record with id '${id}'`, 'record_not_found');
    const outputIds = await usage.forgetContent(id);
    for (const outputId of outputIds) await store.delete(outputId);
    return { id, prompt_deleted: true, images_deleted: outputIds.length };
  });
}
