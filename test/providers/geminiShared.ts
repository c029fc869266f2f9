import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { expect } from 'vitest';
import type { ProviderOffer } from '../../src/catalog/types.js';
import type { ImageProvider, ProviderCall, ProviderResult } from '../../src/providers/types.js';
import { sendJson, type RecordedRequest } from '../helpers/fakeUpstream.js';
import { pixelAt, solidImage } from '../helpers/images.js';
import { inputImage, makeCall } from '../helpers/providerCall.js';

/**
 * What google.test.ts and vertex.test.ts share. Vertex serves the Gemini API's models with the same
 * request bodies (Imagen's size field aside) and the same answers, so both fakes hold the adapters to
 * one contract, and the same call must give the same body and result on both services.
 * A helper module, not a test file: importing a test file would run its tests again.
 */

// --- Fixtures ------------------------------------------------------------------------------------

/** A fixture from test/fixtures/providers/{dir}, without its `_source`. */
export const readFixture = (dir: 'google' | 'vertex', name: string) => {
  const { _source, ...body } = JSON.parse(readFileSync(new URL(`../fixtures/providers/${dir}/${name}.json`, import.meta.url), 'utf8'));
  return body as Record<string, any>;
};
/** A google fixture with its image placeholders ("<PNG>") replaced by real base64 images. */
export const withImages = (name: string, images: Record<string, Buffer>) =>
  JSON.parse(JSON.stringify(readFixture('google', name)).replace(/"<([A-Z_0-9]+)>"/g, (_, key: string) => JSON.stringify(images[key]!.toString('base64'))));

// --- The contract both fakes enforce -------------------------------------------------------------

export class Violation extends Error {}
export const check = (ok: unknown, message: string) => {
  if (!ok) throw new Violation(message);
};
export const onlyKeys = (value: unknown, allowed: string[], where: string) => {
  check(value && typeof value === 'object' && !Array.isArray(value), `${where} must be an object`);
  for (const key of Object.keys(value as object)) check(allowed.includes(key), `unknown field ${where}.${key}`);
};
const isBase64 = (s: unknown) => typeof s === 'string' && s.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(s);

export const TEN_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
export const FOURTEEN_RATIOS = [...TEN_RATIOS, '1:4', '4:1', '1:8', '8:1'];

/** One fake service: the models it serves and what the Gemini API and Vertex name or take differently. */
export interface GoogleService {
  /** Gemini models (generateContent); an empty imageSizes: no imageSize field. */
  gemini: Record<string, { ratios: string[]; imageSizes: string[] }>;
  /** Imagen models (predict) and the resolutions each takes; an empty list: no size field. */
  imagen: Record<string, { imageSizes: string[] }>;
  /** The input image types generateContent reads. */
  inputMimeTypes: string[];
  /** Imagen's resolution field: `imageSize` on the Gemini API, `sampleImageSize` on Vertex. */
  imagenSizeField: 'imageSize' | 'sampleImageSize';
}

export const knowsModel = (service: GoogleService, method: string, model: string) =>
  (method === 'generateContent' ? service.gemini[model] : service.imagen[model]) !== undefined;

