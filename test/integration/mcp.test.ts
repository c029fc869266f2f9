import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, spawnServer, type SpawnedServer } from '../helpers/cli.js';
import { colorDistance, dataUri, pixelAt, rectMask, solidImage } from '../helpers/images.js';

const ADMIN = 'sk-pr-mcp-admin-key-0123456789';
const RED = { r: 200, g: 30, b: 30 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-mcp-'));

type Content = { type: string; text?: string; data?: string; mimeType?: string };
type ToolResult = { content: Content[]; isError?: boolean };

let server: SpawnedServer;
let client: Client;
let accountId: string;
let stderr = '';
const protocolErrors: Error[] = [];

const admin = async (method: string, pathname: string, json?: unknown) => {
  const response = await fetch(server.url + pathname, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(json !== undefined && { 'content-type': 'application/json' }) }, body: json === undefined ? undefined : JSON.stringify(json) });
  return response.json() as Promise<any>;
};
const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;
const texts = (result: ToolResult) => result.content.filter((c) => c.type === 'text').map((c) => c.text!).join('\n');
const images = (result: ToolResult) => result.content.filter((c) => c.type === 'image');

beforeAll(async () => {
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ prices: { 'test/test': { type: 'fixed', per_image_usd: 0.01 } } }));
  server = await spawnServer({ PIXELROUTER_DATA_DIR: path.join(dir, 'data'), PIXELROUTER_CONFIG: config, PIXELROUTER_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn' });
  const account = await admin('POST', '/v1/admin/accounts', { name: 'mcp', balance_usd: 1 });
  accountId = account.id;
  const { key } = await admin('POST', '/v1/admin/keys', { name: 'mcp', account_id: account.id });

  // The real binary, as an MCP host starts it.
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], env: { PIXELROUTER_URL: server.url, PIXELROUTER_API_KEY: key }, stderr: 'pipe' });
  transport.stderr!.on('data', (chunk) => (stderr += chunk));
  client = new Client({ name: 'pixelrouter-test', version: '1.0.0' });
  client.onerror = (error) => protocolErrors.push(error);
  await client.connect(transport);
});
afterAll(async () => {
  await client?.close(); // closes stdin and stops the process
  await server?.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('pixelrouter mcp', () => {
  it('lists the four tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['edit_image', 'generate_image', 'get_credits', 'list_models']);
    const generate = tools.find((t) => t.name === 'generate_image')!;
    expect(generate.inputSchema.required?.sort()).toEqual(['model', 'prompt']);
    expect(Object.keys(generate.inputSchema.properties!).sort()).toEqual(['model', 'n', 'output_format', 'prompt', 'quality', 'save_to', 'size']);
    const edit = tools.find((t) => t.name === 'edit_image')!;
    expect(edit.inputSchema.required?.sort()).toEqual(['images', 'model', 'prompt']);
    expect(client.getServerVersion()).toMatchObject({ name: 'pixelrouter' });
    expect(client.getInstructions()).toMatch(/generate_image/);
  });

  it('generate_image returns decodable image content and reports the cost', async () => {
    const result = await call('generate_image', { prompt: 'a lighthouse', model: 'test/test', size: '96x64', output_format: 'png' });
    expect(result.isError).toBeFalsy();
    const [image] = images(result);
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(await sharp(Buffer.from(image!.data!, 'base64')).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 });
    expect(texts(result)).toMatch(/^1 image from test\/test \(provider test\): size 96x64, cost \$0\.01, latency \d+ ms\.$/);
  });

  it('generate_image with save_to writes the files and names them', async () => {
    const target = path.join(dir, 'out', 'cat.webp');
    const result = await call('generate_image', { prompt: 'two cats', model: 'test/test', n: 2, size: '64x64', save_to: target });
    expect(images(result)).toHaveLength(2);
    const files = [path.join(dir, 'out', 'cat-1.webp'), path.join(dir, 'out', 'cat-2.webp')];
    expect(texts(result)).toContain(`Saved to:\n${files.join('\n')}`);
    for (const [i, file] of files.entries()) {
      expect(fs.readFileSync(file).equals(Buffer.from(images(result)[i]!.data!, 'base64'))).toBe(true);
      expect((await sharp(file).metadata()).format).toBe('webp');
    }
    // A directory gets generated names.
    const folder = path.join(dir, 'folder') + path.sep;
    const inFolder = await call('generate_image', { prompt: 'in a folder', model: 'test/test', size: '64x64', save_to: folder });
    const saved = fs.readdirSync(folder);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^in-a-folder-\d{8}-\d{6}\.webp$/);
    expect(texts(inFolder)).toContain(path.join(folder, saved[0]!));
  });

  it('edit_image takes file paths and data URIs, and a mask', async () => {
    const input = path.join(dir, 'red.png');
    fs.writeFileSync(input, await solidImage(64, 64, RED));
    const mask = path.join(dir, 'mask.png');
    fs.writeFileSync(mask, await rectMask(64, 64, { left: 0, top: 0, width: 32, height: 64 })); // left half
    const result = await call('edit_image', { prompt: 'flowers on the left', model: 'test/test', images: [input], mask, size: '64x64', output_format: 'png' });
    expect(result.isError, texts(result)).toBeFalsy();
    const out = Buffer.from(images(result)[0]!.data!, 'base64');
    expect(colorDistance(await pixelAt(out, 56, 32), RED)).toBeLessThan(12); // outside the mask: the input
    expect(colorDistance(await pixelAt(out, 8, 32), RED)).toBeGreaterThan(60); // inside: painted

    const fromUri = await call('edit_image', { prompt: 'watercolor', model: 'test/test', images: [dataUri(await solidImage(32, 32, RED))], size: '64x64' });
    expect(fromUri.isError, texts(fromUri)).toBeFalsy();
    expect(images(fromUri)[0]).toMatchObject({ mimeType: 'image/webp' });

    const missing = await call('edit_image', { prompt: 'x', model: 'test/test', images: [path.join(dir, 'nope.png')] });
    expect(missing.isError).toBe(true);
    expect(texts(missing)).toContain('no such file');
  });

  it('list_models searches and summarises models', async () => {
    const result = await call('list_models', { search: 'test' });
    const models = JSON.parse(texts(result));
    expect(models).toContainEqual({ id: 'test/test', name: expect.any(String), providers: ['test'], price: '$0.01/image', edit: true, mask: true, available: true });
    const cheapest = JSON.parse(texts(await call('list_models', { sort: 'price', provider: 'fal', limit: 3 })));
    expect(cheapest).toHaveLength(3);
    expect(cheapest.every((m: { providers: string[] }) => m.providers.includes('fal'))).toBe(true);
  });

  it('get_credits shows the account balance', async () => {
    const account = await admin('GET', `/v1/admin/accounts/${accountId}`);
    const credits = JSON.parse(texts(await call('get_credits', {})));
    expect(credits).toEqual({ remaining_credits: account.balance_usd, credit_usage: account.charges_usd, total_deposits: 1, reserved_credits: 0 });
    expect(credits.credit_usage).toBeCloseTo(0.06, 6); // 1 + 2 + 1 + 2 edits at $0.01
  });

  it("a failed call is a tool error carrying the server's message", async () => {
    const result = await call('generate_image', { prompt: 'x', model: 'nope/nope' });
    expect(result.isError).toBe(true);
    expect(texts(result)).toBe("Model 'nope/nope' does not support image generation [HTTP 400 model_not_found]");
    const invalid = await call('generate_image', { prompt: 'x', model: 'test/test', n: 50 }); // refused by the input schema
    expect(invalid.isError).toBe(true);
    expect(texts(invalid)).toMatch(/n/);
  });

  it('writes nothing but the protocol to stdout; its log goes to stderr', () => {
    expect(protocolErrors).toEqual([]);
    expect(stderr).toContain(`pixelrouter MCP server on stdio, using the API at ${server.url}`);
  });
});
