import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateDecision } from './index.js';

/** consumeRate over rate-limiter-flexible, with one limiter per distinct per-minute limit. */
export function rateConsumer(makeLimiter: (perMinute: number) => RateLimiterAbstract) {
  const limiters = new Map<number, RateLimiterAbstract>();
  return async (bucket: string, perMinute: number): Promise<RateDecision> => {
    positiveInteger(perMinute, 'perMinute');
    let limiter = limiters.get(perMinute);
    if (!limiter) limiters.set(perMinute, (limiter = makeLimiter(perMinute)));
    try {
      const res = await limiter.consume(bucket);
      return { allowed: true, limit: perMinute, remaining: res.remainingPoints, resetSeconds: seconds(res.msBeforeNext) };
    } catch (error) {
      // The library refuses with a RateLimiterRes; anything else is a store failure and stays one.
      if (!(error instanceof RateLimiterRes)) throw error;
      return { allowed: false, limit: perMinute, remaining: 0, resetSeconds: seconds(error.msBeforeNext) };
    }
  };
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** A zero or fractional limit is a caller's bug, not a policy: refuse it loudly. */
export function positiveInteger(value: number, name: string) {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (got ${value})`);
}
