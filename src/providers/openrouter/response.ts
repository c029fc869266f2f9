import { UpstreamError } from '../errors.js';
import { toGeneratedImage, upstreamMessage } from '../http.js';
import type { ProviderResult } from '../types.js';
import { classifyOpenRouterError } from './errors.js';

/**
 * The Image API's answer: `{created, data: [{b64_json}], usage: {prompt_tokens, completion_tokens,
 * total_tokens, cost}}` (ImageGenerationResponse in the official SDK). `usage.cost` is what the call
 * cost in USD, "when available"; it prices the call.
 */
interface ImagesResponse {
  data?: Array<{ b64_json?: unknown }>;
  usage?: { cost?: unknown };
  error?: { code?: unknown };
}

export async function parseImagesResponse(body: unknown, maxBytes: number): Promise<ProviderResult> {
  if (!body || typeof body !== 'object') throw new UpstreamError('bad_response', 'the provider did not answer with JSON');
  const answer = body as ImagesResponse;
  // "Any error occurred while the model is producing the output will be emitted in the response body" with a 200.
  if (answer.error) {
    const code = Number(answer.error.code);
    throw new UpstreamError(Number.isInteger(code) && code >= 400 ? classifyOpenRouterError(code, body) : 'bad_response', upstreamMessage(body, 'the provider reported an error'));
  }
  const data = Array.isArray(answer.data) ? answer.data : [];
  if (data.length === 0) throw new UpstreamError('bad_response', 'the provider returned no image');
  const images = await Promise.all(data.map((item) => toGeneratedImage(decode(item?.b64_json, maxBytes))));
  const cost = answer.usage?.cost;
  // Rounded up to the micro-dollar, less float noise (0.04 USD is 40,000, not 40,001).
  if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) return { images, usage: { costMicros: Math.ceil(cost * 1_000_000 - 1e-6) } };
  return { images };
}

function decode(b64: unknown, maxBytes: number): Buffer {
  if (typeof b64 !== 'string' || !b64) throw new UpstreamError('bad_response', 'an image in the answer has no b64_json');
  const bytes = Buffer.from(b64.replace(/^data:[^,]*;base64,/, ''), 'base64');
  if (bytes.length > maxBytes) throw new UpstreamError('bad_response', `the output image is larger than ${maxBytes} bytes`);
  return bytes;
}
