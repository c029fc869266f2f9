import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Limits } from './index.js';
import { positiveInteger, rateConsumer } from './rate.js';

/** Limits for a single process. */
export function memoryLimits(): Limits {
  const inFlight = new Map<string, number>();
  return {
    kind: 'memory',
    consumeRate: rateConsumer((perMinute) => new RateLimiterMemory({ points: perMinute, duration: 60 })),
    async acquireConcurrency(bucket, max) {
      positiveInteger(max, 'max');
      const current = inFlight.get(bucket) ?? 0;
      if (current >= max) return { allowed: false, current, release: async () => {} };
      inFlight.set(bucket, current + 1);
      let released = false;
      return {
        allowed: true,
        current: current + 1,
        async release() {
          if (released) return;
          released = true;
          const left = (inFlight.get(bucket) ?? 0) - 1;
          // Empty buckets are dropped so the map does not grow with every IP ever seen.
          if (left > 0) inFlight.set(bucket, left);
          else inFlight.delete(bucket);
        },
      };
    },
    async close() {
      inFlight.clear();
    },
  };
}
