import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { ServiceOverrides } from '../../src/server/services.js';
import { startServer, type RunningServer } from '../../src/server/start.js';

export const ADMIN_KEY = 'sk-pr-admin-test-key-0123456789';

export interface TestServer {
  url: string;
  dataDir: string;
  /** A user key created through the admin API (on an account of its own, with zero balance). */
  key: string;
  /** Calls the admin API with the admin key and returns the parsed body (throws on an error status). */
  admin(method: string, pathname: string, json?: unknown): Promise<any>;
  server: RunningServer;
  /** fetch against the server with the user key (or `auth: null` for none). */
  call(pathname: string, init?: RequestInit & { auth?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** A real server on an ephemeral loopback port with its own data dir. */
export async function startTestServer(env: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-test-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PIXELROUTER_DATA_DIR: dataDir, PIXELROUTER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', ...env });
  const server = await startServer(config, { logger: false, ...overrides });
  const url = server.url;
  const call: TestServer['call'] = (pathname, init = {}) => {
    const { auth, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    const token = auth === undefined ? key : auth;
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(url + pathname, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  };
  let key = '';
  const created = await call('/v1/admin/keys', { method: 'POST', auth: ADMIN_KEY, json: { name: 'test' } });
  key = ((await created.json()) as { key: string }).key;
  const testServer: TestServer = {
    url,
    dataDir,
    key,
    server,
    call,
    async admin(method, pathname, json) {
      const response = await call(pathname, { method, auth: ADMIN_KEY, json });
      const body = await response.json();
      if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      await testServer.server.close(200);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testServer;
}

/** Every file under a folder, recursively. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}
