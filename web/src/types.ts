/** The shapes of the API's answers that the dashboard reads (see the README's Endpoints). */

// Where the server declares the exact JSON it sends, take its type instead of a copy that can drift.
// Type-only: erased at build, so nothing from the server's source reaches the bundle.
import type { ApiKeyInfo } from '../../src/auth/keys.js';
import type { AccountInfo } from '../../src/billing/ledger.js';
import type { ImageResponseBody } from '../../src/pipeline/imagePipeline.js';

export type KeyInfo = ApiKeyInfo;
export type Account = AccountInfo;
export type ImageResponse = ImageResponseBody;

export type Pricing =
  | { type: 'fixed'; value: number }
  | { type: 'per_megapixel'; value: number }
  | { type: 'calculated'; range: { min: number; max: number } }
  | { type: 'post_generation'; range: { min: number; max: number } };

export interface Offer {
  id: string;
  model_name: string;
  pricing: Pricing | null;
  available: boolean;
}

export interface Model {
  id: string;
  name: string;
  aliases: string[];
  providers: Offer[];
  sizes: string[];
  release_date: string;
  supported_params: { quality: boolean; edit: boolean; mask: boolean; n: boolean };
  free: boolean;
  available: boolean;
}

export interface UsageRecord {
  id: string;
  created_at: string;
  account_id: string | null;
  key_id: string | null;
  endpoint: string;
  model: string;
  provider: string | null;
  attempts: Array<{ provider: string; status: string; latency_ms: number }>;
  n: number;
  images: number;
  size: string | null;
  quality: string | null;
  response_format: string | null;
  status: string;
  http_status: number;
  error_code: string | null;
  cost: number;
  latency_ms: number;
  prompt: string | null;
  output_ids: string[];
}

export interface UsagePage {
  data: UsageRecord[];
  has_more: boolean;
  next_cursor: string | null;
}

/** What a key's limits look like in the admin API; null is no limit. */
export type KeyLimits = Pick<KeyInfo, 'rate_limit_rpm' | 'concurrency_limit' | 'spend_limit_usd' | 'daily_spend_limit_usd' | 'allowed_models' | 'expires_at'>;

export interface Credits {
  remaining_credits: number;
  credit_usage: number;
  total_deposits: number;
  reserved_credits: number;
  by_api_key?: Array<{ id: string; name: string; hint: string; revoked: boolean; credit_usage: number }>;
}

export type AuthTest = { valid: true; admin: true } | { valid: true; admin: false; key: KeyInfo };
