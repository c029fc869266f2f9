import type { ImageRequest, Size } from '../api/imageRequest.js';
import type { Capabilities } from '../catalog/types.js';

/** One image as the upstream produced it, before any transcoding. */
export interface GeneratedImage {
  bytes: Buffer;
  /** png, jpeg or webp: what `bytes` holds (see `toGeneratedImage` for other formats). */
  format: 'png' | 'jpeg' | 'webp';
  /** Pixel size when the adapter already read it (saves decoding the header again). */
  width?: number;
  height?: number;
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

/**
 * What an adapter is asked to do: the request, already fitted to this offer's capabilities by the
 * router (size mapped to an allowed one, `n` split to at most `maxImagesPerCall`).
 */
export interface ProviderCall {
  request: ImageRequest;
  /** The provider's own name for the model. */
  upstreamModel: string;
  /** The concrete pixel size to ask for (`auto` already resolved, fitted to the offer's size rule). */
  size: Size;
  /** Images to make in this call (at most the offer's maxImagesPerCall). */
  n: number;
  capabilities: Capabilities;
  /** Aborted when the client goes away or the per-model timeout passes. */
  signal: AbortSignal;
  /** Reports a parameter the adapter had to change or drop; it reaches the client's `warnings`. */
  warn(message: string): void;
}

/** An upstream that makes images. Everything provider-specific stays behind this interface. */
export interface ImageProvider {
  readonly id: string;
  /** False when it lacks configuration (an API key, a base URL); its models then show as unavailable. */
  isAvailable(): boolean;
  generate(call: ProviderCall): Promise<ProviderResult>;
}

/** What every adapter is built from: its key and base URL (from `<NAME>_API_KEY` / `<NAME>_BASE_URL`) and shared limits. */
export interface ProviderSettings {
  apiKey?: string;
  baseUrl: string;
  /** True when `<PREFIX>_BASE_URL` was set (self-hosted servers are enabled by their URL, not a key). */
  baseUrlConfigured?: boolean;
  /** The server's environment, for provider-specific settings (a workflow file, a project id...). */
  env?: Record<string, string | undefined>;
  /** Largest image an adapter will download from an upstream URL. */
  maxDownloadBytes: number;
  /** How often asynchronous upstreams are polled. */
  pollIntervalMs: number;
}
