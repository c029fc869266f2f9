import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { QUALITIES } from './api/imageRequest.js';
import { allowEntryError } from './net/addresses.js';
import type { PriceRule } from './catalog/types.js';
import type { S3Settings } from './storage/s3.js';
import type { CompatibleUpstream } from './providers/openai-compatible/index.js';
import { DEFAULT_ROUTING, type RoutingPolicy } from './routing/policy.js';
import { STRATEGIES } from './routing/strategy.js';

/** Everything the server reads from its environment, parsed once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Plaintext admin key from PIXELROUTER_ADMIN_KEY; only its hash is kept after start. */
  adminKey?: string;
  databaseUrl?: string;
  /** Base for returned image URLs; when unset, the request's own protocol and host. */
  publicUrl?: string;
  /** How long a `url` image stays downloadable, in seconds. */
  urlTtlSeconds: number;
  /** How often expired images are deleted, in seconds. */
  sweepIntervalSeconds: number;
  /** Largest accepted upload per file (multipart file or decoded data URI), in bytes. */
  maxUploadBytes: number;
  /** Largest accepted JSON body, in bytes (data URIs make these large). */
  maxJsonBytes: number;
  trustProxy: boolean;
  logLevel: string;
  /** Shared limits across processes when set; in-memory otherwise. */
  redisUrl?: string;
  /** Prefix of every Redis key. */
  redisPrefix: string;
  /** Requests per minute per client IP on routes without a key (0 = off). */
  ipRateLimitPerMinute: number;
  /** On SIGTERM, how long requests in flight may run before they are aborted (and their money released). */
  shutdownGraceSeconds: number;
  /** A reservation older than this is assumed orphaned by a crash and released. */
  reservationTtlSeconds: number;
  /** Operator margin on every provider price, in percent. */
  marginPercent: number;
  /** Per-model prices replacing the catalog's (from the config file). */
  priceOverrides: Record<string, PriceRule>;
  routing: RoutingPolicy;
  /** Largest output image an adapter downloads from an upstream. */
  maxDownloadBytes: number;
  /** How often asynchronous upstreams are polled, in milliseconds. */
  pollIntervalMs: number;
  /** The environment, for provider keys and base URLs (`<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`). */
  env: Env;
  /** OpenAI-compatible servers declared in the config file. */
  upstreams: CompatibleUpstream[];
  /** Hostnames, addresses and CIDRs that remote input images may come from although they are not public. */
  fetchAllow: string[];
  /** How long fetching one remote input image may take, redirects included, in milliseconds. */
  fetchTimeoutMs: number;
  /** Origins browsers may call the API from (`*` for any); empty sends no CORS headers. */
  corsOrigins: string[];
  /** Stored images go to this bucket when set; to `<dataDir>/images` otherwise. */
  s3?: S3Settings;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

/** Parses "3600", "90s", "30m", "1h", "2d" into seconds. */
export function parseDuration(value: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
  if (!match) throw new ConfigError(`${name} must be a duration such as 3600, 90s, 30m or 1h (got "${value}")`);
  const amount = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[unit]!;
  return amount * factor;
}

