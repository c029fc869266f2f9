import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSpinner } from '../../src/cli/spinner.js';
import { CLI, runCli, spawnServer, type SpawnedServer } from '../helpers/cli.js';
import { colorDistance, pixelAt, rectMask, solidImage } from '../helpers/images.js';

const ADMIN = 'sk-pr-cli-client-admin-0123456789';
const RED = { r: 200, g: 30, b: 30 };
const BLUE = { r: 20, g: 40, b: 210 };
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-cli-client-'));
  dirs.push(dir);
  return dir;
};

let server: SpawnedServer;
let env: Record<string, string>;
let accountId: string;
let brokeKey: string;

const admin = async (method: string, pathname: string, json?: unknown) => {
  const response = await fetch(server.url + pathname, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(json !== undefined && { 'content-type': 'application/json' }) }, body: json === undefined ? undefined : JSON.stringify(json) });
  return response.json() as Promise<any>;
};

/** runCli in a given working directory (runCli uses the test's own). */
const runIn = (cwd: string, args: string[], extra: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extra }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });
const ok = async (args: string[]) => {
  const result = await run(args);
  expect(result.code, result.stderr).toBe(0);
  return result;
};
/** The table rows of a command's output whose first cell is `id`. */
const rowOf = (stdout: string, id: string) => stdout.split('\n').find((line) => line.split(/\s+/)[0] === id);
const firstColumn = (stdout: string) => stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/)[0]);

beforeAll(async () => {
  const dir = tempDir();
  const config = path.join(dir, 'config.json');
  // test/test at $0.01 an image, so costs and balances are real numbers.
  fs.writeFileSync(config, JSON.stringify({ prices: { 'test/test': { type: 'fixed', per_image_usd: 0.01 } } }));
  server = await spawnServer({ PIXELROUTER_DATA_DIR: path.join(dir, 'data'), PIXELROUTER_CONFIG: config, PIXELROUTER_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn' });
  const account = await admin('POST', '/v1/admin/accounts', { name: 'cli-client', balance_usd: 1 });
  accountId = account.id;
  const { key } = await admin('POST', '/v1/admin/keys', { name: 'cli-client', account_id: account.id });
  brokeKey = (await admin('POST', '/v1/admin/keys', { name: 'broke' })).key; // a new account with no money
  env = { PIXELROUTER_URL: server.url, PIXELROUTER_API_KEY: key };
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('pixelrouter generate', () => {
  it('saves images of the asked size and format into a directory and prints paths, cost and latency', async () => {
    const dir = tempDir();
    const { stdout, stderr } = await ok(['generate', 'a lighthouse at dawn', '-m', 'test/test', '--size', '96x64', '--format', 'png', '-o', dir]);
    expect(stderr).toBe(''); // no spinner when stderr is not a terminal
    const [file, summary] = stdout.trim().split('\n');
    expect(path.dirname(file!)).toBe(dir);
    expect(path.basename(file!)).toMatch(/^a-lighthouse-at-dawn-\d{8}-\d{6}\.png$/);
    expect(fs.readdirSync(dir)).toEqual([path.basename(file!)]);
    expect(await sharp(file!).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 });
    expect(summary).toMatch(/^cost \$0\.01 {2}latency \d+ ms {2}provider test {2}size 96x64$/);
  });

  it('saves into the current directory by default, never over an existing file', async () => {
    const dir = tempDir();
    for (let i = 0; i < 2; i++) expect((await runIn(dir, ['generate', 'same', '-m', 'test', '--size', '64x64'])).code).toBe(0);
    const files = fs.readdirSync(dir).sort();
    expect(files).toHaveLength(2); // same prompt and second: the second got a suffix
    expect(files.every((f) => /^same-\d{8}-\d{6}(-2)?\.webp$/.test(f))).toBe(true);
    expect((await sharp(path.join(dir, files[0]!)).metadata()).format).toBe('webp');
  });

  it('names several images FILE-1.ext, FILE-2.ext and takes the format from -o FILE', async () => {
    const dir = tempDir();
    const { stdout } = await ok(['generate', 'two cats', '-m', 'test/test', '-n', '2', '--size', '64x64', '-o', path.join(dir, 'cat.jpg')]);
    const files = [path.join(dir, 'cat-1.jpg'), path.join(dir, 'cat-2.jpg')];
    expect(stdout.trim().split('\n').slice(0, 2)).toEqual(files);
    expect(stdout).toMatch(/cost \$0\.02/);
    const [a, b] = files.map((f) => fs.readFileSync(f));
    for (const bytes of [a!, b!]) expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 64 });
    expect(a!.equals(b!)).toBe(false); // n distinct images

    await ok(['generate', 'one cat', '-m', 'test/test', '--size', '64x64', '-o', path.join(dir, 'one.webp')]);
    expect((await sharp(path.join(dir, 'one.webp')).metadata()).format).toBe('webp'); // exactly FILE for one image
  });

  it('--json prints the server response unchanged and saves nothing unless -o is given', async () => {
    const dir = tempDir();
    const result = await runIn(dir, ['generate', 'json please', '-m', 'test/test', '--size', '64x64', '--format', 'png', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ cost: 0.01, output_format: 'png', size: '64x64', quality: 'auto' });
    expect(body.created).toBeTypeOf('number');
    expect(body.latency).toBeTypeOf('number');
    expect(body.data).toHaveLength(1);
    expect(await sharp(Buffer.from(body.data[0].b64_json, 'base64')).metadata()).toMatchObject({ format: 'png', width: 64 });
    expect(fs.readdirSync(dir)).toEqual([]);

    const saved = await runIn(dir, ['generate', 'json please', '-m', 'test/test', '--size', '64x64', '--json', '-o', 'out.webp']);
    const savedBody = JSON.parse(saved.stdout); // stdout is still pure JSON
    expect(fs.readFileSync(path.join(dir, 'out.webp')).equals(Buffer.from(savedBody.data[0].b64_json, 'base64'))).toBe(true);
    expect(saved.stderr).toContain(`saved ${path.join(dir, 'out.webp')}`);
  });
});

describe('pixelrouter edit', () => {
  it('sends two images and a mask: the masked area changes, the rest shows the inputs', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'red.png'), await solidImage(64, 64, RED));
    fs.writeFileSync(path.join(dir, 'blue.webp'), await solidImage(64, 64, BLUE, 'webp'));
    // The two inputs are tiled side by side; the mask marks the top half.
    fs.writeFileSync(path.join(dir, 'mask.png'), await rectMask(128, 128, { left: 0, top: 0, width: 128, height: 64 }));
    const out = path.join(dir, 'edited.png');
    const { stdout } = await ok(['edit', 'fill the masked area with flowers', '-m', 'test/test', '--image', path.join(dir, 'red.png'),
      '--image', path.join(dir, 'blue.webp'), '--mask', path.join(dir, 'mask.png'), '--size', '128x128', '-o', out]);
    expect(stdout.split('\n')[0]).toBe(out);
    const bytes = fs.readFileSync(out);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });
    expect(colorDistance(await pixelAt(bytes, 32, 110), RED)).toBeLessThan(12); // outside the mask: the inputs
    expect(colorDistance(await pixelAt(bytes, 96, 110), BLUE)).toBeLessThan(12);
    expect(colorDistance(await pixelAt(bytes, 32, 20), RED)).toBeGreaterThan(60); // inside: painted over
    expect(colorDistance(await pixelAt(bytes, 96, 20), BLUE)).toBeGreaterThan(60);
  });

  it('refuses an unreadable input image with exit code 2', async () => {
    const result = await run(['edit', 'x', '-m', 'test/test', '--image', '/nonexistent/in.png']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Cannot read image '/nonexistent/in.png': no such file");
  });
});