function checkGenerateContent(service: GoogleService, model: string, body: any) {
  const spec = service.gemini[model]!;
  onlyKeys(body, ['contents', 'generationConfig'], 'body');
  check(Array.isArray(body.contents) && body.contents.length === 1, 'contents must hold one turn');
  onlyKeys(body.contents[0], ['parts', 'role'], 'contents[0]');
  const parts = body.contents[0].parts;
  check(Array.isArray(parts) && parts.length > 0, 'contents[0].parts must be a non-empty array');
  // The API takes text parts anywhere; the adapters send the prompt first, then the input images.
  onlyKeys(parts[0], ['text'], 'parts[0]');
  check(typeof parts[0].text === 'string' && parts[0].text.length > 0, 'parts[0] must be the prompt, a non-empty string');
  for (const part of parts.slice(1)) {
    onlyKeys(part, ['inline_data', 'inlineData'], 'part');
    const data = part.inline_data ?? part.inlineData;
    onlyKeys(data, ['mime_type', 'mimeType', 'data'], 'inline_data');
    check(service.inputMimeTypes.includes(data.mime_type ?? data.mimeType), `unsupported mime type ${data.mime_type ?? data.mimeType}`);
    check(isBase64(data.data), 'inline_data.data must be base64');
  }
  // Optional in the API; the adapters always send it (images only, no paid text).
  onlyKeys(body.generationConfig, ['responseModalities', 'imageConfig', 'seed'], 'generationConfig');
  const { responseModalities, imageConfig, seed } = body.generationConfig;
  check(Array.isArray(responseModalities) && responseModalities.includes('IMAGE') && responseModalities.every((m: unknown) => m === 'TEXT' || m === 'IMAGE'), 'responseModalities must include IMAGE');
  check(seed === undefined || Number.isInteger(seed), 'seed must be an integer');
  if (imageConfig === undefined) return;
  onlyKeys(imageConfig, spec.imageSizes.length ? ['aspectRatio', 'imageSize'] : ['aspectRatio'], 'imageConfig');
  check(imageConfig.aspectRatio === undefined || spec.ratios.includes(imageConfig.aspectRatio), `aspectRatio ${imageConfig.aspectRatio} is not supported`);
  check(imageConfig.imageSize === undefined || spec.imageSizes.includes(imageConfig.imageSize), `imageSize ${imageConfig.imageSize} is not supported`);
}

function checkPredict(service: GoogleService, model: string, body: any) {
  const sizeField = service.imagenSizeField;
  onlyKeys(body, ['instances', 'parameters'], 'body');
  check(Array.isArray(body.instances) && body.instances.length === 1, 'instances must hold one prompt');
  onlyKeys(body.instances[0], ['prompt'], 'instances[0]');
  check(typeof body.instances[0].prompt === 'string' && body.instances[0].prompt.length > 0, 'prompt must be a non-empty string');
  onlyKeys(body.parameters, ['sampleCount', 'aspectRatio', sizeField, 'personGeneration'], 'parameters');
  const { sampleCount, aspectRatio, personGeneration, [sizeField]: imageSize } = body.parameters;
  check(Number.isInteger(sampleCount) && sampleCount >= 1 && sampleCount <= 4, 'sampleCount must be 1-4');
  check(aspectRatio === undefined || ['1:1', '3:4', '4:3', '9:16', '16:9'].includes(aspectRatio), `aspectRatio ${aspectRatio} is not supported`);
  check(imageSize === undefined || service.imagen[model]!.imageSizes.includes(imageSize), `${sizeField} ${imageSize} is not supported by ${model}`);
  check(personGeneration === undefined || ['dont_allow', 'allow_adult', 'allow_all'].includes(personGeneration), 'bad personGeneration');
}

/**
 * Holds a request for a known model to the service's contract. True when it passes; otherwise the
 * fake has answered the 400 INVALID_ARGUMENT Google sends, saying what was wrong.
 */
export function acceptsBody(service: GoogleService, method: string, model: string, req: RecordedRequest, res: http.ServerResponse): boolean {
  try {
    check(/^application\/json/.test(req.headers['content-type'] ?? ''), 'content-type must be application/json');
    check(req.json !== undefined, 'the body must be JSON');
    (method === 'generateContent' ? checkGenerateContent : checkPredict)(service, model, req.json);
    return true;
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    sendJson(res, 400, { error: { code: 400, message: `fake: ${error.message}`, status: 'INVALID_ARGUMENT' } });
    return false;
  }
}

// --- Calls both services must handle alike -------------------------------------------------------

type Call = ProviderCall & { warnings: string[] };

