import type { OutputFormat } from '../api/imageRequest.js';

/** How a provider charges for one image. Amounts are integer micro-USD (1 USD = 1,000,000). */
export type PriceRule = { type: 'fixed'; perImageMicros: number };

/** Which output sizes an offer accepts. */
export type SizeRule =
  | { kind: 'list'; sizes: string[] }
  | { kind: 'range'; min: number; max: number; multipleOf: number };

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
}

/** One provider serving a model: the upstream's name for it, its price and its limits. */
export interface ProviderOffer {
  provider: string;
  upstreamModel: string;
  price: PriceRule;
  capabilities: Capabilities;
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
