import { createApi } from '../api.js';
import { errorText, field, h, statusLine } from '../dom.js';
import type { Session } from '../session.js';
import type { AuthTest } from '../types.js';

/** Checks a key with POST /v1/auth/test before keeping it; the answer says whether it is the admin key. */
export function signInPage(onSignedIn: (session: Session) => void, notice?: string): HTMLElement {
  const key = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'sk-pr-…', autofocus: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const problem = statusLine('alert');
  if (notice) problem.show(notice, 'info');
  const form = h('form', {
    class: 'sign-in card',
    onsubmit: async (event: Event) => {
      event.preventDefault();
      submit.disabled = true;
      problem.clear();
      try {
        const secret = key.value.trim();
        const { body } = await createApi(null).request<AuthTest>('/v1/auth/test', { method: 'POST', key: secret });
        onSignedIn(body.admin ? { key: secret, admin: true } : { key: secret, admin: false, keyId: body.key.id, keyName: body.key.name });
      } catch (error) {
        problem.show(errorText(error));
        submit.disabled = false;
        key.select();
      }
    },
  },
  h('h1', { tabindex: -1 }, 'Sign in'),
  h('p', { class: 'muted' }, 'Use an API key of this server. It stays in this tab only (sessionStorage) and is sent to this server alone.'),
  field('API key', key),
  submit,
  problem.element);
  return h('main', { class: 'sign-in-page', id: 'main' },
    h('div', { class: 'brand big' }, h('img', { src: '/favicon.svg', alt: '', width: 40, height: 40 }), 'pixelrouter'),
    form);
}
