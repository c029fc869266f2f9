import { capabilityBadges } from '../badges.js';
import { h, uid } from '../dom.js';
import { modelPrice } from '../format.js';
import type { Model } from '../types.js';

/**
 * Native radio buttons in a fieldset, filtered by a search box: arrow keys move between models,
 * screen readers say "Model, radio, 3 of 40", and no widget code is needed for that.
 */
export class ModelPicker {
  readonly element: HTMLFieldSetElement;
  private models: Model[] = [];
  private readonly list = h('div', { class: 'picker-list' });
  private readonly search = h('input', { type: 'search', placeholder: 'Search models', autocomplete: 'off', 'aria-label': 'Search models' });
  private readonly empty = h('p', { class: 'muted', hidden: true }, 'No model matches.');
  private readonly chosen = h('p', { class: 'picker-chosen', 'aria-live': 'polite' });
  private readonly name = uid('model');
  private listeners: Array<(model: Model | undefined) => void> = [];

  constructor() {
    this.search.addEventListener('input', () => this.filter());
    this.element = h('fieldset', { class: 'picker' }, h('legend', null, 'Model'), this.search, this.chosen, this.list, this.empty);
    this.list.append(h('p', { class: 'muted' }, 'Loading models…'));
  }

  setModels(models: Model[], preferred?: string) {
    this.models = models;
    const current = this.selected()?.id;
    this.list.replaceChildren(...models.map((model) => this.option(model)));
    this.select(preferred ?? current ?? models.find((m) => m.id === 'test/test')?.id ?? models.find((m) => m.available)?.id ?? models[0]?.id);
    this.filter();
  }

  selected(): Model | undefined {
    const input = this.list.querySelector<HTMLInputElement>('input:checked');
    return this.models.find((m) => m.id === input?.value);
  }

  /** Selects a model by id or alias; returns whether it exists. */
  select(id: string | undefined): boolean {
    const model = this.models.find((m) => m.id === id || m.aliases.includes(id ?? ''));
    const input = model && this.list.querySelector<HTMLInputElement>(`input[value="${CSS.escape(model.id)}"]`);
    if (!input) return false;
    input.checked = true;
    this.changed();
    return true;
  }

  onChange(listener: (model: Model | undefined) => void) {
    this.listeners.push(listener);
  }

  private option(model: Model) {
    const input = h('input', { type: 'radio', name: this.name, value: model.id, onchange: () => this.changed() });
    return h('label', { class: 'picker-option', 'data-model': model.id },
      input,
      h('span', { class: 'picker-text' },
        h('span', { class: 'picker-id' }, model.id),
        h('span', { class: 'picker-meta' }, capabilityBadges(model), h('span', { class: 'price' }, modelPrice(model)))),
    );
  }

  private filter() {
    const words = this.search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const option of this.list.querySelectorAll<HTMLLabelElement>('.picker-option')) {
      const model = this.models.find((m) => m.id === option.dataset.model)!;
      const text = `${model.id} ${model.name} ${model.aliases.join(' ')} ${model.providers.map((p) => p.id).join(' ')}`.toLowerCase();
      option.hidden = !words.every((word) => text.includes(word));
      if (!option.hidden) shown++;
    }
    this.empty.hidden = shown > 0 || this.models.length === 0;
  }

  private changed() {
    const model = this.selected();
    this.chosen.textContent = model ? `Selected: ${model.name} · ${modelPrice(model)}` : 'No model selected';
    for (const listener of this.listeners) listener(model);
  }
}
