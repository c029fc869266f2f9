import type { Api } from '../api.js';
import { errorText, field, h, statusLine } from '../dom.js';
import type { KeyInfo } from '../types.js';
import { limitFields, limitsBody } from './inputs.js';
import { limitFieldset } from './limitFieldset.js';

/**
 * Edits a key's name, enabled flag and limits in a modal <dialog>: the browser keeps focus inside,
 * Escape closes it and focus returns to the button that opened it.
 */
export function openLimitsDialog(api: Api, key: KeyInfo, onSaved: (key: KeyInfo) => void) {
  const name = h('input', { type: 'text', required: true, maxlength: 100, value: key.name });
  const enabled = h('input', { type: 'checkbox', checked: key.enabled });
  const limits = limitFields(key);
  const problem = statusLine('alert');
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'limits-title' });
  const close = () => dialog.close();
  dialog.addEventListener('close', () => dialog.remove());

  const form = h('form', {
    onsubmit: async (event: Event) => {
      event.preventDefault();
      save.disabled = true;
      try {
        const updated = await api.send<KeyInfo>('PATCH', `/v1/admin/keys/${encodeURIComponent(key.id)}`, { name: name.value, enabled: enabled.checked, ...limitsBody(limits) });
        close();
        onSaved(updated);
      } catch (error) {
        problem.show(errorText(error));
        save.disabled = false;
      }
    },
  },
  h('h2', { id: 'limits-title' }, `Limits of ${key.name}`),
  h('p', { class: 'hint' }, h('code', null, `${key.hint}…`), ` · ${key.id}`),
  field('Name', name),
  h('label', { class: 'check' }, enabled, 'Enabled (a disabled key gets 401 until enabled again)'),
  limitFieldset(limits),
  problem.element,
  h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel')));
  dialog.append(form);
  document.body.append(dialog);
  dialog.showModal();
}
