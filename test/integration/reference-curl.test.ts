import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidImage } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Every curl command of the ImageRouter usage guide, run verbatim with real curl against a local
 * server; only the host, the key and the sample file paths are replaced. The guide is kept as a
 * fixture (a copy of ../shared/reference/seed-imagerouter.md, checked for drift when that is present).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, '../fixtures/seed-imagerouter.md');
const shared = path.join(here, '../../../shared/reference/seed-imagerouter.md');

/** Fenced bash blocks as whole scripts, plus inline `curl ...` spans. */
export function extractCurlCommands(markdown: string): string[] {
  const commands: string[] = [];
  const fenced = /```bash\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(fenced)) commands.push(match[1]!.trim());
  const withoutFences = markdown.replace(fenced, '');
  for (const match of withoutFences.matchAll(/`(curl [^`]+)`/g)) commands.push(match[1]!);
  return commands;
}

let t: TestServer;
let cwd: string;
const run = (script: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', ['-c', script], { cwd, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });

beforeAll(async () => {
  t = await startTestServer();
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-curl-'));
  const files = ['image.webp', 'image1.webp', 'image2.webp', 'image3.webp', 'original.webp'];
  for (const [i, name] of files.entries()) fs.writeFileSync(path.join(cwd, name), await solidImage(200, 150, { r: 40 * i, g: 120, b: 200 }, 'webp'));
  fs.writeFileSync(path.join(cwd, 'mask.webp'), await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="150"><rect width="200" height="150"/><rect width="100" height="150" fill="white"/></svg>')).webp({ lossless: true }).toBuffer());
});
afterAll(async () => {
  await t?.close();
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
});

const localize = (command: string) =>
  command
    .replace(/https:\/\/(api|backend)\.example/g, t.url)
    .replace(/(['"\s])\.\.\.\//g, `$1${t.url}/`)
    .replace(/Bearer (YOUR_API_KEY|KEY)/g, `Bearer ${t.key}`)
    .replace('/path/to/your/image.webp', 'image.webp');

const markdown = fs.readFileSync(fixture, 'utf8');
const commands = extractCurlCommands(markdown);

describe('the reference guide’s curl commands', () => {
  it('are all found (fixture in step with shared/ when present)', () => {
    expect(commands).toHaveLength(10);
    if (fs.existsSync(shared)) expect(extractCurlCommands(fs.readFileSync(shared, 'utf8'))).toEqual(commands);
  });

  it.each(commands.map((c, i) => [i + 1, c] as const))('command %i works verbatim', async (_i, command) => {
    const { code, stdout, stderr } = await run(localize(command));
    expect(code, stderr).toBe(0);
    if (command.includes('xargs curl -o output.webp')) {
      const meta = await sharp(path.join(cwd, 'output.webp')).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1024, 1024]);
      return;
    }
    const body = JSON.parse(stdout);
    if (command.includes('get-popular-models')) return expect(body[0].id).toBe('test/test');
    if (command.includes('/v1/models')) {
      expect(body.error).toBeUndefined();
      const name = /name=(\w+)/.exec(command)?.[1];
      // A name search returns only matching models (none yet for gemini); the full list has test/test.
      if (name) return expect(Object.keys(body).every((id) => id.includes(name))).toBe(true);
      return expect(Object.keys(body)).toContain('test/test');
    }
    expect(body.error, JSON.stringify(body.error)).toBeUndefined();
    const image = await fetch(body.data[0].url);
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp'); // the default, and what every example asks for
    expect([meta.width, meta.height]).toEqual([1024, 1024]); // auto and 1024x1024 alike
    expect(body.latency).toBeGreaterThanOrEqual(0);
    expect(body.cost).toBe(0);
  });
});
