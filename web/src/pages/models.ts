import { capabilityBadges } from '../badges.js';
import { errorText, field, fill, h, statusLine, tableHead } from '../dom.js';
import { price } from '../format.js';
import type { Model } from '../types.js';
import type { Page, PageContext } from './page.js';

const SORTS = [
  ['popularity', 'Popularity'],
  ['price', 'Price, cheapest first'],
  ['date', 'Release date, newest first'],
] as const;

/** The catalog as a table: the server sorts (popularity needs its usage counts), the page filters. */
export function modelsPage({ api }: PageContext): Page {
  const search = h('input', { type: 'search', autocomplete: 'off' });
  const provider = h('select', null, h('option', { value: '' }, 'Any provider'));
  const sort = h('select', null, SORTS.map(([value, label]) => h('option', { value }, label)));
  const flags = {
    edit: h('input', { type: 'checkbox' }),
    mask: h('input', { type: 'checkbox' }),
    free: h('input', { type: 'checkbox' }),
    available: h('input', { type: 'checkbox' }),
  };
  const flagLabels: Record<keyof typeof flags, string> = { edit: 'Edits images', mask: 'Takes a mask', free: 'Free', available: 'Available now' };
  const count = h('p', { class: 'count', role: 'status' });
  const body = h('tbody');
  const problem = statusLine('alert');
  let models: Model[] = [];

  const matches = (model: Model) => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const text = `${model.id} ${model.name} ${model.aliases.join(' ')}`.toLowerCase();
    return words.every((w) => text.includes(w))
      && (!provider.value || model.providers.some((o) => o.id === provider.value))
      && (!flags.edit.checked || model.supported_params.edit)
      && (!flags.mask.checked || model.supported_params.mask)
      && (!flags.free.checked || model.free)
      && (!flags.available.checked || model.available);
  };

  const row = (model: Model) => h('tr', { 'data-model': model.id },
    h('td', { 'data-label': 'Model' }, h('strong', { class: 'model-id' }, model.id), h('div', { class: 'muted' }, model.name)),
    h('td', { 'data-label': 'Providers' }, h('ul', { class: 'offers' }, model.providers.map((o) =>
      h('li', { class: o.available ? '' : 'muted' }, h('span', { class: 'offer-id' }, o.id), ' ', price(o.pricing))))),
    h('td', { 'data-label': 'Can do' }, capabilityBadges(model)),
    h('td', { 'data-label': 'Sizes' }, model.sizes.length <= 4 ? model.sizes.join(', ') : `${model.sizes.length} sizes`),
    h('td', { 'data-label': 'Released' }, h('time', { datetime: model.release_date }, model.release_date)),
    h('td', { 'data-label': '' }, h('a', { class: 'button secondary small', href: `/?model=${encodeURIComponent(model.id)}` },
      'Try', h('span', { class: 'visually-hidden' }, ` ${model.id}`))));

  const render = () => {
    const shown = models.filter(matches);
    count.textContent = `${shown.length} of ${models.length} models`;
    fill(body, shown.length ? shown.map(row) : h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No model matches these filters.')));
  };

  const load = async () => {
    try {
      models = Object.values(await api.get<Record<string, Model>>(`/v1/models?limit=1000&sort=${sort.value}`));
      const providers = [...new Set(models.flatMap((m) => m.providers.map((o) => o.id)))].sort();
      if (provider.options.length === 1) provider.append(...providers.map((p) => h('option', { value: p }, p)));
      problem.clear();
      render();
    } catch (error) {
      problem.show(`Could not load the models: ${errorText(error)}`);
    }
  };

  search.addEventListener('input', render);
  provider.addEventListener('change', render);
  sort.addEventListener('change', load);
  for (const box of Object.values(flags)) box.addEventListener('change', render);

  const element = h('div', { class: 'page models' },
    h('h1', { tabindex: -1 }, 'Models'),
    h('form', { class: 'filters', 'aria-label': 'Filter models', onsubmit: (e: Event) => e.preventDefault() },
      field('Search', search), field('Provider', provider), field('Sort by', sort),
      h('fieldset', { class: 'checks' }, h('legend', null, 'Only models that'),
        (Object.keys(flags) as Array<keyof typeof flags>).map((key) => h('label', { class: 'check' }, flags[key], flagLabels[key])))),
    count,
    problem.element,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data models-table' },
      h('caption', { class: 'visually-hidden' }, 'Image models'),
      tableHead(['Model', 'Providers and prices', 'Can do', 'Sizes', 'Released', '']),
      body)));
  void load();
  return { element };
}
