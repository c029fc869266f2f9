import { imagenBody, specFor, UPSTREAM_SPECS, type UpstreamSpec } from '../google/params.js';
import type { ProviderCall } from '../types.js';

/**
 * Vertex takes the Gemini API's request bodies (the mapping lives in src/providers/google/params.ts);
 * only what differs is here.
 */

/**
 * Upstream models Vertex still serves that the Gemini API has shut down. Nano Banana 2
 * (`gemini-3.1-flash-image`, GA on Vertex on 2026-05-28 with 4K output, per
 * https://docs.cloud.google.com/gemini-enterprise-agent-platform/release-notes) takes what its successor
 * 2.1 takes: the 14 aspect ratios and 1K/2K/4K.
 */
const VERTEX_SPECS: Record<string, UpstreamSpec> = {
  'gemini-3.1-flash-image': UPSTREAM_SPECS['gemini-nano-banana-2.1']!,
};

export const vertexSpecFor = (model: string): UpstreamSpec => VERTEX_SPECS[model] ?? specFor(model);

/**
 * Imagen's `:predict` body. Vertex names the resolution `sampleImageSize` ("1K" or "2K",
 * https://cloud.google.com/vertex-ai/generative-ai/docs/image/set-output-resolution) where the Gemini API
 * took `imageSize`; everything else is the same.
 */
export function vertexImagenBody(call: ProviderCall, spec: UpstreamSpec) {
  const { instances, parameters } = imagenBody(call, spec);
  const { imageSize, ...rest } = parameters;
  return { instances, parameters: { ...rest, ...(imageSize !== undefined && { sampleImageSize: imageSize }) } };
}
