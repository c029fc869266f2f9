import { h } from '../dom.js';
import { adminConsole } from '../keys/adminConsole.js';
import { ownCredits } from '../keys/ownCredits.js';
import type { Page, PageContext } from './page.js';

/** Credits and keys: an account's own view for a user key, accounts and keys for the admin key. */
export function keysPage(context: PageContext): Page {
  const admin = context.session.admin;
  return {
    element: h('div', { class: 'page keys' },
      h('h1', { tabindex: -1 }, admin ? 'Accounts and keys' : 'Credits and keys'),
      admin ? adminConsole(context) : ownCredits(context)),
  };
}
