import { ApiError, notFound } from '../api/errors.js';
import { newId } from '../auth/keys.js';
import type { Database, Queryable } from '../db/index.js';

/**
 * Balances and the money path. An account's `balance` is what it can still spend:
 *   balance = deposits - charges - open reservations
 * Every request that may cost money reserves its maximum first (atomically, or 402), then settles:
 * the actual cost is charged and the rest released, in one transaction that also writes the usage
 * record. A reservation is settled at most once: settling deletes it, and only the deleter moves money.
 */

export interface AccountInfo {
  id: string;
  name: string;
  balance_usd: number;
  reserved_usd: number;
  deposits_usd: number;
  charges_usd: number;
  created_at: string;
}

export interface Reservation {
  id: string;
  accountId: string;
  keyId: string;
  amountMicros: number;
}

export interface ReserveRequest {
  id: string;
  accountId: string;
  keyId: string;
  amountMicros: number;
  spendLimitMicros: number | null;
  dailySpendLimitMicros: number | null;
  ttlSeconds: number;
}

export const insufficientBalance = (message = 'Insufficient balance') => new ApiError(402, 'billing_error', 'insufficient_balance', message);

const toUsd = (micros: unknown) => Number(micros) / 1_000_000;

type AccountRow = { id: string; name: string; balance_micros: string | number; reserved_micros: string | number; created_at: Date; deposits: string | number; charges: string | number };

const ACCOUNT_QUERY = `
  SELECT a.*,
    COALESCE((SELECT sum(amount_micros) FROM ledger_entries l WHERE l.account_id = a.id AND l.kind = 'deposit'), 0) AS deposits,
    COALESCE((SELECT sum(amount_micros) FROM ledger_entries l WHERE l.account_id = a.id AND l.kind = 'charge'), 0) AS charges
  FROM accounts a`;

const toAccount = (row: AccountRow): AccountInfo => ({
  id: row.id,
  name: row.name,
  balance_usd: toUsd(row.balance_micros),
  reserved_usd: toUsd(row.reserved_micros),
  deposits_usd: toUsd(row.deposits),
  charges_usd: toUsd(row.charges),
  created_at: new Date(row.created_at).toISOString(),
});

// Each step of the money path is one statement (a request makes two: reserve, then settle), since on
// the embedded database every statement runs on the event loop. A step runs only when the one before
// it matched, so the first that does not says why the request was refused.

/** $1 account, $2 amount, $3 key, $4 key spend limit, $5 daily limit, $6 reservation id, $7 TTL seconds. */
const RESERVE = `
WITH account AS (
  UPDATE accounts SET balance_micros = balance_micros - $2, reserved_micros = reserved_micros + $2
  WHERE id = $1 AND balance_micros >= $2 RETURNING id
), key AS (
  UPDATE api_keys SET reserved_micros = reserved_micros + $2
  WHERE id = $3 AND EXISTS (SELECT 1 FROM account) AND ($4::bigint IS NULL OR spent_micros + reserved_micros + $2 <= $4::bigint)
  RETURNING id
), day AS (
  INSERT INTO key_daily_spend (key_id, day, reserved_micros) SELECT $3, current_date, $2 WHERE EXISTS (SELECT 1 FROM key)
  ON CONFLICT (key_id, day) DO UPDATE SET reserved_micros = key_daily_spend.reserved_micros + EXCLUDED.reserved_micros
  WHERE $5::bigint IS NULL OR key_daily_spend.spent_micros + key_daily_spend.reserved_micros + EXCLUDED.reserved_micros <= $5::bigint
  RETURNING key_id
), reservation AS (
  INSERT INTO reservations (id, account_id, key_id, day, amount_micros, expires_at)
  SELECT $6, $1, $3, current_date, $2, now() + make_interval(secs => $7) WHERE EXISTS (SELECT 1 FROM day)
  RETURNING id
)
SELECT EXISTS (SELECT 1 FROM account) AS account, EXISTS (SELECT 1 FROM key) AS key,
       EXISTS (SELECT 1 FROM day) AS day, EXISTS (SELECT 1 FROM reservation) AS reserved`;

/**
 * $1 reservation id, $2 what to charge (capped at the reservation), $3 the charge's note. No row:
 * already released. Each update waits on the one before (EXISTS), so rows are locked in the same
 * order as RESERVE locks them (account, key, day): PostgreSQL runs unreferenced data-modifying CTEs
 * in no promised order, and two requests locking in opposite orders deadlock.
 */
const SETTLE = `
WITH reservation AS (
  DELETE FROM reservations WHERE id = $1 RETURNING account_id, key_id, day, amount_micros
), amounts AS (
  SELECT account_id, key_id, day, amount_micros AS reserved, LEAST($2::bigint, amount_micros) AS charged FROM reservation
), account AS (
  UPDATE accounts a SET reserved_micros = a.reserved_micros - m.reserved, balance_micros = a.balance_micros + m.reserved - m.charged
  FROM amounts m WHERE a.id = m.account_id RETURNING a.id
), key AS (
  UPDATE api_keys k SET reserved_micros = k.reserved_micros - m.reserved, spent_micros = k.spent_micros + m.charged
  FROM amounts m WHERE k.id = m.key_id AND EXISTS (SELECT 1 FROM account) RETURNING k.id
), day AS (
  UPDATE key_daily_spend d SET reserved_micros = d.reserved_micros - m.reserved, spent_micros = d.spent_micros + m.charged
  FROM amounts m WHERE d.key_id = m.key_id AND d.day = m.day AND EXISTS (SELECT 1 FROM key) RETURNING d.key_id
), charge AS (
  INSERT INTO ledger_entries (account_id, kind, amount_micros, key_id, request_id, note)
  SELECT account_id, 'charge', charged, key_id, $1, $3 FROM amounts WHERE charged > 0 RETURNING id
)
SELECT charged, EXISTS (SELECT 1 FROM day) AS settled FROM amounts`;

