import cluster, { type Worker } from 'node:cluster';
import { ConfigError, type Config } from '../config.js';
import { serveClusterMetrics } from '../metrics/cluster.js';
import { startServer, type RunningServer } from '../server/start.js';

/** What a worker tells the primary once it listens. */
interface ListeningMessage {
  type: 'listening';
  url: string;
  database: string;
  firstKey?: string;
}

/** A worker that dies this soon after its start is not restarted at once, so a broken setup does not spin. */
const RESTART_DELAY_MS = 1_000;

/**
 * `pixelrouter serve`: one process, or with `workers` > 1 a primary that runs that many server
 * processes sharing one port (node:cluster), restarts any that dies, and passes SIGTERM on.
 */
export async function serve(config: Config, workers: number) {
  if (cluster.isWorker) return runWorker(config);
  if (workers <= 1) {
    const server = await startServer(config);
    printBanner(config, server.url, server.services.db.kind, server.firstKey);
    stopOnSignals((signal) => {
      server.app.log.info({ signal }, 'shutting down');
      return server.close().then(() => 0);
    });
    return;
  }
  // Processes share state only through these; the embedded database and in-memory limits belong to one process.
  if (!config.databaseUrl) throw new ConfigError('--workers needs DATABASE_URL (PostgreSQL): the embedded database can only be opened by one process');
  if (!config.redisUrl) throw new ConfigError('--workers needs REDIS_URL: rate limits and circuit breakers must be shared by the workers');
  await runPrimary(config, workers);
}

async function runWorker(config: Config) {
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    console.error(`worker ${process.pid} could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const message: ListeningMessage = { type: 'listening', url: server.url, database: server.services.db.kind, firstKey: server.firstKey };
  process.send!(message);
  // SIGINT too: Ctrl-C reaches every process of the group.
  stopOnSignals(() => server.close().then(() => 0));
}

async function runPrimary(config: Config, count: number) {
  // The kernel hands connections to whichever worker accepts first. With Node's round-robin the
  // primary passes each connection on, and one passed to a worker in the instant it dies is lost
  // (the client waits until its own timeout); here a dead worker loses only what it had accepted.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  serveClusterMetrics();
  let stopping = false;
  let serving = false;
  const started = new Map<Worker, number>();
  const fork = () => {
    const worker = cluster.fork();
    started.set(worker, Date.now());
  };
  cluster.on('exit', (worker, code, signal) => {
    const since = Date.now() - (started.get(worker) ?? 0);
    started.delete(worker);
    if (stopping) return;
    if (!serving) {
      // A worker that cannot start (it printed why) will not do better on a retry: give up, like a single server would.
      for (const other of started.keys()) other.process.kill('SIGKILL');
      process.exit(1);
    }
    console.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    setTimeout(fork, since < RESTART_DELAY_MS ? RESTART_DELAY_MS : 0);
  });

  // The banner (with the first key, if one was made) once every worker listens.
  const ready = new Promise<ListeningMessage[]>((resolve) => {
    const messages: ListeningMessage[] = [];
    const onMessage = (_worker: Worker, message: ListeningMessage) => {
      if (message?.type !== 'listening') return;
      messages.push(message);
      if (messages.length === count) {
        cluster.off('message', onMessage);
        resolve(messages);
      }
    };
    cluster.on('message', onMessage);
  });
  for (let i = 0; i < count; i++) fork();
  const messages = await ready;
  serving = true;
  printBanner(config, messages[0]!.url, `${messages[0]!.database}, ${count} workers`, messages.find((m) => m.firstKey)?.firstKey);

  stopOnSignals(async () => {
    stopping = true;
    const exits = [...started.keys()].map((worker) => new Promise<number>((resolve) => {
      // Killed by the signal itself: it was still starting (no handler yet), so it had nothing in flight.
      worker.once('exit', (code, signal) => resolve(code === 0 || signal === 'SIGTERM' ? 0 : 1));
      worker.process.kill('SIGTERM');
    }));
    // A worker that has not exited after its own grace period and settling is killed.
    const hardStop = setTimeout(() => {
      for (const worker of started.keys()) worker.process.kill('SIGKILL');
    }, config.shutdownGraceSeconds * 1000 + 15_000);
    const codes = await Promise.all(exits);
    clearTimeout(hardStop);
    return codes.every((code) => code === 0) ? 0 : 1;
  });
}

function printBanner(config: Config, url: string, database: string, firstKey: string | undefined) {
  // One write, so whoever reads the output sees the key together with the "listening" line.
  let banner = `pixelrouter listening on ${url} (database: ${database}, data: ${config.dataDir})\n`;
  if (firstKey) {
    banner += '\nNo API key existed, so one was created. It is shown only this once; keep it:\n\n';
    banner += `  ${firstKey}\n\n`;
    banner += `Try: curl ${url}/v1/openai/images/generations -H 'Authorization: Bearer <that key>' --json '{"prompt":"a lighthouse at dawn","model":"test/test"}'\n`;
  }
  process.stdout.write(banner);
}

/** On the first SIGTERM or SIGINT, runs `stop` and exits with the code it returns. */
function stopOnSignals(stop: (signal: string) => Promise<number>) {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void stop(signal).then((code) => process.exit(code), () => process.exit(1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
