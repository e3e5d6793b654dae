/**
 * A load run as one self-contained HTML page for people: the verdict and its reason, the run's rates,
 * four charts — latency over time per outcome class, achieved against intended throughput over time,
 * the outcome classes over time, and the latency distribution by percentile on a log scale (decoded from
 * the report's HDR histograms) — then the table per operation and class, the SLOs and the audit when the
 * run has them, the comparison with a baseline when given, the phases, the generator's health and a few
 * samples. Charts are inline SVG (src/load/svg-chart.ts): they read without JavaScript, and the page has
 * none. Nothing loads from anywhere: a Content-Security-Policy as strict as the conformance report's
 * (src/report/render-html.ts) allows only the inline style sheet. It fits a phone's width (420 px): the
 * charts scale, the wide tables scroll inside their own box. Every text is escaped.
 */
import { escapeHtml } from '../report/escape.js';
import { sketchPercentileMs } from './artillery/sketch.js';
import { formatDuration } from '../report/text.js';
import { type BaselineComparison, type BaselineFinding, changeText, NOISE_TEXT, valueText } from './baseline.js';
import { percentilesOf } from './histograms.js';
import { countText, percentText, rateText, shareText } from './numbers.js';
import { ms } from './render.js';
import { capacityHtml } from './render-capacity.js';
import { type Axis, legend, type LineSeries, renderChart } from './svg-chart.js';
import {
  type AuditInvariantResult,
  type LatencySummary,
  type LoadResult,
  type LoadSeries,
  OUTCOME_CLASSES,
  type OperationResult,
  type OutcomeClass,
  type SeriesClass,
  type SloVerdict,
} from './types.js';
import { loadVerdict, sloReason } from './verdict.js';

/** Options of the HTML rendering. */
export interface LoadHtmlOptions {
  /** The comparison with a baseline run (`--baseline`). */
  readonly baseline?: BaselineComparison;
}

/** Nothing may load or run; the inline style sheet may apply. */
export const LOAD_HTML_CSP = `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`;

/** Curves of the percentile distribution at most (the operation and class pairs with the most answers). */
const MAX_CURVES = 8;
/** The percentile axis: 0 = 0 %, 1 = 90 %, 2 = 99 % … ("nines"); steps between points. */
const NINES_STEP = 0.05;
const NINES_MAX = 5;
/** Samples shown, characters of what each said. */
const SAID_CHARS = 500;

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --panel: #f6f8fa;
  --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --warn: #9a6700; --info: #0969da; --skip: #59636e;
  --c0: #0969da; --c1: #bf3989; --c2: #1a7f37; --c3: #bc4c00; --c4: #8250df; --c5: #1b7c83; --c6: #9a6700; --c7: #59636e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --panel: #151b23;
  --pass: #3fb950; --fail: #f85149; --error: #ab7df8; --warn: #d29922; --info: #4493f8; --skip: #9198a1;
  --c0: #4493f8; --c1: #db61a2; --c2: #3fb950; --c3: #f0883e; --c4: #ab7df8; --c5: #39c5cf; --c6: #d29922; --c7: #9198a1; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 0 0 12px; overflow-wrap: anywhere; } .meta code { color: var(--fg); }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); } .verdict.slo-missed, .verdict.invalid, .verdict.partial, .verdict.interrupted { background: var(--warn); }
