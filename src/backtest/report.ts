/**
 * `report.html`: one self-contained page (no network at view time) with the summary's
 * tables and charts: PnL and inventory over time, each market's fills on the YES price, the
 * per-market table, and for a sweep the table of every set and a heat map of net PnL. The
 * charts are uPlot's, its script and styles inlined; the data is embedded as JSON.
 *
 * Series are thinned to a bounded number of points per set so a long run or a large sweep
 * still makes a page a browser opens quickly; the summary's figures are computed on the
 * full series.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { JobResult, Series } from './run.js';
import { ESTIMATE_NOTE, type SetResult, type SummaryJson } from './summary.js';

const require = createRequire(import.meta.url);

/** Most samples and fills drawn per set: a single run, and each set of a sweep. */
const POINTS_SINGLE = 2000;
const POINTS_SWEEP = 400;
const FILLS_PER_MARKET = 5000;

interface ChartSeries {
  readonly t: number[];
  readonly net: number[];
  readonly realized: number[];
  readonly markets: Record<string, { position: number[]; yesBid: Array<number | null>; yesAsk: Array<number | null> }>;
  /** per market: [ms, YES price, +1 long YES / -1 long NO, contracts] */
  readonly fills: Record<string, Array<[number, number, number, number]>>;
}

function stride(length: number, limit: number): number[] {
  if (length <= limit) return Array.from({ length }, (_, index) => index);
  const picked: number[] = [];
  for (let i = 0; i < limit - 1; i++) picked.push(Math.floor((i * (length - 1)) / (limit - 1)));
  picked.push(length - 1);
  return [...new Set(picked)];
}

/** The set's jobs as one series: recordings one after the other, net PnL carried over. */
export function chartSeries(jobs: readonly JobResult[], limit: number): ChartSeries {
  const out: ChartSeries = { t: [], net: [], realized: [], markets: {}, fills: {} };
  let offsetNet = 0;
  let offsetRealized = 0;
  const tickers = [...new Set(jobs.flatMap((job) => job.tickers))].sort();
  for (const ticker of tickers) {
    out.markets[ticker] = { position: [], yesBid: [], yesAsk: [] };
    out.fills[ticker] = [];
  }
  const perJob = Math.max(2, Math.floor(limit / Math.max(1, jobs.length)));
  for (const job of jobs) {
    const series: Series = job.series;
    for (const index of stride(series.t.length, perJob)) {
      out.t.push(series.t[index]!);
      out.net.push((offsetNet + series.netMicros[index]!) / 1e6);
      out.realized.push((offsetRealized + series.realizedMicros[index]!) / 1e6);
      for (const ticker of tickers) {
        const column = series.markets[ticker];
        const target = out.markets[ticker]!;
        target.position.push(column ? column.position[index]! / 100 : 0);
        target.yesBid.push(column ? column.yesBid[index]! : null);
        target.yesAsk.push(column ? column.yesAsk[index]! : null);
      }
    }
    offsetNet += series.netMicros.at(-1) ?? 0;
    offsetRealized += series.realizedMicros.at(-1) ?? 0;
    for (const fill of job.fills) {
      const yesPrice = fill.side === 'yes' ? fill.price : 100 - fill.price;
      const longYes = (fill.side === 'yes') === (fill.action === 'buy');
      out.fills[fill.ticker]?.push([fill.tsMs, yesPrice, longYes ? 1 : -1, fill.count / 100]);
    }
  }
  for (const ticker of tickers) {
    const fills = out.fills[ticker]!;
    if (fills.length > FILLS_PER_MARKET) out.fills[ticker] = stride(fills.length, FILLS_PER_MARKET).map((index) => fills[index]!);
  }
  return out;
}

/** The set with the highest net PnL (the first on a tie). */
export function bestSet(summary: SummaryJson): number {
  let best = 0;
  summary.sets.forEach((set, index) => {
    if (Number(set.total.net) > Number(summary.sets[best]!.total.net)) best = index;
  });
  return best;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script or style to inline; one that would end its element early is refused. */
function asset(path: string | URL): string {
  const text = readFileSync(path, 'utf8');
  if (/<\/(script|style)/i.test(text)) throw new Error(`${String(path)} cannot be inlined: it contains a closing script or style tag`);
  return text;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.estimate { border: 2px solid #c77d00; background: #fff6e0; padding: 8px 12px; margin: 8px 0 16px; max-width: 1100px; }
.estimate strong { color: #8a5300; }
table { border-collapse: collapse; margin: 4px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: 600; border-top: 2px solid #999; }
table.sweep tbody tr, table.heat td { cursor: pointer; }
table.sweep tr.best td { font-weight: 600; }
table.heat td { min-width: 70px; text-align: center; }
.chart { margin: 8px 0 16px; }
.meta { color: #555; }
`;

export function renderReport(summary: SummaryJson, sets: readonly SetResult[]): string {
  const sweep = summary.sets.length > 1;
  const limit = sweep ? POINTS_SWEEP : POINTS_SINGLE;
  const series = Object.fromEntries(sets.map((set) => [String(set.index), chartSeries(set.jobs, limit)]));
  const payload = { swept: summary.swept, sets: summary.sets, best: bestSet(summary), series };
  const uplotScript = asset(require.resolve('uplot/dist/uPlot.iife.min.js'));
  const uplotStyle = asset(require.resolve('uplot/dist/uPlot.min.css'));
  const pageScript = asset(new URL('./report-page.js', import.meta.url));
  const recordings = summary.recordings
    .map(
      (recording) =>
        `<li>${escapeHtml(recording.path)}: session ${escapeHtml(recording.session)}, ${recording.tickers.length} markets, ${escapeHtml(recording.first_ts ?? '?')} to ${escapeHtml(recording.last_ts ?? '?')}, ${recording.frames} frames${recording.frames_lost > 0 ? `, ${recording.frames_lost} lost in the recording` : ''}${recording.truncated ? ', cut off' : ''}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kalshi-mm backtest${sweep ? ` (sweep of ${summary.sets.length})` : ''}</title>
<style>${uplotStyle}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>kalshi-mm backtest</h1>
<div class="estimate" id="estimate"><strong>Estimate.</strong> ${escapeHtml(ESTIMATE_NOTE)}</div>
<p class="meta">Recordings:</p>
<ul class="meta">
${recordings}
</ul>
<div id="sweep"></div>
<div id="set"></div>
<script type="application/json" id="backtest-data">${scriptJson(payload)}</script>
<script>${uplotScript}</script>
<script>${pageScript}</script>
</body>
</html>
`;
}
