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
];
