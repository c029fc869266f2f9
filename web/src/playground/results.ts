import { h } from '../dom.js';
import { duration, usd } from '../format.js';
import type { ImageResponse } from '../types.js';

const MIME: Record<string, string> = { webp: 'image/webp', png: 'image/png', jpeg: 'image/jpeg', jpg: 'image/jpeg' };

/** b64_json to a blob URL: lighter for the page than megabytes of data: URLs. */
export function imageUrl(b64: string, format: string): string {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: MIME[format] ?? 'application/octet-stream' }));
}

export interface ResultRun {
  body: ImageResponse;
  urls: string[];
  provider: string | null;
  model: string;
}

/** One answer: its images with download links, then what it cost, how long it took and any warnings. */
export function renderRun(run: ResultRun): HTMLElement {
  const { body, urls } = run;
  const extension = body.output_format === 'jpeg' ? 'jpg' : body.output_format;
  const stamp = new Date(body.created * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return h('section', { class: 'run', 'aria-label': 'Generated images' },
    h('dl', { class: 'run-meta' },
      h('div', null, h('dt', null, 'Cost'), h('dd', { 'data-testid': 'cost' }, usd(body.cost))),
      h('div', null, h('dt', null, 'Latency'), h('dd', null, duration(body.latency))),
      h('div', null, h('dt', null, 'Size'), h('dd', null, body.size)),
      h('div', null, h('dt', null, 'Model'), h('dd', null, run.model)),
      run.provider && h('div', null, h('dt', null, 'Provider'), h('dd', null, run.provider))),
    body.warnings?.length ? h('div', { class: 'warnings', role: 'note' },
      h('strong', null, 'Warnings'), h('ul', null, body.warnings.map((w) => h('li', null, w)))) : null,
    h('ul', { class: 'result-grid' }, urls.map((url, index) => h('li', { class: 'result' },
      h('a', { href: url, target: '_blank', rel: 'noopener' }, h('img', { src: url, alt: `Result ${index + 1} of ${urls.length}` })),
      h('a', { class: 'button secondary small', href: url, download: `pixelrouter-${stamp}-${index + 1}.${extension}` }, `Download ${index + 1}`),
      body.data[index]?.revised_prompt ? h('p', { class: 'hint' }, body.data[index]!.revised_prompt!) : null))));
}
