import { errorText, fill, h, tableHead } from '../dom.js';
import { usd } from '../format.js';
import type { PageContext } from '../pages/page.js';
import type { AuthTest, Credits } from '../types.js';
import { limitsSummary, stats } from './stats.js';

/** A user key's view: its account's balance and each of the account's keys' spend. */
export function ownCredits({ api, session }: PageContext): HTMLElement {
  const slot = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  void (async () => {
    try {
      const [credits, self] = await Promise.all([
        api.get<Credits>('/v1/credits?by_api_key=true'),
        api.send<AuthTest>('POST', '/v1/auth/test'),
      ]);
      const me = self.admin ? null : self.key;
      fill(slot,
        h('section', { class: 'card' }, h('h2', null, 'Account balance'),
          stats([
            ['Available', usd(credits.remaining_credits)],
            ['Spent', usd(credits.credit_usage)],
            ['Deposited', usd(credits.total_deposits)],
            ['Reserved now', usd(credits.reserved_credits)],
          ])),
        me && h('section', { class: 'card' }, h('h2', null, 'This key'),
          h('p', null, h('strong', null, me.name), ` (${me.hint}…) · spent ${usd(me.spent_usd)} · ${limitsSummary(me)}`)),
        h('section', null, h('h2', null, 'Keys of this account'),
          h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
            tableHead(['Name', 'Key', 'Status', 'Spent'], ['Spent']),
            h('tbody', null, (credits.by_api_key ?? []).map((k) => h('tr', null,
              h('td', { 'data-label': 'Name' }, k.name, k.id === session.keyId && [' ', h('span', { class: 'badge available' }, 'this key')]),
              h('td', { 'data-label': 'Key' }, h('code', null, `${k.hint}…`)),
              h('td', { 'data-label': 'Status' }, h('span', { class: `status ${k.revoked ? 'error' : 'ok'}` }, k.revoked ? 'revoked' : 'active')),
              h('td', { 'data-label': 'Spent', class: 'number' }, usd(k.credit_usage))))))),
          h('p', { class: 'hint' }, 'Keys are created, limited and revoked by the operator with the admin key; the API has no self-service key route.')));
    } catch (error) {
      fill(slot, h('p', { class: 'message error', role: 'alert' }, errorText(error)));
    }
  })();
  return slot;
}
