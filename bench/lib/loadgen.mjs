// The one load generator of the bench, run as its own process so it never shares an event loop
// with a server. Closed loop: `concurrency` workers, each on its own keep-alive connection, send
// the same request back to back; latency is from sending to the last byte of the answer read.
// Either for `warmupMs` + `durationMs` (only requests started after the warmup count), or for
// exactly `requests` requests. Prints one JSON line: {requests, errors, rps, p50, p90, p99, max} (ms).
// Usage: node loadgen.mjs '<json spec>'
//   spec: {url, headers, body?: string, bodyFile?: path, concurrency, warmupMs?, durationMs?, requests?, expect?: 'b64_json'|'url'}
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

const spec = JSON.parse(process.argv[2]);
const url = new URL(spec.url);
const body = spec.bodyFile ? fs.readFileSync(spec.bodyFile) : spec.body;
const pool = new Pool(url.origin, { connections: spec.concurrency, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 300_000, bodyTimeout: 300_000 });

const latencies = [];
let errors = 0;
let firstError;
let checked = 0;
let counted = 0;
const started = performance.now();
const measureFrom = started + (spec.warmupMs ?? 0);
const stopAt = spec.durationMs === undefined ? Infinity : measureFrom + spec.durationMs;
let issued = 0;

/** Checks the first few answers in full: a fast wrong answer must not pass for a fast one. */
function check(status, bytes) {
  if (status !== 200) return `HTTP ${status}: ${bytes.toString().slice(0, 300)}`;
  if (!spec.expect || checked >= 5) return null;
  checked++;
  const item = JSON.parse(bytes.toString()).data?.[0];
  return typeof item?.[spec.expect] === 'string' && item[spec.expect].length > 0 ? null : `no data[0].${spec.expect} in ${bytes.toString().slice(0, 300)}`;
}

async function worker() {
  for (;;) {
    const t0 = performance.now();
    if (t0 >= stopAt) return;
    if (spec.requests !== undefined && issued >= spec.requests) return;
    issued++;
    let problem;
    try {
      const res = await pool.request({ path: url.pathname + url.search, method: 'POST', headers: spec.headers, body });
      problem = check(res.statusCode, Buffer.from(await res.body.arrayBuffer()));
    } catch (error) {
      problem = String(error);
    }
    const t1 = performance.now();
    if (t0 < measureFrom) continue;
    counted++;
    if (problem) {
      errors++;
      firstError ??= problem;
    } else {
      latencies.push(t1 - t0);
    }
  }
}

await Promise.all(Array.from({ length: spec.concurrency }, worker));
const elapsed = (spec.durationMs ?? performance.now() - measureFrom) / 1000;
await pool.close();
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] : NaN);
process.stdout.write(JSON.stringify({
  requests: counted, errors, firstError, rps: latencies.length / elapsed,
  p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? NaN,
}) + '\n');