/** Parses "52428800", "50mb", "512kb", "1gb" into bytes. */
export function parseBytes(value: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) throw new ConfigError(`${name} must be a size such as 52428800 or 50mb (got "${value}")`);
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase()]!;
  return Math.floor(Number(match[1]) * factor);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be 0-65535 (got "${value}")`);
  return port;
}

const usd = z.number().nonnegative().max(1000);
const micros = (value: number) => Math.round(value * 1_000_000);

/** Prices in the config file are in USD, like everything in the API; the catalog keeps micro-USD. */
const priceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('free') }),
  z.object({ type: z.literal('fixed'), per_image_usd: usd }),
  z.object({ type: z.literal('per_megapixel'), per_megapixel_usd: usd, per_input_megapixel_usd: usd.optional() }),
  z.object({ type: z.literal('table'), rows: z.array(z.object({ size: z.string().optional(), quality: z.enum(QUALITIES).optional(), per_image_usd: usd })).min(1) }),
]).transform((p): PriceRule => {
  switch (p.type) {
    case 'free':
      return { type: 'free' };
    case 'fixed':
      return { type: 'fixed', perImageMicros: micros(p.per_image_usd) };
    case 'per_megapixel':
      return { type: 'per_megapixel', perMegapixelMicros: micros(p.per_megapixel_usd), perInputMegapixelMicros: p.per_input_megapixel_usd === undefined ? undefined : micros(p.per_input_megapixel_usd) };
    case 'table':
      return { type: 'table', rows: p.rows.map((r) => ({ size: r.size, quality: r.quality, perImageMicros: micros(r.per_image_usd) })) };
  }
});

const strategy = z.enum(STRATEGIES);
const seconds = z.number().positive().max(3600);
const routingSchema = z.object({
  strategy: strategy.optional(),
  models: z.record(z.string(), strategy).optional(),
  weights: z.record(z.string(), z.record(z.string(), z.number().min(0))).optional(),
  auto: z.enum(['priority', 'cheapest']).optional(),
  timeout_seconds: seconds.optional(),
  timeouts: z.record(z.string(), seconds).optional(),
  max_parallel_calls: z.number().int().min(1).max(32).optional(),
  breaker_threshold: z.number().int().min(1).max(1000).optional(),
  breaker_cooldown_seconds: seconds.optional(),
}).strict();

const sizeList = z.array(z.string().regex(/^\d+x\d+$/, 'sizes look like 1024x1024')).min(1);
const sizeRange = z.object({ min: z.number().int().min(1), max: z.number().int().max(8192), multiple_of: z.number().int().min(1).default(1) }).strict();

/** An OpenAI-compatible server and the models it serves, in the config file's `upstreams`. */
const upstreamSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'ids are lower case letters, digits and dashes'),
  name: z.string().optional(),
  base_url: z.string().url(),
  api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  models: z.array(z.object({
    id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'model ids look like vendor/name'),
    name: z.string().optional(),
    upstream_model: z.string().min(1),
    price: priceSchema.optional(),
    price_source: z.string().optional(),
    release_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    sizes: z.union([sizeList, sizeRange]).optional(),
    default_size: z.string().regex(/^\d+x\d+$/).optional(),
    quality: z.boolean().optional(),
    edit: z.boolean().optional(),
    mask: z.boolean().optional(),
    max_images_per_call: z.number().int().min(1).max(10).optional(),
    max_input_images: z.number().int().min(0).max(16).optional(),
    extras: z.array(z.string()).optional(),
  }).strict()).min(1),
}).strict();

const configFileSchema = z.object({
  margin_percent: z.number().min(0).max(1000).optional(),
  prices: z.record(z.string(), priceSchema).optional(),
  routing: routingSchema.optional(),
  upstreams: z.array(upstreamSchema).optional(),
}).strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

/** Reads the optional JSON config file named by PIXELROUTER_CONFIG. */
export function readConfigFile(file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PIXELROUTER_CONFIG: cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`PIXELROUTER_CONFIG: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

function parseNumber(value: string, name: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) throw new ConfigError(`${name} must be a number from ${min} to ${max} (got "${value}")`);
  return number;
}

