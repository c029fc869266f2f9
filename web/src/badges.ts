import { h } from './dom.js';
import type { Model } from './types.js';

/** What a model can do, as words (not colour alone): edit, mask, free, available. */
export function capabilityBadges(model: Model): HTMLElement {
  const badge = (text: string, kind: string, title: string) => h('span', { class: `badge ${kind}`, title }, text);
  return h('span', { class: 'badges' },
    model.supported_params.edit && badge('edit', 'edit', 'Takes input images'),
    model.supported_params.mask && badge('mask', 'mask', 'Takes a mask'),
    model.free && badge('free', 'free', 'Costs nothing'),
    model.available ? badge('available', 'available', 'A provider is configured') : badge('unavailable', 'unavailable', 'No provider is configured for it'),
  );
}
