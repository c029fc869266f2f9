import { Redis, type RedisOptions } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Limits } from './index.js';
import { positiveInteger, rateConsumer } from './rate.js';

const CONNECT_TIMEOUT_MS = 5000;
/** A crashed process never releases its slots; its counters expire this long after the last acquire. */
const CONCURRENCY_TTL_MS = 10 * 60 * 1000;

// Atomic, so two processes racing for the last slot cannot both get it. Returns {allowed, current}.
const ACQUIRE = `
local n = redis.call('INCR', KEYS[1])
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return {0, n - 1}
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, n}`;

// Never below zero: after the safety expiry the key is gone and a late release is a no-op.
const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n <= 1 then
  redis.call('DEL', KEYS[1])
  return 0
end
return redis.call('DECR', KEYS[1])`;

/** Limits shared by every process using the same Redis and key prefix. */
export async function redisLimits(url: string, keyPrefix: string): Promise<Limits> {
  const client = await openRedis(url);

  return {
    kind: 'redis',
    consumeRate: rateConsumer(
      (perMinute) => new RateLimiterRedis({ storeClient: client, keyPrefix: `${keyPrefix}rate:${perMinute}`, points: perMinute, duration: 60 }),
    ),
    async acquireConcurrency(bucket, max) {
      positiveInteger(max, 'max');
      const key = `${keyPrefix}concurrency:${bucket}`;
      const [ok, current] = (await client.eval(ACQUIRE, 1, key, max, CONCURRENCY_TTL_MS)) as [number, number];
      if (!ok) return { allowed: false, current, release: async () => {} };
      let released = false;
      return {
        allowed: true,
        current,
        async release() {
          // Marked first: if the call fails we may leak one slot until the expiry, but never free two.
          if (released) return;
          released = true;
          await client.eval(RELEASE, 1, key);
        },
      };
    },
    async close() {
      if (client.status !== 'end') await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * A connected client (the limits and the circuit breaker each have one). Fails fast, with the URL
 * redacted, when Redis does not answer; while the connection is down a command rejects after one
 * reconnection attempt instead of waiting forever.
 */
export async function openRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: CONNECT_TIMEOUT_MS, ...options });
  await connect(client, url);
  return client;
}

async function connect(client: Redis, url: string) {
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than connect()'s "Connection is closed".
  let socketError: Error | undefined;
  // Without a listener ioredis prints every reconnect error; failed commands still reject.
  client.on('error', (error: Error) => (socketError = error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    client.disconnect(); // stops the reconnect loop
    const cause = socketError ?? (error as Error);
    throw new Error(`Redis at ${redact(url)} is unreachable: ${cause.message}`, { cause });
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without its password, for error messages and logs. */
function redact(url: string) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
