import path from 'node:path';

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

export function loadConfig(env: Env = process.env): Config {
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
    trustProxy: env.PIXELROUTER_TRUST_PROXY === 'true' || env.PIXELROUTER_TRUST_PROXY === '1',
    logLevel: env.LOG_LEVEL || 'info',
  };
}