export class Ledger {
  constructor(private db: Database) {}

  async createAccount(name: string, initialMicros = 0, note = 'initial balance', tx?: Queryable): Promise<string> {
    const run = async (q: Queryable) => {
      const id = newId('acct');
      await q.query('INSERT INTO accounts (id, name) VALUES ($1, $2)', [id, name]);
      if (initialMicros > 0) await this.deposit(q, id, initialMicros, note);
      return id;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  async getAccount(id: string): Promise<AccountInfo | null> {
    const rows = await this.db.query<AccountRow>(`${ACCOUNT_QUERY} WHERE a.id = $1`, [id]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async listAccounts(): Promise<AccountInfo[]> {
    return (await this.db.query<AccountRow>(`${ACCOUNT_QUERY} ORDER BY a.created_at, a.id`)).map(toAccount);
  }

  /** Adds (or, negative, removes) credit with a note; never below zero available. */
  async addCredits(accountId: string, micros: number, note: string | null): Promise<AccountInfo> {
    await this.db.transaction(async (tx) => {
      const exists = await tx.query('SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
      if (!exists[0]) throw notFound(`No account with id '${accountId}'`, 'account_not_found');
      if (!(await this.deposit(tx, accountId, micros, note))) {
        throw new ApiError(400, 'invalid_request_error', 'insufficient_balance', 'The account has less available balance than that deduction', 'amount_usd');
      }
    });
    return (await this.getAccount(accountId))!;
  }

  private async deposit(tx: Queryable, accountId: string, micros: number, note: string | null): Promise<boolean> {
    const updated = await tx.query('UPDATE accounts SET balance_micros = balance_micros + $2 WHERE id = $1 AND balance_micros + $2 >= 0 RETURNING id', [accountId, micros]);
    if (!updated[0]) return false;
    await tx.query("INSERT INTO ledger_entries (account_id, kind, amount_micros, note) VALUES ($1, 'deposit', $2, $3)", [accountId, micros, note]);
    return true;
  }

  /** Reserves the most a request can cost, or throws 402 without changing anything. */
  async reserve(r: ReserveRequest): Promise<Reservation> {
    await this.db.transaction(async (tx) => {
      const [step] = await tx.query<{ account: boolean; key: boolean; day: boolean; reserved: boolean }>(RESERVE, [
        r.accountId, r.amountMicros, r.keyId, r.spendLimitMicros, r.dailySpendLimitMicros, r.id, r.ttlSeconds,
      ]);
      // Whatever a step changed before the failing one is rolled back with the transaction.
      if (!step!.account) throw insufficientBalance();
      if (!step!.key) throw insufficientBalance("Insufficient balance: this request would exceed the key's spend limit");
      if (!step!.day || (r.dailySpendLimitMicros !== null && r.amountMicros > r.dailySpendLimitMicros)) {
        throw insufficientBalance("Insufficient balance: this request would exceed the key's daily spend limit");
      }
    });
    return { id: r.id, accountId: r.accountId, keyId: r.keyId, amountMicros: r.amountMicros };
  }

  /**
   * Charges `chargeMicros` (at most the reservation) and releases the rest, then runs `also` in the
   * same transaction (the usage record). Returns what was charged: 0 when the reservation was already
   * released (by the crash reconciler), since that money went back to the account.
   */
  async settle(reservationId: string, chargeMicros: number, note: string | null, also?: (tx: Queryable, charged: number) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ charged: string | number }>(SETTLE, [reservationId, Math.max(0, chargeMicros), note]);
      const charged = row ? Number(row.charged) : 0;
      if (also) await also(tx, charged);
      return charged;
    });
  }

  /** Releases reservations left by a crashed process: all of them (`all`), or those past their expiry. */
  async releaseStale(all: boolean): Promise<number> {
    const stale = await this.db.query<{ id: string }>(all ? 'SELECT id FROM reservations' : 'SELECT id FROM reservations WHERE expires_at <= now()');
    for (const { id } of stale) await this.settle(id, 0, null);
    return stale.length;
  }

  /** Account-wide figures and per-key usage for GET /v1/credits. */
  async keyUsage(accountId: string): Promise<Array<{ key_id: string; charges_micros: number }>> {
    const rows = await this.db.query<{ key_id: string; charges: string | number }>(
      "SELECT key_id, sum(amount_micros) AS charges FROM ledger_entries WHERE account_id = $1 AND kind = 'charge' GROUP BY key_id",
      [accountId],
    );
    return rows.map((r) => ({ key_id: r.key_id, charges_micros: Number(r.charges) }));
  }
}
