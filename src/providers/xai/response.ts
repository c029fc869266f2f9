import { UpstreamError } from '../errors.js';
import { downloadImage, toGeneratedImage, upstreamMessage } from '../http.js';
import type { ProviderResult } from '../types.js';

/**
 * xAI's image answer: `{data: [{b64_json | url, mime_type, revised_prompt}], usage: {cost_in_usd_ticks},
 * block_reason}` (REST reference). `cost_in_usd_ticks` is "the actual amount billed", 1 USD =
 * 10^10 ticks (https://docs.x.ai/developers/cost-tracking): it prices the call.
 */
interface ImagesResponse {
  data?: Array<{ b64_json?: unknown; url?: unknown; revised_prompt?: unknown }>;
  usage?: { cost_in_usd_ticks?: unknown };
  block_reason?: unknown;
  error?: unknown;
}

const TICKS_PER_MICRO_USD = 10_000;

export async function parseXaiResponse(body: unknown, options: { signal: AbortSignal; maxBytes: number }): Promise<ProviderResult> {
  if (!body || typeof body !== 'object') throw new UpstreamError('bad_response', 'the provider did not answer with JSON');
  const answer = body as ImagesResponse;
  if (answer.error) throw new UpstreamError('bad_response', upstreamMessage(body, 'the provider reported an error'));
  const data = Array.isArray(answer.data) ? answer.data : [];
  if (data.length === 0) {
    // A moderation block names its reason; anything else without images is unusable.
    if (typeof answer.block_reason === 'string' && answer.block_reason) throw new UpstreamError('content_policy', `the request was blocked (${answer.block_reason})`);
    throw new UpstreamError('bad_response', 'the provider returned no image');
  }
  const images = await Promise.all(
    data.map(async (item) => toGeneratedImage(await imageBytes(item ?? {}, options), typeof item?.revised_prompt === 'string' ? item.revised_prompt : undefined)),
  );
  const ticks = answer.usage?.cost_in_usd_ticks;
  // Rounded up: a fraction of a micro-dollar is still paid.
  if (typeof ticks === 'number' && Number.isFinite(ticks) && ticks >= 0) return { images, usage: { costMicros: Math.ceil(ticks / TICKS_PER_MICRO_USD) } };
  return { images };
}

async function imageBytes(item: { b64_json?: unknown; url?: unknown }, options: { signal: AbortSignal; maxBytes: number }): Promise<Buffer> {
  if (typeof item.b64_json === 'string' && item.b64_json) {
    // xAI's examples show the base64 as a data URI ("data:image/png;base64,..."); plain base64 is taken too.
    const bytes = Buffer.from(item.b64_json.replace(/^data:[^,]*;base64,/, ''), 'base64');
    if (bytes.length > options.maxBytes) throw new UpstreamError('bad_response', `the output image is larger than ${options.maxBytes} bytes`);
    return bytes;
  }
  // Only when response_format was ignored: the URL is temporary.
  if (typeof item.url === 'string' && item.url) return downloadImage(item.url, options);
  throw new UpstreamError('bad_response', 'an image in the answer has neither b64_json nor url');
}
