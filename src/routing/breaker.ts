import type { Redis } from 'ioredis';
import { openRedis } from '../limits/redis.js';
import { longestTimeoutSeconds, type RoutingPolicy } from './policy.js';

export type BreakerStatus = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker per provider: after `threshold` failures in a row the provider is skipped for
 * `cooldownMs`, then one request probes it; success closes the circuit, failure opens it again.
 * Async because the state may live in Redis, shared by every server process.
 */
export interface CircuitBreaker {
  /** May a request go to this provider now? (Takes the probe slot when the cooldown is over.) */
  allow(provider: string): Promise<boolean>;
  success(provider: string): Promise<void>;
  failure(provider: string): Promise<void>;
  /** closed, open or half-open (cooldown over, waiting for a probe), for /metrics and tests. */
  status(provider: string): Promise<BreakerStatus>;
  close(): Promise<void>;
}

export interface BreakerOptions {
  threshold?: number;
  cooldownMs?: number;
  /**
   * How long the probe slot is held. A probe that never reports (client gone, error that does not
   * count against the provider, crashed process) frees the slot after this, so the circuit cannot
   * stay stuck half-open. Should be at least the longest upstream timeout.
   */
  probeTimeoutMs?: number;
  /** The clock (tests move it instead of waiting). */
  now?: () => number;
}

/** One provider's state; the Redis hash holds the same three fields. */
interface State {
  failures: number;
  /** Until when (ms since the epoch) the circuit stays open. */
  openUntil: number;
  /** Until when the probe slot is taken; 0 when free. */
  probeUntil: number;
}

const CLOSED: State = { failures: 0, openUntil: 0, probeUntil: 0 };

function settings(o: BreakerOptions) {
  return { threshold: o.threshold ?? 5, cooldownMs: o.cooldownMs ?? 30_000, probeTimeoutMs: o.probeTimeoutMs ?? 5 * 60_000, now: o.now ?? Date.now };
}

function statusOf(s: State, threshold: number, now: number): BreakerStatus {
  if (s.failures < threshold) return 'closed';
  return now < s.openUntil ? 'open' : 'half-open';
}

/** State in this process only: the default without Redis. */
export class MemoryBreaker implements CircuitBreaker {
  private readonly state = new Map<string, State>();
  private readonly o: ReturnType<typeof settings>;

  constructor(options: BreakerOptions = {}) {
    this.o = settings(options);
  }

  async allow(provider: string) {
    const s = this.state.get(provider) ?? CLOSED;
    if (s.failures < this.o.threshold) return true;
    const now = this.o.now();
    if (now < s.openUntil || now < s.probeUntil) return false;
    this.state.set(provider, { ...s, probeUntil: now + this.o.probeTimeoutMs });
    return true;
  }

  async success(provider: string) {
    this.state.delete(provider);
  }

  async failure(provider: string) {
    const s = this.state.get(provider) ?? CLOSED;
    const failures = s.failures + 1;
    const openUntil = failures >= this.o.threshold ? this.o.now() + this.o.cooldownMs : s.openUntil;
    this.state.set(provider, { failures, openUntil, probeUntil: 0 });
  }

  async status(provider: string) {
    return statusOf(this.state.get(provider) ?? CLOSED, this.o.threshold, this.o.now());
  }

  async close() {}
}

// The decisions that must be atomic across processes run as Lua scripts. Times come from the
// caller's clock (servers are expected to run NTP; a skew only shifts the cooldown by that much).
// Every write renews the key's expiry, so a provider nobody has called for a while starts closed.

