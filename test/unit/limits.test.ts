import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimits, type Limits } from '../../src/limits/index.js';

// The machine's Redis on loopback; every key of this file lives under its own random prefix.
const REDIS_URL = process.env.PIXELROUTER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `pixelrouter-test-${randomBytes(6).toString('hex')}:`;
const bucket = () => `key:${randomBytes(4).toString('hex')}`;

let admin: Redis;
beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
});
afterAll(async () => {
  if (!admin) return;
  for (const key of await keysUnderPrefix()) await admin.del(key);
  await admin.quit();
});

async function keysUnderPrefix() {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

describe.each([
  { kind: 'memory', open: () => createLimits({}) },
  { kind: 'redis', open: () => createLimits({ redisUrl: REDIS_URL, keyPrefix: PREFIX }) },
])('$kind limits', ({ kind, open }) => {
  let limits: Limits;
  beforeAll(async () => {
    limits = await open();
  });
  afterAll(async () => {
    await limits?.close();
  });

  it('is the implementation asked for', () => {
    expect(limits.kind).toBe(kind);
  });

  it('allows exactly the per-minute limit, then refuses with remaining 0 and a reset time', async () => {
    const b = bucket();
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limits.consumeRate(b, 3));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    for (const d of decisions) {
      expect(d.limit).toBe(3);
      expect(Number.isInteger(d.resetSeconds)).toBe(true);
      expect(d.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(d.resetSeconds).toBeLessThanOrEqual(60);
    }
    // Still refused on further tries within the window.
    expect((await limits.consumeRate(b, 3)).allowed).toBe(false);
  });

  it('keeps buckets independent', async () => {
    const a = bucket();
    const b = bucket();
    expect((await limits.consumeRate(a, 1)).allowed).toBe(true);
    expect((await limits.consumeRate(a, 1)).allowed).toBe(false);
    expect((await limits.consumeRate(b, 1)).allowed).toBe(true);
    const c = bucket();
    expect((await limits.acquireConcurrency(a, 1)).allowed).toBe(true);
    expect((await limits.acquireConcurrency(c, 1)).allowed).toBe(true);
  });

  it('allows `max` holders at a time and one more after a release', async () => {
    const b = bucket();
    const first = await limits.acquireConcurrency(b, 2);
    const second = await limits.acquireConcurrency(b, 2);
    const third = await limits.acquireConcurrency(b, 2);
    expect([first, second, third].map((h) => [h.allowed, h.current])).toEqual([[true, 1], [true, 2], [false, 2]]);
    await third.release(); // a refused holder's release changes nothing
    expect((await limits.acquireConcurrency(b, 2)).allowed).toBe(false);
    await first.release();
    const again = await limits.acquireConcurrency(b, 2);
    expect([again.allowed, again.current]).toEqual([true, 2]);
  });

  it('counts a double release once and never goes below zero', async () => {
    const b = bucket();
    const one = await limits.acquireConcurrency(b, 2);
    const two = await limits.acquireConcurrency(b, 2);
    await one.release();
    await one.release();
    // Had the second release counted, two more would fit now.
    expect((await limits.acquireConcurrency(b, 2)).allowed).toBe(true);
    expect((await limits.acquireConcurrency(b, 2)).allowed).toBe(false);
    await two.release();
    await two.release();

    const c = bucket();
    const only = await limits.acquireConcurrency(c, 1);
    await only.release();
    await only.release();
    const next = await limits.acquireConcurrency(c, 1);
    expect([next.allowed, next.current]).toEqual([true, 1]);
    expect((await limits.acquireConcurrency(c, 1)).allowed).toBe(false);
  });

  it('gives out exactly `max` slots to simultaneous requests', async () => {
    const b = bucket();
    const holders = await Promise.all(Array.from({ length: 10 }, () => limits.acquireConcurrency(b, 3)));
    expect(holders.filter((h) => h.allowed)).toHaveLength(3);
    await Promise.all(holders.map((h) => h.release()));
    expect((await limits.acquireConcurrency(b, 3)).current).toBe(1);
  });

  it('refuses limits that are not positive integers', async () => {
    await expect(limits.consumeRate(bucket(), 0)).rejects.toThrow(RangeError);
    await expect(limits.consumeRate(bucket(), 1.5)).rejects.toThrow(RangeError);
    await expect(limits.acquireConcurrency(bucket(), 0)).rejects.toThrow(RangeError);
  });
});

describe('redis limits across processes', () => {
  let one: Limits;
  let two: Limits;
  beforeAll(async () => {
    [one, two] = await Promise.all([1, 2].map(() => createLimits({ redisUrl: REDIS_URL, keyPrefix: PREFIX })));
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });

  it('share the rate counter', async () => {
    const b = bucket();
    expect((await one.consumeRate(b, 3)).remaining).toBe(2);
    expect((await two.consumeRate(b, 3)).remaining).toBe(1);
    expect((await one.consumeRate(b, 3)).remaining).toBe(0);
    const refused = await two.consumeRate(b, 3);
    expect([refused.allowed, refused.remaining]).toEqual([false, 0]);
  });

  it('share the concurrency counter, racing included', async () => {
    const b = bucket();
    const held = await one.acquireConcurrency(b, 2);
    expect((await two.acquireConcurrency(b, 2)).current).toBe(2);
    expect((await one.acquireConcurrency(b, 2)).allowed).toBe(false);
    await held.release();
    expect((await two.acquireConcurrency(b, 2)).allowed).toBe(true);

    const c = bucket();
    const holders = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).acquireConcurrency(c, 4)));
    expect(holders.filter((h) => h.allowed)).toHaveLength(4);
  });

  it('keep every key under the prefix, with a safety expiry on concurrency counters', async () => {
    const b = bucket();
    await one.consumeRate(b, 5);
    await one.acquireConcurrency(b, 5);
    const keys = await keysUnderPrefix();
    expect(keys).toContain(`${PREFIX}rate:5:${b}`);
    expect(keys).toContain(`${PREFIX}concurrency:${b}`);
    const ttl = await admin.pttl(`${PREFIX}concurrency:${b}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  it("a slot never released (its process crashed) lapses on its own, however busy the bucket", async () => {
    const short = await createLimits({ redisUrl: REDIS_URL, keyPrefix: PREFIX, slotTtlMs: 600 });
    try {
      const b = bucket();
      await short.acquireConcurrency(b, 2); // never released
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      // Steady traffic on the bucket must not keep the abandoned slot alive.
      for (let i = 0; i < 4; i++) {
        const busy = await short.acquireConcurrency(b, 2);
        expect(busy).toMatchObject({ allowed: true, current: 2 });
        await busy.release();
        await sleep(100);
      }
      await sleep(300);
      const both = [await short.acquireConcurrency(b, 2), await short.acquireConcurrency(b, 2)];
      expect(both.map((slot) => slot.allowed)).toEqual([true, true]);
    } finally {
      await short.close();
    }
  });

  it('fails with a clear error, without the password, when Redis is unreachable', async () => {
    const started = Date.now();
    const failure = createLimits({ redisUrl: 'redis://:hunter2@127.0.0.1:1' });
    await expect(failure).rejects.toThrow(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 is unreachable: connect ECONNREFUSED/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
    expect(Date.now() - started).toBeLessThan(6000);
  });
});
