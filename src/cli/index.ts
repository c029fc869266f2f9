#!/usr/bin/env node
import { Command, Option } from 'commander';
import { KeyStore } from '../auth/keys.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase } from '../db/index.js';
import { startServer } from '../server/start.js';

/** Exit codes: 0 ok, 1 server or unexpected error, 2 bad usage or configuration, 3 authentication. */
const EXIT = { error: 1, usage: 2, auth: 3 } as const;

class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

const program = new Command()
  .name('pixelrouter')
  .description('Self-hostable image-generation router with an OpenAI-compatible API')
  .showHelpAfterError();

program
  .command('serve')
  .description('start the server (PORT, HOST, PIXELROUTER_DATA_DIR and the other environment variables apply)')
  .option('-p, --port <port>', 'port to listen on (PORT, default 8080)')
  .option('-H, --host <host>', 'address to listen on (HOST, default 127.0.0.1)')
  .option('-d, --data-dir <dir>', 'where state is kept (PIXELROUTER_DATA_DIR, default ./data)')
  .action(async (opts: { port?: string; host?: string; dataDir?: string }) => {
    const config = loadConfig({
      ...process.env,
      ...(opts.port !== undefined && { PORT: opts.port }),
      ...(opts.host !== undefined && { HOST: opts.host }),
      ...(opts.dataDir !== undefined && { PIXELROUTER_DATA_DIR: opts.dataDir }),
    });
    const server = await startServer(config);
    // One write, so whoever reads the output sees the key together with the "listening" line.
    let banner = `pixelrouter listening on ${server.url} (database: ${server.services.db.kind}, data: ${config.dataDir})\n`;
    if (server.firstKey) {
      banner += '\nNo API key existed, so one was created. It is shown only this once; keep it:\n\n';
      banner += `  ${server.firstKey}\n\n`;
      banner += `Try: curl ${server.url}/v1/openai/images/generations -H 'Authorization: Bearer <that key>' --json '{"prompt":"a lighthouse at dawn","model":"test/test"}'\n`;
    }
    process.stdout.write(banner);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

/** Key commands talk to a running server's admin API, or with --local straight to the database. */
interface KeyOptions {
  local?: boolean;
  url: string;
  adminKey?: string;
}

const keyOptions = (command: Command) =>
  command
    .addOption(new Option('--url <url>', 'server URL').env('PIXELROUTER_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--admin-key <key>', 'the admin key').env('PIXELROUTER_ADMIN_KEY'))
    .option('--local', 'use the database directly (DATABASE_URL or PIXELROUTER_DATA_DIR) instead of a running server; with the embedded database the server must be stopped');

async function adminCall(opts: KeyOptions, method: string, path: string, body?: unknown): Promise<unknown> {
  if (!opts.adminKey) throw new CliError('Set PIXELROUTER_ADMIN_KEY (or --admin-key) to manage keys through the server, or use --local', EXIT.usage);
  let response: Response;
  try {
    response = await fetch(new URL(path, opts.url), {
      method,
      headers: { authorization: `Bearer ${opts.adminKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliError(`Cannot reach the server at ${opts.url}: is it running? (or use --local)`, EXIT.error);
  }
  const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) {
    const message = payload.error?.message ?? `HTTP ${response.status}`;
    throw new CliError(message, response.status === 401 || response.status === 403 ? EXIT.auth : response.status < 500 ? EXIT.usage : EXIT.error);
  }
  return payload;
}

async function withLocalKeys<T>(fn: (keys: KeyStore) => Promise<T>): Promise<T> {
  const config: Config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await fn(new KeyStore(db));
  } finally {
    await db.close();
  }
}

const keys = program.command('keys').description('create, list and revoke API keys');

keyOptions(keys.command('create').description('create a key and print it (shown only once)'))
  .option('-n, --name <name>', 'a name to recognise the key by', 'unnamed')
  .option('--json', 'print JSON')
  .action(async (opts: KeyOptions & { name: string; json?: boolean }) => {
    const created = (opts.local
      ? await withLocalKeys((k) => k.create(opts.name))
      : await adminCall(opts, 'POST', '/v1/admin/keys', { name: opts.name })) as { id: string; key: string; name: string };
    if (opts.json) console.log(JSON.stringify({ id: created.id, key: created.key, name: created.name }));
    else console.log(`Created key ${created.id} (${created.name}). Shown only once:\n${created.key}`);
  });

keyOptions(keys.command('list').description('list keys (never their secrets)'))
  .option('--json', 'print JSON')
  .action(async (opts: KeyOptions & { json?: boolean }) => {
    const list = opts.local
      ? await withLocalKeys((k) => k.list())
      : ((await adminCall(opts, 'GET', '/v1/admin/keys')) as { data: Awaited<ReturnType<KeyStore['list']>> }).data;
    if (opts.json) return console.log(JSON.stringify(list));
    if (list.length === 0) return console.log('No keys.');
    const rows = list.map((k) => [k.id, k.name, `${k.hint}...`, k.created_at, k.revoked_at ? `revoked ${k.revoked_at}` : 'active']);
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  });

keyOptions(keys.command('revoke').description('revoke a key by id').argument('<id>', 'the key id (key_...)'))
  .action(async (id: string, opts: KeyOptions) => {
    if (opts.local) {
      if (!(await withLocalKeys((k) => k.revoke(id)))) throw new CliError(`No active key with id '${id}'`, EXIT.usage);
    } else {
      await adminCall(opts, 'DELETE', `/v1/admin/keys/${encodeURIComponent(id)}`);
    }
    console.log(`Revoked ${id}`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CliError) {
    console.error(`error: ${error.message}`);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
    process.exit(EXIT.usage);
  }
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(EXIT.error);
});
