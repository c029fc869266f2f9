#!/usr/bin/env node
// pixelrouter's benchmarks, one command: `npm run bench` in bench/ (or `node bench/run.mjs`).
// Starts an instant fake upstream, Portkey's gateway and pixelrouter as separate processes, drives
// them all with the same load generator (lib/loadgen.mjs), then measures memory under 50 concurrent
// 16-image edits and transcoding throughput. Prints a table and writes bench/RESULTS.md.
// Knobs (environment): BENCH_DURATION (s per measurement, 4), BENCH_WARMUP (s, 1), BENCH_ROUNDS (2),
// BENCH_POSTGRES_URL (a database to create the bench's own database from, or 'off').
import { execFileSync, fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const bench = import.meta.dirname;
const root = path.resolve(bench, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 4) * 1000;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1) * 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN_KEY = 'bench-admin-key-0123456789';
const ONE = 1; // one request at a time: no queueing, so latency is what each request costs
const LOW = 8; // "moderate load"
const HIGH = 64;
const EDITS = { concurrency: 50, images: 16, size: 1024 };

const t0 = Date.now();
const log = (...args) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s]`, ...args);
const children = new Set();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-bench-'));
let pgCleanup = async () => {};

function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(scratch, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

// --- setup: the bench's own dependencies and the root build --------------------------------------

if (!fs.existsSync(path.join(bench, 'node_modules/undici')) || !fs.existsSync(path.join(bench, 'node_modules/@portkey-ai/gateway'))) {
  log('installing bench dependencies (npm ci in bench/)');
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: bench, stdio: 'inherit' });
}
if (!fs.existsSync(path.join(root, 'node_modules'))) {
  log('installing the root package (npm ci)');
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
if (!fs.existsSync(path.join(root, 'dist/server/start.js'))) {
  log('building pixelrouter (npm run build)');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
}

// Only now: these load sharp from the root package's node_modules.
const { makePng, multipartBody } = await import('./lib/images.mjs');
const { renderMarkdown, renderTable } = await import('./lib/report.mjs');

// --- processes -----------------------------------------------------------------------------------

/** Forks a Node script and waits for its {ready} message. */
function start(script, args = [], env = {}, execArgv = []) {
  const child = fork(script, args, { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, ...message }));
    child.once('exit', (code) => reject(new Error(`${path.basename(script)} exited with ${code} before it was ready`)));
  });
}

/** Asks a forked pixelrouter wrapper for its event-loop and memory figures. */
let messageId = 0;
function ask(child, cmd) {
  const id = ++messageId;
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.id !== id) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ cmd, id });
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

const freePort = () => new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

/** /proc figures of a process, in bytes: current RSS and its peak (VmHWM, resettable with clear_refs). */
function procMemory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** CPU time (user + system, all threads) a process has used so far, in ms. Linux counts it in 10 ms ticks. */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Runs the load generator in its own process; returns its JSON result. */
function load(spec) {
  const out = execFileSync(process.execPath, [path.join(bench, 'lib/loadgen.mjs'), JSON.stringify(spec)], { maxBuffer: 1 << 20 });
  return JSON.parse(out.toString());
}

async function upstreamHits(upstream) {
  const stats = await (await fetch(`${upstream}/stats`)).json();
  return Object.values(stats).reduce((a, b) => a + b, 0);
}

async function api(base, pathname, body) {
  const res = await fetch(base + pathname, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** A pixelrouter with the fake upstream as its only real provider, through the bench wrapper. */
async function startPixelrouter(upstream, name, env = {}) {
  const configFile = path.join(scratch, 'pixelrouter.json');
  fs.writeFileSync(configFile, JSON.stringify({
    upstreams: [{
      id: 'bench', name: 'instant fake upstream', base_url: `${upstream}/v1`,
      models: [{ id: 'bench/fake', upstream_model: 'fake', price: { type: 'fixed', per_image_usd: 0.001 },
        sizes: ['256x256', '1024x1024'], edit: true, max_input_images: 16 }],
    }],
  }));
  const dataDir = path.join(scratch, `data-${name}`);
  const server = await start(path.join(bench, 'lib/pixelrouter.mjs'), [], {
    PORT: '0', HOST: '127.0.0.1', PIXELROUTER_DATA_DIR: dataDir, PIXELROUTER_CONFIG: configFile,
    PIXELROUTER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'warn', ...env,
  }, ['--expose-gc']);
  // A paying customer, so every request takes the real money path (reserve, then settle).
  const account = await api(server.url, '/v1/admin/accounts', { name: 'bench', balance_usd: 100000 });
  const { key } = await api(server.url, '/v1/admin/keys', { name: 'bench', account_id: account.id });
  return { ...server, key };
}

/** A fresh PostgreSQL database for one pixelrouter, dropped at the end; null when there is no server. */
async function postgresDatabase() {
  if (POSTGRES_URL === 'off') return null;
  const pg = createRequire(path.join(root, 'package.json'))('pg');
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    log(`PostgreSQL not reachable at ${POSTGRES_URL} (${error.message}): PostgreSQL rows skipped`);
    return null;
  }
  const name = `pixelrouter_bench_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  pgCleanup = async () => {
    pgCleanup = async () => {};
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  };
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

