import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { buildApp } from '../server/app.js';
import { createServices } from '../server/services.js';
import { CliError, EXIT, exitCodeFor } from './errors.js';
import { money, table } from './format.js';

/**
 * Operator commands: accounts, credits and keys. They call the admin API of a running server, or
 * with --local the same routes in-process on the database (the embedded one only while the server
 * is stopped), so both ways share one implementation.
 */
interface AdminOptions {
  local?: boolean;
  url: string;
  adminKey?: string;
  json?: boolean;
}

async function adminCall(opts: AdminOptions, method: string, path: string, body?: unknown): Promise<any> {
  const headers = (key: string) => ({ authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) });
  let status: number;
  let payload: any;
  if (opts.local) {
    const adminKey = `sk-pr-local-${randomBytes(16).toString('hex')}`;
    const services = await createServices({ ...loadConfig(), adminKey });
    try {
      const app = await buildApp(services, { logger: false });
      const response = await app.inject({ method: method as 'GET', url: path, headers: headers(adminKey), payload: body === undefined ? undefined : JSON.stringify(body) });
      status = response.statusCode;
      payload = response.json();
      await app.close();
    } finally {
      await services.close();
    }
  } else {
    if (!opts.adminKey) throw new CliError('Set PIXELROUTER_ADMIN_KEY (or --admin-key) to manage a running server, or use --local', EXIT.usage);
    let response: Response;
    try {
      response = await fetch(new URL(path, opts.url), { method, headers: headers(opts.adminKey), body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new CliError(`Cannot reach the server at ${opts.url}: is it running? (or use --local)`, EXIT.error);
    }
    status = response.status;
    payload = await response.json().catch(() => ({}));
  }
  if (status >= 400) throw new CliError(payload?.error?.message ?? `HTTP ${status}`, exitCodeFor(status));
  return payload;
}

const withAdminOptions = (command: Command) =>
  command
    .addOption(new Option('--url <url>', 'server URL').env('PIXELROUTER_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--admin-key <key>', 'the admin key').env('PIXELROUTER_ADMIN_KEY'))
    .option('--local', 'work on the database directly (DATABASE_URL or PIXELROUTER_DATA_DIR); the embedded one only while the server is stopped')
    .option('--json', 'print JSON');

const printTable = (rows: string[][]) => console.log(table(rows));

const print = (opts: AdminOptions, value: unknown, text: () => void) => (opts.json ? console.log(JSON.stringify(value)) : text());

function number(value: string, name: string) {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`${name} must be a number`, EXIT.usage);
  return n;
}
/** "none" clears a limit; commander cannot carry null through a parser, so it stays the string until keyBody. */
const limitOrNone = (name: string) => (value: string) => (value === 'none' ? 'none' : number(value, name));
const cleared = <T>(value: T | 'none' | undefined) => (value === 'none' ? null : value);

/** Key limit flags shared by `keys create` and `keys update`. */
const withKeySettings = (command: Command) =>
  command
    .option('--rpm <n|none>', 'requests per minute', limitOrNone('--rpm'))
    .option('--concurrency <n|none>', 'requests at a time', limitOrNone('--concurrency'))
    .option('--spend-limit <usd|none>', 'total spend limit in USD', limitOrNone('--spend-limit'))
    .option('--daily-spend-limit <usd|none>', 'spend limit per UTC day in USD', limitOrNone('--daily-spend-limit'))
    .option('--models <patterns|none>', 'allowed models, comma-separated patterns such as openai/*,test/test', (v: string) => (v === 'none' ? 'none' : v.split(',').map((p) => p.trim()).filter(Boolean)))
    .option('--expires <iso|none>', 'expiry time, e.g. 2027-01-01T00:00:00Z');

type Clearable<T> = T | 'none' | undefined;
type KeyFlags = { name?: string; rpm?: Clearable<number>; concurrency?: Clearable<number>; spendLimit?: Clearable<number>; dailySpendLimit?: Clearable<number>; models?: Clearable<string[]>; expires?: Clearable<string> };
const keyBody = (o: KeyFlags) => ({
  name: o.name, rate_limit_rpm: cleared(o.rpm), concurrency_limit: cleared(o.concurrency), spend_limit_usd: cleared(o.spendLimit),
  daily_spend_limit_usd: cleared(o.dailySpendLimit), allowed_models: cleared(o.models), expires_at: cleared(o.expires),
});

