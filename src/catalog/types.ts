import type { OutputFormat, Quality } from '../api/imageRequest.js';

/**
 * How a provider charges. Amounts are integer micro-USD (1 USD = 1,000,000). Every rule can say
 * what a request will cost at most before it runs, so that amount can be reserved.
 */
export type PriceRule =
  | { type: 'free' }
  | { type: 'fixed'; perImageMicros: number }
  /** First matching row wins; a row without size or quality matches any. */
  | { type: 'table'; rows: Array<{ size?: string; quality?: Quality; perImageMicros: number }> }
  | { type: 'per_megapixel'; perMegapixelMicros: number; perInputMegapixelMicros?: number }
  /** Priced after generation from what the upstream reports (its cost, or tokens), never above the maximum. */
  | {
      type: 'reported';
      maxPerImageMicros: number;
      tokens?: { inputPerMillionMicros: number; imageInputPerMillionMicros: number; outputPerMillionMicros: number };
    };

/**
 * Which output sizes an offer accepts. `aspect`: the upstream takes an aspect ratio (and makes its
 * own pixel size); the adapter maps the requested size to the nearest listed ratio.
 */
export type SizeRule =
  | { kind: 'list'; sizes: string[] }
  | { kind: 'range'; min: number; max: number; multipleOf: number }
  | { kind: 'aspect'; ratios: string[] };

/** What one provider can do for one model. */
export interface Capabilities {
  sizes: SizeRule;
  /** What `auto` means for this offer. */
  defaultSize: string;
  /** Sizes to list in /v1/models (the common ones, for a range rule). */
  listedSizes: string[];
  quality: boolean;
  edit: boolean;
  mask: boolean;
  maxImagesPerCall: number;
  maxInputImages: number;
  promptRequired: boolean;
  maxPromptLength: number;
  outputFormats: OutputFormat[];
  transparentBackground: boolean;
  /** Provider-specific request fields passed through when sent (seed, negative_prompt, steps...). */
  extras?: string[];
}

/** One provider serving a model: the upstream's name for it, its price and its limits. */
export interface ProviderOffer {
  provider: string;
  upstreamModel: string;
  /** No price means the model is refused (fail closed) until the operator sets one. */
  price?: PriceRule;
  /** Where the price comes from and when it was read, e.g. "openai.com/api/pricing, 2026-11-21". */
  priceSource?: string;
  capabilities: Capabilities;
}

/** The catalog data of a model, as a provider module declares it (offers are merged across providers by id). */
export interface ModelInfo {
  id: string;
  name: string;
  aliases?: string[];
  releaseDate: string;
  curatedRank: number;
}

/** One model a provider serves: the model's data and the provider's offer for it. */
export interface ProviderModel {
  model: ModelInfo;
  offer: Omit<ProviderOffer, 'provider'>;
}

export interface ModelEntry {
  /** `vendor/name`, the id clients send. */
  id: string;
  name: string;
  aliases: string[];
  releaseDate: string;
  /** Lower comes first in the curated (popular-by-default) order. */
  curatedRank: number;
  /** Offers in priority order. */
  providers: ProviderOffer[];
}