describe('pixelrouter models, credits and usage', () => {
  it('models: search, sort, provider and --json', async () => {
    const search = await ok(['models', 'test']);
    expect(search.stdout.split('\n')[0]).toMatch(/^MODEL\s+PROVIDERS\s+PRICE\s+EDIT\s+AVAILABLE$/);
    expect(rowOf(search.stdout, 'test/test')).toMatch(/^test\/test\s+test\s+\$0\.01\/image\s+edit\+mask\s+yes$/);

    const byName = await ok(['models', '--sort', 'name', '--limit', '5']);
    const expected = Object.keys(await (await fetch(`${server.url}/v1/models?type=image&sort=name&limit=5`)).json());
    expect(firstColumn(byName.stdout)).toEqual(expected);
    expect([...expected].sort()).toEqual(expected);

    const fal = await ok(['models', '--provider', 'fal']);
    const ids = firstColumn(fal.stdout);
    expect(ids.length).toBeGreaterThan(3);
    expect(ids).not.toContain('test/test');
    for (const id of ids) expect(rowOf(fal.stdout, id)!.split(/\s+/)[1]!.split(',')).toContain('fal');

    const json = JSON.parse((await ok(['models', 'flux', '--sort', 'date', '--json'])).stdout);
    expect(json).toEqual(await (await fetch(`${server.url}/v1/models?type=image&name=flux&sort=date`)).json());
    expect((await ok(['models', 'no-such-model-anywhere'])).stdout.trim()).toBe('No models match.');
    expect((await run(['models', '--sort', 'random'])).code).toBe(2);
  });

  it('credits and usage: tables and --json, matching the account', async () => {
    await ok(['generate', 'for the books', '-m', 'test/test', '--size', '64x64', '-o', tempDir()]);
    const account = await admin('GET', `/v1/admin/accounts/${accountId}`);
    expect(account.charges_usd).toBeGreaterThan(0);
    const money = (usd: number) => `$${usd.toFixed(6).replace(/0{1,4}$/, '')}`;

    const credits = await ok(['credits']);
    expect(credits.stdout).toMatch(new RegExp(`remaining\\s+\\${money(account.balance_usd)}\\n`));
    expect(credits.stdout).toMatch(new RegExp(`used\\s+\\${money(account.charges_usd)}\\n`));
    expect(credits.stdout).toMatch(/deposits\s+\$1\.00\n/);
    expect(JSON.parse((await ok(['credits', '--json'])).stdout)).toEqual({ remaining_credits: account.balance_usd, credit_usage: account.charges_usd, total_deposits: 1, reserved_credits: 0 });
    expect((await ok(['credits', '--by-key'])).stdout).toMatch(/key_\w+\s+cli-client\s+sk-pr-\w{4}\.\.\.\s+active\s+\$/);

    const usage = await ok(['usage', '--limit', '2']);
    const lines = usage.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+MODEL\s+PROVIDER\s+STATUS\s+IMAGES\s+SIZE\s+COST\s+LATENCY\s+ID$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+test\/test\s+test\s+success 200\s+1\s+64x64\s+\$0\.01\s+\d+ ms\s+req_\w+$/);
    expect(lines).toHaveLength(4); // header, two records, the "more" note
    expect(lines[3]).toMatch(/raise --limit/);
    const json = JSON.parse((await ok(['usage', '--model', 'test/test', '--limit', '100', '--json'])).stdout);
    expect(json.data.length).toBeGreaterThanOrEqual(5);
    expect(json.data.every((r: { model: string }) => r.model === 'test/test')).toBe(true);
  });

  it('`credits add` (admin) still works beside `credits` (user)', async () => {
    const result = await runCli(['credits', 'add', accountId, '0.5', '--json'], { PIXELROUTER_URL: server.url, PIXELROUTER_ADMIN_KEY: ADMIN });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: accountId, deposits_usd: 1.5 });
  });
});

