import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalidRequest, notFound } from '../../api/errors.js';
import type { KeySettings } from '../../auth/keys.js';
import { requireAdmin } from '../auth.js';
import type { Services } from '../services.js';

const MAX_USD = 1_000_000;
const toMicros = (usd: number) => Math.round(usd * 1_000_000);
const usd = z.number().finite().min(0).max(MAX_USD);
const limit = z.number().int().min(1).max(1_000_000);

/** Key settings as the API spells them (USD, snake_case); null clears a limit. */
const keySettingsSchema = z.object({
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  expires_at: z.iso.datetime({ offset: true }).nullable(),
  allowed_models: z.array(z.string().min(1).max(200)).max(100).nullable(),
  rate_limit_rpm: limit.nullable(),
  concurrency_limit: limit.nullable(),
  spend_limit_usd: usd.nullable(),
  daily_spend_limit_usd: usd.nullable(),
}).partial().strict();

const createKeySchema = keySettingsSchema.extend({ account_id: z.string().min(1).max(100).optional() }).strict();
const createAccountSchema = z.object({ name: z.string().trim().min(1).max(100), balance_usd: usd.optional() }).strict();
const creditsSchema = z.object({ amount_usd: z.number().finite().min(-MAX_USD).max(MAX_USD).refine((v) => v !== 0, 'must not be 0'), note: z.string().max(500).optional() }).strict();

/** Parses a body with a schema; the first problem becomes a 400 naming the field. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.length ? String(issue.path[0]) : null;
  const field = param ?? (issue.code === 'unrecognized_keys' ? String((issue as { keys?: string[] }).keys?.[0]) : 'body');
  throw invalidRequest(`'${field}': ${issue.message}`, param ?? field);
}

function toSettings(body: z.infer<typeof keySettingsSchema>): Partial<KeySettings> {
  const micros = (v: number | null | undefined) => (v === undefined ? undefined : v === null ? null : toMicros(v));
  return {
    name: body.name,
    enabled: body.enabled,
    expiresAt: body.expires_at === undefined ? undefined : body.expires_at === null ? null : new Date(body.expires_at),
    allowedModels: body.allowed_models,
    rateLimitRpm: body.rate_limit_rpm,
    concurrencyLimit: body.concurrency_limit,
    spendLimitMicros: micros(body.spend_limit_usd),
    dailySpendLimitMicros: micros(body.daily_spend_limit_usd),
  };
}

const accountNotFound = (id: string) => notFound(`No account with id '${id}'`, 'account_not_found');

/** Accounts, credits and keys, for the admin key only. A key's secret is returned once, at creation. */
export async function adminRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { keys, ledger, db } = services;
  app.addHook('onRequest', async (request) => requireAdmin(request, services));

  app.post('/v1/admin/accounts', async (request, reply) => {
    const body = parse(createAccountSchema, request.body);
    const id = await ledger.createAccount(body.name, toMicros(body.balance_usd ?? 0));
    reply.status(201);
    return ledger.getAccount(id);
  });

  app.get('/v1/admin/accounts', async () => ({ object: 'list', data: await ledger.listAccounts() }));

  app.get('/v1/admin/accounts/:id', async (request) => {
    const { id } = request.params as { id: string };
    const account = await ledger.getAccount(id);
    if (!account) throw accountNotFound(id);
    return { ...account, keys: await keys.list(id) };
  });

  app.post('/v1/admin/accounts/:id/credits', async (request) => {
    const { id } = request.params as { id: string };
    const body = parse(creditsSchema, request.body);
    return ledger.addCredits(id, toMicros(body.amount_usd), body.note ?? null);
  });

  app.post('/v1/admin/keys', async (request, reply) => {
    const body = parse(createKeySchema, request.body);
    const { account_id: accountId, ...settings } = body;
    const name = settings.name ?? 'unnamed';
    const created = await db.transaction(async (tx) => {
      if (accountId) {
        if (!(await tx.query('SELECT id FROM accounts WHERE id = $1', [accountId]))[0]) throw accountNotFound(accountId);
      }
      // Without an account the key gets a new one of its own, with nothing in it.
      const account = accountId ?? (await ledger.createAccount(name, 0, 'initial balance', tx));
      return keys.create(account, { ...toSettings(settings), name }, tx);
    });
    reply.status(201);
    return created;
  });

  app.get('/v1/admin/keys', async (request) => {
    const { account_id: accountId } = request.query as { account_id?: string };
    return { object: 'list', data: await keys.list(accountId || undefined) };
  });

  app.patch('/v1/admin/keys/:id', async (request) => {
    const { id } = request.params as { id: string };
    const updated = await keys.update(id, toSettings(parse(keySettingsSchema, request.body)));
    if (!updated) throw notFound(`No key with id '${id}'`, 'key_not_found');
    return updated;
  });

  app.delete('/v1/admin/keys/:id', async (request) => {
    const { id } = request.params as { id: string };
    if (!(await keys.revoke(id))) throw notFound(`No active key with id '${id}'`, 'key_not_found');
    return { id, revoked: true };
  });
}
