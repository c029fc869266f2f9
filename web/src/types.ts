/** The shapes of the API's answers that the dashboard reads (see the README's Endpoints). */

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

export interface ImageResponse {
  created: number;
  data: Array<{ url?: string; b64_json?: string; revised_prompt?: string }>;
  latency: number;
  cost: number;
  output_format: string;
  size: string;
  quality: string;
  warnings?: string[];
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

export interface KeyInfo {
  id: string;
  name: string;
  hint: string;
  account_id: string;
  enabled: boolean;
  expires_at: string | null;
  allowed_models: string[] | null;
  rate_limit_rpm: number | null;
  concurrency_limit: number | null;
  spend_limit_usd: number | null;
  daily_spend_limit_usd: number | null;
  spent_usd: number;
  created_at: string;
  revoked_at: string | null;
}

/** What a key's limits look like in the admin API; null is no limit. */
export type KeyLimits = Pick<KeyInfo, 'rate_limit_rpm' | 'concurrency_limit' | 'spend_limit_usd' | 'daily_spend_limit_usd' | 'allowed_models' | 'expires_at'>;

export interface Account {
  id: string;
  name: string;
  balance_usd: number;
  reserved_usd: number;
  deposits_usd: number;
  charges_usd: number;
  created_at: string;
}

export interface Credits {
  remaining_credits: number;
  credit_usage: number;
  total_deposits: number;
  reserved_credits: number;
  by_api_key?: Array<{ id: string; name: string; hint: string; revoked: boolean; credit_usage: number }>;
}

export type AuthTest = { valid: true; admin: true } | { valid: true; admin: false; key: KeyInfo };
