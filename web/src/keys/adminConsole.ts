import { errorText, fill, h, statusLine } from '../dom.js';
import type { PageContext } from '../pages/page.js';
import type { Account, KeyInfo } from '../types.js';
import { accountsPanel } from './accountsPanel.js';
import { keysPanel } from './keysPanel.js';
import { secretBox } from './secretBox.js';

/** The admin key's view: accounts and keys, reloaded after every change. */
export function adminConsole({ api }: PageContext): HTMLElement {
  const secretSlot = h('div');
  const content = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const done = statusLine('status');
  const problem = statusLine('alert');

  const panel = {
    api,
    async changed(message: string) {
      problem.clear();
      await load();
      done.show(message);
      // The forms were redrawn: without this, keyboard focus would fall back to the top of the page.
      if (!content.contains(document.activeElement) && !secretSlot.contains(document.activeElement)) done.element.focus();
    },
    failed(message: string) {
      done.clear();
      problem.show(message);
    },
    created(name: string, secret: string) {
      fill(secretSlot, secretBox(name, secret, () => secretSlot.replaceChildren()));
      secretSlot.querySelector<HTMLElement>('h2')?.focus();
    },
  };

  async function load() {
    try {
      const [accounts, keys] = await Promise.all([
        api.get<{ data: Account[] }>('/v1/admin/accounts'),
        api.get<{ data: KeyInfo[] }>('/v1/admin/keys'),
      ]);
      // Newest first: the key just made is at the top.
      const sorted = [...keys.data].sort((a, b) => Number(Boolean(a.revoked_at)) - Number(Boolean(b.revoked_at)) || b.created_at.localeCompare(a.created_at));
      fill(content, accountsPanel(panel, accounts.data), keysPanel(panel, sorted, accounts.data));
    } catch (error) {
      problem.show(errorText(error));
    }
  }
  void load();
  return h('div', null, done.element, problem.element, secretSlot, content);
}
