import { memoryLimits } from './memory.js';
import { redisLimits } from './redis.js';

/** The answer to one request against a per-minute limit (what the X-RateLimit-* headers need). */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets: an integer, at least 1. */
  resetSeconds: number;
}

/**
 * Request-rate and concurrency limits on named buckets (`key:<id>`, `ip:<addr>`). In memory for one
 * process; in Redis when several processes must share the counters.
 */
export interface Limits {
  /** Counts one request against `perMinute` for the bucket. */
  consumeRate(bucket: string, perMinute: number): Promise<RateDecision>;
  /** Takes one of `max` in-flight slots of the bucket; `release` gives it back (twice is the same as once). */
  acquireConcurrency(bucket: string, max: number): Promise<{ allowed: boolean; current: number; release: () => Promise<void> }>;
  close(): Promise<void>;
  readonly kind: 'memory' | 'redis';
}

/** Redis's concurrency slots lapse after this unless `slotTtlMs` is given (a slot outliving any request is a crashed process's). */
const DEFAULT_SLOT_TTL_MS = 10 * 60 * 1000;

/** Redis when a URL is given (connected now, so a bad URL fails at start), otherwise memory. */
export async function createLimits(options: { redisUrl?: string; keyPrefix?: string; slotTtlMs?: number }): Promise<Limits> {
  return options.redisUrl ? redisLimits(options.redisUrl, options.keyPrefix ?? 'pixelrouter:', options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS) : memoryLimits();
}
