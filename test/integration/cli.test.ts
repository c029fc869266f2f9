import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, type SpawnedServer } from '../helpers/cli.js';

const ADMIN = 'sk-pr-cli-admin-key-0123456789';
const dirs: string[] = [];
const servers: SpawnedServer[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-cli-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const generate = (url: string, key: string) =>
  fetch(`${url}/v1/openai/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'test/test', prompt: 'cli', size: '64x64' }) });

describe('pixelrouter serve', () => {
  it('on first start creates a key, prints it once, and the key works; a restart prints none', async () => {
    const dataDir = tempDir();
    const started = Date.now();
    const first = await spawnServer({ PIXELROUTER_DATA_DIR: dataDir });
    servers.push(first);
    console.log(`pixelrouter serve was ready in ${Date.now() - started} ms (first start, new PGlite database)`);
    const key = /(sk-pr-[\w-]{32})/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    expect((await generate(first.url, key!)).status).toBe(200);
    expect(await first.stop()).toBe(0); // SIGTERM is a clean shutdown

    const second = await spawnServer({ PIXELROUTER_DATA_DIR: dataDir });
    servers.push(second);
    expect(second.output()).not.toMatch(/sk-pr-/);
    expect((await generate(second.url, key!)).status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'db'))).toBe(true); // state under PIXELROUTER_DATA_DIR
    expect(await second.stop()).toBe(0);
  });

  it('takes --port, --host and --data-dir flags', async () => {
    const dataDir = tempDir();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = await spawnServer({ PIXELROUTER_ADMIN_KEY: ADMIN }, ['--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir]);
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'db'))).toBe(true);
    await server.stop();
  });

  it('refuses bad configuration with exit code 2', async () => {
    const result = await runCli(['serve'], { PIXELROUTER_URL_TTL: 'forever', PORT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PIXELROUTER_URL_TTL/);
  });
});

describe('pixelrouter keys', () => {
  it('creates, lists and revokes keys through a running server', async () => {
    const server = await spawnServer({ PIXELROUTER_DATA_DIR: tempDir(), PIXELROUTER_ADMIN_KEY: ADMIN });
    servers.push(server);
    const env = { PIXELROUTER_URL: server.url, PIXELROUTER_ADMIN_KEY: ADMIN };

    const created = await runCli(['keys', 'create', '--name', 'ci-key', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    expect(key).toMatch(/^sk-pr-/);
    expect((await generate(server.url, key)).status).toBe(200);

    const listed = await runCli(['keys', 'list'], env);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('ci-key');
    expect(listed.stdout).not.toContain(key); // never the secret
    expect(listed.stdout).toMatch(/active/);

    expect((await runCli(['keys', 'revoke', id], env)).code).toBe(0);
    expect((await runCli(['keys', 'list'], env)).stdout).toMatch(/revoked/);
    expect((await generate(server.url, key)).status).toBe(401);

    // Distinct exit codes: bad admin key 3, missing admin key 2, unknown id 2, unreachable server 1.
    expect((await runCli(['keys', 'list'], { PIXELROUTER_URL: server.url, PIXELROUTER_ADMIN_KEY: 'sk-pr-wrong-admin-key-000' })).code).toBe(3);
    expect((await runCli(['keys', 'list'], { PIXELROUTER_URL: server.url })).code).toBe(2);
    expect((await runCli(['keys', 'revoke', 'key_nope'], env)).code).toBe(2);
    expect((await runCli(['keys', 'list'], { PIXELROUTER_URL: 'http://127.0.0.1:9', PIXELROUTER_ADMIN_KEY: ADMIN })).code).toBe(1);
    await server.stop();
  });

  it('works on the database directly with --local while the server is stopped', async () => {
    const dataDir = tempDir();
    const created = await runCli(['keys', 'create', '--local', '--name', 'offline', '--json'], { PIXELROUTER_DATA_DIR: dataDir });
    expect(created.code, created.stderr).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    expect((await runCli(['keys', 'list', '--local', '--json'], { PIXELROUTER_DATA_DIR: dataDir })).stdout).toContain(id);

    // A key existed, so the server prints none at start; the offline key works.
    const server = await spawnServer({ PIXELROUTER_DATA_DIR: dataDir });
    servers.push(server);
    expect(server.output()).not.toMatch(/sk-pr-/);
    expect((await generate(server.url, key)).status).toBe(200);
    await server.stop();
    expect((await runCli(['keys', 'revoke', '--local', id], { PIXELROUTER_DATA_DIR: dataDir })).code).toBe(0);
  });

  it('manages accounts, credits and key limits', async () => {
    const server = await spawnServer({ PIXELROUTER_DATA_DIR: tempDir(), PIXELROUTER_ADMIN_KEY: ADMIN });
    servers.push(server);
    const env = { PIXELROUTER_URL: server.url, PIXELROUTER_ADMIN_KEY: ADMIN };
    const json = async (args: string[]) => {
      const result = await runCli([...args, '--json'], env);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };
    const account = await json(['accounts', 'create', '--name', 'acme', '--balance', '5']);
    expect(account).toMatchObject({ name: 'acme', balance_usd: 5 });
    expect(await json(['credits', 'add', account.id, '2.5', '--note', 'invoice 7'])).toMatchObject({ balance_usd: 7.5, deposits_usd: 7.5 });
    const key = await json(['keys', 'create', '--name', 'acme-app', '--account', account.id, '--rpm', '10', '--spend-limit', '1', '--models', 'test/*,openai/*']);
    expect(key).toMatchObject({ account_id: account.id, rate_limit_rpm: 10, spend_limit_usd: 1, allowed_models: ['test/*', 'openai/*'] });
    expect(await json(['keys', 'update', key.id, '--disable', '--rpm', 'none'])).toMatchObject({ enabled: false, rate_limit_rpm: null });
    expect((await generate(server.url, key.key)).status).toBe(401);
    expect(await json(['keys', 'update', key.id, '--enable'])).toMatchObject({ enabled: true });
    expect((await generate(server.url, key.key)).status).toBe(200);
    const shown = await json(['accounts', 'show', account.id]);
    expect(shown.keys.map((k: { id: string }) => k.id)).toEqual([key.id]);
    const table = await runCli(['accounts', 'list'], env);
    expect(table.stdout).toMatch(/acme\s+balance \$7\.5/);
    expect((await runCli(['credits', 'add', 'acct_nope', '1'], env)).code).toBe(2);
    expect((await runCli(['credits', 'add', account.id, 'lots'], env)).code).toBe(2);
    await server.stop();
  });
});
