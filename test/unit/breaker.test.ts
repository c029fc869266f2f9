import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openRedis } from '../../src/limits/redis.js';
import { createBreaker, MemoryBreaker, RedisBreaker, type BreakerOptions, type CircuitBreaker } from '../../src/routing/breaker.js';
import { DEFAULT_ROUTING } from '../../src/routing/policy.js';

// The machine's Redis on loopback; every test keeps its keys under a random prefix of its own.
const REDIS_URL = process.env.PIXELROUTER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const newPrefix = () => `pixelrouter-test-${randomBytes(6).toString('hex')}:`;

const THRESHOLD = 3;
const COOLDOWN_MS = 1000;
const PROBE_TIMEOUT_MS = 5000;

let admin: Redis;
beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
});
afterAll(async () => {
  await admin?.quit();
});

async function keysUnder(prefix: string) {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/**
 * A clock the test moves, and `open()` making breakers on it. Breakers opened in one test share
 * their state (the same Redis prefix), like the server processes of one deployment.
 */
function harness(kind: 'memory' | 'redis') {
  const h = {
    now: 0,
    prefix: newPrefix(),
    opened: [] as CircuitBreaker[],
    memory: undefined as MemoryBreaker | undefined,
    async open(): Promise<CircuitBreaker> {
      const options: BreakerOptions = { threshold: THRESHOLD, cooldownMs: COOLDOWN_MS, probeTimeoutMs: PROBE_TIMEOUT_MS, now: () => h.now };
      // One process has one memory breaker; "another process" only exists with Redis.
      const breaker = kind === 'memory'
        ? (h.memory ??= new MemoryBreaker(options))
        : new RedisBreaker(await openRedis(REDIS_URL), h.prefix, options);
      h.opened.push(breaker);
      return breaker;
    },
    async cleanUp() {
      await Promise.all(h.opened.map((b) => b.close()));
      const keys = await keysUnder(h.prefix);
      if (keys.length > 0) await admin.del(...keys);
    },
  };
  return h;
}

describe.each(['memory', 'redis'] as const)('%s circuit breaker', (kind) => {
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    h = harness(kind);
  });
  afterEach(async () => {
    await h.cleanUp();
  });

  it('opens after the threshold, lets exactly one probe through after the cooldown, and a failed probe reopens it', async () => {
    const breaker = await h.open();
    expect(await breaker.status('p')).toBe('closed');
    for (let i = 0; i < THRESHOLD; i++) {
      expect(await breaker.allow('p')).toBe(true);
      await breaker.failure('p');
    }
    expect(await breaker.status('p')).toBe('open');
    expect(await breaker.allow('p')).toBe(false); // skipped during the cooldown

    h.now = COOLDOWN_MS + 1;
    expect(await breaker.status('p')).toBe('half-open');
    expect(await breaker.allow('p')).toBe(true); // the probe
    expect(await breaker.allow('p')).toBe(false); // only one
    await breaker.failure('p');
    expect(await breaker.status('p')).toBe('open'); // a failed probe opens it again, for a full cooldown
    h.now += COOLDOWN_MS - 1;
    expect(await breaker.allow('p')).toBe(false);

    h.now += 2;
    expect(await breaker.allow('p')).toBe(true);
    await breaker.success('p'); // a successful probe closes it
    expect(await breaker.status('p')).toBe('closed');
    expect(await breaker.allow('p')).toBe(true);
    expect(await breaker.allow('p')).toBe(true);
    expect(await breaker.allow('other')).toBe(true);
  });

  it('counts failures in a row: a success in between starts the count again', async () => {
    const breaker = await h.open();
    for (let i = 0; i < THRESHOLD - 1; i++) await breaker.failure('p');
    await breaker.success('p');
    for (let i = 0; i < THRESHOLD - 1; i++) await breaker.failure('p');
    expect(await breaker.status('p')).toBe('closed');
    expect(await breaker.allow('p')).toBe(true);
    await breaker.failure('p');
    expect(await breaker.status('p')).toBe('open');
    expect(await breaker.status('other')).toBe('closed'); // providers are independent
  });

  it('frees the probe slot when the probe never reports back', async () => {
    const breaker = await h.open();
    for (let i = 0; i < THRESHOLD; i++) await breaker.failure('p');
    h.now = COOLDOWN_MS;
    expect(await breaker.allow('p')).toBe(true);
    h.now += PROBE_TIMEOUT_MS - 1;
    expect(await breaker.allow('p')).toBe(false);
    h.now += 1;
    expect(await breaker.allow('p')).toBe(true); // the first prober is presumed gone
    expect(await breaker.allow('p')).toBe(false);
  });

  it('gives the probe to exactly one of many simultaneous requests', async () => {
    // Four breakers on one Redis stand for four processes (one breaker in memory).
    const breakers = await Promise.all(Array.from({ length: 4 }, () => h.open()));
    for (let i = 0; i < THRESHOLD; i++) await breakers[i % breakers.length]!.failure('p');
    h.now = COOLDOWN_MS + 1;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => breakers[i % breakers.length]!.allow('p')));
    expect(answers.filter(Boolean)).toHaveLength(1);
    for (const breaker of breakers) expect(await breaker.status('p')).toBe('half-open');
  });
});

