import type { Api } from '../api.js';
import { errorText, field, h, tableHead } from '../dom.js';
import { usd } from '../format.js';
import type { Account } from '../types.js';
import { moneyInput } from './inputs.js';

export interface PanelContext {
  api: Api;
  /** Reloads accounts and keys after a change and says what happened. */
  changed(message: string): Promise<void>;
  failed(message: string): void;
}

const accountOptions = (accounts: Account[]) => accounts.map((a) => h('option', { value: a.id }, `${a.name} (${usd(a.balance_usd)})`));

/** Accounts with their balances; topping one up; opening a new one. */
export function accountsPanel({ api, changed, failed }: PanelContext, accounts: Account[]): HTMLElement {
  const account = h('select', { required: true }, accountOptions(accounts));
  const amount = moneyInput({ required: true, placeholder: '10.00' });
  const note = h('input', { type: 'text', maxlength: 500, placeholder: 'invoice 42' });
  const topUp = h('form', {
    class: 'inline-form', 'aria-label': 'Add credits',
    onsubmit: async (event: Event) => {
      event.preventDefault();
      try {
        const updated = await api.send<Account>('POST', `/v1/admin/accounts/${encodeURIComponent(account.value)}/credits`, { amount_usd: Number(amount.value), ...(note.value && { note: note.value }) });
        await changed(`${updated.name}: ${usd(Number(amount.value))} added, ${usd(updated.balance_usd)} available.`);
      } catch (error) {
        failed(errorText(error));
      }
    },
  }, h('h3', null, 'Add credits'), field('Account', account), field('Amount, USD (negative deducts)', amount), field('Note', note),
  h('button', { type: 'submit', class: 'primary' }, 'Add credits'));

  const name = h('input', { type: 'text', required: true, maxlength: 100 });
  const opening = moneyInput({ min: 0, placeholder: '0' });
  const create = h('form', {
    class: 'inline-form', 'aria-label': 'New account',
    onsubmit: async (event: Event) => {
      event.preventDefault();
      try {
        const created = await api.send<Account>('POST', '/v1/admin/accounts', { name: name.value, ...(opening.value && { balance_usd: Number(opening.value) }) });
        await changed(`Account ${created.name} opened with ${usd(created.balance_usd)}.`);
      } catch (error) {
        failed(errorText(error));
      }
    },
  }, h('h3', null, 'New account'), field('Name', name), field('Opening balance, USD', opening),
  h('button', { type: 'submit', class: 'secondary' }, 'Open account'));

  return h('section', { class: 'card' },
    h('h2', null, 'Accounts'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data accounts-table' },
      tableHead(['Account', 'Available', 'Reserved', 'Deposited', 'Spent'], ['Available', 'Reserved', 'Deposited', 'Spent']),
      h('tbody', null, accounts.length ? accounts.map((a) => h('tr', { 'data-account': a.id },
        h('td', { 'data-label': 'Account' }, h('strong', null, a.name), h('div', null, h('code', { class: 'muted' }, a.id))),
        h('td', { 'data-label': 'Available', class: 'number balance' }, usd(a.balance_usd)),
        h('td', { 'data-label': 'Reserved', class: 'number' }, usd(a.reserved_usd)),
        h('td', { 'data-label': 'Deposited', class: 'number' }, usd(a.deposits_usd)),
        h('td', { 'data-label': 'Spent', class: 'number' }, usd(a.charges_usd))))
        : h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No accounts yet.'))))),
    h('div', { class: 'forms' }, accounts.length ? topUp : null, create));
}
