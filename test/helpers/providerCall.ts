import { expect } from 'vitest';
import { parseImageFields, type InputImage } from '../../src/api/imageRequest.js';
import type { Capabilities } from '../../src/catalog/types.js';
import { UpstreamError } from '../../src/providers/errors.js';
import type { ProviderCall, ProviderSettings } from '../../src/providers/types.js';

/** Settings for an adapter under test: a fake key and the fake upstream's URL. */
export const testSettings = (baseUrl: string, overrides: Partial<ProviderSettings> = {}): ProviderSettings => ({
  apiKey: 'test-upstream-key', baseUrl, maxDownloadBytes: 10 * 1024 * 1024, pollIntervalMs: 10, ...overrides,
});

const anyCapabilities: Capabilities = {
  sizes: { kind: 'range', min: 64, max: 4096, multipleOf: 1 }, defaultSize: '1024x1024', listedSizes: ['1024x1024'],
  quality: true, edit: true, mask: true, maxImagesPerCall: 10, maxInputImages: 16, promptRequired: false,
  maxPromptLength: 32000, outputFormats: ['png', 'jpeg', 'webp'], transparentBackground: true, extras: [],
};

/**
 * A ProviderCall as the router would make it. `fields` are API parameters (as a client sends them);
 * `warnings` collects what the adapter reported.
 */
export function makeCall(options: {
  upstreamModel: string;
  fields?: Record<string, unknown>;
  images?: InputImage[];
  mask?: InputImage;
  size?: { width: number; height: number };
  n?: number;
  capabilities?: Partial<Capabilities>;
  signal?: AbortSignal;
}): ProviderCall & { warnings: string[] } {
  const request = { ...parseImageFields({ model: 'x/y', prompt: 'a red fox', ...options.fields }), images: options.images ?? [], mask: options.mask };
  const warnings: string[] = [];
  return {
    request,
    upstreamModel: options.upstreamModel,
    size: options.size ?? (request.size === 'auto' ? { width: 1024, height: 1024 } : request.size),
    n: options.n ?? request.n,
    capabilities: { ...anyCapabilities, ...options.capabilities },
    signal: options.signal ?? AbortSignal.timeout(20_000),
    warn: (message) => warnings.push(message),
    warnings,
  };
}

/** An InputImage from encoded bytes (tests build them with sharp). */
export const inputImage = (bytes: Buffer, param = 'image[0]', width = 64, height = 64, format = 'png'): InputImage => ({ bytes, param, width, height, format });

/** The UpstreamError a call failed with (the test fails if it succeeded or failed otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}
