import type { Quality, Size } from '../../api/imageRequest.js';
import { UpstreamError } from '../errors.js';
import type { ProviderCall } from '../types.js';
import type { Endpoint } from './api.js';

/**
 * What each OpenAI image model accepts, and how an ImageRequest becomes its request body. Nothing is
 * dropped quietly: a value the model cannot take is mapped to the nearest one it can, or left out,
 * and either way `call.warn` says so.
 *
 * Source: https://platform.openai.com/docs/api-reference/images (createImage, createImageEdit), as
 * generated into the official SDK (github.com/openai/openai-node, src/resources/images.ts, v6.49.0).
 */

/** A provider extra a model takes: its allowed values, and the one endpoint it belongs to (if only one). */
interface ExtraRule {
  values: readonly string[];
  only?: Endpoint;
}

export interface ModelRules {
  family: 'gpt-image' | 'dall-e';
  sizes: readonly string[];
  /** Our quality to the model's. `auto` is never sent: it is every model's default. */
  quality: Record<Exclude<Quality, 'auto'>, string>;
  maxN: number;
  maxInputImages: number;
  extras: Record<string, ExtraRule>;
}

const GPT_IMAGE_SIZES = ['1024x1024', '1536x1024', '1024x1536'] as const;
const GPT_IMAGE_QUALITY = { low: 'low', medium: 'medium', high: 'high' };
// `moderation` is a field of createImage only; createImageEdit has none.
const MODERATION: ExtraRule = { values: ['low', 'auto'], only: 'generations' };
const INPUT_FIDELITY: ExtraRule = { values: ['high', 'low'], only: 'edits' };

const gptImage = (extras: Record<string, ExtraRule>): ModelRules => ({
  family: 'gpt-image', sizes: GPT_IMAGE_SIZES, quality: GPT_IMAGE_QUALITY, maxN: 10, maxInputImages: 16, extras,
});

export const MODEL_RULES: Record<string, ModelRules> = {
  'gpt-image-1.5': gptImage({ moderation: MODERATION, input_fidelity: INPUT_FIDELITY }),
  'gpt-image-1': gptImage({ moderation: MODERATION, input_fidelity: INPUT_FIDELITY }),
  // input_fidelity is "unsupported for gpt-image-1-mini".
  'gpt-image-1-mini': gptImage({ moderation: MODERATION }),
  'dall-e-3': {
    family: 'dall-e', sizes: ['1024x1024', '1792x1024', '1024x1792'],
    quality: { low: 'standard', medium: 'standard', high: 'hd' },
    maxN: 1, maxInputImages: 0, extras: { style: { values: ['vivid', 'natural'] } },
  },
  'dall-e-2': {
    family: 'dall-e', sizes: ['256x256', '512x512', '1024x1024'],
    // "standard is the only option for dall-e-2"
    quality: { low: 'standard', medium: 'standard', high: 'standard' },
    maxN: 10, maxInputImages: 1, extras: {},
  },
};

/** Rules for an upstream model; one the table does not know is treated as a GPT image model, the current family. */
export const rulesFor = (upstreamModel: string): ModelRules => MODEL_RULES[upstreamModel] ?? MODEL_RULES['gpt-image-1.5']!;

/** OpenAI's names for our qualities (`standard` is medium, `hd` is high): mapping to these loses nothing. */
const SAME_QUALITY: Record<string, string> = { medium: 'standard', high: 'hd' };

/** The allowed size nearest to `size`: closest aspect ratio first, then closest area. */
export function nearestSize(size: Size, allowed: readonly string[]): string {
  const distance = (candidate: string) => {
    const [w, h] = candidate.split('x').map(Number) as [number, number];
    return [Math.abs(Math.log(w / h) - Math.log(size.width / size.height)), Math.abs(Math.log((w * h) / (size.width * size.height)))] as const;
  };
  return [...allowed].sort((a, b) => {
    const [da, db] = [distance(a), distance(b)];
    return da[0] - db[0] || da[1] - db[1];
  })[0]!;
}

export interface UpstreamRequest {
  endpoint: Endpoint;
  /** The scalar fields: the JSON body of a generation, the form fields of an edit. */
  fields: Record<string, string | number>;
}

/** The upstream request for a call: which endpoint, and its fields (files are added by `editForm`). */
export function upstreamRequest(call: ProviderCall): UpstreamRequest {
  const { request, upstreamModel: model } = call;
  const rules = rulesFor(model);
  const endpoint: Endpoint = request.images.length > 0 ? 'edits' : 'generations';
  if (request.images.length > rules.maxInputImages) {
    throw new UpstreamError('rejected', rules.maxInputImages === 0 ? `${model} does not accept input images` : `${model} accepts at most ${rules.maxInputImages} input image(s)`);
  }

  const fields: Record<string, string | number> = { model, prompt: request.prompt, n: fitN(call, rules), size: fitSize(call, rules) };
  const quality = fitQuality(call, rules);
  if (quality) fields.quality = quality;
  if (rules.family === 'gpt-image') {
    // Asking for the client's format spares a transcode. output_compression is not sent: the
    // pipeline applies it when it encodes the answer, and doing both would compress twice.
    fields.output_format = request.outputFormat;
    if (request.background !== 'auto') fields.background = request.background;
  } else {
    // DALL·E answers with 60-minute URLs by default; inline base64 spares a second download.
    fields.response_format = 'b64_json';
    if (request.background === 'transparent') call.warn(`${model} cannot make transparent backgrounds; 'background' was not sent`);
  }
  Object.assign(fields, fitExtras(call, rules, endpoint));
  if (request.user) fields.user = request.user;
  return { endpoint, fields };
}

function fitN(call: ProviderCall, rules: ModelRules): number {
  if (call.n <= rules.maxN) return call.n;
  call.warn(`${call.upstreamModel} makes at most ${rules.maxN} image(s) per request; asked for ${rules.maxN} instead of ${call.n}`);
  return rules.maxN;
}

function fitSize(call: ProviderCall, rules: ModelRules): string {
  const asked = `${call.size.width}x${call.size.height}`;
  if (rules.sizes.includes(asked)) return asked;
  const size = nearestSize(call.size, rules.sizes);
  call.warn(`${call.upstreamModel} does not make ${asked} images; used the nearest size it makes, ${size}`);
  return size;
}

function fitQuality(call: ProviderCall, rules: ModelRules): string | undefined {
  const quality = call.request.quality;
  if (quality === 'auto') return undefined;
  const upstream = rules.quality[quality];
  if (upstream !== quality && upstream !== SAME_QUALITY[quality]) {
    call.warn(`${call.upstreamModel} has no '${quality}' quality; used '${upstream}'`);
  }
  return upstream;
}

function fitExtras(call: ProviderCall, rules: ModelRules, endpoint: Endpoint): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [name, raw] of Object.entries(call.request.extras)) {
    const rule = rules.extras[name];
    const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
    if (!rule) {
      call.warn(`'${name}' is not a parameter of ${call.upstreamModel}; it was not sent`);
    } else if (rule.only && rule.only !== endpoint) {
      const where = rule.only === 'edits' ? 'requests with input images' : 'requests without input images';
      call.warn(`'${name}' applies only to ${where} on ${call.upstreamModel}; it was not sent`);
    } else if (typeof value !== 'string' || !rule.values.includes(value)) {
      call.warn(`'${name}' must be one of ${rule.values.join(', ')} for ${call.upstreamModel}; it was not sent`);
    } else {
      sent[name] = value;
    }
  }
  return sent;
}
