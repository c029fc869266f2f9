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
 * generated into the official SDK (github.com/openai/openai-node, src/resources/images.ts, v6.49.0),
 * and, for the GPT Image 2.5 / 2.6 models the SDK does not name yet, the model pages and the image
 * generation guide at https://developers.openai.com/api/docs (read 2026-11-21, see models.ts).
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
  /** False where `background: transparent` is refused upstream (DALL·E, gpt-image-2). */
  transparentBackground: boolean;
}

const GPT_IMAGE_SIZES = ['1024x1024', '1536x1024', '1024x1536'] as const;
/**
 * GPT Image 2 and later take any WIDTHxHEIGHT with both sides multiples of 16, at most 3840, a ratio
 * within 1:3..3:1 and 655,360..8,294,400 pixels ("above 2560x1440 experimental, maximum 3840x2160").
 * We offer the three standard sizes plus OpenAI's common 2K and 4K ones, all inside those limits; any
 * other request is mapped to the nearest of these with a warning.
 */
export const GPT_IMAGE_2_SIZES = [...GPT_IMAGE_SIZES, '2048x2048', '2048x1152', '1152x2048', '3840x2160', '2160x3840'] as const;
// GPT Image 2.5 and 2.6 add `xhigh` and `max` above `high`; our three qualities map one to one and
// those two are not reachable (they only cost more tokens), `auto` leaves the choice to the model.
const GPT_IMAGE_QUALITY = { low: 'low', medium: 'medium', high: 'high' };
// `moderation` is a field of createImage only; createImageEdit has none.
const MODERATION: ExtraRule = { values: ['low', 'auto'], only: 'generations' };
const INPUT_FIDELITY: ExtraRule = { values: ['high', 'low'], only: 'edits' };
// GPT Image 2.6 only: how much the model plans before rendering ("high if omitted"), on both endpoints.
const COMPLEXITY: ExtraRule = { values: ['low', 'medium', 'high'] };

const gptImage = (extras: Record<string, ExtraRule>, sizes: readonly string[] = GPT_IMAGE_SIZES, transparentBackground = true): ModelRules => ({
  family: 'gpt-image', sizes, quality: GPT_IMAGE_QUALITY, maxN: 10, maxInputImages: 16, extras, transparentBackground,
});

export const MODEL_RULES: Record<string, ModelRules> = {
  // input_fidelity is left out of every 2.x model: the docs require omitting it for gpt-image-2 and do
  // not document it for 2.5 / 2.6.
  'gpt-image-2.6-sunburst': gptImage({ moderation: MODERATION, complexity: COMPLEXITY }, GPT_IMAGE_2_SIZES),
  'gpt-image-2.6-flare': gptImage({ moderation: MODERATION, complexity: COMPLEXITY }, GPT_IMAGE_2_SIZES),
  'gpt-image-2.5-sunburst': gptImage({ moderation: MODERATION }, GPT_IMAGE_2_SIZES),
  'gpt-image-2.5-flare': gptImage({ moderation: MODERATION }, GPT_IMAGE_2_SIZES),
  // "gpt-image-2 ... do not support transparent backgrounds. Requests with background set to transparent will return an error."
  'gpt-image-2': gptImage({ moderation: MODERATION }, GPT_IMAGE_2_SIZES, false),
  'gpt-image-1.5': gptImage({ moderation: MODERATION, input_fidelity: INPUT_FIDELITY }),
  'gpt-image-1': gptImage({ moderation: MODERATION, input_fidelity: INPUT_FIDELITY }),
  // input_fidelity is "unsupported for gpt-image-1-mini".
  'gpt-image-1-mini': gptImage({ moderation: MODERATION }),
  'dall-e-3': {
    family: 'dall-e', sizes: ['1024x1024', '1792x1024', '1024x1792'],
    quality: { low: 'standard', medium: 'standard', high: 'hd' },
    maxN: 1, maxInputImages: 0, extras: { style: { values: ['vivid', 'natural'] } }, transparentBackground: false,
  },
  'dall-e-2': {
    family: 'dall-e', sizes: ['256x256', '512x512', '1024x1024'],
    // "standard is the only option for dall-e-2"
    quality: { low: 'standard', medium: 'standard', high: 'standard' },
    maxN: 10, maxInputImages: 1, extras: {}, transparentBackground: false,
  },
};

/**
 * Rules for an upstream model. A dated snapshot (`gpt-image-2-2026-04-21`) gets its model's rules; a
 * name the table does not know at all is treated as a GPT image model with gpt-image-1.5's rules.
 */
export function rulesFor(upstreamModel: string): ModelRules {
  const exact = MODEL_RULES[upstreamModel];
  if (exact) return exact;
  const base = Object.keys(MODEL_RULES).filter((name) => upstreamModel.startsWith(`${name}-`)).sort((a, b) => b.length - a.length)[0];
  return MODEL_RULES[base ?? 'gpt-image-1.5']!;
}

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
    if (request.background === 'transparent' && !rules.transparentBackground) {
      call.warn(`${model} cannot make transparent backgrounds; 'background' was not sent`);
    } else if (request.background !== 'auto') {
      fields.background = request.background;
    }
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
