import type { DayViews } from '../../../domain/ports/reach-store.ts';
import { html, type SafeHtml } from '../html.ts';

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 56;
const RIGHT = 12;
const TOP = 14;
const BOTTOM = 34;
/** Most labels under the chart's days: more would overlap at phone widths. */
const X_LABELS = 6;

/** A round step for about four grid lines up to `max` (1, 2, 2.5 or 5 times a power of ten). */
function gridStep(max: number): number {
  if (max <= 4) return 1;
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough;
  return Number.isInteger(step) ? step : Math.ceil(step);
}

function shortDay(day: string, withYear: boolean): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(`${day}T00:00:00Z`));
}

/** Indexes of the days labelled under the chart: the first, the last and a few evenly between. */
function labelledDays(count: number): number[] {
  if (count <= X_LABELS) return [...Array(count).keys()];
  const picked = new Set<number>();
  for (let i = 0; i < X_LABELS; i++) picked.add(Math.round((i * (count - 1)) / (X_LABELS - 1)));
  return [...picked];
}

/**
 * Views per day as a bar chart in inline SVG: axes with labels, one bar per day (its exact
 * figure in a tooltip), and a title and description that screen readers announce in place of
 * the drawing. The page gives the same figures as a table beside it.
 */
export function viewsChart(options: { id: string; days: DayViews[]; label: string }): SafeHtml {
  const { id, days, label } = options;
  const total = days.reduce((n, d) => n + d.views, 0);
  const busiest = days.reduce<DayViews | undefined>(
    (best, d) => (!best || d.views > best.views ? d : best),
    undefined,
  );
  const first = days[0]?.day ?? '';
  const last = days.at(-1)?.day ?? '';
  const spansYears = first.slice(0, 4) !== last.slice(0, 4);
  const max = Math.max(0, ...days.map((d) => d.views));
  const step = gridStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const band = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, band * (days.length > 60 ? 0.9 : 0.7));
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  const grid: number[] = [];
  for (let value = 0; value <= top; value += step) grid.push(value);
  const description =
    total === 0
      ? `No views from ${first} to ${last}.`
      : `${total.toLocaleString('en')} views from ${first} to ${last}; the most on ${busiest?.day} (${busiest?.views.toLocaleString('en')}).`;
  // The figure scrolls sideways on a phone: focusable, so a keyboard can scroll it too.
  return html`<figure class="reach-chart" tabindex="0" aria-label="${label} (chart)">
<svg role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${label}</title>
<desc id="${id}-desc">${description}</desc>
<g class="reach-chart__grid">${grid.map(
    (
      value,
    ) => html`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"></line>
<text x="${LEFT - 8}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${value.toLocaleString('en')}</text>`,
  )}</g>
<g class="reach-chart__bars">${days.map((d, i) => {
    const barTop = y(d.views);
    return html`<rect x="${(LEFT + i * band + (band - barWidth) / 2).toFixed(2)}" y="${barTop.toFixed(1)}" width="${barWidth.toFixed(2)}" height="${(TOP + plotHeight - barTop).toFixed(1)}"><title>${d.day}: ${d.views.toLocaleString('en')} ${d.views === 1 ? 'view' : 'views'}</title></rect>`;
  })}</g>
<line class="reach-chart__axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotHeight}" y2="${TOP + plotHeight}"></line>
<g class="reach-chart__days">${labelledDays(days.length).map((i) => {
    const day = days[i]?.day ?? '';
    const x = LEFT + i * band + band / 2;
    const anchor =
      i === 0 && days.length > 1 ? 'start' : i === days.length - 1 && days.length > 1 ? 'end' : 'middle';
    const shifted = anchor === 'start' ? x - band / 2 : anchor === 'end' ? x + band / 2 : x;
    return html`<text x="${shifted.toFixed(1)}" y="${HEIGHT - 12}" text-anchor="${anchor}">${shortDay(day, spansYears)}</text>`;
  })}</g>
${total === 0 ? html`<text class="reach-chart__none" x="${LEFT + plotWidth / 2}" y="${TOP + plotHeight / 2}" text-anchor="middle">No views in this period</text>` : ''}
</svg>
</figure>`;
}
