import { h } from '../dom.js';
import { runFor } from '../sessionImages.js';
import type { UsageRecord } from '../types.js';

/**
 * Hosted outputs are at /storage/{id}.{ext}, but a record keeps the id without the extension. webp
 * is the default output format, so it is tried first, then png and jpg; what worked (or that all
 * failed: expired or deleted) is remembered for the tab, so each image costs one request next time.
 */
const EXTENSIONS = ['webp', 'png', 'jpg'];
const CACHE_KEY = 'pixelrouter.thumbs';
/** Enough to recognise a record's images without loading ten of them. */
const MAX_THUMBS = 4;

const cache: Record<string, string> = JSON.parse(sessionStorage.getItem(CACHE_KEY) ?? '{}') as Record<string, string>;
const remember = (id: string, outcome: string) => {
  cache[id] = outcome;
  sessionStorage.setItem(CACHE_KEY, JSON.stringify(cache));
};

function hostedThumb(id: string, index: number): HTMLElement {
  const gone = () => h('span', { class: 'thumb-gone', title: `Output ${id}: expired or deleted` }, `${id.slice(0, 8)}… gone`);
  if (cache[id] === 'gone') return gone();
  const tries = cache[id] ? [cache[id]!] : EXTENSIONS;
  let attempt = 0;
  const src = () => `/storage/${id}.${tries[attempt]}`;
  const image = h('img', { src: src(), alt: `Output ${index + 1}`, loading: 'lazy', width: 56, height: 56 });
  const link = h('a', { href: src(), target: '_blank', rel: 'noopener', class: 'usage-thumb' }, image);
  image.addEventListener('load', () => remember(id, tries[attempt]!));
  image.addEventListener('error', () => {
    attempt++;
    if (attempt < tries.length) {
      image.src = link.href = src();
    } else {
      remember(id, 'gone');
      link.replaceWith(gone());
    }
  });
  return link;
}

/** A record's images: this tab's own generations, then hosted outputs while they exist, else words. */
export function thumbnails(record: UsageRecord): HTMLElement {
  const run = runFor(record);
  if (run) {
    return h('div', { class: 'usage-thumbs' }, run.urls.slice(0, MAX_THUMBS).map((url, i) =>
      h('a', { href: url, target: '_blank', rel: 'noopener', class: 'usage-thumb' },
        h('img', { src: url, alt: `Output ${i + 1} (generated in this tab)`, width: 56, height: 56 }))));
  }
  if (record.output_ids.length) {
    const more = record.output_ids.length - MAX_THUMBS;
    return h('div', { class: 'usage-thumbs' }, record.output_ids.slice(0, MAX_THUMBS).map(hostedThumb), more > 0 && h('span', { class: 'muted' }, `+${more}`));
  }
  const why = record.images === 0 ? '—'
    : record.response_format === 'url' ? 'deleted'
    : 'not hosted'; // b64_json answers carried the images; nothing was stored
  return h('span', { class: 'muted' }, why);
}