describe('exit codes and error messages', () => {
  it('2 bad request or usage, 3 bad key, 4 insufficient balance, 1 unreachable server', async () => {
    const badKey = { PIXELROUTER_API_KEY: 'sk-pr-not-a-real-key-000000' };
    const unreachableUrl = { PIXELROUTER_URL: 'http://127.0.0.1:9' };
    // Independent runs, in parallel to keep the test short.
    const [unknown, wrongKey, wrongKeyCredits, broke, unreachable, unreachableModels, noKey, noModel, badCount, badFormat, mismatch] = await Promise.all([
      run(['generate', 'x', '-m', 'nope/nope']),
      run(['generate', 'x', '-m', 'test/test'], badKey),
      run(['credits'], badKey),
      run(['generate', 'x', '-m', 'test/test', '--size', '64x64'], { PIXELROUTER_API_KEY: brokeKey }),
      run(['generate', 'x', '-m', 'test/test'], unreachableUrl),
      runCli(['models'], unreachableUrl),
      runCli(['credits'], { PIXELROUTER_URL: server.url }),
      run(['generate', 'x']),
      run(['generate', 'x', '-m', 'test/test', '-n', 'two']),
      run(['generate', 'x', '-m', 'test/test', '--format', 'gif']),
      run(['generate', 'x', '-m', 'test/test', '--format', 'png', '-o', 'a.webp']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: Model 'nope/nope' does not support image generation [HTTP 400 model_not_found]\n");
    expect(unknown.stdout).toBe('');

    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/Invalid API key.*HTTP 401/);
    expect(wrongKeyCredits.code).toBe(3);

    expect(broke.code).toBe(4);
    expect(broke.stderr).toMatch(/^error: Insufficient balance.*\[HTTP 402 insufficient_balance\]/);

    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/Cannot reach the server at http:\/\/127\.0\.0\.1:9/);
    expect(unreachableModels.code).toBe(1);

    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/No API key: set PIXELROUTER_API_KEY or pass --api-key/);
    expect(noModel.code).toBe(2); // missing -m
    expect(noModel.stderr).toMatch(/required option '-m, --model <model>'/);
    expect(badCount.code).toBe(2);
    expect(badFormat.code).toBe(2);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/-o a\.webp does not match --format png/);
  });
});

describe('the spinner', () => {
  it('draws elapsed seconds on a terminal and erases itself; draws nothing elsewhere', async () => {
    let drawn = '';
    const stop = startSpinner('generating with test/test', { isTTY: true, write: (chunk: string) => ((drawn += chunk), true) } as never);
    await new Promise((resolve) => setTimeout(resolve, 250));
    stop();
    expect(drawn).toMatch(/\r\S generating with test\/test 0\.\ds/);
    expect(drawn.endsWith('\r\x1b[2K')).toBe(true);
    let silent = '';
    startSpinner('x', { isTTY: false, write: (chunk: string) => ((silent += chunk), true) } as never)();
    expect(silent).toBe('');
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('shows on a real terminal (the binary under script(1))', async () => {
    const dir = tempDir();
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, CLI, 'generate', 'on a tty', '-m', 'test/test', '--size', '1024x1024', '-o', dir].map(quote).join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\r\S generating with test\/test \d+\.\ds/);
    expect(result.stdout).toContain('\x1b[2K');
    expect(fs.readdirSync(dir)).toHaveLength(1);
  });
});