function toUpstream(u: z.infer<typeof upstreamSchema>): CompatibleUpstream {
  return {
    id: u.id,
    name: u.name,
    baseUrl: u.base_url.replace(/\/+$/, ''),
    apiKeyEnv: u.api_key_env,
    models: u.models.map((m) => {
      const sizes = Array.isArray(m.sizes)
        ? { kind: 'list' as const, sizes: m.sizes }
        : { kind: 'range' as const, min: m.sizes?.min ?? 256, max: m.sizes?.max ?? 2048, multipleOf: m.sizes?.multiple_of ?? 64 };
      const defaultSize = m.default_size ?? (sizes.kind === 'list' ? sizes.sizes[0]! : '1024x1024');
      return {
        model: { id: m.id, name: m.name ?? m.id, releaseDate: m.release_date ?? '2025-01-01', curatedRank: 50 },
        offer: {
          upstreamModel: m.upstream_model,
          price: m.price,
          priceSource: m.price_source ?? 'set in the config file',
          capabilities: {
            sizes, defaultSize, listedSizes: sizes.kind === 'list' ? ['auto', ...sizes.sizes] : ['auto', defaultSize],
            quality: m.quality ?? false, edit: m.edit ?? false, mask: m.mask ?? false,
            maxImagesPerCall: m.max_images_per_call ?? 1, maxInputImages: m.edit ? (m.max_input_images ?? 1) : 0,
            promptRequired: true, maxPromptLength: 32000, outputFormats: ['png', 'jpeg', 'webp'], transparentBackground: false,
            extras: m.extras ?? [],
          },
        },
      };
    }),
  };
}

function routingPolicy(file: z.infer<typeof routingSchema>, env: Env): RoutingPolicy {
  const envStrategy = env.PIXELROUTER_ROUTING_STRATEGY;
  if (envStrategy !== undefined && !(STRATEGIES as readonly string[]).includes(envStrategy)) {
    throw new ConfigError(`PIXELROUTER_ROUTING_STRATEGY must be one of ${STRATEGIES.join(', ')} (got "${envStrategy}")`);
  }
  return {
    strategy: (envStrategy as RoutingPolicy['strategy'] | undefined) ?? file.strategy ?? DEFAULT_ROUTING.strategy,
    models: file.models ?? {},
    weights: file.weights ?? {},
    auto: file.auto ?? DEFAULT_ROUTING.auto,
    timeoutSeconds: env.PIXELROUTER_UPSTREAM_TIMEOUT ? parseDuration(env.PIXELROUTER_UPSTREAM_TIMEOUT, 'PIXELROUTER_UPSTREAM_TIMEOUT') : (file.timeout_seconds ?? DEFAULT_ROUTING.timeoutSeconds),
    timeouts: file.timeouts ?? {},
    maxParallelCalls: file.max_parallel_calls ?? DEFAULT_ROUTING.maxParallelCalls,
    breakerThreshold: file.breaker_threshold ?? DEFAULT_ROUTING.breakerThreshold,
    breakerCooldownSeconds: file.breaker_cooldown_seconds ?? DEFAULT_ROUTING.breakerCooldownSeconds,
  };
}

const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

function parseFetchAllow(value: string | undefined): string[] {
  const entries = list(value);
  const error = entries.map(allowEntryError).find(Boolean);
  if (error) throw new ConfigError(`PIXELROUTER_FETCH_ALLOW: ${error}`);
  return entries;
}

/** `*` or origins such as https://app.example.com (scheme, host and port; no path). */
function parseCorsOrigins(value: string | undefined): string[] {
  return list(value).map((origin) => {
    if (origin === '*') return origin;
    const trimmed = origin.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/?#\s]+$/i.test(trimmed)) throw new ConfigError(`PIXELROUTER_CORS_ORIGINS: '${origin}' is not an origin such as https://app.example.com`);
    return trimmed.toLowerCase();
  });
}

const flag = (value: string | undefined) => value === 'true' || value === '1';

/** S3 (or any S3-compatible store) when S3_BUCKET is set. */
function parseS3(env: Env): S3Settings | undefined {
  if (!env.S3_BUCKET) return undefined;
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId !== !secretAccessKey) throw new ConfigError('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both or neither');
  const endpoint = env.S3_ENDPOINT?.replace(/\/+$/, '') || undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new ConfigError('S3_ENDPOINT must start with http:// or https://');
  return {
    bucket: env.S3_BUCKET,
    region: env.S3_REGION || 'us-east-1',
    endpoint,
    // Self-hosted stores rarely have per-bucket host names, so path style is the default with an endpoint.
    forcePathStyle: env.S3_FORCE_PATH_STYLE === undefined ? endpoint !== undefined : flag(env.S3_FORCE_PATH_STYLE),
    prefix: env.S3_PREFIX ?? '',
    accessKeyId,
    secretAccessKey,
  };
}

