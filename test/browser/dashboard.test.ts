import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIR } from '../../src/server/routes/dashboard.js';
import { ROOT } from '../helpers/cli.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { saveDocsScreenshots } from './screenshots.js';

// The dashboard in a real Chromium against a real server: sign in, generate, edit with a painted
// mask, usage, models, keys as admin, a keyboard-only flow and the phone width.
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const PROMPT = 'a lighthouse on a cliff at dawn';
const EDIT_PROMPT = 'flowers where the mask is painted';

let t: TestServer;
let context: BrowserContext;
let page: Page;
let tmp: string;
let accountId: string;
const consoleErrors: string[] = [];

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header belongs at the top of a full-page picture
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
const heading = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();
const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
const focusedText = () => page.evaluate(() => {
  const active = document.activeElement as HTMLElement | null;
  return `${active?.tagName ?? ''} ${active?.getAttribute('aria-label') ?? ''} ${active?.textContent?.trim() ?? ''} ${active?.id ?? ''}`.trim();
});

/** Presses a key until the focused element matches; fails when it never gets there (not reachable by keyboard). */
async function pressUntil(key: string, matches: (locator: Locator) => Promise<boolean>, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await matches(page.locator(':focus'))) return;
  }
  throw new Error(`not reached with ${key}; focus is on: ${await focusedText()}`);
}

/** The result image's pixels at a few points (read back through a canvas in the page). */
function pixelsOf(image: Locator, points: Array<[number, number]>) {
  return image.evaluate(async (img: HTMLImageElement, at: Array<[number, number]>) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context2d = canvas.getContext('2d')!;
    context2d.drawImage(img, 0, 0);
    return at.map(([x, y]) => Array.from(context2d.getImageData(x, y, 1, 1).data.slice(0, 3)));
  }, points);
}