// KEYS[1] the state hash; ARGV: threshold, now, probe slot end, key TTL (ms). Returns 1 to allow.
const ALLOW = `
local s = redis.call('HMGET', KEYS[1], 'failures', 'openUntil', 'probeUntil')
if tonumber(s[1] or '0') < tonumber(ARGV[1]) then return 1 end
local now = tonumber(ARGV[2])
if now < tonumber(s[2] or '0') or now < tonumber(s[3] or '0') then return 0 end
redis.call('HSET', KEYS[1], 'probeUntil', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

// KEYS[1] the state hash; ARGV: threshold, open until (if this failure opens it), key TTL (ms).
const FAILURE = `
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HDEL', KEYS[1], 'probeUntil')
if failures >= tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'openUntil', ARGV[2]) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return failures`;

/** Stale state (no calls at all) is forgotten this long after the circuit could have been probed. */
const IDLE_TTL_MS = 10 * 60_000;
/** At most one warning a minute while Redis is failing, not one per request. */
const WARN_EVERY_MS = 60_000;

/**
 * State in Redis under `${keyPrefix}breaker:<provider>`, shared by every process with the same Redis
 * and prefix. When Redis fails the breaker fails open: requests go through, as if it were closed.
 * Owns the client and closes it.
 */
export class RedisBreaker implements CircuitBreaker {
  private readonly o: ReturnType<typeof settings>;
  private readonly ttlMs: number;
  private readonly onError: (error: Error) => void;
  private lastWarning = -Infinity;

  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    /** onError is told about Redis errors (default: a warning on stderr, at most once a minute). */
    options: BreakerOptions & { onError?: (error: Error) => void } = {},
  ) {
    this.o = settings(options);
    this.onError = options.onError ?? ((error) => this.warn(error));
    // Long enough that an open or half-open circuit never expires into "closed" while it matters.
    this.ttlMs = this.o.cooldownMs + this.o.probeTimeoutMs + IDLE_TTL_MS;
  }

  private key(provider: string) {
    return `${this.keyPrefix}breaker:${provider}`;
  }

  async allow(provider: string) {
    const now = this.o.now();
    try {
      const allowed = await this.client.eval(ALLOW, 1, this.key(provider), this.o.threshold, now, now + this.o.probeTimeoutMs, this.ttlMs);
      return allowed === 1;
    } catch (error) {
      this.onError(error as Error);
      return true;
    }
  }

  async success(provider: string) {
    await this.client.del(this.key(provider)).catch((error: Error) => this.onError(error));
  }

  async failure(provider: string) {
    const openUntil = this.o.now() + this.o.cooldownMs;
    await this.client.eval(FAILURE, 1, this.key(provider), this.o.threshold, openUntil, this.ttlMs).catch((error: Error) => this.onError(error));
  }

  async status(provider: string): Promise<BreakerStatus> {
    try {
      const [failures, openUntil] = await this.client.hmget(this.key(provider), 'failures', 'openUntil');
      return statusOf({ failures: Number(failures ?? 0), openUntil: Number(openUntil ?? 0), probeUntil: 0 }, this.o.threshold, this.o.now());
    } catch (error) {
      this.onError(error as Error);
      return 'closed'; // what allow() acts as while Redis is down
    }
  }

  async close() {
    if (this.client.status !== 'end') await this.client.quit().catch(() => this.client.disconnect());
  }

  private warn(error: Error) {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    // The message of a command error (timeout, closed connection, a Redis reply), never the URL.
    console.warn(`pixelrouter: circuit breaker state in Redis is unavailable, letting requests through: ${error.message}`);
  }
}

/** Replies slower than this count as a Redis failure: the request goes on rather than waits. */
const COMMAND_TIMEOUT_MS = 1000;

/**
 * The breaker of a server: in Redis when a URL is given (its own connection, made now so a bad URL
 * fails at start), otherwise in memory.
 */
export async function createBreaker(policy: RoutingPolicy, redis?: { url: string; keyPrefix: string }): Promise<CircuitBreaker> {
  const options: BreakerOptions = {
    threshold: policy.breakerThreshold,
    cooldownMs: policy.breakerCooldownSeconds * 1000,
    // A probe is raced against its model's timeout, so it has reported by then (plus a margin).
    probeTimeoutMs: (longestTimeoutSeconds(policy) + 5) * 1000,
  };
  if (!redis) return new MemoryBreaker(options);
  const client = await openRedis(redis.url, { commandTimeout: COMMAND_TIMEOUT_MS });
  return new RedisBreaker(client, redis.keyPrefix, options);
}