/** The plainest call: text-to-image on Nano Banana, answered with generate-content-image (PNG = red). */
export const foxCall = () => makeCall({ upstreamModel: 'gemini-2.5-flash-image', fields: { prompt: 'a red fox', size: '1024x1024' } });
export const FOX_BODY = {
  contents: [{ parts: [{ text: 'a red fox' }] }],
  generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1' } },
};
export async function expectFoxResult(call: Call, result: ProviderResult, red: Buffer) {
  expect(call.warnings).toEqual([]);
  expect(result.images).toHaveLength(1);
  expect(result.images[0]!.format).toBe('png');
  expect(result.images[0]!.bytes.equals(red)).toBe(true);
  expect(await pixelAt(result.images[0]!.bytes, 5, 5)).toEqual({ r: 255, g: 0, b: 0 });
  expect(result.usage).toEqual({ inputTokens: 9, imageInputTokens: 0, outputTokens: 1290 });
}

/** A reference image for the panorama call. */
export const referenceJpeg = () => solidImage(48, 32, { r: 200, g: 100, b: 0 }, 'jpeg');
/** A wide 2K image with a seed and one reference image, on a model with the 4:1 ratio. */
export const panoramaCall = (upstreamModel: string, jpeg: Buffer) =>
  makeCall({ upstreamModel, fields: { prompt: 'a panorama of the fox den', size: '4096x1024', seed: 7 }, images: [inputImage(jpeg, 'image[0]', 48, 32, 'jpeg')] });
export const panoramaBody = (jpeg: Buffer) => ({
  contents: [{ parts: [{ text: 'a panorama of the fox den' }, { inline_data: { mime_type: 'image/jpeg', data: jpeg.toString('base64') } }] }],
  generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:1', imageSize: '2K' }, seed: 7 },
});

/** Imagen asked for 3 images, answered with predict-images (PNG = red, PNG2 = green, one filtered). */
export const imagenFoxCall = () =>
  makeCall({ upstreamModel: 'imagen-4.0-generate-001', fields: { prompt: 'a red fox', n: 3, size: '1000x700', person_generation: 'ALLOW_ADULT' } });
export function expectImagenFoxResult(call: Call, result: ProviderResult, green: Buffer) {
  expect(result.images.map((i) => i.format)).toEqual(['png', 'png']);
  expect(result.images[1]!.bytes.equals(green)).toBe(true);
  expect(result.usage).toBeUndefined();
  expect(call.warnings).toEqual([
    'size 1000x700 mapped to aspectRatio 4:3',
    "1 of 3 images were not returned (filtered: 56562880: The image was filtered out because it violated Google's Responsible AI practices.)",
  ]);
}

// --- Catalog -------------------------------------------------------------------------------------

/** Imagen, declared by both modules under the same ids (and served by neither). */
export const IMAGEN_IDS = [
  ['google/imagen-4', 'imagen-4.0-generate-001'],
  ['google/imagen-4-ultra', 'imagen-4.0-ultra-generate-001'],
  ['google/imagen-4-fast', 'imagen-4.0-fast-generate-001'],
];

/** Every size an offer lists in /v1/models goes through the service's body builder without a warning. */
export async function expectListedSizesFit(offer: Pick<ProviderOffer, 'upstreamModel' | 'capabilities'>, buildBody: (call: ProviderCall) => unknown) {
  for (const size of offer.capabilities.listedSizes.filter((s) => s !== 'auto')) {
    const call = makeCall({ upstreamModel: offer.upstreamModel, fields: { size } });
    await buildBody(call);
    expect(call.warnings, `${offer.upstreamModel} ${size}`).toEqual([]);
  }
}

// --- Live ----------------------------------------------------------------------------------------

/** One real image from the real service (about $0.04 of the operator's credit). */
export async function expectLiveImage(live: ImageProvider) {
  const result = await live.generate(makeCall({ upstreamModel: 'gemini-2.5-flash-image', fields: { prompt: 'a small red apple on a white table', size: '1024x1024' }, signal: AbortSignal.timeout(110_000) }));
  expect(result.images).toHaveLength(1);
  expect(result.usage?.outputTokens).toBeGreaterThan(0);
}
