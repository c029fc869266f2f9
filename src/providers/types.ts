import type { ImageRequest, Size } from '../api/imageRequest.js';

/** One image as the upstream produced it, before any transcoding. */
export interface GeneratedImage {
  bytes: Buffer;
  /** png, jpeg or webp: what `bytes` holds. */
  format: 'png' | 'jpeg' | 'webp';
  revisedPrompt?: string;
}

/** What the upstream says the call used, for `reported` prices. */
export interface UpstreamUsage {
  /** The upstream's own price for the call, in micro-USD. */
  costMicros?: number;
  inputTokens?: number;
  imageInputTokens?: number;
  outputTokens?: number;
}

export interface ProviderResult {
  images: GeneratedImage[];
  usage?: UpstreamUsage;
}

/** What an adapter is asked to do: the request, resolved against the catalog. */
export interface ProviderCall {
  request: ImageRequest;
  /** The provider's own name for the model. */
  upstreamModel: string;
  /** The concrete pixel size (`auto` already resolved). */
  size: Size;
  signal: AbortSignal;
}

/** An upstream that makes images. Everything provider-specific stays behind this interface. */
export interface ImageProvider {
  readonly id: string;
  /** False when it lacks configuration (an API key, a base URL); its models then show as unavailable. */
  isAvailable(): boolean;
  generate(call: ProviderCall): Promise<ProviderResult>;
}
