import { UpstreamError } from '../errors.js';
import { toGeneratedImage } from '../http.js';
import type { GeneratedImage, ProviderResult, UpstreamUsage } from '../types.js';

/**
 * The Gemini API's answers -> images and usage. A 200 can still carry no image: the prompt or the
 * output was blocked (content_policy), or the model answered otherwise (bad_response).
 */

interface Part {
  text?: string;
  thought?: boolean;
  inlineData?: { mimeType?: string; data?: string };
  inline_data?: { mime_type?: string; data?: string };
}
interface TokenCount {
  modality?: string;
  tokenCount?: number;
}
/** GenerateContentResponse, https://ai.google.dev/api/generate-content */
interface GenerateContentResponse {
  candidates?: Array<{ content?: { parts?: Part[] }; finishReason?: string }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; promptTokensDetails?: TokenCount[] };
}

// FinishReason values (https://ai.google.dev/api/generate-content) that mean "refused".
const REFUSED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

export async function parseGeminiResponse(body: unknown, n: number): Promise<ProviderResult> {
  const answer = (body ?? {}) as GenerateContentResponse;
  const blocked = answer.promptFeedback?.blockReason;
  if (blocked) throw new UpstreamError('content_policy', `the prompt was blocked (${blocked})`);
  const candidate = answer.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  // Gemini 3 Pro Image also returns its interim "thought" images; only the final ones count.
  const data = parts.filter((p) => !p.thought).map((p) => (p.inlineData ?? p.inline_data)?.data).filter((d): d is string => !!d);
  if (data.length === 0) {
    const reason = candidate?.finishReason ?? 'no candidate';
    const said = parts.map((p) => p.text).filter(Boolean).join(' ').slice(0, 200);
    const message = `no image in the answer (finishReason ${reason})${said ? `: ${said}` : ''}`;
    throw new UpstreamError(REFUSED.has(reason) ? 'content_policy' : 'bad_response', message);
  }
  // Asked for n; anything beyond is not what the client ordered.
  const images = await Promise.all(data.slice(0, n).map((d) => toGeneratedImage(Buffer.from(d, 'base64'))));
  return { images, usage: geminiUsage(answer.usageMetadata) };
}

/**
 * Tokens as Google bills them (https://ai.google.dev/gemini-api/docs/pricing): prompt text and input
 * images at the input rate, generated image tokens at the output rate. Thinking tokens
 * (`thoughtsTokenCount`, billed at the lower text rate) are left out: the price rule has one output rate.
 */
function geminiUsage(usage: GenerateContentResponse['usageMetadata']): UpstreamUsage | undefined {
  if (!usage || (usage.promptTokenCount === undefined && usage.candidatesTokenCount === undefined)) return undefined;
  const imageInputTokens = (usage.promptTokensDetails ?? []).filter((d) => d.modality === 'IMAGE').reduce((sum, d) => sum + (d.tokenCount ?? 0), 0);
  return { inputTokens: (usage.promptTokenCount ?? 0) - imageInputTokens, imageInputTokens, outputTokens: usage.candidatesTokenCount ?? 0 };
}

/** https://ai.google.dev/gemini-api/docs/imagen: `{"predictions":[{"bytesBase64Encoded","mimeType"}]}`. */
interface PredictResponse {
  predictions?: Array<{ bytesBase64Encoded?: string; mimeType?: string; raiFilteredReason?: string }>;
}

/** Imagen answers; images its safety filter removed are reported through `warn`. */
export async function parseImagenResponse(body: unknown, asked: number, warn: (message: string) => void): Promise<GeneratedImage[]> {
  const predictions = ((body ?? {}) as PredictResponse).predictions ?? [];
  const data = predictions.map((p) => p.bytesBase64Encoded).filter((d): d is string => !!d);
  const filtered = predictions.map((p) => p.raiFilteredReason).filter((r): r is string => !!r);
  if (data.length === 0) {
    // The docs do not describe an all-filtered answer; only a stated RAI reason counts as a refusal.
    if (filtered.length > 0) throw new UpstreamError('content_policy', `all images were filtered: ${filtered[0]!.slice(0, 300)}`);
    throw new UpstreamError('bad_response', 'no image in the answer');
  }
  if (data.length < asked) warn(`${asked - data.length} of ${asked} images were not returned${filtered.length ? ` (filtered: ${filtered[0]!.slice(0, 200)})` : ''}`);
  return Promise.all(data.slice(0, asked).map((d) => toGeneratedImage(Buffer.from(d, 'base64'))));
}
