import { UpstreamError } from '../errors.js';
import { downloadImage, toGeneratedImage, upstreamMessage } from '../http.js';
import type { ProviderResult, UpstreamUsage } from '../types.js';
import { documentedFailure } from './errors.js';

/**
 * OpenAI's ImagesResponse: `{created, data: [{b64_json?, url?, revised_prompt?}], usage?}`. GPT image
 * models always answer b64_json and report token usage; DALL·E answers what response_format asked
 * (we ask b64_json) and reports no usage.
 * https://platform.openai.com/docs/api-reference/images/object
 */
interface ImagesResponse {
  data?: Array<{ b64_json?: unknown; url?: unknown; revised_prompt?: unknown }>;
  usage?: {
    input_tokens?: unknown;
    output_tokens?: unknown;
    input_tokens_details?: { text_tokens?: unknown; image_tokens?: unknown };
  };
  error?: unknown;
}

export async function parseImagesResponse(body: unknown, options: { signal: AbortSignal; maxBytes: number }): Promise<ProviderResult> {
  if (!body || typeof body !== 'object') throw new UpstreamError('bad_response', 'the provider did not answer with JSON');
  const answer = body as ImagesResponse;
  // The docs show no 200 that carries an error, but one would say the images were not made.
  if (answer.error) throw new UpstreamError(documentedFailure(body) ?? 'bad_response', upstreamMessage(body, 'the provider reported an error'));
  if (!Array.isArray(answer.data) || answer.data.length === 0) throw new UpstreamError('bad_response', 'the provider returned no image');

  const images = await Promise.all(
    answer.data.map(async (item) => {
      const bytes = await imageBytes(item ?? {}, options);
      return toGeneratedImage(bytes, typeof item?.revised_prompt === 'string' ? item.revised_prompt : undefined);
    }),
  );
  const usage = toUsage(answer.usage);
  return usage ? { images, usage } : { images };
}

async function imageBytes(item: { b64_json?: unknown; url?: unknown }, options: { signal: AbortSignal; maxBytes: number }): Promise<Buffer> {
  if (typeof item.b64_json === 'string' && item.b64_json) {
    const bytes = Buffer.from(item.b64_json, 'base64');
    if (bytes.length > options.maxBytes) throw new UpstreamError('bad_response', `the output image is larger than ${options.maxBytes} bytes`);
    return bytes;
  }
  // Only when response_format was ignored (a compatible proxy, say): the URL is valid for 60 minutes.
  if (typeof item.url === 'string' && item.url) return downloadImage(item.url, options);
  throw new UpstreamError('bad_response', 'an image in the answer has neither b64_json nor url');
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

/**
 * Token usage for the `reported` price. Without output tokens the usage cannot be priced, so it is
 * left out and the call is charged its ceiling. Input not split into text and image is priced as
 * image input, the dearer rate: a guess must not undercharge.
 */
function toUsage(usage: ImagesResponse['usage']): UpstreamUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const outputTokens = count(usage.output_tokens);
  if (outputTokens === undefined) return undefined;
  const text = count(usage.input_tokens_details?.text_tokens);
  const image = count(usage.input_tokens_details?.image_tokens);
  if (text === undefined && image === undefined) return { imageInputTokens: count(usage.input_tokens) ?? 0, outputTokens };
  return { inputTokens: text ?? 0, imageInputTokens: image ?? 0, outputTokens };
}