async function signIn(key: string) {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(DASHBOARD_DIR, 'index.html'))) {
    throw new Error(`${DASHBOARD_DIR} is missing: run \`npm run build\` first (it builds the server and the dashboard)`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-browser-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  // A price on test/test, so balances move and the spend chart has something to draw.
  const config = path.join(tmp, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ prices: { 'test/test': { type: 'fixed', per_image_usd: 0.01 } } }));
  t = await startTestServer({ PIXELROUTER_CONFIG: config });
  const keys = await t.admin('GET', '/v1/admin/keys');
  accountId = keys.data.find((k: { name: string }) => k.name === 'test').account_id;
  await t.admin('POST', `/v1/admin/accounts/${accountId}/credits`, { amount_usd: 1, note: 'browser test' });

  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    timeout: 30_000,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  // Refused loads are expected (a wrong key's 401, thumbnail extension probes' 404); anything else is a bug.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) consoleErrors.push(message.text());
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await t?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('dashboard in Chromium', () => {
  it('serves the page offline-safe, keeps API 404s as JSON, and signs in with a key', async () => {
    const pageResponse = await fetch(`${t.url}/usage`, { headers: { accept: 'text/html' } });
    expect(pageResponse.status).toBe(200);
    expect(pageResponse.headers.get('content-security-policy')).toContain("default-src 'self'");
    const apiMiss = await fetch(`${t.url}/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(apiMiss.status).toBe(404);
    expect((await apiMiss.json()).error.code).toBe('route_not_found');
    const scriptMiss = await fetch(`${t.url}/no-such-page`); // not a browser navigation: the API's 404
    expect(scriptMiss.status).toBe(404);
    expect((await scriptMiss.json()).error.code).toBe('route_not_found');

    await page.goto(t.url);
    await heading('Sign in');
    await page.getByLabel('API key').fill('sk-pr-wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Invalid API key');
    await shot('sign-in');
    await signIn(t.key);
    await heading('Playground');
  });

  it("shows the server's own error message when a request fails", async () => {
    await page.getByRole('searchbox', { name: 'Search models' }).fill('gpt-image-1');
    await page.locator('input[type=radio][value="openai/gpt-image-1"]').check();
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe("'prompt' is required for this model");
    await page.getByLabel('Prompt').fill('anything');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe("No provider for 'openai/gpt-image-1' is configured on this server");
  });

  it('generates with test/test and shows the images, cost and latency', async () => {
    await page.getByRole('searchbox', { name: 'Search models' }).fill('test');
    await page.getByRole('radio', { name: /^test\/test/ }).check();
    await page.getByLabel('Prompt').fill(PROMPT);
    await page.getByLabel('Size', { exact: true }).selectOption('256x256');
    await page.getByLabel('Images (n)').fill('2');
    await page.getByLabel('Output format').selectOption('png');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.locator('.result img').nth(1).waitFor();
    const widths = await page.locator('.result img').evaluateAll((images) => Promise.all(images.map(async (img) => {
      await (img as HTMLImageElement).decode();
      return (img as HTMLImageElement).naturalWidth;
    })));
    expect(widths).toEqual([256, 256]);
    expect(await page.getByTestId('cost').textContent()).toBe('$0.02');
    expect(await page.locator('.elapsed').textContent()).toMatch(/^Done in /);
    expect(await page.getByRole('link', { name: 'Download 1' }).getAttribute('download')).toMatch(/\.png$/);
    await shot('playground');
  });

  it('edits an uploaded image with a mask painted on the canvas', async () => {
    // The input: a test/test landscape (made with the admin key, which no account pays for).
    const input = path.join(tmp, 'input.png');
    const made = await t.call('/v1/openai/images/generations', { method: 'POST', auth: ADMIN_KEY, json: { model: 'test/test', prompt: 'a calm harbour at dusk', size: '256x256', output_format: 'png', response_format: 'b64_json' } });
    fs.writeFileSync(input, Buffer.from(((await made.json()) as { data: Array<{ b64_json: string }> }).data[0]!.b64_json, 'base64'));
    const inputPixels = await sharp(input).removeAlpha().raw().toBuffer();
    const inputAt = ([x, y]: [number, number]) => Array.from(inputPixels.subarray((y * 256 + x) * 3, (y * 256 + x) * 3 + 3));
    await page.locator('input[type=file]').setInputFiles(input);
    // A second image by drag and drop, then removed again with its button.
    const dropped = (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c00' } }).png().toBuffer()).toString('base64');
    await page.locator('.dropzone').evaluate((zone, b64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.png', { type: 'image/png' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, dropped);
    expect(await page.locator('.thumb').count()).toBe(2);
    await page.getByRole('button', { name: 'Remove image 2 (dropped.png)' }).click();
    expect(await page.locator('.thumb').count()).toBe(1);

    // Paint a thick stroke across the middle of the first image.
    const canvas = page.getByLabel(/^Mask: paint/);
    await canvas.scrollIntoViewIfNeeded();
    await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width)).toBe(256);
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    for (const f of [0.4, 0.5, 0.6, 0.7]) await page.mouse.move(box.x + box.width * f, box.y + box.height * 0.5, { steps: 3 });
    await page.mouse.up();
    await page.getByText('The painted area is sent as the mask.').waitFor();

    await page.getByLabel('Prompt').fill(EDIT_PROMPT);
    await page.getByLabel('Images (n)').fill('1');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.locator('.result img').count()).toBe(1);
    // Outside the stroke the input is untouched; inside it the scene is painted in.
    const outside: Array<[number, number]> = [[10, 10], [128, 40], [128, 230], [245, 128]];
    const inside: Array<[number, number]> = [[100, 128], [128, 128], [156, 128]];
    const result = await pixelsOf(page.locator('.result img').first(), [...outside, ...inside]);
    const distance = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0);
    outside.forEach((point, i) => expect(distance(result[i]!, inputAt(point)), `outside ${point}`).toBeLessThanOrEqual(3));
    const changed = inside.map((point, i) => distance(result[outside.length + i]!, inputAt(point)));
    expect(changed.reduce((a, b) => a + b) / changed.length).toBeGreaterThan(40);
    await shot('playground-edit');
    // For the README: the painted mask and its result side by side (the results column is sticky).
    await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
    await page.screenshot({ path: path.join(SHOTS, 'playground-mask.png') });
  });

  it('lists the records in Usage with thumbnails, a spend chart, and deletes content', async () => {
    // One hosted (url) output made outside the dashboard: its thumbnail is found by trying extensions.
    const hosted = await t.call('/v1/openai/images/generations', { method: 'POST', json: { model: 'test/test', prompt: 'hosted output', response_format: 'url', output_format: 'png', size: '256x256' } });
    const hostedUrl = new URL(((await hosted.json()) as { data: Array<{ url: string }> }).data[0]!.url);

    await nav('Usage');
    await heading('Usage');
    const editRow = page.locator('tr', { hasText: EDIT_PROMPT });
    await editRow.locator('img').first().waitFor();
    expect(await editRow.locator('img').first().getAttribute('src')).toMatch(/^blob:/);
    expect(await page.locator('tr', { hasText: PROMPT }).locator('img').count()).toBe(2);
    const hostedRow = page.locator('tr', { hasText: 'hosted output' });
    await expect.poll(() => hostedRow.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src)).toBe(hostedUrl.href);
    expect(await hostedRow.getByText('success').count()).toBe(1);
    expect(await hostedRow.textContent()).toContain('$0.01');

    await page.locator('svg.spend-chart rect').first().waitFor();
    expect(await page.locator('.legend').textContent()).toContain('test/test $0.04');
    await shot('usage');

    page.once('dialog', (dialog) => void dialog.accept());
    await hostedRow.getByRole('button', { name: 'Delete content' }).click();
    await page.getByText('Deleted the prompt and 1 hosted image(s).').waitFor();
    expect((await fetch(hostedUrl)).status).toBe(404);
  });

  it('filters and sorts the models table', async () => {
    await nav('Models');
    await heading('Models');
    const rows = page.locator('.models-table tbody tr[data-model]');
    await rows.first().waitFor();
    const total = await rows.count();
    expect(total).toBeGreaterThan(10);

    await page.getByLabel('Edits images').check();
    await page.getByLabel('Takes a mask').check();
    const editable = await rows.count();
    expect(editable).toBeGreaterThan(0);
    expect(editable).toBeLessThan(total);
    for (const badges of await rows.locator('.badges').allTextContents()) expect(badges).toMatch(/edit.*mask/);
    await page.getByLabel('Available now').check();
    expect(await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-model')))).toEqual(['test/test']);
    await page.getByLabel('Free').check(); // test/test is priced in this test
    expect(await rows.count()).toBe(0);
    await page.getByText('No model matches these filters.').waitFor();
    for (const label of ['Edits images', 'Takes a mask', 'Available now', 'Free']) await page.getByLabel(label).uncheck();
    await page.getByLabel('Provider').selectOption('test');
    expect(await rows.count()).toBe(1);
    await page.getByLabel('Provider').selectOption('');

    for (const sort of ['date', 'price'] as const) {
      const expected = Object.keys(await (await fetch(`${t.url}/v1/models?sort=${sort}&limit=1000`)).json())[0];
      await page.getByLabel('Sort by').selectOption(sort);
      await expect.poll(() => rows.first().getAttribute('data-model')).toBe(expected);
    }
    expect(await rows.count()).toBe(total);
    await page.getByLabel('Sort by').selectOption('popularity');
    await expect.poll(() => rows.first().getAttribute('data-model')).toBe('test/test'); // the only model used
    await shot('models');
  });

  it("shows a user key its account's credits and keys", async () => {
    await nav('Keys & credits');
    await heading('Credits and keys');
    await expect.poll(() => page.locator('.stat', { hasText: 'Available' }).locator('dd').textContent()).toBe('$0.96');
    expect(await page.locator('.stat', { hasText: 'Spent' }).locator('dd').textContent()).toBe('$0.04');
    await page.getByText('this key', { exact: true }).waitFor();
    await shot('keys-user');
  });

  it('as admin: tops up an account, creates a key (shown once, copied), limits it and revokes it', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in');
    await signIn(ADMIN_KEY);
    await heading('Accounts and keys');
    const accountRow = page.locator(`tr[data-account="${accountId}"]`);
    expect(await accountRow.locator('.balance').textContent()).toBe('$0.96');

    const topUp = page.getByRole('form', { name: 'Add credits' });
    await topUp.getByLabel('Account').selectOption(accountId);
    await topUp.getByLabel(/^Amount/).fill('2');
    await topUp.getByLabel('Note').fill('browser top-up');
    await topUp.getByRole('button', { name: 'Add credits' }).click();
    await page.getByText('$2.00 added').waitFor();
    expect(await accountRow.locator('.balance').textContent()).toBe('$2.96');

    const create = page.getByRole('form', { name: 'Create a key' });
    await create.getByLabel('Name').fill('browser-key');
    await create.getByLabel('Account').selectOption(accountId);
    await create.getByLabel('Requests per minute').fill('30');
    await create.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-key').textContent())!;
    expect(secret).toMatch(/^sk-pr-/);
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const check = await t.call('/v1/auth/test', { method: 'POST', auth: secret });
    expect(((await check.json()) as { key: { rate_limit_rpm: number } }).key.rate_limit_rpm).toBe(30);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0); // shown once

    await page.getByRole('button', { name: 'Limits of browser-key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Requests per minute').fill('10');
    await dialog.getByLabel('Daily spend limit, USD').fill('0.5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Limits of browser-key saved.').waitFor();
    const keyRow = page.locator('tr', { hasText: 'browser-key' });
    expect(await keyRow.locator('.limits-cell').textContent()).toBe('10/min · $0.50/day');
    const stored = (await t.admin('GET', '/v1/admin/keys')).data.find((k: { name: string }) => k.name === 'browser-key');
    expect(stored).toMatchObject({ rate_limit_rpm: 10, daily_spend_limit_usd: 0.5 });
    await shot('keys-admin');

    page.once('dialog', (confirm) => void confirm.accept());
    await page.getByRole('button', { name: 'Revoke browser-key' }).click();
    await page.getByText('Key browser-key revoked.').waitFor();
    expect(await keyRow.locator('.status').textContent()).toBe('revoked');
    expect((await t.call('/v1/auth/test', { method: 'POST', auth: secret })).status).toBe(401);
  });

  it('works with the keyboard alone: sign in, navigate, generate', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('password');
    await page.keyboard.type(t.key);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // Back from the page heading to the navigation, then into the Playground.
    await pressUntil('Shift+Tab', async (focused) => (await focused.textContent()) === 'Playground');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle + ' ' + getComputedStyle(document.activeElement!).outlineWidth);
    expect(outline).toBe('solid 3px'); // visible focus
    await page.keyboard.press('Enter');
    await heading('Playground');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await pressUntil('Tab', async (focused) => (await focused.getAttribute('aria-label')) === 'Search models');
    await page.keyboard.type('test/test');
    await page.keyboard.press('Tab'); // into the radio group, on the chosen model
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('test/test');
    await pressUntil('Tab', async (focused) => (await focused.evaluate((el) => el.tagName)) === 'TEXTAREA');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('typed without a mouse');
    await pressUntil('Tab', async (focused) => (await focused.textContent()) === 'Generate');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.elapsed').textContent()).toMatch(/^Done in /);
    expect(await page.locator('.result img').count()).toBe(1);
  });

  it('fits a 375 px phone screen on every page, without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    const pages: Array<[string, string]> = [['/', 'Playground'], ['/models', 'Models'], ['/usage', 'Usage'], ['/keys', 'Credits and keys']];
    for (const [pathname, title] of pages) {
      await page.goto(t.url + pathname);
      await heading(title);
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth), pathname).toBeLessThanOrEqual(375);
      await shot(`phone${pathname === '/' ? '-playground' : pathname.replace('/', '-')}`);
    }
    // The admin's tables and forms too.
    await page.evaluate((key) => sessionStorage.setItem('pixelrouter.session', JSON.stringify({ key, admin: true })), ADMIN_KEY);
    await page.goto(`${t.url}/keys`);
    await heading('Accounts and keys');
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(375);
    await shot('phone-keys-admin');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('logged no script errors or CSP violations, and its screenshots fit the docs', async () => {
    expect(consoleErrors).toEqual([]);
    const small = await saveDocsScreenshots(SHOTS, ['playground-mask', 'models', 'usage', 'keys-admin', 'phone-playground']);
    for (const file of small) expect(fs.statSync(file).size).toBeLessThan(150 * 1024);
  });
});
