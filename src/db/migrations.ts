/**
 * The schema, as ordered migrations. Plain PostgreSQL so PGlite and a real server run the same SQL.
 * Never edit a shipped migration: add the next one.
 */
export interface Migration {
  id: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'keys, stored images, usage records',
    statements: [
      `CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_hint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`,
      `CREATE TABLE stored_images (
        id text PRIMARY KEY,
        ext text NOT NULL,
        content_type text NOT NULL,
        byte_size integer NOT NULL,
        key_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`,
      'CREATE INDEX stored_images_expires_at ON stored_images (expires_at)',
      `CREATE TABLE usage_records (
        id text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        key_id text,
        endpoint text NOT NULL,
        model text NOT NULL,
        provider text,
        n integer NOT NULL,
        images integer NOT NULL DEFAULT 0,
        size text,
        quality text,
        response_format text,
        status text NOT NULL,
        http_status integer NOT NULL,
        error_code text,
        cost_micros bigint NOT NULL DEFAULT 0,
        latency_ms integer NOT NULL,
        prompt text,
        output_ids text[] NOT NULL DEFAULT '{}'
      )`,
      'CREATE INDEX usage_records_created_at ON usage_records (created_at)',
    ],
  },
  {
    id: 2,
    name: 'accounts, ledger, reservations, key limits, idempotency',
    statements: [
      `CREATE TABLE accounts (
        id text PRIMARY KEY,
        name text NOT NULL,
        balance_micros bigint NOT NULL DEFAULT 0 CHECK (balance_micros >= 0),
        reserved_micros bigint NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Every change of money is a ledger entry: deposits (top-ups, adjustments) and charges.
      `CREATE TABLE ledger_entries (
        id bigserial PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id),
        kind text NOT NULL CHECK (kind IN ('deposit', 'charge')),
        amount_micros bigint NOT NULL,
        key_id text,
        request_id text,
        note text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX ledger_entries_account ON ledger_entries (account_id, created_at)',
      `CREATE TABLE reservations (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id),
        key_id text NOT NULL,
        day date NOT NULL,
        amount_micros bigint NOT NULL CHECK (amount_micros > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`,
      'ALTER TABLE api_keys ADD COLUMN account_id text REFERENCES accounts (id)',
      'ALTER TABLE api_keys ADD COLUMN enabled boolean NOT NULL DEFAULT true',
      'ALTER TABLE api_keys ADD COLUMN expires_at timestamptz',
      'ALTER TABLE api_keys ADD COLUMN allowed_models text[]',
      'ALTER TABLE api_keys ADD COLUMN rate_limit_rpm integer',
      'ALTER TABLE api_keys ADD COLUMN concurrency_limit integer',
      'ALTER TABLE api_keys ADD COLUMN spend_limit_micros bigint',
      'ALTER TABLE api_keys ADD COLUMN daily_spend_limit_micros bigint',
      'ALTER TABLE api_keys ADD COLUMN spent_micros bigint NOT NULL DEFAULT 0',
      'ALTER TABLE api_keys ADD COLUMN reserved_micros bigint NOT NULL DEFAULT 0',
      // Keys made before accounts existed each get an account of their own, with nothing in it.
      "INSERT INTO accounts (id, name) SELECT 'acct_' || substr(id, 5), name FROM api_keys",
      "UPDATE api_keys SET account_id = 'acct_' || substr(id, 5)",
      'ALTER TABLE api_keys ALTER COLUMN account_id SET NOT NULL',
      `CREATE TABLE key_daily_spend (
        key_id text NOT NULL,
        day date NOT NULL,
        spent_micros bigint NOT NULL DEFAULT 0,
        reserved_micros bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (key_id, day)
      )`,
      'ALTER TABLE usage_records ADD COLUMN account_id text',
      "ALTER TABLE usage_records ADD COLUMN attempts jsonb NOT NULL DEFAULT '[]'",
      'CREATE INDEX usage_records_account ON usage_records (account_id, created_at)',
      `CREATE TABLE idempotency_keys (
        key_id text NOT NULL,
        idempotency_key text NOT NULL,
        body_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'done')),
        http_status integer,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key_id, idempotency_key)
      )`,
    ],
  },
  {
    id: 3,
    name: 'the provider of a stored idempotent answer (for its replayed headers)',
    statements: ['ALTER TABLE idempotency_keys ADD COLUMN provider text'],
  },
];
