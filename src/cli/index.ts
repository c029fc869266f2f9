#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { registerAdminCommands } from './admin.js';
import { registerClientCommands } from './client.js';
import { CliError, EXIT } from './errors.js';
import { registerMcpCommand } from './mcp.js';
import { serve } from './serve.js';

const program = new Command()
  .name('pixelrouter')
  .description('Self-hostable image-generation router with an OpenAI-compatible API')
  .showHelpAfterError()
  // Options belong to the command they follow, so `credits --json` and `credits add ... --json` both work.
  .enablePositionalOptions()
  // Usage errors come back to the catch below, to exit with 2 (commander would exit with 1).
  .exitOverride();

program
  .command('serve')
  .description('start the server (PORT, HOST, PIXELROUTER_DATA_DIR and the other environment variables apply)')
  .option('-p, --port <port>', 'port to listen on (PORT, default 8080)')
  .option('-H, --host <host>', 'address to listen on (HOST, default 127.0.0.1)')
  .option('-d, --data-dir <dir>', 'where state is kept (PIXELROUTER_DATA_DIR, default ./data)')
  .option('-w, --workers <n>', 'server processes sharing the port (needs DATABASE_URL and REDIS_URL when above 1)', '1')
  .action(async (opts: { port?: string; host?: string; dataDir?: string; workers: string }) => {
    const workers = Number(opts.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new CliError(`--workers must be a whole number from 1 to 256 (got "${opts.workers}")`, EXIT.usage);
    const config = loadConfig({
      ...process.env,
      ...(opts.port !== undefined && { PORT: opts.port }),
      ...(opts.host !== undefined && { HOST: opts.host }),
      ...(opts.dataDir !== undefined && { PIXELROUTER_DATA_DIR: opts.dataDir }),
    });
    await serve(config, workers);
  });

registerAdminCommands(program);
registerClientCommands(program); // after the admin commands: it adds its action to their `credits`
registerMcpCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // commander has printed the message (or the help) already.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT.usage);
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
