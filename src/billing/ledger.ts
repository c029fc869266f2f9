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
      const account = await tx.query(
        'UPDATE accounts SET balance_micros = balance_micros - $2, reserved_micros = reserved_micros + $2 WHERE id = $1 AND balance_micros >= $2 RETURNING id',
        [r.accountId, r.amountMicros],
      );
      if (!account[0]) throw insufficientBalance();
      const key = await tx.query(
        'UPDATE api_keys SET reserved_micros = reserved_micros + $2 WHERE id = $1 AND ($3::bigint IS NULL OR spent_micros + reserved_micros + $2 <= $3::bigint) RETURNING id',
        [r.keyId, r.amountMicros, r.spendLimitMicros],
      );
      if (!key[0]) throw insufficientBalance("Insufficient balance: this request would exceed the key's spend limit");
      const day = await tx.query(
        `INSERT INTO key_daily_spend (key_id, day, reserved_micros) VALUES ($1, current_date, $2)
         ON CONFLICT (key_id, day) DO UPDATE SET reserved_micros = key_daily_spend.reserved_micros + EXCLUDED.reserved_micros
         WHERE $3::bigint IS NULL OR key_daily_spend.spent_micros + key_daily_spend.reserved_micros + EXCLUDED.reserved_micros <= $3::bigint
         RETURNING key_id`,
        [r.keyId, r.amountMicros, r.dailySpendLimitMicros],
      );
      if (!day[0] || (r.dailySpendLimitMicros !== null && r.amountMicros > r.dailySpendLimitMicros)) {
        throw insufficientBalance("Insufficient balance: this request would exceed the key's daily spend limit");
      }
      await tx.query(
        `INSERT INTO reservations (id, account_id, key_id, day, amount_micros, expires_at)
         VALUES ($1, $2, $3, current_date, $4, now() + make_interval(secs => $5))`,
        [r.id, r.accountId, r.keyId, r.amountMicros, r.ttlSeconds],
      );
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
      const rows = await tx.query<{ account_id: string; key_id: string; day: string; amount_micros: string | number }>(
        'DELETE FROM reservations WHERE id = $1 RETURNING account_id, key_id, day::text AS day, amount_micros',
        [reservationId],
      );
      let charged = 0;
      if (rows[0]) {
        const reserved = Number(rows[0].amount_micros);
        charged = Math.max(0, Math.min(chargeMicros, reserved));
        await settleRow(tx, rows[0].account_id, rows[0].key_id, rows[0].day, reserved, charged);
        if (charged > 0) {
          await tx.query("INSERT INTO ledger_entries (account_id, kind, amount_micros, key_id, request_id, note) VALUES ($1, 'charge', $2, $3, $4, $5)", [rows[0].account_id, charged, rows[0].key_id, reservationId, note]);
        }
      }
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

async function settleRow(tx: Queryable, accountId: string, keyId: string, day: string, reserved: number, charged: number) {
  await tx.query('UPDATE accounts SET reserved_micros = reserved_micros - $2, balance_micros = balance_micros + $2 - $3 WHERE id = $1', [accountId, reserved, charged]);
  await tx.query('UPDATE api_keys SET reserved_micros = reserved_micros - $2, spent_micros = spent_micros + $3 WHERE id = $1', [keyId, reserved, charged]);
  await tx.query('UPDATE key_daily_spend SET reserved_micros = reserved_micros - $3, spent_micros = spent_micros + $4 WHERE key_id = $1 AND day = $2::date', [keyId, day, reserved, charged]);
}
