import type { OutputFormat, Size } from '../../api/imageRequest.js';
import type { SizeRule } from '../../catalog/types.js';
import type { ProviderCall } from '../types.js';

/**
 * The `imageInference` task of a call (https://runware.ai/docs/en/image-inference/api-reference and
 * each model's page under https://runware.ai/docs/models). What a model accepts beyond the common
 * fields is its ModelSpec: how input images go in, and which extras it documents.
 */

type ExtraRule = { type: 'integer' | 'number'; min: number; max: number } | { type: 'string'; maxLength: number };

export interface ModelSpec {
  /**
   * `seed`: one image to transform (`inputs.seedImage`), with `inputs.maskImage` for inpainting.
   * `references`: images to edit from (`inputs.referenceImages`), up to `max`.
   */
  inputs?: { kind: 'seed'; mask: boolean } | { kind: 'references'; max: number };
  /** With reference images and size auto, width/height are left out and the output follows the inputs. */
  sizeFromReferences?: boolean;
  extras: Record<string, ExtraRule>;
}

/** The documented ranges of the common diffusion parameters (image inference API reference). */
export const EXTRA_RULES = {
  // The seed is documented up to 2^63; JSON numbers are exact up to 2^53.
  seed: { type: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER },
  steps: { type: 'integer', min: 1, max: 100 },
  CFGScale: { type: 'number', min: 0, max: 50 },
  strength: { type: 'number', min: 0, max: 1 },
  negativePrompt: { type: 'string', maxLength: 3000 },
} satisfies Record<string, ExtraRule>;

const OUTPUT_FORMATS: Record<OutputFormat, string> = { webp: 'WEBP', jpeg: 'JPG', png: 'PNG' };

/** The task without its images; `inputs` is added by inputs.ts. */
export function buildTask(call: ProviderCall, spec: ModelSpec, taskUUID: string): Record<string, unknown> {
  // Unsupported quality and transparent background are reported by the router (routing/fit.ts).
  const { request } = call;
  return {
    taskType: 'imageInference',
    taskUUID,
    model: call.upstreamModel,
    positivePrompt: request.prompt,
    ...sizeFields(call, spec),
    numberResults: call.n,
    // Bytes in the answer: no second request to a delivery host, and the size is checked before decoding.
    outputType: 'base64Data',
    // With an explicit compression the pipeline re-encodes anyway: ask for lossless PNG, one lossy step only.
    outputFormat: request.outputCompression === undefined ? OUTPUT_FORMATS[request.outputFormat] : 'PNG',
    includeCost: true,
    // The documented default, stated so a change of default cannot turn this into a polling job.
    deliveryMethod: 'sync',
    ...extraFields(call, spec),
  };
}

function sizeFields({ request, size, capabilities }: ProviderCall, spec: ModelSpec): Partial<Size> {
  const first = request.images[0];
  if (request.size !== 'auto' || !first || !spec.inputs) return { width: size.width, height: size.height };
  if (spec.inputs.kind === 'references' && spec.sizeFromReferences) return {};
  // A seed image at size auto keeps its own shape, as near as the model's size rule allows.
  return capabilities.sizes.kind === 'range' ? fitToRange(first, capabilities.sizes) : { width: size.width, height: size.height };
}

export function fitToRange(size: Size, rule: Extract<SizeRule, { kind: 'range' }>): Size {
  const side = (value: number) => {
    const lowest = Math.ceil(rule.min / rule.multipleOf) * rule.multipleOf;
    const highest = Math.floor(rule.max / rule.multipleOf) * rule.multipleOf;
    return Math.min(highest, Math.max(lowest, Math.round(value / rule.multipleOf) * rule.multipleOf));
  };
  return { width: side(size.width), height: side(size.height) };
}

function extraFields(call: ProviderCall, spec: ModelSpec): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(call.request.extras)) {
    const rule = spec.extras[name];
    if (!rule) {
      call.warn(`'${name}' is not a documented parameter of ${call.upstreamModel}: it was not sent`);
      continue;
    }
    const fitted = fitExtra(name, value, rule, call.warn);
    if (fitted !== undefined) fields[name] = fitted;
  }
  if ('strength' in fields && call.request.images.length === 0) {
    call.warn("'strength' applies to an input image only: it was not sent");
    delete fields.strength;
  }
  return fields;
}

/** The value to send: as given, moved into the documented range (said so), or undefined (not sent, said so). */
function fitExtra(name: string, value: unknown, rule: ExtraRule, warn: (message: string) => void): unknown {
  if (rule.type === 'string') {
    if (typeof value === 'string' && value.length <= rule.maxLength) return value;
    warn(`'${name}' must be a string of at most ${rule.maxLength} characters: it was not sent`);
    return undefined;
  }
  // Multipart sends every field as text.
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(number)) {
    warn(`'${name}' must be a number: it was not sent`);
    return undefined;
  }
  const whole = rule.type === 'integer' ? Math.round(number) : number;
  const fitted = Math.min(rule.max, Math.max(rule.min, whole));
  if (fitted !== number) warn(`'${name}' ${number} is outside what Runware takes (${rule.type} ${rule.min}-${rule.max}): sent ${fitted}`);
  return fitted;
}
