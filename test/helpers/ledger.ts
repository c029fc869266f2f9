import { expect } from 'vitest';
import type { Database } from '../../src/db/index.js';

/** balance = deposits - charges - open reservations, for every account, and the reserved columns agree. */
export async function checkLedgerInvariant(db: Database) {
  const rows = await db.query<{ id: string; balance: string; reserved: string; deposits: string; charges: string; open: string; key_reserved: string }>(`
    SELECT a.id, a.balance_micros AS balance, a.reserved_micros AS reserved,
      COALESCE((SELECT sum(amount_micros) FROM ledger_entries l WHERE l.account_id = a.id AND kind = 'deposit'), 0) AS deposits,
      COALESCE((SELECT sum(amount_micros) FROM ledger_entries l WHERE l.account_id = a.id AND kind = 'charge'), 0) AS charges,
      COALESCE((SELECT sum(amount_micros) FROM reservations r WHERE r.account_id = a.id), 0) AS open,
      COALESCE((SELECT sum(reserved_micros) FROM api_keys k WHERE k.account_id = a.id), 0) AS key_reserved
    FROM accounts a`);
  for (const r of rows) {
    expect(Number(r.balance), `account ${r.id}`).toBe(Number(r.deposits) - Number(r.charges) - Number(r.open));
    expect(Number(r.reserved)).toBe(Number(r.open));
    expect(Number(r.key_reserved)).toBe(Number(r.open));
  }
  return rows;
}
