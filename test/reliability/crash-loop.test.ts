import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/index.js';
import { STORED_NAME } from '../../src/storage/imageStore.js';
import { spawnServer, type SpawnedServer } from '../helpers/cli.js';
import { checkLedgerInvariant } from '../helpers/ledger.js';
import { freshDatabase } from '../helpers/postgres.js';
import { listFiles } from '../helpers/server.js';
import { pickWeighted, prng } from './faultyUpstream.js';

/**
 * The real `pixelrouter serve` process, SIGKILLed again and again while paid requests are in flight,
 * and restarted each time. Eight clients keep sending paid requests (n 1-4, sizes from quick to slow,
 * url and b64_json, some with an Idempotency-Key that is retried until it gets an answer), an admin
 * tops the account up now and then, and after a seeded random 100-800 ms the server is killed. After
 * the last round the server is restarted once more and left to reconcile; then the books must be
 * exact: no reservation open, balance = deposits - charges, every charge one success usage record
 * of the same amount, every 200 a client saw charged exactly what it said, every other charge a
 * request the kill cut off (the server settled it but the answer never arrived), no deposit nobody
 * made, and hosted images that were answered still downloadable.
 *
 * Run against PostgreSQL with Redis (the scale-out mode: at start only reservations past
 * PIXELROUTER_RESERVATION_TTL are released, then every TTL seconds) and against the embedded PGlite
 * (every open reservation is released at start).
 */

const SEED = 20_250_611;
const ADMIN = 'sk-pr-crash-loop-admin-key-0123456789';
const PRICE_MICROS = 12_345; // an odd price per image, so a rounding slip shows
const FUNDS_MICROS = 500_000_000; // $500: far more than the rounds can spend, so no 402
const TOPUP_MICROS = 250_000;
const TTL_SECONDS = 2;
const CLIENTS = 8;
const FETCH_TIMEOUT_MS = 20_000;
const ROUNDS = { postgres: 20, pglite: 10 } as const; // a start takes ~1 s on PostgreSQL, 3-5 s on PGlite here
/** PGlite's rounds stop early (never below its minimum) once the file has run this long: a loaded 2-core machine. */
const MIN_ROUNDS = { postgres: 20, pglite: 4 } as const;
const FILE_BUDGET_MS = 110_000;
const fileStarted = Date.now();
const REDIS_URL = process.env.PIXELROUTER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `pixelrouter-test-crash-loop-${process.pid}-${Date.now()}:`;

const SIZES: Array<[string, number]> = [['256x256', 40], ['512x512', 25], ['1024x1024', 20], ['1536x1024', 10], ['2048x2048', 5]];
const OUTPUT_FORMATS = ['png', 'webp', 'jpeg'] as const;

const dirs: string[] = [];
const servers: SpawnedServer[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  for (const cleanup of cleanups) await cleanup().catch(() => {});
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const micros = (usd: number) => Math.round(usd * 1_000_000);

/** One logical image request: a unique prompt (how the usage record is found), retried only with its Idempotency-Key. */
interface Job {
  prompt: string;
  n: number;
  size: string;
  format: 'url' | 'b64_json';
  outputFormat: (typeof OUTPUT_FORMATS)[number];
  idempotencyKey: string | null;
}

/** One try of a job, as the client saw it. Status 0: no complete answer (the kill cut it, or nobody listened). */
interface Attempt {
  job: Job;
  round: number;
  status: number;
  /** From sending to the end of the answer, as the client measured it. */
  ms: number;
  replayed: boolean;
  costMicros?: number;
  costHeader?: string | null;
  images?: number;
  urls?: string[];
  errorCode?: string;
  error?: string;
}

type Answer = { answered: true; status: number; headers: Headers; text: string } | { answered: false; status: 0; error: string };

const describeError = (error: unknown) => {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
};

/** fetch with its own timer over the whole exchange, body included; never throws. */
async function exchange(url: string, init: RequestInit, ms = FETCH_TIMEOUT_MS): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer in ${ms} ms`)), ms);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    return { answered: true, status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    return { answered: false, status: 0, error: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function admin(server: SpawnedServer, method: string, pathname: string, json?: unknown): Promise<any> {
  const answer = await exchange(server.url + pathname, {
    method, headers: { authorization: `Bearer ${ADMIN}`, ...(json !== undefined && { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  if (!answer.answered || answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${pathname}: ${answer.answered ? `${answer.status} ${answer.text}` : answer.error}`);
  return JSON.parse(answer.text);
}

