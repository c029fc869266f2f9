import { errorText, fill, h, statusLine, tableHead } from '../dom.js';
import { dateTime, duration, localDay, usd } from '../format.js';
import type { UsagePage, UsageRecord } from '../types.js';
import { spendChart } from '../usage/spendChart.js';
import { thumbnails } from '../usage/thumbnails.js';
import type { Page, PageContext } from './page.js';

const CHART_DAYS = 14;
const PAGE_SIZE = 50;
/** The chart reads at most this many pages of 500 records. */
const CHART_PAGES = 6;

/** The caller's usage records (the admin key: everyone's), a spend chart, and forgetting content. */
export function usagePage({ api, session }: PageContext): Page {
  const chart = h('div', { class: 'chart-slot' }, h('p', { class: 'muted' }, 'Loading…'));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load older records');
  const problem = statusLine('alert');
  const done = statusLine('status');
  let cursor: string | null = null;

  async function forget(record: UsageRecord, button: HTMLButtonElement) {
    if (!window.confirm('Delete this record\'s prompt and images? The record and its cost stay.')) return;
    button.disabled = true;
    try {
      const result = await api.send<{ images_deleted: number }>('DELETE', `/v1/usage/${encodeURIComponent(record.id)}/content`);
      const updated = { ...record, prompt: null, output_ids: [] };
      button.closest('tr')!.replaceWith(row(updated));
      done.show(`Deleted the prompt and ${result.images_deleted} hosted image(s).`);
    } catch (error) {
      button.disabled = false;
      problem.show(errorText(error));
    }
  }

  function row(record: UsageRecord): HTMLTableRowElement {
    const failed = record.status !== 'success';
    const hasContent = record.prompt !== null || record.output_ids.length > 0;
    const button = h('button', { type: 'button', class: 'secondary small danger', disabled: !hasContent }, hasContent ? 'Delete content' : 'Content deleted');
    button.addEventListener('click', () => forget(record, button));
    return h('tr', { 'data-record': record.id },
      h('td', { 'data-label': 'Time' }, h('time', { datetime: record.created_at }, dateTime(record.created_at))),
      h('td', { 'data-label': 'Model' }, h('span', { class: 'model-id' }, record.model), h('div', { class: 'muted' }, record.provider ?? 'no provider')),
      h('td', { 'data-label': 'Status' }, h('span', { class: `status ${failed ? 'error' : 'ok'}` }, failed ? `${record.http_status} ${record.error_code ?? record.status}` : 'success')),
      h('td', { 'data-label': 'Cost', class: 'number' }, usd(record.cost)),
      h('td', { 'data-label': 'Latency', class: 'number' }, duration(record.latency_ms)),
      h('td', { 'data-label': 'Images' }, thumbnails(record)),
      h('td', { 'data-label': 'Prompt', class: 'prompt' }, record.prompt === null ? h('span', { class: 'muted' }, '—') : h('div', { class: 'clamp', title: record.prompt }, record.prompt)),
      h('td', { 'data-label': '' }, button));
  }

  async function loadRecords(reset: boolean) {
    try {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (!reset && cursor) query.set('cursor', cursor);
      const page = await api.get<UsagePage>(`/v1/usage?${query}`);
      if (reset) body.replaceChildren();
      body.append(...page.data.map(row));
      if (reset && page.data.length === 0) body.append(h('tr', null, h('td', { colspan: 8, class: 'muted' }, 'No requests yet: try the Playground.')));
      cursor = page.next_cursor;
      more.hidden = !page.has_more;
    } catch (error) {
      problem.show(`Could not load usage: ${errorText(error)}`);
    }
  }

  async function loadChart() {
    const today = new Date();
    const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (CHART_DAYS - 1));
    const records: UsageRecord[] = [];
    let next: string | null = null;
    try {
      for (let page = 0; page < CHART_PAGES; page++) {
        const query = new URLSearchParams({ limit: '500', from: from.toISOString() });
        if (next) query.set('cursor', next);
        const result: UsagePage = await api.get<UsagePage>(`/v1/usage?${query}`);
        records.push(...result.data);
        next = result.next_cursor;
        if (!result.has_more) break;
      }
      fill(chart, spendChart(records, CHART_DAYS));
      if (next) chart.append(h('p', { class: 'hint' }, `Only the latest ${records.length} records since ${localDay(from)} are drawn.`));
    } catch (error) {
      fill(chart, h('p', { class: 'message error' }, `Could not load the chart: ${errorText(error)}`));
    }
  }

  const refresh = () => {
    problem.clear();
    done.clear();
    void loadRecords(true);
    void loadChart();
  };
  more.addEventListener('click', () => loadRecords(false));

  const element = h('div', { class: 'page usage' },
    h('div', { class: 'page-head' },
      h('h1', { tabindex: -1 }, 'Usage'),
      h('button', { type: 'button', class: 'secondary', onclick: refresh }, 'Refresh')),
    h('p', { class: 'muted' }, session.admin ? 'Every account\'s requests (admin key).' : 'Requests made with keys of your account.'),
    h('section', { class: 'card' }, h('h2', null, `Spend per day by model, last ${CHART_DAYS} days`), chart),
    problem.element, done.element,
    h('section', null, h('h2', null, 'Requests'),
      h('p', { class: 'hint' }, 'Images show while they exist: this tab\'s own generations, and hosted (url) outputs until their links expire.'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data usage-table' },
        h('caption', { class: 'visually-hidden' }, 'Usage records, newest first'),
        tableHead(['Time', 'Model', 'Status', 'Cost', 'Latency', 'Images', 'Prompt', ''], ['Cost', 'Latency']),
        body)),
      more));
  refresh();
  return { element };
}