.reason { margin: 0 0 12px; font-weight: 600; overflow-wrap: anywhere; }
.notes { margin: 0 0 12px; padding: 8px 12px; border: 1px dashed var(--warn); border-radius: 8px; } .notes p { margin: 0; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { min-width: 110px; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.card .n { display: block; font-size: 22px; font-weight: 600; } .card .l { color: var(--muted); }
figure { margin: 8px 0 16px; padding: 8px; border: 1px solid var(--line); border-radius: 8px; }
figcaption { color: var(--muted); font-size: 13px; margin: 4px 4px 0; }
.chart { display: block; width: 100%; height: auto; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .frame { stroke: var(--muted); stroke-width: 1; }
.chart text { font: 12px system-ui, -apple-system, "Segoe UI", sans-serif; }
td.class { white-space: nowrap; }
.chart .tick { fill: var(--muted); } .chart .axis { fill: var(--fg); }
.chart .line { fill: none; stroke: var(--c); stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.chart .line.dashed { stroke-dasharray: 6 4; stroke-width: 1.5; }
.chart .bar { fill: var(--c); stroke: none; opacity: 0.85; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 16px; margin: 0 4px 4px; padding: 0; list-style: none; font-size: 13px; }
.legend li { white-space: nowrap; } .swatch { display: inline-block; width: 18px; height: 4px; margin-right: 6px; vertical-align: middle; background: var(--c); }
.swatch.dashed { background: repeating-linear-gradient(90deg, var(--c) 0 5px, transparent 5px 8px); }
.k-success { --c: var(--pass); } .k-refusal { --c: var(--info); } .k-non-conformant { --c: var(--fail); } .k-transport { --c: var(--warn); } .k-unknown { --c: var(--error); }
.c0 { --c: var(--c0); } .c1 { --c: var(--c1); } .c2 { --c: var(--c2); } .c3 { --c: var(--c3); } .c4 { --c: var(--c4); } .c5 { --c: var(--c5); } .c6 { --c: var(--c6); } .c7 { --c: var(--c7); }
.intended { --c: var(--muted); }
.scroll { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin-top: 6px; min-width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); white-space: nowrap; } td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.wrap { overflow-wrap: anywhere; min-width: 12em; }
.s-pass { color: var(--pass); font-weight: 600; } .s-fail { color: var(--fail); font-weight: 600; } .s-warn { color: var(--warn); font-weight: 600; } .s-muted { color: var(--muted); }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { margin: 6px 0; padding: 8px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; word-break: break-all; max-height: 320px; overflow: auto; }
ul.plain { padding-left: 18px; } ul.plain li { overflow-wrap: anywhere; }
details > summary { cursor: pointer; }
@media (max-width: 720px) {
  body { padding: 12px; }
  .card { min-width: 0; flex: 1 1 40%; padding: 6px 10px; } .card .n { font-size: 18px; }
  figure { padding: 4px; }
  .chart text { font-size: 17px; }
}
`;

/** The run as one HTML document (see the module comment). */
export function renderLoadHtml(result: LoadResult, opts: LoadHtmlOptions = {}): string {
  // A capacity search's verdict is the search's (src/load/verdict.ts), not its held step's.
  const v = loadVerdict(result);
  const command = result.capacity ? 'promoproof load --find-capacity' : 'promoproof load';
  const t = result.totals;
  const byClass = (k: OutcomeClass) => Object.values(t.operations).reduce((s, o) => s + o.classes[k].count, 0);
  const answers = OUTCOME_CLASSES.reduce((s, k) => s + byClass(k), 0);
  const cards: [string, string, string][] = [
    ['sent', countText(t.sent), ''],
    ['intended /s', rateText(t.intendedRatePerS), ''],
    ['achieved /s', rateText(t.achievedRatePerS), t.intended > 0 && t.sent < t.intended * 0.99 ? 's-warn' : ''],
    ...OUTCOME_CLASSES.filter((k) => k === 'success' || k === 'refusal' || byClass(k) > 0).map((k): [string, string, string] => [
      k,
      countText(byClass(k)),
      k === 'success' ? 's-pass' : k === 'refusal' ? '' : 's-fail',
    ]),
  ];
  if (result.soldOut) cards.push(['sold out at', formatDuration(Math.max(0, result.soldOut.atMs)), '']);

  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${LOAD_HTML_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${command} ${escapeHtml(v.headline.toLowerCase())}: ${escapeHtml(result.profile.name)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${command} <span class="verdict ${v.status}">${escapeHtml(v.headline)}</span></h1>`,
    `<p class="reason">${escapeHtml(v.reason)}</p>`,
    `<p class="meta">profile <code>${escapeHtml(result.profile.name)}</code> (${escapeHtml(result.profile.title)}) · target <code>${escapeHtml(result.target.url)}</code>${result.target.embedded ? ' (embedded reference)' : ''}` +
      ` · ${result.model === 'open' ? 'open model: latency from the intended send instant' : 'closed model: latency from the actual send (hides stalls)'}` +
      ` · ${escapeHtml(formatDuration(result.durationMs))} from ${escapeHtml(result.startedAt)} · stopped: ${escapeHtml(result.stoppedBy)}` +
      ` · ${countText(result.connections)} connections${result.processes > 1 ? ` · merged from ${result.processes} processes` : ''}</p>`,
  ];
  if (v.notes.length > 0) out.push(`<div class="notes">${v.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</div>`);
  // A capacity search's answer comes first; the rest is its held rate's run.
  if (result.capacity) out.push(...capacityHtml(result.capacity));
  out.push(
    '<div class="cards">',
    ...cards.map(
      ([label, n, cls]) =>
        `<div class="card"><span class="n${cls ? ` ${cls}` : ''}">${escapeHtml(n)}</span><span class="l">${escapeHtml(label)}</span></div>`,
    ),
    '</div>',
    `<p class="meta">${countText(answers)} answers over the measured phases (warm-up excluded) · sent ${countText(t.sent)} of ${countText(t.intended)} intended${t.intended > 0 ? ` (${shareText(t.sent, t.intended)})` : ''} · not sent ${countText(t.notSent)}</p>`,
  );

  out.push(...chartsSection(result));
  out.push('<h2 id="operations">Per operation and class</h2>', ...operationsTable(t.operations));
  if (result.sloVerdicts !== undefined && result.sloVerdicts.length > 0) out.push(...sloSection(result.sloVerdicts));
  if (result.audit !== undefined) out.push(...auditSection(result.audit));
  if (opts.baseline !== undefined) out.push(...baselineSection(opts.baseline));
  out.push(...phasesSection(result), ...generatorSection(result), ...samplesSection(result));
  out.push('</body>', '</html>', '');
  return out.join('\n');
}

// ---------------------------------------------------------------- charts

function chartsSection(result: LoadResult): string[] {
  const out: string[] = [];
  const s = result.series;
  if (s === undefined || s.buckets.length === 0) {
    out.push(
      '<h2 id="over-time">Over time</h2>',
      '<p class="meta">This report has no time series (a report of an earlier promoproof, or a run in which nothing was measured).</p>',
    );
  } else {
    const bucketS = s.bucketMs / 1000;
    const per = bucketS === 1 ? 'per second' : `per ${bucketS} s bucket, as a rate per second`;
    out.push('<h2 id="latency-over-time">Latency over time</h2>', ...latencyOverTime(result, s, per));
    out.push('<h2 id="throughput">Throughput: achieved against intended</h2>', ...throughputOverTime(result, s, per));
    out.push('<h2 id="classes-over-time">Outcome classes over time</h2>', ...classesOverTime(s, per));
  }
  out.push('<h2 id="distribution">Latency distribution</h2>', ...distribution(result));
  return out;
}

/** Seconds from the first measured instant to a bucket's middle. */
/** A latency's values at `percentiles` (0…100), µs: from its HDR encoding, or its DDSketch (an imported run's). */
function latencyPercentilesUs(l: LatencySummary, percentiles: readonly number[]): number[] {
  const s = l.sketch;
  if (s === undefined) return percentilesOf(l.hdr, percentiles);
  return percentiles.map((p) => sketchPercentileMs(s, p / 100) * 1000);
}

/** How an imported Artillery run's buckets are laid (its own periods), or '' for a local run. */
function importedPeriods(result: LoadResult): string {
  return result.histograms === undefined
    ? ''
    : ` (Artillery’s own ${result.series ? result.series.bucketMs / 1000 : 10} s periods, read from its merged DDSketches; time counts from the start of the period of the first measured send)`;
}

/** A bucket's class has latencies to draw: an HDR encoding, or an imported run's DDSketch. */
function hasLatency(c: SeriesClass | undefined): boolean {
  return c !== undefined && (c.hdr !== '' || c.sketch !== undefined);
}

function midS(s: LoadSeries, atMs: number): number {
  return (atMs + s.bucketMs / 2) / 1000;
}

const TIME_AXIS: Axis = { label: 'seconds from the first measured instant', scale: 'linear', min: 0 };

function latencyOverTime(result: LoadResult, s: LoadSeries, per: string): string[] {
  const present = OUTCOME_CLASSES.filter((k) => s.buckets.some((b) => hasLatency(b.classes[k])));
  if (present.length === 0) return ['<p class="meta">No answer with a latency in the measured phases.</p>'];
  const lines: LineSeries[] = present.flatMap((k) => {
    const at = (field: 'p99Ms' | 'p50Ms') =>
      s.buckets.map((b): readonly [number, number | null] => {
        const c = b.classes[k];
        return [midS(s, b.atMs), hasLatency(c) ? (c?.[field] ?? null) : null];
      });
    return [
      { name: `${k} p99`, colour: `k-${k}`, points: at('p99Ms') },
      { name: `${k} p50`, colour: `k-${k}`, dashed: true, points: at('p50Ms') },
    ];
  });
  const values = lines.flatMap((l) => l.points.flatMap((p) => (p[1] !== null && p[1] > 0 ? [p[1]] : [])));
  const y: Axis = { label: 'latency, ms', scale: spansDecades(values) ? 'log' : 'linear' };
  return figure(
    renderChart({
      title: `Latency over time per outcome class (p99 solid, p50 dashed), ms, ${per}`,
      x: { ...TIME_AXIS, max: endS(s) },
      y,
      lines,
    }),
    legend(lines),
    `p99 (solid) and p50 (dashed) of the answers that arrived in each ${s.bucketMs / 1000 === 1 ? 'second' : `${s.bucketMs / 1000} s`}, by outcome class${importedPeriods(result)}; ${result.model === 'open' ? 'from each request’s intended send instant' : 'from the actual send (closed model: hides stalls)'}${y.scale === 'log' ? '; log scale' : ''}.`,
  );
}

function throughputOverTime(result: LoadResult, s: LoadSeries, per: string): string[] {
  const perS = (n: number) => n / (s.bucketMs / 1000);
  const lines: LineSeries[] = [
    {
      name: result.model === 'open' ? 'intended' : 'ceiling (closed model)',
      colour: 'intended',
      dashed: true,
      points: s.buckets.map((b) => [midS(s, b.atMs), perS(b.intended)]),
    },
    { name: 'sent (achieved)', colour: 'c0', points: s.buckets.map((b) => [midS(s, b.atMs), perS(b.sent)]) },
    {
      name: 'answered',
      colour: 'c2',
      points: s.buckets.map((b) => [midS(s, b.atMs), perS(OUTCOME_CLASSES.reduce((n, k) => n + (b.classes[k]?.count ?? 0), 0))]),
    },
  ];
  if (s.buckets.some((b) => b.notSent > 0))
    lines.push({
      name: 'not sent (every connection busy)',
      colour: 'c3',
      points: s.buckets.map((b) => [midS(s, b.atMs), perS(b.notSent)]),
    });
  return figure(
    renderChart({
      title: `Achieved against intended throughput over time, requests/s, ${per}`,
      x: { ...TIME_AXIS, max: endS(s) },
      y: { label: 'requests/s', scale: 'linear', min: 0 },
      lines,
    }),
    legend(lines),
    `Requests per second: intended by the plan${result.model === 'closed' ? ' (a ceiling in the closed model)' : ''}, sent (open model: at their intended instant), and answers as they arrived. A spike's requests fall in the second of its instant.`,
  );
}

function classesOverTime(s: LoadSeries, per: string): string[] {
  const present = OUTCOME_CLASSES.filter((k) => s.buckets.some((b) => (b.classes[k]?.count ?? 0) > 0));
  if (present.length === 0) return ['<p class="meta">No answers in the measured phases.</p>'];
  const bucketS = s.bucketMs / 1000;
  const layers = present.map((k) => ({
    name: k,
    colour: `k-${k}`,
    values: s.buckets.map((b): readonly [number, number] => [b.atMs / 1000, (b.classes[k]?.count ?? 0) / bucketS]),
  }));
  return figure(
    renderChart({
      title: `Outcome classes over time, answers/s, ${per}`,
      x: { ...TIME_AXIS, max: endS(s) },
      y: { label: 'answers/s', scale: 'linear', min: 0 },
      bars: { width: bucketS, layers },
    }),
    legend(layers),
    'Answers per second by outcome class, stacked, by the second they arrived in.',
  );
}

/** The percentile distribution of the largest operation and class pairs, on the "nines" axis (log of 1 / (1 − p)). */
function distribution(result: LoadResult): string[] {
  const pairs = Object.entries(result.totals.operations)
    .flatMap(([name, op]) =>
      OUTCOME_CLASSES.filter(
        (k) =>
          k !== 'transport' &&
          op.classes[k].latency.count > 0 &&
          (op.classes[k].latency.hdr !== '' || op.classes[k].latency.sketch !== undefined),
      ).map((k) => ({
        name,
        k,
        latency: op.classes[k].latency,
      })),
    )
    .sort((a, b) => b.latency.count - a.latency.count);
  if (pairs.length === 0) return ['<p class="meta">No answer with a latency in the measured phases.</p>'];
  const shown = pairs.slice(0, MAX_CURVES);
  const most = Math.max(...shown.map((p) => p.latency.count));
  const maxNines = Math.min(NINES_MAX, Math.max(1, Math.ceil(Math.log10(most) * 2) / 2));
  const nines: number[] = [];
  for (let x = 0; x <= maxNines + 1e-9; x += NINES_STEP) nines.push(Math.round(x * 1000) / 1000);
  const percentiles = nines.map((x) => 100 * (1 - 10 ** -x));
  const lines: LineSeries[] = shown.map((p, i) => {
    const us = latencyPercentilesUs(p.latency, percentiles);
    return {
      name: `${p.name} · ${p.k} (${countText(p.latency.count)})`,
      colour: `c${i}`,
      points: nines.map((x, j) => [x, (us[j] ?? 0) / 1000]),
    };
  });
  const values = lines.flatMap((l) => l.points.flatMap((p) => (p[1] !== null && p[1] > 0 ? [p[1]] : [])));
  const ticks = [0, 1, 2, 3, 4, 5].filter((x) => x <= maxNines).map((x) => ({ at: x, label: NINES_LABEL[x] ?? '' }));
  const y: Axis = { label: 'latency, ms', scale: spansDecades(values) ? 'log' : 'linear' };
  const more = pairs.length > shown.length ? ` The ${pairs.length - shown.length} smaller pairs are in the table below.` : '';
  return figure(
    renderChart({
      title: 'Latency by percentile per operation and class, ms (percentile axis: log of 1 / (1 − p))',
      x: { label: 'percentile', scale: 'linear', min: 0, max: maxNines, ticks },
      y,
      lines,
    }),
    legend(lines),
    `Latency at each percentile over the measured phases, read from the ${result.histograms ? 'merged DDSketches (each within their relative accuracy)' : 'HDR histograms'}; the percentile axis is logarithmic (each step one more nine: 90 %, 99 %, 99.9 % …)${y.scale === 'log' ? ', the latency axis too' : ''}.${more}`,
  );
}

const NINES_LABEL: readonly string[] = ['0 %', '90 %', '99 %', '99.9 %', '99.99 %', '99.999 %'];

function figure(svg: string, legendHtml: string, caption: string): string[] {
  return ['<figure>', legendHtml, svg, `<figcaption>${escapeHtml(caption)}</figcaption>`, '</figure>'];
}

function endS(s: LoadSeries): number {
  return (s.buckets.length * s.bucketMs) / 1000;
}

/** Values spanning more than 30× are drawn on a log scale (a tail of 200 ms beside answers of 0.3 ms). */
function spansDecades(values: readonly number[]): boolean {
  if (values.length === 0) return false;
  return Math.max(...values) / Math.min(...values) > 30;
}

// ---------------------------------------------------------------- tables

function operationsTable(operations: Readonly<Record<string, OperationResult>>): string[] {
  const out = [
    '<div class="scroll"><table>',
    '<thead><tr><th>Operation</th><th>Class</th><th class="num">Count</th><th class="num">Share</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max (ms)</th></tr></thead>',
    '<tbody>',
  ];
  const notes: string[] = [];
  for (const [name, op] of Object.entries(operations)) {
    let first = true;
    for (const k of OUTCOME_CLASSES) {
      const c = op.classes[k];
      if (c.count === 0) continue;
      out.push(
        `<tr><td>${first ? `<code>${escapeHtml(name)}</code>` : ''}</td><td class="class"><span class="swatch k-${k}"></span>${k}</td><td class="num">${countText(c.count)}</td><td class="num">${shareText(c.count, op.count)}</td>${latencyCells(c.latency)}</tr>`,
      );
      first = false;
    }
    if (first) out.push(`<tr><td><code>${escapeHtml(name)}</code></td><td>—</td><td class="num">0</td><td></td><td colspan="5"></td></tr>`);
    const codes = Object.entries(op.refusalCodes).sort((a, b) => b[1].count - a[1].count);
    if (codes.length > 0)
      notes.push(
        `<li><code>${escapeHtml(name)}</code> refusal codes: ${codes.map(([c, r]) => `<code>${escapeHtml(c)}</code> ×${countText(r.count)}${r.unmapped ? ' <span class="s-warn">(not mapped by the binding)</span>' : r.expected ? ' <span class="s-muted">(expected)</span>' : ' <span class="s-fail">(unexpected)</span>'}`).join(', ')}</li>`,
      );
    const reasons = Object.entries(op.nonConformant).sort((a, b) => b[1] - a[1]);
    if (reasons.length > 0)
      notes.push(
        `<li class="s-fail"><code>${escapeHtml(name)}</code> non-conformant: ${reasons.map(([why, n]) => `${escapeHtml(why)} ×${countText(n)}`).join(', ')}</li>`,
      );
  }
  out.push('</tbody></table></div>', '<p class="meta">Latencies in ms over the measured phases (warm-up excluded).</p>');
  if (notes.length > 0) out.push(`<ul class="plain">${notes.join('')}</ul>`);
  return out;
}

function latencyCells(l: LatencySummary): string {
  if (l.count === 0) return '<td class="num">—</td><td></td><td></td><td></td><td></td>';
  return [l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs].map((v) => `<td class="num">${ms(v)}</td>`).join('');
}

function sloSection(verdicts: readonly SloVerdict[]): string[] {
  const missed = verdicts.filter((v) => !v.held).length;
  const out = [
    `<h2 id="slos">SLOs: <span class="${missed === 0 ? 's-pass' : 's-fail'}">${missed === 0 ? `all ${verdicts.length} held` : `${missed} of ${verdicts.length} not held`}</span></h2>`,
    '<div class="scroll"><table>',
    '<thead><tr><th>Status</th><th>SLO</th><th>Observed</th><th>From</th></tr></thead><tbody>',
  ];
  for (const v of verdicts) {
    const status = v.held
      ? '<span class="s-pass">held</span>'
      : `<span class="s-fail">${v.observed === null ? 'not measured' : 'missed'}</span>`;
    out.push(
      `<tr><td>${status}</td><td><code>${escapeHtml(v.slo)}</code></td><td class="wrap">${escapeHtml(sloReason(v))}</td><td>${v.source === 'command-line' ? '<code>--slo</code>' : 'profile'}</td></tr>`,
    );
  }
  out.push('</tbody></table></div>');
  return out;
}

const AUDIT_CLASS = { passed: 's-pass', failed: 's-fail', partial: 's-warn', skipped: 's-muted' } as const;
const INVARIANT_CLASS: Readonly<Record<AuditInvariantResult['status'], string>> = {
  held: 's-pass',
  violated: 's-fail',
  'not-checked': 's-warn',
  skipped: 's-muted',
};

function auditSection(audit: NonNullable<LoadResult['audit']>): string[] {
  const out = [
    `<h2 id="audit">Audit: <span class="${AUDIT_CLASS[audit.status]}">${escapeHtml(audit.status)}</span></h2>`,
    `<p>${escapeHtml(audit.reason)}</p>`,
  ];
  if (audit.invariants.length > 0) {
    out.push(
      '<div class="scroll"><table>',
      '<thead><tr><th>Status</th><th>Invariant</th><th>Expected</th><th>Observed</th><th>Examples</th></tr></thead><tbody>',
    );
    for (const i of audit.invariants) {
      const level = i.level === 'ref' ? ` <span class="s-muted">(ref${i.counts ? '' : ', does not count'})</span>` : '';
      const examples = i.examples.map(
        (e) =>
          `<li>${[
            e.user && `user ${e.user}`,
            e.requestId && `request ${e.requestId}`,
            e.couponCode && `coupon ${e.couponCode}`,
            e.refusalCode && `refused ${e.refusalCode}`,
            e.note,
          ]
            .filter(Boolean)
            .map((x) => escapeHtml(String(x)))
            .join(', ')}</li>`,
      );
      out.push(
        `<tr><td><span class="${INVARIANT_CLASS[i.status]}">${escapeHtml(i.status)}</span>${level}</td>` +
          `<td class="wrap"><code>${escapeHtml(i.id)}</code><br>${escapeHtml(i.title)}${i.rule ? ` <span class="s-muted">(${escapeHtml(i.rule)})</span>` : ''}</td>` +
          `<td class="wrap">${escapeHtml(i.expected)}</td><td class="wrap">${escapeHtml(i.observed)}</td>` +
          `<td class="wrap">${examples.length > 0 ? `<ul class="plain">${examples.join('')}</ul>` : ''}${i.reason ? `<span class="s-muted">${escapeHtml(i.reason)}</span>` : ''}</td></tr>`,
      );
    }
    out.push('</tbody></table></div>');
  }
  const u = audit.unknownResolved;
  if (u.made + u.notMade + u.unresolved > 0)
    out.push(
      `<p class="meta">Unknown outcomes resolved by lookup: ${countText(u.made)} made, ${countText(u.notMade)} not made, ${countText(u.unresolved)} unresolved.</p>`,
    );
  return out;
}

function baselineSection(b: BaselineComparison): string[] {
  const head =
    b.regressions === 0
      ? `<span class="s-pass">no regression beyond noise</span>${b.improvements > 0 ? `, ${b.improvements} improved` : ''}`
      : `<span class="s-fail">${b.regressions} ${b.regressions === 1 ? 'regression' : 'regressions'} beyond noise</span>${b.improvements > 0 ? `, ${b.improvements} improved` : ''}`;
  const out = [
    `<h2 id="baseline">Compared with the baseline: ${head}</h2>`,
    `<p class="meta">Baseline started ${escapeHtml(b.baseline.startedAt)}${b.baseline.file ? ` (<code>${escapeHtml(b.baseline.file)}</code>)` : ''}, ${escapeHtml(b.baseline.model)} model, target <code>${escapeHtml(b.baseline.target)}</code>. ${escapeHtml(NOISE_TEXT)}.</p>`,
  ];
  if (b.notes.length > 0) out.push(`<div class="notes">${b.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</div>`);
  const shown = b.findings.filter((f) => f.change !== 'noise' && f.change !== 'not-compared');
  const rest = b.findings.filter((f) => f.change === 'noise' || f.change === 'not-compared');
  if (shown.length > 0) out.push(...findingsTable(shown));
  if (rest.length > 0)
    out.push(
      `<details><summary>${countText(rest.length)} more within noise or not compared</summary>`,
      ...findingsTable(rest),
      '</details>',
    );
  return out;
}

const CHANGE_CLASS: Readonly<Record<BaselineFinding['change'], string>> = {
  regression: 's-fail',
  improvement: 's-pass',
  noise: 's-muted',
  changed: 's-warn',
  'not-compared': 's-muted',
};

function findingsTable(findings: readonly BaselineFinding[]): string[] {
  const out = [
    '<div class="scroll"><table>',
    '<thead><tr><th>Change</th><th>Metric</th><th class="num">Baseline</th><th class="num">This run</th><th>Why</th></tr></thead><tbody>',
  ];
  for (const f of findings)
    out.push(
      `<tr><td><span class="${CHANGE_CLASS[f.change]}">${escapeHtml(f.change)}</span></td><td>${escapeHtml(f.label)}</td>` +
        `<td class="num">${escapeHtml(valueText(f.before, f.unit))}</td><td class="num">${escapeHtml(valueText(f.after, f.unit))}</td><td class="wrap" title="${escapeHtml(changeText(f))}">${escapeHtml(f.why)}</td></tr>`,
    );
  out.push('</tbody></table></div>');
  return out;
}

function phasesSection(result: LoadResult): string[] {
  if (result.phases.length === 0) return [];
  const out = [
    '<h2 id="phases">Phases</h2>',
    '<div class="scroll"><table>',
    '<thead><tr><th>Phase</th><th>Kind</th><th class="num">Intended</th><th class="num">Sent</th><th class="num">Not sent</th><th class="num">Intended /s</th><th class="num">Achieved /s</th><th class="num">Elapsed</th></tr></thead><tbody>',
  ];
  for (const p of result.phases)
    out.push(
      `<tr${p.measured ? '' : ' class="s-muted"'}><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.phase)}${p.measured ? '' : ' (not measured)'}</td><td class="num">${countText(p.intended)}</td><td class="num">${countText(p.sent)}</td><td class="num">${countText(p.notSent)}</td>` +
        `<td class="num">${p.intendedRatePerS > 0 ? rateText(p.intendedRatePerS) : '—'}</td><td class="num">${p.elapsedMs > 0 ? rateText(p.achievedRatePerS) : '—'}</td><td class="num">${escapeHtml(formatDuration(p.elapsedMs))}</td></tr>`,
    );
  out.push('</tbody></table></div>');
  return out;
}

function generatorSection(r: LoadResult): string[] {
  const g = r.generator;
  const out = [
    '<h2 id="generator">Generator</h2>',
    `<p>CPU mean ${g.cpuPercent.mean.toFixed(0)} % (max ${g.cpuPercent.max.toFixed(0)} %) of one core · event-loop delay p99 ${ms(g.eventLoopDelayMs.p99)} ms (max ${ms(g.eventLoopDelayMs.max)})` +
      (r.model === 'open' || g.lag.count > 0 ? ` · late sends ${countText(g.lateSends)} (${percentText(g.lateShare)})` : '') +
      (g.lag.count > 0 ? ` · send lag p99 ${ms(g.lag.p99Ms)} ms` : '') +
      '</p>',
  ];
  if (g.valid) out.push('<p class="s-pass">Valid: the generator kept up; the figures are the target’s.</p>');
  else
    out.push(
      '<p class="s-fail">INVALID RUN: the generator, not the target, limited this run; these figures are not the target’s capacity.</p>',
      `<ul class="plain">${g.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>`,
    );
  if (r.soldOut) {
    const lat = (l: LatencySummary) =>
      l.count === 0 ? 'no answers' : `p50 ${ms(l.p50Ms)} · p99 ${ms(l.p99Ms)} · max ${ms(l.maxMs)} ms (${countText(l.count)})`;
    out.push(
      '<h3>Sold out</h3>',
      `<p><code>${escapeHtml(r.soldOut.operation)}</code> sold out ${r.soldOut.atMs >= 0 ? `${escapeHtml(formatDuration(r.soldOut.atMs))} after the first measured instant` : 'during warm-up'}; latency before: ${lat(r.soldOut.before)}; after: ${lat(r.soldOut.after)}.</p>`,
    );
  }
  return out;
}

function samplesSection(r: LoadResult): string[] {
  const samples = r.samples.filter((s) => s.class !== 'success');
  if (samples.length === 0) return [];
  const out = [
    '<h2 id="samples">Samples</h2>',
    `<details><summary>${samples.length} answers that were not a success</summary>`,
    '<ul class="plain">',
  ];
  for (const s of samples) {
    const said = s.said.length > SAID_CHARS ? `${s.said.slice(0, SAID_CHARS)}…` : s.said;
    out.push(
      `<li><code>${escapeHtml(s.operation)}</code> <span class="swatch k-${s.class}"></span>${escapeHtml(s.class)}: ${escapeHtml(said)}${s.curl !== undefined ? `<pre>${escapeHtml(s.curl)}</pre>` : ''}</li>`,
    );
  }
  out.push('</ul>', '</details>');
  return out;
}