async function generate(server: SpawnedServer, key: string, job: Job, round: number): Promise<Attempt> {
  const sent = Date.now();
  const answer = await exchange(`${server.url}/v1/openai/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(job.idempotencyKey && { 'idempotency-key': job.idempotencyKey }) },
    body: JSON.stringify({ model: 'test/test', prompt: job.prompt, n: job.n, size: job.size, response_format: job.format, output_format: job.outputFormat }),
  });
  const ms = Date.now() - sent;
  if (!answer.answered) return { job, round, status: 0, ms, replayed: false, error: answer.error };
  let body: any;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return { job, round, status: answer.status, ms, replayed: false, error: `not JSON: ${answer.text.slice(0, 200)}` };
  }
  const replayed = answer.headers.get('idempotent-replayed') === 'true';
  if (answer.status !== 200) return { job, round, status: answer.status, ms, replayed, errorCode: body?.error?.code, error: body?.error?.message };
  const data: Array<{ url?: string; b64_json?: string }> = Array.isArray(body.data) ? body.data : [];
  return {
    job, round, status: 200, ms, replayed, costMicros: micros(body.cost), costHeader: answer.headers.get('x-pixelrouter-cost'), images: data.length,
    urls: data.flatMap((d) => (d.url ? [d.url] : [])),
    error: data.some((d) => (job.format === 'url' ? !d.url : !d.b64_json)) ? 'an image without its url/b64_json' : undefined,
  };
}

/** The account's figures from one statement (one snapshot): must satisfy balance + reserved = deposits - charges. */
interface Figures { balance: number; reserved: number; deposits: number; charges: number }
const figures = (account: any): Figures => ({
  balance: micros(account.balance_usd), reserved: micros(account.reserved_usd), deposits: micros(account.deposits_usd), charges: micros(account.charges_usd),
});
const booksProblem = (f: Figures) =>
  f.balance + f.reserved !== f.deposits - f.charges ? `balance ${f.balance} + reserved ${f.reserved} != deposits ${f.deposits} - charges ${f.charges}`
    : f.balance > f.deposits - f.charges ? `balance ${f.balance} above deposits - charges ${f.deposits - f.charges}`
      : f.reserved < 0 || f.balance < 0 ? `negative figures ${JSON.stringify(f)}` : null;

interface RoundLog { round: number; killAtMs: number; answered: number; cut: number; clientsInFlight: number; reservedAtKill: number; reservationsAtKill: number; startMs: number }

async function runCrashLoop(kind: 'postgres' | 'pglite') {
  const report: string[] = [];
  const started = Date.now();
  try {
    await crashLoop(kind, report);
  } finally {
    console.log([`crash loop on ${kind}: ${((Date.now() - started) / 1000).toFixed(1)} s`, ...report].join('\n'));
  }
}

async function crashLoop(kind: 'postgres' | 'pglite', report: string[]) {
  const modeSeed = SEED + (kind === 'postgres' ? 0 : 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pixelrouter-crash-loop-${kind}-`));
  dirs.push(dir);
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ prices: { 'test/test': { type: 'fixed', per_image_usd: PRICE_MICROS / 1_000_000 } } }));
  const dataDir = path.join(dir, 'data');
  const env: Record<string, string> = {
    PIXELROUTER_DATA_DIR: dataDir, PIXELROUTER_CONFIG: configFile, PIXELROUTER_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn',
    PIXELROUTER_RESERVATION_TTL: `${TTL_SECONDS}s`, PIXELROUTER_IP_RATE_LIMIT: '0',
  };
  let observer: Database | undefined; // PostgreSQL only: the test's own connection, for looking while the server runs
  if (kind === 'postgres') {
    const database = await freshDatabase();
    cleanups.push(async () => {
      await observer?.close().catch(() => {});
      await database.drop();
    });
    cleanups.push(async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      const leftover = await redis.keys(`${REDIS_PREFIX}*`);
      if (leftover.length) await redis.del(...leftover);
      await redis.quit();
    });
    Object.assign(env, { DATABASE_URL: database.url, REDIS_URL, PIXELROUTER_REDIS_PREFIX: REDIS_PREFIX });
  }
  const start = async () => {
    const t0 = Date.now();
    const server = await spawnServer(env);
    servers.push(server);
    return { server, startMs: Date.now() - t0 };
  };

  // Setup on the first process, which is also round 0's victim.
  let { server, startMs } = await start();
  const account = await admin(server, 'POST', '/v1/admin/accounts', { name: `crash-loop-${kind}`, balance_usd: FUNDS_MICROS / 1_000_000 });
  const created = await admin(server, 'POST', '/v1/admin/keys', { name: 'crash-loop', account_id: account.id, concurrency_limit: 1_000_000 });
  const key: string = created.key;
  if (kind === 'postgres') observer = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir });

  const attempts: Attempt[] = [];
  const retry: Job[] = []; // idempotent jobs without an answer yet, retried in later rounds
  const topups = new Map<string, 'acknowledged' | 'no answer'>();
  const roundLogs: RoundLog[] = [];
  const problems: string[] = [];
  let booksChecked = 0;
  const books = (when: string, f: Figures) => {
    booksChecked++;
    const problem = booksProblem(f);
    if (problem) problems.push(`${when}: ${problem}`);
  };

  for (let round = 0; round < ROUNDS[kind]; round++) {
    if (round >= MIN_ROUNDS[kind] && Date.now() - fileStarted > FILE_BUDGET_MS) break;
    if (round > 0) ({ server, startMs } = await start());
    books(`round ${round} after start`, figures(await admin(server, 'GET', `/v1/admin/accounts/${account.id}`)));
    const before = new Set((await observer?.query<{ id: string }>('SELECT id FROM reservations'))?.map((r) => r.id) ?? []);

    const roundRandom = prng(modeSeed + round * 100 + 99);
    const killAtMs = 100 + Math.floor(roundRandom() * 700);
    const topupAtMs = Math.floor(roundRandom() * killAtMs);
    let stopping = false;
    let inFlight = 0;
    const retryNow = retry.splice(0); // retried once per round at most: a 409 waits for the next one
    const roundAttempts: Attempt[] = [];

    const client = async (c: number) => {
      const random = prng(modeSeed + round * 100 + c);
      for (let seq = 0; !stopping; seq++) {
        const job: Job = retryNow.shift() ?? {
          prompt: `crash-loop ${kind} r${round} c${c} #${seq}`,
          n: 1 + Math.floor(random() * 4),
          size: pickWeighted(random, SIZES),
          format: random() < 0.5 ? 'url' : 'b64_json',
          outputFormat: OUTPUT_FORMATS[Math.floor(random() * OUTPUT_FORMATS.length)]!,
          idempotencyKey: random() < 0.15 ? `idem-${kind}-r${round}-c${c}-${seq}` : null,
        };
        inFlight++;
        const attempt = await generate(server, key, job, round);
        inFlight--;
        roundAttempts.push(attempt);
        if (job.idempotencyKey && (attempt.status === 0 || attempt.status === 409)) retry.push(job);
      }
    };
    const topup = async () => {
      await sleep(topupAtMs);
      const note = `crash-loop topup ${kind} r${round}`;
      const answer = await exchange(`${server.url}/v1/admin/accounts/${account.id}/credits`, {
        method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ amount_usd: TOPUP_MICROS / 1_000_000, note }),
      });
      topups.set(note, answer.status === 200 ? 'acknowledged' : 'no answer');
      if (answer.status !== 0 && answer.status !== 200) problems.push(`top-up ${note}: ${answer.status}`);
    };
    const load = [...Array.from({ length: CLIENTS }, (_, c) => client(c)), topup()];

    await sleep(killAtMs);
    // What the dying process holds: the books must balance even now (one statement, one snapshot).
    const [atKill, held] = await Promise.all([
      admin(server, 'GET', `/v1/admin/accounts/${account.id}`).then(figures),
      observer?.query<{ id: string; amount_micros: string }>('SELECT id, amount_micros FROM reservations'),
    ]);
    const clientsInFlight = inFlight;
    // On PGlite the start released every reservation, so all that is reserved now is this process's.
    const mine = held ? held.filter((r) => !before.has(r.id)) : undefined;
    const reservedAtKill = mine ? mine.reduce((s, r) => s + Number(r.amount_micros), 0) : atKill.reserved;
    stopping = true;
    const code = await server.stop('SIGKILL');
    await Promise.all(load);
    retry.push(...retryNow); // the ones no client got to this round
    books(`round ${round} at kill`, atKill);
    if (code !== null) problems.push(`round ${round}: the server exited by itself (${code}) instead of being killed`);

    attempts.push(...roundAttempts);
    roundLogs.push({
      round, killAtMs, startMs, clientsInFlight, reservedAtKill, reservationsAtKill: mine?.length ?? -1,
      answered: roundAttempts.filter((a) => a.status === 200).length, cut: roundAttempts.filter((a) => a.status === 0).length,
    });
  }

  const rounds = roundLogs.length;
  const statuses = (list: Attempt[]) => {
    const counts: Record<string, number> = {};
    for (const a of list) {
      const what = a.status === 0 ? `no answer (${a.error})` : String(a.status);
      counts[what] = (counts[what] ?? 0) + 1;
    }
    return JSON.stringify(counts);
  };
  report.push(
    `${rounds} SIGKILLs, server start ${Math.round(roundLogs.reduce((s, r) => s + r.startMs, 0) / rounds)} ms on average`,
    `kills at ${roundLogs.map((r) => r.killAtMs).join(',')} ms; clients in flight at the kill: ${roundLogs.map((r) => r.clientsInFlight).join(',')}`,
    `reserved at the kills (micro-USD${kind === 'postgres' ? '/reservations of the killed process' : ''}): ${roundLogs.map((r) => (kind === 'postgres' ? `${r.reservedAtKill}/${r.reservationsAtKill}` : r.reservedAtKill)).join(',')}`,
    `answered 200 / cut per round: ${roundLogs.map((r) => `${r.answered}/${r.cut}`).join(',')}`,
    `tries during the rounds ${attempts.length}: ${statuses(attempts)}`,
  );
  expect(rounds).toBeGreaterThanOrEqual(MIN_ROUNDS[kind]);

  // The last restart: reconciliation releases what the kills stranded (on PostgreSQL once past the TTL).
  ({ server } = await start());
  let after = figures(await admin(server, 'GET', `/v1/admin/accounts/${account.id}`));
  const reservedAtFinalStart = after.reserved;
  const reconcileStarted = Date.now();
  while (after.reserved !== 0 && Date.now() - reconcileStarted < (TTL_SECONDS * 3 + 10) * 1000) {
    await sleep(250);
    after = figures(await admin(server, 'GET', `/v1/admin/accounts/${account.id}`));
  }
  const reconcileMs = Date.now() - reconcileStarted;
  report.push(`reconciliation: ${after.reserved === 0 ? '' : 'NOT '}done ${reconcileMs} ms after the last start, which found ${reservedAtFinalStart} micro-USD still reserved`);
  books('after reconciliation', after);
  expect(after.reserved, 'money still reserved after reconciliation').toBe(0);
  expect(after.balance).toBe(after.deposits - after.charges);

  // Idempotent jobs the kills left without an answer: retried until they get one (409 while the dead
  // process's claim on the key is still pending, until the reconciler forgets it after the TTL).
  const retried = retry.length;
  const tries = attempts.length;
  for (let pass = 0; retry.length > 0 && pass < 60; pass++) {
    for (const job of retry.splice(0)) {
      const attempt = await generate(server, key, job, rounds);
      attempts.push(attempt);
      if (attempt.status !== 200) retry.push(job);
    }
    if (retry.length > 0) await sleep(500);
  }
  report.push(`${retried} idempotent requests left without an answer by the kills, retried after the last start: ${statuses(attempts.slice(tries))}`);
  expect(retry.map((j) => j.idempotencyKey), 'idempotent requests still without an answer').toEqual([]);

  // The server still serves and bills a paid request exactly.
  const beforeFinal = figures(await admin(server, 'GET', `/v1/admin/accounts/${account.id}`));
  const finalJob: Job = { prompt: `crash-loop ${kind} final`, n: 2, size: '256x256', format: 'url', outputFormat: 'png', idempotencyKey: null };
  const final = await generate(server, key, finalJob, rounds + 1);
  attempts.push(final);
  expect(final).toMatchObject({ status: 200, images: 2, costMicros: 2 * PRICE_MICROS });
  const afterFinal = figures(await admin(server, 'GET', `/v1/admin/accounts/${account.id}`));
  expect(afterFinal).toEqual({ ...beforeFinal, balance: beforeFinal.balance - 2 * PRICE_MICROS, charges: beforeFinal.charges + 2 * PRICE_MICROS });

  // Every hosted image a client was given is still served, by the restarted process.
  const answered = attempts.filter((a) => a.status === 200);
  const urls = answered.flatMap((a) => a.urls ?? []);
  const downloads: string[] = [];
  for (let i = 0; i < urls.length; i += 4) {
    await Promise.all(urls.slice(i, i + 4).map(async (u) => {
      const answer = await exchange(server.url + new URL(u).pathname, {});
      const type = answer.answered ? answer.headers.get('content-type') : null;
      if (!answer.answered || answer.status !== 200 || !type?.startsWith('image/') || answer.text.length === 0) downloads.push(`${u}: ${answer.status} ${type}`);
    }));
  }
  report.push(`${urls.length} hosted images answered, ${urls.length - downloads.length} downloaded from the last process`);
  expect(downloads, 'answered images that are not downloadable after the restarts').toEqual([]);

  expect(await server.stop()).toBe(0);

  // The books, from the database itself.
  await observer?.close();
  observer = undefined;
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir });
  try {
    const [acct] = await db.query<{ balance: string; reserved: string; spent: string; key_reserved: string }>(
      'SELECT a.balance_micros AS balance, a.reserved_micros AS reserved, k.spent_micros AS spent, k.reserved_micros AS key_reserved FROM accounts a JOIN api_keys k ON k.account_id = a.id WHERE a.id = $1',
      [account.id],
    );
    const entries = await db.query<{ kind: string; amount_micros: string; request_id: string | null; note: string | null }>(
      'SELECT kind, amount_micros, request_id, note FROM ledger_entries WHERE account_id = $1', [account.id]);
    const records = await db.query<{ id: string; status: string; cost_micros: string; images: number; prompt: string | null; output_ids: string[] }>(
      'SELECT id, status, cost_micros, images, prompt, output_ids FROM usage_records WHERE account_id = $1', [account.id]);
    const deposits = entries.filter((e) => e.kind === 'deposit');
    const charges = entries.filter((e) => e.kind === 'charge');
    const sum = (rows: Array<{ amount_micros: string }>) => rows.reduce((s, r) => s + Number(r.amount_micros), 0);
    const chargedMicros = sum(charges);
    const recordById = new Map(records.map((r) => [r.id, r]));
    const jobsByPrompt = new Map<string, Attempt[]>();
    for (const a of attempts) jobsByPrompt.set(a.job.prompt, [...(jobsByPrompt.get(a.job.prompt) ?? []), a]);
    const successes = records.filter((r) => r.status === 'success');
    const successesByPrompt = new Map<string, typeof successes>();
    for (const r of successes) successesByPrompt.set(r.prompt ?? '', [...(successesByPrompt.get(r.prompt ?? '') ?? []), r]);

    // Every 200 a client saw is exactly one success record of its request: same cost, same images,
    // same hosted files (a replay: the record of the try whose answer was stored). Every success
    // record no answer accounts for must be a request the kill cut off after it settled.
    const unexpected: string[] = [];
    let seenMicros = 0;
    let replays = 0;
    const matched = new Set<string>();
    for (const a of attempts) {
      const what = `${a.job.prompt} (round ${a.round}): ${JSON.stringify({ ...a, job: undefined, urls: a.urls?.length })}`;
      if (a.status === 0) continue;
      if (a.status === 409 && a.job.idempotencyKey && a.errorCode === 'idempotency_conflict') continue;
      if (a.status !== 200 || a.error) {
        unexpected.push(what);
        continue;
      }
      if (a.replayed) replays++;
      if (a.costHeader !== String(a.costMicros! / 1_000_000)) unexpected.push(`${what} (cost header)`);
      if (a.images !== a.job.n) unexpected.push(`${what} (asked for ${a.job.n} images)`);
      // Free only when the reconciler released the reservation under the running request, past the TTL.
      if (a.costMicros === 0 && !a.replayed && a.ms < TTL_SECONDS * 1000) unexpected.push(`${what} (free, although its reservation cannot have expired yet)`);
      const names = (a.urls ?? []).map((u) => path.basename(new URL(u).pathname).replace(/\.\w+$/, ''));
      const record = (successesByPrompt.get(a.job.prompt) ?? []).find((r) => !matched.has(r.id) && Number(r.cost_micros) === a.costMicros && r.images === a.images
        && (a.job.format !== 'url' || JSON.stringify(r.output_ids) === JSON.stringify(names)));
      if (!record) {
        unexpected.push(`${what} (no usage record with this cost and these images)`);
        continue;
      }
      matched.add(record.id);
      seenMicros += a.costMicros!;
    }
    const unseen = successes.filter((r) => !matched.has(r.id));
    const unseenMicros = unseen.reduce((s, r) => s + Number(r.cost_micros), 0);
    const chargedTwice = (idempotent: boolean) => [...successesByPrompt].filter(([prompt, rs]) => rs.length > 1 && (jobsByPrompt.get(prompt)?.[0]?.job.idempotencyKey != null) === idempotent);

    // Storage left behind by the kills.
    const stored = await db.query<{ id: string; ext: string }>('SELECT id, ext FROM stored_images');
    const files = listFiles(path.join(dataDir, 'images')).map((f) => path.basename(f)).filter((f) => STORED_NAME.test(f));
    const rowNames = new Set(stored.map((r) => `${r.id}.${r.ext}`));
    const referenced = new Set(records.flatMap((r) => r.output_ids));
    let leakedSlots: string | null = null;
    if (kind === 'postgres') {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      leakedSlots = String(await redis.zcard(`${REDIS_PREFIX}concurrency:key:${created.id}`));
      await redis.quit();
    }
    const usd = (m: number) => (m / 1_000_000).toFixed(6);
    report.push(
      `charges ${usd(chargedMicros)} USD in ${charges.length} charges = ${usd(seenMicros)} told to clients + ${usd(unseenMicros)} for ${unseen.length} requests settled but cut off${unseen.length ? ` (${unseen.map((r) => `${r.prompt}${jobsByPrompt.get(r.prompt!)?.[0]?.job.idempotencyKey ? ', idempotent' : ''}`).join('; ')})` : ''}`,
      `answered 200: ${attempts.filter((a) => a.status === 200).length} (${replays} idempotent replays)`,
      `deposits ${usd(sum(deposits))} USD (${topups.size} top-ups sent, ${[...topups.values()].filter((t) => t === 'acknowledged').length} acknowledged, ${deposits.length - 1} booked); balance ${usd(Number(acct!.balance))}`,
      `usage records: ${records.length} (${successes.length} success, ${successes.filter((r) => Number(r.cost_micros) === 0).length} free because their reservation outlived the TTL)`,
      `idempotency keys charged more than once: ${chargedTwice(true).length}${chargedTwice(true).map(([p, rs]) => ` (${p}: ${rs.length} charges; tries ${(jobsByPrompt.get(p) ?? []).map((a) => `r${a.round}:${a.status}${a.replayed ? ' replayed' : ''}`).join(' ')})`).join('')}`,
      `storage: ${stored.length} rows, ${files.length} files; ${files.filter((f) => !rowNames.has(f)).length} files without a row (never swept), ${stored.filter((r) => !referenced.has(r.id)).length} rows no usage record names (the request died before settling; swept when the link expires)`,
      `books looked at ${booksChecked} times while running (after each start, at each kill): ${problems.length ? problems.slice(0, 5).join('; ') : 'balance + reserved = deposits - charges every time'}`,
      ...(kind === 'postgres' ? [`redis concurrency counter of the key with nothing in flight: ${leakedSlots ?? 'none'} (slots of killed processes, each lapsing on its own after the longest request time)`] : []),
    );

    // The ledger: exact, nothing reserved, balance = deposits - charges, the key's spend the same.
    await checkLedgerInvariant(db);
    expect(await db.query('SELECT id FROM reservations'), 'open reservations').toEqual([]);
    expect(Number(acct!.reserved)).toBe(0);
    expect(Number(acct!.key_reserved)).toBe(0);
    expect(Number(acct!.balance), 'balance = deposits - charges').toBe(sum(deposits) - chargedMicros);
    expect(Number(acct!.spent), "the key's spend = the charges").toBe(chargedMicros);

    // Deposits: the initial balance and top-ups that were really sent, each at most once; every acknowledged one is there.
    const depositNotes = deposits.map((d) => d.note);
    expect(deposits.filter((d) => d.note === 'initial balance').map((d) => Number(d.amount_micros))).toEqual([FUNDS_MICROS]);
    expect(deposits.filter((d) => d.note !== 'initial balance' && !(topups.has(d.note!) && Number(d.amount_micros) === TOPUP_MICROS)), 'deposits nobody made').toEqual([]);
    expect(new Set(depositNotes).size, 'a top-up booked twice').toBe(depositNotes.length);
    expect([...topups].filter(([note, outcome]) => outcome === 'acknowledged' && !depositNotes.includes(note)), 'acknowledged top-ups not booked').toEqual([]);

    // Charges: each one success usage record (same id, same amount), no request charged twice, and
    // the records add up to the charges (so no record claims money that was not charged).
    const chargeIds = charges.map((c) => c.request_id);
    expect(new Set(chargeIds).size, 'a request charged twice').toBe(chargeIds.length);
    const unbacked = charges.filter((c) => {
      const record = recordById.get(c.request_id ?? '');
      return !record || record.status !== 'success' || Number(record.cost_micros) !== Number(c.amount_micros);
    });
    expect(unbacked, 'charges without a success usage record of the same amount').toEqual([]);
    expect(records.reduce((s, r) => s + Number(r.cost_micros), 0), 'usage records add up to the charges').toBe(chargedMicros);
    expect(records.filter((r) => Number(r.cost_micros) < 0 || (r.status !== 'success' && Number(r.cost_micros) !== 0)), 'records with a cost they cannot have').toEqual([]);
    // Each success is a request we sent, charged the price of what it made (or 0, see above).
    expect(successes.filter((r) => !jobsByPrompt.has(r.prompt ?? '')).map((r) => r.prompt), 'success records for requests nobody sent').toEqual([]);
    expect(successes.filter((r) => ![0, r.images * PRICE_MICROS].includes(Number(r.cost_micros))).map((r) => `${r.prompt}: ${r.cost_micros} for ${r.images}`), 'charged neither the price nor 0').toEqual([]);

    // The client's side: every answer matches the books, and every charge it was not told of is a request the kill cut.
    expect(unexpected.slice(0, 20), 'answers that do not match the books').toEqual([]);
    expect(new Set(attempts.filter((a) => a.status === 200).map((a) => a.job.prompt)).size, 'a request answered 200 twice').toBe(attempts.filter((a) => a.status === 200).length);
    expect(unseen.filter((r) => !(jobsByPrompt.get(r.prompt!) ?? []).some((a) => a.status === 0)).map((r) => r.prompt), 'charged, never answered, never cut').toEqual([]);
    expect(chargedMicros, 'charges = what clients were told + what the kills cut off after settling').toBe(seenMicros + unseenMicros);
    expect(chargedMicros).toBeGreaterThanOrEqual(seenMicros);
    expect(chargedTwice(false).map(([p]) => p), 'a request sent once but charged twice').toEqual([]);
    // The idempotent answer is stored in the transaction that charges, so no kill can leave a charged
    // key looking unfinished for its retry to run (and be charged) again.
    expect(chargedTwice(true).map(([p]) => p), 'an Idempotency-Key charged twice').toEqual([]);
    // Rows are written before bytes, so a kill can leave a row without bytes (swept at expiry), never bytes without a row.
    expect(files.filter((f) => !rowNames.has(f)), 'image files no row leads the sweeper to').toEqual([]);

    // The kills really cut requests in flight, with money reserved, and the books held at every look.
    expect(problems.slice(0, 20), 'books or top-ups out of order during the rounds').toEqual([]);
    expect(roundLogs.filter((r) => r.cut === 0).map((r) => r.round), 'rounds whose kill cut no request').toEqual([]);
    expect(roundLogs.reduce((s, r) => s + r.reservedAtKill, 0), 'money reserved at the kills').toBeGreaterThan(0);
  } finally {
    await db.close();
  }
}

describe('reliability: SIGKILLed again and again under load, the books stay exact', () => {
  it(`on PostgreSQL and Redis (scale-out): ${ROUNDS.postgres} kills mid-load, reconciliation after the TTL`, async () => {
    await runCrashLoop('postgres');
  }, 240_000);

  it(`on PGlite: ${MIN_ROUNDS.pglite}-${ROUNDS.pglite} kills mid-load, every reservation released at each start`, async () => {
    await runCrashLoop('pglite');
  }, 240_000);
});