describe('redis circuit breaker across processes', () => {
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    h = harness('redis');
  });
  afterEach(async () => {
    await h.cleanUp();
  });

  it('shares failures, the open circuit, the probe slot and the closing success', async () => {
    const a = await h.open();
    const b = await h.open();
    await a.failure('p');
    await b.failure('p');
    expect(await a.status('p')).toBe('closed');
    await a.failure('p'); // the third failure in a row, counted by two processes
    expect(await b.status('p')).toBe('open');
    expect(await b.allow('p')).toBe(false);

    h.now = COOLDOWN_MS + 1;
    expect(await b.allow('p')).toBe(true); // b probes
    expect(await a.allow('p')).toBe(false); // so a may not
    await b.success('p');
    expect(await a.status('p')).toBe('closed');
    expect(await a.allow('p')).toBe(true);
  });

  it('keeps its state in one expiring key per provider under the prefix', async () => {
    const breaker = await h.open();
    for (let i = 0; i < THRESHOLD; i++) await breaker.failure('flux');
    expect(await keysUnder(h.prefix)).toEqual([`${h.prefix}breaker:flux`]);
    const ttl = await admin.pttl(`${h.prefix}breaker:flux`);
    expect(ttl).toBeGreaterThan(COOLDOWN_MS + PROBE_TIMEOUT_MS); // never expires while open or half-open
    expect(ttl).toBeLessThanOrEqual(COOLDOWN_MS + PROBE_TIMEOUT_MS + 10 * 60_000);
    await breaker.success('flux');
    expect(await keysUnder(h.prefix)).toEqual([]); // closed is the absence of state
  });

  it('fails open when Redis fails: requests go through, nothing throws, the error is reported', async () => {
    const client = await openRedis(REDIS_URL);
    const errors: Error[] = [];
    const breaker = new RedisBreaker(client, h.prefix, { threshold: 1, onError: (error) => errors.push(error) });
    await client.quit(); // every command fails from now on
    await breaker.failure('p');
    expect(await breaker.allow('p')).toBe(true);
    expect(await breaker.status('p')).toBe('closed');
    await breaker.success('p');
    expect(errors).toHaveLength(4);
    await breaker.close(); // closing twice is harmless
  });
});

describe('createBreaker', () => {
  it('keeps the state in memory without Redis, in Redis with it', async () => {
    const memory = await createBreaker(DEFAULT_ROUTING);
    expect(memory).toBeInstanceOf(MemoryBreaker);
    await memory.close();
    const prefix = newPrefix();
    const redis = await createBreaker({ ...DEFAULT_ROUTING, breakerThreshold: 1 }, { url: REDIS_URL, keyPrefix: prefix });
    try {
      expect(redis).toBeInstanceOf(RedisBreaker);
      await redis.failure('p');
      expect(await redis.status('p')).toBe('open');
      expect(await admin.exists(`${prefix}breaker:p`)).toBe(1);
    } finally {
      await redis.close();
      await admin.del(`${prefix}breaker:p`);
    }
  });

  it('refuses to start with an unreachable Redis, without showing the password', async () => {
    const error = await createBreaker(DEFAULT_ROUTING, { url: 'redis://:hunter2@127.0.0.1:1', keyPrefix: newPrefix() }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/unreachable/);
    expect(error?.message).not.toContain('hunter2');
  });
});
