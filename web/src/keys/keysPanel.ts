import { errorText, field, h, tableHead } from '../dom.js';
import { usd } from '../format.js';
import type { Account, KeyInfo } from '../types.js';
import type { PanelContext } from './accountsPanel.js';
import { limitFields, limitsBody } from './inputs.js';
import { limitFieldset } from './limitFieldset.js';
import { openLimitsDialog } from './limitsDialog.js';
import { limitsSummary } from './stats.js';

function keyStatus(key: KeyInfo): [string, string] {
  if (key.revoked_at) return ['revoked', 'error'];
  if (!key.enabled) return ['disabled', 'warn'];
  if (key.expires_at && Date.parse(key.expires_at) <= Date.now()) return ['expired', 'warn'];
  return ['active', 'ok'];
}

/** Every key: create one (its secret shown once), set its limits, revoke it. */
export function keysPanel(panel: PanelContext & { created(name: string, secret: string): void }, keys: KeyInfo[], accounts: Account[]): HTMLElement {
  const { api, changed, failed } = panel;
  const accountName = new Map(accounts.map((a) => [a.id, a.name]));

  const name = h('input', { type: 'text', required: true, maxlength: 100, placeholder: 'acme-app' });
  const account = h('select', null, h('option', { value: '' }, 'A new, empty account'), accounts.map((a) => h('option', { value: a.id }, a.name)));
  const limits = limitFields();
  const create = h('form', {
    class: 'create-key', 'aria-label': 'Create a key',
    onsubmit: async (event: Event) => {
      event.preventDefault();
      // Only the limits that were filled in: an absent field means no limit.
      const settings = Object.fromEntries(Object.entries(limitsBody(limits)).filter(([, v]) => v !== null));
      try {
        const created = await api.send<KeyInfo & { key: string }>('POST', '/v1/admin/keys', { name: name.value, ...(account.value && { account_id: account.value }), ...settings });
        panel.created(created.name, created.key);
        await changed(`Key ${created.name} created.`);
      } catch (error) {
        failed(errorText(error));
      }
    },
  },
  h('h3', null, 'Create a key'),
  h('div', { class: 'grid-fields' }, field('Name', name), field('Account', account)),
  limitFieldset(limits),
  h('button', { type: 'submit', class: 'primary' }, 'Create key'));

  const revoke = async (key: KeyInfo) => {
    if (!window.confirm(`Revoke ${key.name} (${key.hint}…)? Requests with it get 401 from now on. This cannot be undone.`)) return;
    try {
      await api.send('DELETE', `/v1/admin/keys/${encodeURIComponent(key.id)}`);
      await changed(`Key ${key.name} revoked.`);
    } catch (error) {
      failed(errorText(error));
    }
  };

  const row = (key: KeyInfo) => {
    const [status, tone] = keyStatus(key);
    const edit = h('button', { type: 'button', class: 'secondary small' }, 'Limits', h('span', { class: 'visually-hidden' }, ` of ${key.name}`));
    edit.addEventListener('click', () => openLimitsDialog(api, key, (updated) => void changed(`Limits of ${updated.name} saved.`)));
    const revokeButton = h('button', { type: 'button', class: 'secondary small danger' }, 'Revoke', h('span', { class: 'visually-hidden' }, ` ${key.name}`));
    revokeButton.addEventListener('click', () => revoke(key));
    return h('tr', { 'data-key': key.id },
      h('td', { 'data-label': 'Key' }, h('strong', null, key.name), h('div', null, h('code', { class: 'muted' }, `${key.hint}…`))),
      h('td', { 'data-label': 'Account' }, accountName.get(key.account_id) ?? key.account_id),
      h('td', { 'data-label': 'Status' }, h('span', { class: `status ${tone}` }, status)),
      h('td', { 'data-label': 'Spent', class: 'number' }, usd(key.spent_usd)),
      h('td', { 'data-label': 'Limits', class: 'limits-cell' }, limitsSummary(key)),
      h('td', { 'data-label': '' }, key.revoked_at ? null : h('div', { class: 'row-actions' }, edit, revokeButton)));
  };

  return h('section', { class: 'card' },
    h('h2', null, 'Keys'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data keys-table' },
      tableHead(['Key', 'Account', 'Status', 'Spent', 'Limits', ''], ['Spent']),
      h('tbody', null, keys.length ? keys.map(row) : h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No keys yet.'))))),
    create);
}
