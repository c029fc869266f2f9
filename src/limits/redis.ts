import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Limits } from './index.js';
import { positiveInteger, rateConsumer } from './rate.js';

const CONNECT_TIMEOUT_MS = 5000;

// Each slot is a member of a sorted set scored by when it lapses, so a slot a crashed process never
// released frees itself after `slotTtlMs` whatever traffic the bucket gets (a plain counter's expiry
// is pushed back by every acquire, and a busy key would stay full forever). The script is atomic, so
// two processes racing for the last slot cannot both get it. Returns {allowed, current}.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[2]) then return {0, n} end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, n + 1}`;

/** Limits shared by every process using the same Redis and key prefix. */
export async function redisLimits(url: string, keyPrefix: string, slotTtlMs: number): Promise<Limits> {
  const client = await openRedis(url);

  return {
    kind: 'redis',
    consumeRate: rateConsumer(
      (perMinute) => new RateLimiterRedis({ storeClient: client, keyPrefix: `${keyPrefix}rate:${perMinute}`, points: perMinute, duration: 60 }),
    ),
    async acquireConcurrency(bucket, max) {
      positiveInteger(max, 'max');
      const key = `${keyPrefix}concurrency:${bucket}`;
      const slot = randomUUID();
      const now = Date.now();
      const [ok, current] = (await client.eval(ACQUIRE, 1, key, now, max, now + slotTtlMs, slot, slotTtlMs)) as [number, number];
      if (!ok) return { allowed: false, current, release: async () => {} };
      let released = false;
      return {
        allowed: true,
        current,
        async release() {
          if (released) return;
          released = true;
          await client.zrem(key, slot);
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
