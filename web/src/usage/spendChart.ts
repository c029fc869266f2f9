import { h, svg } from '../dom.js';
import { localDay, usd } from '../format.js';
import type { UsageRecord } from '../types.js';

const COLORS = ['#4f46e5', '#0891b2', '#d97706', '#db2777', '#16a34a', '#7c3aed', '#dc2626', '#64748b'];
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 28 };
/** Room a day label needs, in px; closer days share labels. */
const LABEL_SPACE = 46;

/** The last `days` local days, oldest first. */
function dayRange(days: number): string[] {
  const today = new Date();
  return Array.from({ length: days }, (_, i) => localDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1 - i))));
}

/** A round step for about four gridlines. */
function niceStep(max: number): number {
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  return ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
}

interface Series {
  range: string[];
  models: string[];
  /** day -> model -> USD */
  byDay: Map<string, Map<string, number>>;
  totals: Map<string, number>;
}

/** Sums spend per day and model; the models that cost the most get a colour, the rest share "other". */
function collect(records: UsageRecord[], days: number): Series {
  const range = dayRange(days);
  const spent = records.filter((r) => r.cost > 0 && range.includes(localDay(new Date(r.created_at))));
  const perModel = new Map<string, number>();
  for (const r of spent) perModel.set(r.model, (perModel.get(r.model) ?? 0) + r.cost);
  const ranked = [...perModel.keys()].sort((a, b) => perModel.get(b)! - perModel.get(a)!);
  const named = new Set(ranked.length <= COLORS.length ? ranked : ranked.slice(0, COLORS.length - 1));
  const byDay = new Map(range.map((day) => [day, new Map<string, number>()]));
  const totals = new Map<string, number>();
  for (const r of spent) {
    const model = named.has(r.model) ? r.model : 'other';
    const bucket = byDay.get(localDay(new Date(r.created_at)))!;
    bucket.set(model, (bucket.get(model) ?? 0) + r.cost);
    totals.set(model, (totals.get(model) ?? 0) + r.cost);
  }
  return { range, models: [...named, ...(named.size < ranked.length ? ['other'] : [])], byDay, totals };
}

/** Stacked bars drawn for the width at hand, so text stays readable from a phone to a wide screen. */
function draw(series: Series, width: number, color: (model: string) => string): SVGSVGElement {
  const { range, byDay } = series;
  const dayTotal = (day: string) => [...byDay.get(day)!.values()].reduce((a, b) => a + b, 0);
  const highest = Math.max(...range.map(dayTotal));
  const step = niceStep(highest);
  const top = step * Math.ceil(highest / step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const left = 10 + Math.max(...ticks.map((v) => usd(v).length)) * 7;
  const plotWidth = width - left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const y = (value: number) => PAD.top + plotHeight - (value / top) * plotHeight;
  const slot = plotWidth / range.length;
  const barWidth = Math.max(3, Math.min(48, slot * 0.62));
  const every = Math.ceil(LABEL_SPACE / slot);

  const grid = ticks.flatMap((value) => [
    svg('line', { x1: left, x2: width - PAD.right, y1: y(value), y2: y(value), class: 'grid' }),
    svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'axis' }, usd(value)),
  ]);
  const bars = range.flatMap((day, i) => {
    let base = 0;
    const x = left + i * slot + (slot - barWidth) / 2;
    return series.models.filter((m) => byDay.get(day)!.has(m)).map((model) => {
      const value = byDay.get(day)!.get(model)!;
      const rect = svg('rect', { x, y: y(base + value), width: barWidth, height: Math.max(1, y(base) - y(base + value)), fill: color(model), rx: 2 },
        svg('title', null, `${day} · ${model}: ${usd(value)}`));
      base += value;
      return rect;
    });
  });
  // Label today and every `every`-th day before it.
  const labels = range.map((day, i) => ((range.length - 1 - i) % every === 0
    ? svg('text', { x: left + i * slot + slot / 2, y: HEIGHT - 8, 'text-anchor': 'middle', class: 'axis' }, day.slice(5))
    : null));
  return svg('svg', { viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, class: 'spend-chart', 'aria-hidden': 'true' }, grid, bars, labels);
}

/** Spend per day over the last `days` days, stacked by model, as inline SVG (no chart library). */
export function spendChart(records: UsageRecord[], days = 14): HTMLElement {
  const series = collect(records, days);
  const total = [...series.totals.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return h('p', { class: 'empty-state' }, `No spend in the last ${days} days.`);
  const color = (model: string) => COLORS[series.models.indexOf(model)] ?? COLORS[COLORS.length - 1]!;
  const dayTotal = (day: string) => [...series.byDay.get(day)!.values()].reduce((a, b) => a + b, 0);
  const busiest = series.range.reduce((a, b) => (dayTotal(b) > dayTotal(a) ? b : a));
  const summary = `${usd(total)} over the last ${days} days; the most on ${busiest} (${usd(dayTotal(busiest))}).`;

  const plot = h('div', { class: 'chart-plot', role: 'img', 'aria-label': `Spend per day by model: ${summary}` });
  let drawnWidth = 0;
  const redraw = () => {
    const width = Math.floor(plot.clientWidth);
    if (width > 0 && width !== drawnWidth) {
      drawnWidth = width;
      plot.replaceChildren(draw(series, width, color));
    }
  };
  new ResizeObserver(redraw).observe(plot);
  return h('figure', { class: 'chart' }, plot,
    h('figcaption', null,
      h('ul', { class: 'legend' }, series.models.map((model) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.background = color(model); // CSSOM, which the page's CSP allows
        return h('li', null, swatch, `${model} ${usd(series.totals.get(model) ?? 0)}`);
      })),
      h('p', { class: 'hint' }, summary)));
}
