import { field, h } from '../dom.js';
import type { LimitFields } from './inputs.js';

/** The limit inputs, labelled, in a grid; empty fields mean "no limit". */
export const limitFieldset = (f: LimitFields, legend = 'Limits (empty = none)') => h('fieldset', { class: 'limits' },
  h('legend', null, legend),
  h('div', { class: 'grid-fields' },
    field('Spend limit, USD total', f.spend),
    field('Daily spend limit, USD', f.daily),
    field('Requests per minute', f.rpm),
    field('Requests at a time', f.concurrency),
    field('Allowed models', f.models, 'Patterns, comma-separated; * matches anything.'),
    field('Expires on (UTC)', f.expires)));