const keyRow = (k: any) => [k.id, k.name, `${k.hint}...`, k.account_id, k.revoked_at ? 'revoked' : k.enabled ? 'active' : 'disabled',
  `spent ${money(k.spent_usd)}`, `limit ${money(k.spend_limit_usd)}`, `rpm ${k.rate_limit_rpm ?? '-'}`];
const accountRow = (a: any) => [a.id, a.name, `balance ${money(a.balance_usd)}`, `reserved ${money(a.reserved_usd)}`, `deposits ${money(a.deposits_usd)}`, `charges ${money(a.charges_usd)}`];

export function registerAdminCommands(program: Command) {
  const accounts = program.command('accounts').description('create, list and show accounts');
  withAdminOptions(accounts.command('create').description('create an account'))
    .requiredOption('-n, --name <name>', 'account name')
    .option('-b, --balance <usd>', 'initial balance in USD', (v: string) => number(v, '--balance'))
    .action(async (o: AdminOptions & { name: string; balance?: number }) => {
      const account = await adminCall(o, 'POST', '/v1/admin/accounts', { name: o.name, balance_usd: o.balance });
      print(o, account, () => console.log(`Created account ${account.id} (${account.name}), balance ${money(account.balance_usd)}`));
    });
  withAdminOptions(accounts.command('list').description('list accounts with balances'))
    .action(async (o: AdminOptions) => {
      const { data } = await adminCall(o, 'GET', '/v1/admin/accounts');
      print(o, data, () => printTable(data.map(accountRow)));
    });
  withAdminOptions(accounts.command('show').description('one account, its balance and keys').argument('<id>'))
    .action(async (id: string, o: AdminOptions) => {
      const account = await adminCall(o, 'GET', `/v1/admin/accounts/${encodeURIComponent(id)}`);
      print(o, account, () => {
        printTable([accountRow(account)]);
        printTable(account.keys.map(keyRow));
      });
    });

  const credits = program.command('credits').description('top up or deduct account credit (every change is a ledger entry)');
  withAdminOptions(credits.command('add').description('add credit (negative to deduct)').argument('<account>').argument('<usd>'))
    .option('--note <text>', 'why')
    .action(async (accountId: string, amount: string, o: AdminOptions & { note?: string }) => {
      const account = await adminCall(o, 'POST', `/v1/admin/accounts/${encodeURIComponent(accountId)}/credits`, { amount_usd: number(amount, 'amount'), note: o.note });
      print(o, account, () => console.log(`${account.id}: balance ${money(account.balance_usd)}`));
    });

  const keys = program.command('keys').description('create, list, update and revoke API keys');
  withKeySettings(withAdminOptions(keys.command('create').description('create a key and print it (shown only once)')))
    .option('-n, --name <name>', 'a name to recognise the key by', 'unnamed')
    .option('-a, --account <id>', 'the account it draws on (default: a new account with zero balance)')
    .action(async (o: AdminOptions & KeyFlags & { account?: string }) => {
      const created = await adminCall(o, 'POST', '/v1/admin/keys', { ...keyBody(o), account_id: o.account });
      print(o, created, () => console.log(`Created key ${created.id} (${created.name}) on account ${created.account_id}. Shown only once:\n${created.key}`));
    });
  withAdminOptions(keys.command('list').description('list keys (never their secrets)'))
    .option('-a, --account <id>', 'only this account')
    .action(async (o: AdminOptions & { account?: string }) => {
      const { data } = await adminCall(o, 'GET', `/v1/admin/keys${o.account ? `?account_id=${encodeURIComponent(o.account)}` : ''}`);
      print(o, data, () => printTable(data.map(keyRow)));
    });
  withKeySettings(withAdminOptions(keys.command('update').description('change a key’s name, limits, expiry or state').argument('<id>')))
    .option('-n, --name <name>', 'new name')
    .option('--enable', 'enable the key')
    .option('--disable', 'disable the key (it answers 401 until enabled)')
    .action(async (id: string, o: AdminOptions & KeyFlags & { enable?: boolean; disable?: boolean }) => {
      const enabled = o.enable ? true : o.disable ? false : undefined;
      const updated = await adminCall(o, 'PATCH', `/v1/admin/keys/${encodeURIComponent(id)}`, { ...keyBody(o), enabled });
      print(o, updated, () => printTable([keyRow(updated)]));
    });
  withAdminOptions(keys.command('revoke').description('revoke a key').argument('<id>', 'the key id (key_...)'))
    .action(async (id: string, o: AdminOptions) => {
      const result = await adminCall(o, 'DELETE', `/v1/admin/keys/${encodeURIComponent(id)}`);
      print(o, result, () => console.log(`Revoked ${id}`));
    });
}
