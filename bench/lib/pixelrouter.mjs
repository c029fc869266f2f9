// Starts pixelrouter from the root build (dist/), exactly as `pixelrouter serve` does, plus what
// the bench needs to see from inside without touching src/: event-loop delay (perf_hooks) and
// memory, sampled every 20 ms. Started with fork(): the parent asks over IPC.
//   {cmd:'reset'}  -> starts a new measurement window (delay histogram and memory peaks)
//   {cmd:'read'}   -> {eld:{p50,p99,max} ms, mem:{rss, peakRss, heapUsed, peakHeap, external, peakExternal} bytes}
//   {cmd:'gc'}     -> runs a full GC (needs --expose-gc), then answers like 'read'
// Environment as for `pixelrouter serve` (PORT, PIXELROUTER_DATA_DIR, PIXELROUTER_CONFIG, ...).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = path.resolve(import.meta.dirname, '../../dist');
const { loadConfig } = await import(pathToFileURL(path.join(dist, 'config.js')).href);
const { startServer } = await import(pathToFileURL(path.join(dist, 'server/start.js')).href);

// The histogram records each timer interval whole (1 ms plus the delay), so 1 ms is taken off to
// report the delay alone; 1 ms resolution samples often enough to catch short stalls.
const RESOLUTION_MS = 1;
const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
eld.enable();
const delayMs = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

const peaks = { rss: 0, heapUsed: 0, external: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peaks.rss = Math.max(peaks.rss, m.rss);
  peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed);
  peaks.external = Math.max(peaks.external, m.external);
  return m;
};
setInterval(sample, 20).unref();

const read = () => {
  const m = sample();
  return {
    eld: { p50: delayMs(eld.percentile(50)), p99: delayMs(eld.percentile(99)), max: delayMs(eld.max), mean: delayMs(eld.mean) },
    mem: { rss: m.rss, heapUsed: m.heapUsed, external: m.external, peakRss: peaks.rss, peakHeap: peaks.heapUsed, peakExternal: peaks.external },
  };
};

const server = await startServer(loadConfig(process.env));
process.on('message', (message) => {
  if (message.cmd === 'reset') {
    eld.reset();
    Object.assign(peaks, { rss: 0, heapUsed: 0, external: 0 });
    process.send({ id: message.id, ok: true });
  } else if (message.cmd === 'read') {
    process.send({ id: message.id, ...read() });
  } else if (message.cmd === 'gc') {
    globalThis.gc?.();
    // Let sharp/libvips and freed buffers settle before sampling.
    setTimeout(() => process.send({ id: message.id, ...read() }), 200);
  }
});
const stop = () => server.close(2000).then(() => process.exit(0));
process.on('SIGTERM', stop);
// The bench died: do not outlive it.
process.on('disconnect', stop);
process.send({ ready: true, url: server.url, database: server.services.db.kind });
