import { z } from 'zod';
import { invalidRequest } from './errors.js';

/**
 * The one typed request every later step works on, whatever the endpoint and encoding it came from
 * (JSON or multipart, /generations or /edits).
 */
export interface ImageRequest {
  model: string;
  prompt: string;
  n: number;
  size: Size | 'auto';
  quality: Quality;
  responseFormat: ResponseFormat;
  outputFormat: OutputFormat;
  /** 0-100; undefined means the encoder's default. */
  outputCompression?: number;
  background: Background;
  user?: string;
  images: InputImage[];
  mask?: InputImage;
  /** Provider-specific parameters (seed, negative_prompt, steps...) passed through as sent. */
  extras: Record<string, unknown>;
}

export const QUALITIES = ['auto', 'low', 'medium', 'high'] as const;
export const RESPONSE_FORMATS = ['url', 'b64_json', 'b64_ephemeral'] as const;
export const OUTPUT_FORMATS = ['webp', 'jpeg', 'png'] as const;
export const BACKGROUNDS = ['auto', 'transparent', 'opaque'] as const;

export type Quality = (typeof QUALITIES)[number];
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type Background = (typeof BACKGROUNDS)[number];

export interface Size {
  width: number;
  height: number;
}

export interface InputImage {
  bytes: Buffer;
  /** Where it came from, for error messages: `image[2]`, `mask`. */
  param: string;
  width: number;
  height: number;
  /** As sharp reports it: png, jpeg, webp, gif, avif, tiff... */
  format: string;
}

/** The hard ceilings of the API, whatever the model. */
export const LIMITS = { maxPromptLength: 32000, maxN: 10, maxInputImages: 16, maxUserLength: 256 } as const;

/** Fields that are parameters of the API itself; everything else is a provider extra. */
export const KNOWN_FIELDS = new Set([
  'model', 'prompt', 'n', 'size', 'quality', 'response_format', 'output_format', 'output_compression',
  'background', 'user', 'image', 'image[]', 'images', 'mask', 'mask[]',
]);

const QUALITY_ALIASES: Record<string, Quality> = { standard: 'medium', hd: 'high' };
const FORMAT_ALIASES: Record<string, OutputFormat> = { jpg: 'jpeg' };

/** Multipart sends every value as a string, and some clients send null for "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null || v === '' ? undefined : v), schema.optional());

const integer = (min: number, max: number, name: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ error: `'${name}' must be an integer` }).int(`'${name}' must be an integer`)
      .min(min, `'${name}' must be between ${min} and ${max}`).max(max, `'${name}' must be between ${min} and ${max}`),
  );

const choice = <T extends readonly string[]>(values: T, name: string, aliases: Record<string, T[number]> = {}) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (aliases[v.trim().toLowerCase()] ?? v.trim().toLowerCase()) : v),
    z.enum(values as unknown as [T[number], ...T[number][]], {
      error: `'${name}' must be one of: ${[...values, ...Object.keys(aliases)].join(', ')}`,
    }),
  );

/** NUL cannot be stored in a PostgreSQL text column (usage records keep the model and prompt). */
const noNul = (name: string) => [(v: string) => !v.includes('\u0000'), `'${name}' must not contain NUL (\\u0000) characters`] as const;

const scalarSchema = z.object({
  model: z.string({ error: "'model' is required" }).trim().min(1, "'model' is required").refine(...noNul('model')),
  prompt: optional(z.string({ error: "'prompt' must be a string" }).max(LIMITS.maxPromptLength,
    `'prompt' is longer than ${LIMITS.maxPromptLength} characters`).refine(...noNul('prompt'))),
  n: optional(integer(1, LIMITS.maxN, 'n')),
  size: optional(z.string({ error: "'size' must be a string such as 1024x1024 or auto" })),
  quality: optional(choice(QUALITIES, 'quality', QUALITY_ALIASES)),
  response_format: optional(choice(RESPONSE_FORMATS, 'response_format')),
  output_format: optional(choice(OUTPUT_FORMATS, 'output_format', FORMAT_ALIASES)),
  output_compression: optional(integer(0, 100, 'output_compression')),
  background: optional(choice(BACKGROUNDS, 'background')),
  user: optional(z.string({ error: "'user' must be a string" }).max(LIMITS.maxUserLength,
    `'user' is longer than ${LIMITS.maxUserLength} characters`)),
});

export type ImageFields = Omit<ImageRequest, 'images' | 'mask'>;

/** Validates the scalar parameters (from a JSON body or multipart fields) into typed values. */
export function parseImageFields(raw: Record<string, unknown>): ImageFields {
  const result = scalarSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const param = String(issue.path[0] ?? '');
    throw invalidRequest(issue.message, param || null, param === 'model' && issue.code !== 'custom' ? 'missing_required_parameter' : 'invalid_value');
  }
  const v = result.data;
  if (v.size !== undefined && !/^auto$/i.test(v.size.trim())) parseSize(v.size); // format check before model checks
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_FIELDS.has(key)) extras[key] = value;
  return {
    model: v.model,
    prompt: v.prompt ?? '',
    n: v.n ?? 1,
    size: v.size === undefined || /^auto$/i.test(v.size.trim()) ? 'auto' : parseSize(v.size),
    quality: v.quality ?? 'auto',
    responseFormat: v.response_format ?? 'url',
    outputFormat: v.output_format ?? 'webp',
    outputCompression: v.output_compression,
    background: v.background ?? 'auto',
    user: v.user,
    extras,
  };
}

/** "1024x1024", "1024×1024" or "1024 X 768" into pixels. */
export function parseSize(value: string): Size {
  const match = /^\s*(\d{1,5})\s*[x×X]\s*(\d{1,5})\s*$/.exec(value);
  if (!match) throw invalidRequest(`'size' must be auto or WIDTHxHEIGHT such as 1024x1024 (got "${value.slice(0, 40)}")`, 'size', 'invalid_size');
  const size = { width: Number(match[1]), height: Number(match[2]) };
  if (size.width === 0 || size.height === 0) throw invalidRequest("'size' must have a positive width and height", 'size', 'invalid_size');
  return size;
}

export const formatSize = (size: Size) => `${size.width}x${size.height}`;