export function loadConfig(env: Env = process.env): Config {
  const file = env.PIXELROUTER_CONFIG ? readConfigFile(env.PIXELROUTER_CONFIG) : {};
  const publicUrl = env.PIXELROUTER_PUBLIC_URL?.replace(/\/+$/, '') || undefined;
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) {
    throw new ConfigError('PIXELROUTER_PUBLIC_URL must start with http:// or https://');
  }
  const adminKey = env.PIXELROUTER_ADMIN_KEY || undefined;
  if (adminKey !== undefined && adminKey.length < 16) {
    throw new ConfigError('PIXELROUTER_ADMIN_KEY must be at least 16 characters');
  }
  return {
    port: parsePort(env.PORT ?? '8080'),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.PIXELROUTER_DATA_DIR || './data'),
    adminKey,
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl,
    urlTtlSeconds: parseDuration(env.PIXELROUTER_URL_TTL ?? '1h', 'PIXELROUTER_URL_TTL'),
    sweepIntervalSeconds: parseDuration(env.PIXELROUTER_SWEEP_INTERVAL ?? '60s', 'PIXELROUTER_SWEEP_INTERVAL'),
    maxUploadBytes: parseBytes(env.PIXELROUTER_MAX_UPLOAD_BYTES ?? '50mb', 'PIXELROUTER_MAX_UPLOAD_BYTES'),
    maxJsonBytes: parseBytes(env.PIXELROUTER_MAX_JSON_BYTES ?? '100mb', 'PIXELROUTER_MAX_JSON_BYTES'),
    trustProxy: flag(env.PIXELROUTER_TRUST_PROXY),
    logLevel: env.LOG_LEVEL || 'info',
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.PIXELROUTER_REDIS_PREFIX || 'pixelrouter:',
    ipRateLimitPerMinute: parseNumber(env.PIXELROUTER_IP_RATE_LIMIT ?? '600', 'PIXELROUTER_IP_RATE_LIMIT', 0, 1e9),
    shutdownGraceSeconds: parseDuration(env.PIXELROUTER_SHUTDOWN_GRACE ?? '10s', 'PIXELROUTER_SHUTDOWN_GRACE'),
    reservationTtlSeconds: parseDuration(env.PIXELROUTER_RESERVATION_TTL ?? '15m', 'PIXELROUTER_RESERVATION_TTL'),
    marginPercent: env.PIXELROUTER_MARGIN_PERCENT !== undefined
      ? parseNumber(env.PIXELROUTER_MARGIN_PERCENT, 'PIXELROUTER_MARGIN_PERCENT', 0, 1000)
      : (file.margin_percent ?? 0),
    priceOverrides: file.prices ?? {},
    routing: routingPolicy(file.routing ?? {}, env),
    maxDownloadBytes: parseBytes(env.PIXELROUTER_MAX_DOWNLOAD_BYTES ?? '50mb', 'PIXELROUTER_MAX_DOWNLOAD_BYTES'),
    pollIntervalMs: parseDuration(env.PIXELROUTER_POLL_INTERVAL ?? '1s', 'PIXELROUTER_POLL_INTERVAL') * 1000,
    env,
    upstreams: (file.upstreams ?? []).map(toUpstream),
    fetchAllow: parseFetchAllow(env.PIXELROUTER_FETCH_ALLOW),
    fetchTimeoutMs: parseDuration(env.PIXELROUTER_FETCH_TIMEOUT ?? '15s', 'PIXELROUTER_FETCH_TIMEOUT') * 1000,
    corsOrigins: parseCorsOrigins(env.PIXELROUTER_CORS_ORIGINS),
    s3: parseS3(env),
  };
}
