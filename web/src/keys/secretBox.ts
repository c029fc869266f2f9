import { h } from '../dom.js';

/** A new key's secret, shown once, with a copy button; the server keeps only its hash. */
export function secretBox(name: string, secret: string, onDone: () => void): HTMLElement {
  const code = h('code', { class: 'secret', 'data-testid': 'new-key' }, secret);
  const copy = h('button', { type: 'button', class: 'primary' }, 'Copy key');
  const copied = h('span', { role: 'status', class: 'hint' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copied.textContent = 'Copied to the clipboard.';
    } catch {
      // Without clipboard access, select the text so Ctrl+C works.
      getSelection()?.selectAllChildren(code);
      copied.textContent = 'Select and copy it by hand (Ctrl+C): the clipboard is not available here.';
    }
  });
  const done = h('button', { type: 'button', class: 'secondary', onclick: onDone }, 'Done');
  const box = h('section', { class: 'secret-box', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title', tabindex: -1 }, `Key "${name}" created`),
    h('p', null, 'Copy it now: it is shown only this once.'),
    code,
    h('div', { class: 'actions' }, copy, done, copied));
  return box;
}