// --- the run -------------------------------------------------------------------------------------

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await pgCleanup(); // the bench's PostgreSQL database goes, whatever happened
}
process.exit();

/** The build under test: the commit, whether src/ differs from it, and when dist/ was built. */
function buildInfo() {
  const info = { commit: 'unknown', dirty: false, builtAt: fs.statSync(path.join(root, 'dist/server/start.js')).mtimeMs };
  try {
    info.commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    info.dirty = execFileSync('git', ['status', '--porcelain', 'src'], { cwd: root }).toString().trim() !== '';
  } catch {}
  return info;
}

async function main() {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const build = buildInfo();
  log(`scratch ${scratch}; ${ROUNDS} round(s) of ${DURATION / 1000}s per measurement after ${WARMUP / 1000}s warmup`);

  log('making images');
  const small = await makePng(256);
  const large = await makePng(1024);
  const imagesFile = path.join(scratch, 'upstream-images.json');
  fs.writeFileSync(imagesFile, JSON.stringify({ '256x256': small.toString('base64'), '1024x1024': large.toString('base64') }));
  const inputs = await Promise.all(Array.from({ length: EDITS.images }, () => makePng(EDITS.size)));

  const fake = await start(path.join(bench, 'lib/fake-upstream.mjs'), ['0', imagesFile]);
  const upstream = `http://127.0.0.1:${fake.port}`;
  const portkeyPort = await freePort();
  // Portkey prints no "ready" message of its own, so it is polled until it answers. Its output
  // (a stack trace per failed edit, see README) goes to a file in the scratch dir.
  const portkeyLog = fs.openSync(path.join(scratch, 'portkey.log'), 'w');
  const portkey = {
    url: `http://127.0.0.1:${portkeyPort}`,
    child: fork(path.join(bench, 'lib/portkey.mjs'), [`--port=${portkeyPort}`, '--headless'], { env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', portkeyLog, portkeyLog, 'ipc'] }),
  };
  children.add(portkey.child);
  await waitFor(portkey.url);
  const pixelrouter = await startPixelrouter(upstream, 'pglite');
  const pgUrl = await postgresDatabase();
  const pixelrouterPg = pgUrl ? await startPixelrouter(upstream, 'postgres', { DATABASE_URL: pgUrl }) : null;
  log(`upstream ${upstream}, portkey ${portkey.url}, pixelrouter ${pixelrouter.url}${pixelrouterPg ? `, pixelrouter on PostgreSQL ${pixelrouterPg.url}` : ''}`);

  // The same generation through every target. pixelrouter is asked for png, the upstream's format,
  // so it passes the bytes through without transcoding.
  const prompt = 'a lighthouse at dawn';
  const targets = {
    direct: (size) => ({ url: `${upstream}/v1/images/generations`, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-fake' },
      body: JSON.stringify({ model: 'fake', prompt, size, response_format: 'b64_json' }), expect: 'b64_json' }),
    portkey: (size) => ({ url: `${portkey.url}/v1/images/generations`,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-fake', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1` },
      body: JSON.stringify({ model: 'fake', prompt, size, response_format: 'b64_json' }), expect: 'b64_json' }),
    pixelrouter: (size, format, server = pixelrouter, key = server.key) => ({ url: `${server.url}/v1/images/generations`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'bench/fake', prompt, size, response_format: format, output_format: 'png' }), expect: format }),
  };

  // Each group runs its targets back to back at one concurrency; the order flips every round.
  const groups = [
    { id: 'small', image: '256x256', concurrency: ONE },
    { id: 'small', image: '256x256', concurrency: LOW },
    { id: 'small', image: '256x256', concurrency: HIGH },
    { id: 'large', image: '1024x1024', concurrency: LOW },
  ];
  const scenarios = [];
  for (const g of groups) {
    const rows = [
      { target: 'direct', label: 'direct (no gateway)', spec: targets.direct(g.image), server: fake },
      { target: 'portkey', label: 'Portkey', spec: targets.portkey(g.image), server: portkey },
      { target: 'pixelrouter', label: 'pixelrouter b64_json', spec: targets.pixelrouter(g.image, 'b64_json'), server: pixelrouter },
    ];
    if (g.id === 'small') {
      rows.push({ target: 'pixelrouter-url', label: 'pixelrouter url', spec: targets.pixelrouter(g.image, 'url'), server: pixelrouter });
      if (g.concurrency === HIGH) rows.push({ target: 'pixelrouter-admin', label: 'pixelrouter b64_json, admin key (no billing)', spec: targets.pixelrouter(g.image, 'b64_json', pixelrouter, ADMIN_KEY), server: pixelrouter });
      if (pixelrouterPg) {
        rows.push({ target: 'pg', label: 'pixelrouter b64_json, PostgreSQL', spec: targets.pixelrouter(g.image, 'b64_json', pixelrouterPg), server: pixelrouterPg });
        rows.push({ target: 'pg-url', label: 'pixelrouter url, PostgreSQL', spec: targets.pixelrouter(g.image, 'url', pixelrouterPg), server: pixelrouterPg });
      }
    }
    scenarios.push({ ...g, rows });
  }

  for (let round = 0; round < ROUNDS; round++) {
    for (const group of scenarios) {
      const order = round % 2 ? [...group.rows].reverse() : group.rows;
      for (const row of order) {
        const isPixelrouter = row.server !== portkey && row.server !== fake;
        if (isPixelrouter) await ask(row.server.child, 'reset');
        const hitsBefore = await upstreamHits(upstream);
        const cpuBefore = cpuMs(row.server.child.pid);
        const result = load({ ...row.spec, concurrency: group.concurrency, warmupMs: WARMUP, durationMs: DURATION });
        // CPU per request of the server under test (the fake upstream's, for direct): unlike latency,
        // it hardly moves when other work on the machine takes the cores.
        const cpu = cpuMs(row.server.child.pid) - cpuBefore;
        result.forwarded = (await upstreamHits(upstream)) - hitsBefore;
        result.cpuPerRequest = cpu / result.forwarded;
        if (isPixelrouter) result.eld = (await ask(row.server.child, 'read')).eld;
        if (result.errors) log(`${row.label}: ${result.errors} errors, first: ${result.firstError}`);
        // Every counted answer must have come from the fake upstream, through the gateway.
        if (result.forwarded < result.requests) throw new Error(`${row.label}: ${result.requests} answers but only ${result.forwarded} upstream calls`);
        log(`round ${round + 1} ${group.image} c=${group.concurrency} ${row.label}: ${result.rps.toFixed(0)} rps, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
        // Best of the rounds (highest throughput): outside load only ever makes a run slower.
        if (!row.best || result.rps > row.best.rps) row.best = result;
      }
    }
  }

  // --- memory: 50 concurrent edits of 16 input images each ----------------------------------------

  log(`memory: ${EDITS.concurrency} concurrent edits of ${EDITS.images} ${EDITS.size}x${EDITS.size} PNGs`);
  const edit = multipartBody({ model: 'bench/fake', prompt: 'blend these', size: '256x256', response_format: 'b64_json', output_format: 'png' },
    inputs.map((bytes, i) => ['image[]', `input-${i}.png`, bytes]));
  const editFile = path.join(scratch, 'edit-body.bin');
  fs.writeFileSync(editFile, edit.body);
  const inputBytes = inputs.reduce((sum, b) => sum + b.length, 0);
  const memory = { inFlight: inputBytes * EDITS.concurrency, perRequest: edit.body.length, imageBytes: inputBytes / inputs.length };

  // A fresh server, so its baseline and peak belong to this test alone.
  await stop(pixelrouter.child);
  const fresh = await startPixelrouter(upstream, 'memory');
  const editSpec = (url, headers) => ({ url, headers: { ...headers, 'content-type': edit.contentType }, bodyFile: editFile, concurrency: EDITS.concurrency, requests: EDITS.concurrency, expect: 'b64_json' });
  memory.baseline = await ask(fresh.child, 'gc');
  await ask(fresh.child, 'reset');
  memory.load = load(editSpec(`${fresh.url}/v1/images/edits`, { authorization: `Bearer ${fresh.key}` }));
  memory.peak = await ask(fresh.child, 'read');
  memory.hwm = procMemory(fresh.child.pid).hwm;
  memory.after = await ask(fresh.child, 'gc');
  // A second wave of the same: bounded memory is reused, so the peak must not climb again.
  memory.load2 = load(editSpec(`${fresh.url}/v1/images/edits`, { authorization: `Bearer ${fresh.key}` }));
  memory.hwm2 = procMemory(fresh.child.pid).hwm;
  memory.after2 = await ask(fresh.child, 'gc');
  await stop(fresh.child);
  if (memory.load.errors || memory.load2.errors) throw new Error(`edits failed: ${memory.load.firstError ?? memory.load2.firstError}`);

  // The same edits through Portkey, for reference, if its edits endpoint works (one probe first).
  const portkeyEdit = editSpec(`${portkey.url}/v1/images/edits`, { authorization: 'Bearer sk-fake', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1` });
  const probe = load({ ...portkeyEdit, concurrency: 1, requests: 1 });
  if (probe.errors) {
    memory.portkey = { failed: probe.firstError };
    log(`Portkey edits fail, no Portkey memory figure: ${probe.firstError}`);
  } else {
    const before = procMemory(portkey.child.pid);
    fs.writeFileSync(`/proc/${portkey.child.pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
    memory.portkey = { baseline: before.rss, load: load(portkeyEdit), hwm: procMemory(portkey.child.pid).hwm };
    await new Promise((ok) => setTimeout(ok, 1000));
    memory.portkey.after = procMemory(portkey.child.pid).rss;
  }

  // --- transcoding throughput ----------------------------------------------------------------------

  log('transcoding: pixelrouter normalizeOutput vs raw sharp');
  const inputFiles = inputs.map((bytes, i) => {
    const file = path.join(scratch, `input-${i}.png`);
    fs.writeFileSync(file, bytes);
    return file;
  });
  const transcodeSpec = { files: inputFiles, sliceMs: 1000, slices: 4, concurrency: 4 };
  const transcode = JSON.parse(execFileSync(process.execPath, [path.join(bench, 'lib/transcode.mjs'), JSON.stringify(transcodeSpec)]).toString());

  // --- report --------------------------------------------------------------------------------------

  await pgCleanup();
  for (const child of [...children]) await stop(child);

  // Someone else rebuilding dist/ mid-run would mix two builds in one set of figures: say so.
  const rebuilt = buildInfo().builtAt !== build.builtAt;
  if (rebuilt) log('dist/ was rebuilt during the run: the figures may mix two builds');
  const run = {
    startedAt, seconds: (Date.now() - startedAt) / 1000, loadBefore, loadAfter: os.loadavg(), commit: build.commit, dirty: build.dirty, rebuilt,
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memory: os.totalmem(), node: process.version, platform: `${os.type()} ${os.release()}` },
    settings: { duration: DURATION / 1000, warmup: WARMUP / 1000, rounds: ROUNDS, one: ONE, low: LOW, high: HIGH, edits: EDITS, transcode: { concurrency: transcodeSpec.concurrency, seconds: (transcodeSpec.sliceMs * transcodeSpec.slices) / 1000 } },
    images: { small: small.length, large: large.length },
    postgres: Boolean(pixelrouterPg),
    portkeyVersion: JSON.parse(fs.readFileSync(path.join(bench, 'node_modules/@portkey-ai/gateway/package.json'), 'utf8')).version,
  };
  console.log(renderTable(run, scenarios, memory, transcode));
  fs.writeFileSync(path.join(bench, 'RESULTS.md'), renderMarkdown(run, scenarios, memory, transcode));
  log(`wrote bench/RESULTS.md in ${run.seconds.toFixed(0)} s`);
}
