/**
 * Charts as inline SVG for the load report's HTML: lines (a series may break where it has no data)
 * and stacked bars, on linear or log axes, with tick labels. No script, no external resource: the
 * page's Content-Security-Policy allows none, and a chart must read without JavaScript. The SVG scales
 * to its container (viewBox, width 100 %), so it fits a phone's width; colours come from the page's
 * style sheet through classes (`k-success`, `c0`…), so the dark scheme applies. Each drawn series
 * carries `data-series` and `data-points` (the points it plots), which the browser test reads.
 */
import { escapeHtml } from '../report/escape.js';

/** The chart's coordinate space (the SVG scales it to the page). */
const W = 640;
const H = 260;
// The left margin holds tick labels of four or five characters at the phone size of the text (17 px) and the axis title beside them.
const M = { left: 66, right: 14, top: 12, bottom: 40 } as const;

/** One axis: its label, scale and range (undefined: from the data). */
export interface Axis {
  readonly label: string;
  readonly scale: 'linear' | 'log';
  readonly min?: number;
  readonly max?: number;
  /** Tick marks where the defaults would not say it (the percentile axis): value and label. */
  readonly ticks?: readonly { readonly at: number; readonly label: string }[];
  /** Formats a default tick's value (default: a short number). */
  readonly format?: (v: number) => string;
}

/** A line: points [x, y] in order; `null` for y breaks it (no data there). */
export interface LineSeries {
  readonly name: string;
  /** A class of the page's style sheet giving its colour. */
  readonly colour: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [number, number | null])[];
}

/** Stacked bars: per x (a bucket's start, of width `width`), one height per layer, bottom up. */
export interface StackedBars {
  readonly width: number;
  readonly layers: readonly { readonly name: string; readonly colour: string; readonly values: readonly (readonly [number, number])[] }[];
}

export interface ChartInput {
  /** The SVG's accessible name (its <title>). */
  readonly title: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly lines?: readonly LineSeries[];
  readonly bars?: StackedBars;
}

/** The chart as an inline `<svg>` element (see the module comment). */
export function renderChart(input: ChartInput): string {
  const lines = input.lines ?? [];
  const xs = [...lines.flatMap((l) => l.points.map((p) => p[0])), ...(input.bars?.layers.flatMap((l) => l.values.map((v) => v[0])) ?? [])];
  if (input.bars) xs.push(...input.bars.layers.flatMap((l) => l.values.map((v) => v[0] + (input.bars?.width ?? 0))));
  const ys = [...lines.flatMap((l) => l.points.flatMap((p) => (p[1] === null ? [] : [p[1]]))), ...stackTops(input.bars)];
  const xr = range(input.x, xs);
  const yr = range(input.y, ys);
  const px = scaler(input.x.scale, xr, M.left, W - M.right);
  const py = scaler(input.y.scale, yr, H - M.bottom, M.top);

  const out: string[] = [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(input.title)}" preserveAspectRatio="xMidYMid meet">`,
    `<title>${escapeHtml(input.title)}</title>`,
  ];
  out.push(...axis(input.x, xr, px, 'x'), ...axis(input.y, yr, py, 'y'));
  if (input.bars) out.push(...barsOf(input.bars, px, py, yr));
  for (const l of lines) {
    const d = pathOf(l.points, px, py, input.y.scale === 'log' ? yr[0] : undefined);
    const n = l.points.filter((p) => p[1] !== null).length;
    out.push(
      `<path class="line ${escapeHtml(l.colour)}${l.dashed ? ' dashed' : ''}" data-series="${escapeHtml(l.name)}" data-points="${n}" d="${d}"><title>${escapeHtml(l.name)}</title></path>`,
    );
  }
  out.push(
    `<line class="frame" x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}"/>`,
    `<line class="frame" x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}"/>`,
    '</svg>',
  );
  return out.join('\n');
}

/** An HTML legend for a chart's series (it wraps on a narrow screen, which text inside an SVG would not). */
export function legend(items: readonly { readonly name: string; readonly colour: string; readonly dashed?: boolean }[]): string {
  return `<ul class="legend">${items
    .map((i) => `<li><span class="swatch ${escapeHtml(i.colour)}${i.dashed ? ' dashed' : ''}"></span>${escapeHtml(i.name)}</li>`)
    .join('')}</ul>`;
}

type Range = readonly [number, number];

function range(axis: Axis, values: readonly number[]): Range {
  const positive = axis.scale === 'log' ? values.filter((v) => v > 0) : values;
  let lo = axis.min ?? (positive.length > 0 ? Math.min(...positive) : axis.scale === 'log' ? 0.01 : 0);
  let hi = axis.max ?? (positive.length > 0 ? Math.max(...positive) : 1);
  if (axis.scale === 'log') {
    lo = 10 ** Math.floor(Math.log10(Math.max(lo, 1e-6)));
    hi = 10 ** Math.ceil(Math.log10(Math.max(hi, lo * 10)));
    if (hi <= lo) hi = lo * 10;
  } else {
    if (axis.min === undefined) lo = Math.min(0, lo);
    if (axis.max === undefined) hi = niceCeil(hi);
    if (hi <= lo) hi = lo + 1;
  }
  return [lo, hi];
}

function scaler(scale: Axis['scale'], [lo, hi]: Range, from: number, to: number): (v: number) => number {
  if (scale === 'log') {
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    return (v) => from + ((Math.log10(Math.max(v, lo)) - a) / (b - a)) * (to - from);
  }
  return (v) => from + ((v - lo) / (hi - lo)) * (to - from);
}

/** Tick marks, grid lines and labels of one axis, and its title. */
function axis(a: Axis, r: Range, p: (v: number) => number, which: 'x' | 'y'): string[] {
  const ticks = a.ticks ?? defaultTicks(a, r);
  const fmt = a.format ?? shortNumber;
  const out: string[] = [];
  for (const t of ticks) {
    const at = typeof t === 'number' ? t : t.at;
    if (at < r[0] || at > r[1]) continue;
    const label = typeof t === 'number' ? fmt(t) : t.label;
    const v = round1(p(at));
    if (which === 'x')
      out.push(
        `<line class="grid" x1="${v}" y1="${M.top}" x2="${v}" y2="${H - M.bottom}"/>`,
        // The last label would be cut at the frame's right edge: it ends there instead.
        `<text class="tick" x="${v}" y="${H - M.bottom + 16}" text-anchor="${v > W - M.right - 30 ? 'end' : 'middle'}">${escapeHtml(label)}</text>`,
      );
    else
      out.push(
        `<line class="grid" x1="${M.left}" y1="${v}" x2="${W - M.right}" y2="${v}"/>`,
        `<text class="tick" x="${M.left - 6}" y="${v + 4}" text-anchor="end">${escapeHtml(label)}</text>`,
      );
  }
  out.push(
    which === 'x'
      ? `<text class="axis" x="${(M.left + W - M.right) / 2}" y="${H - 4}" text-anchor="middle">${escapeHtml(a.label)}</text>`
      : `<text class="axis" x="${-(M.top + H - M.bottom) / 2}" y="14" transform="rotate(-90)" text-anchor="middle">${escapeHtml(a.label)}</text>`,
  );
  return out;
}

function defaultTicks(a: Axis, [lo, hi]: Range): number[] {
  if (a.scale === 'log') {
    const out: number[] = [];
    const decades = Math.log10(hi / lo);
    for (let d = lo; d <= hi * 1.0001; d *= 10) {
      out.push(d);
      if (decades <= 3 && d * 2 < hi) out.push(d * 2, d * 5);
    }
    return out.filter((v) => v <= hi * 1.0001);
  }
  const step = niceStep((hi - lo) / 5);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(round6(v));
  return out;
}

/** A path through the points, a gap (null) starting a new segment; on a log axis values below its floor sit on it. */
function pathOf(points: LineSeries['points'], px: (v: number) => number, py: (v: number) => number, floor: number | undefined): string {
  const parts: string[] = [];
  let pen = false;
  for (const [x, y] of points) {
    if (y === null) {
      pen = false;
      continue;
    }
    const yy = floor !== undefined ? Math.max(y, floor) : y;
    parts.push(`${pen ? 'L' : 'M'}${round1(px(x))} ${round1(py(yy))}`);
    pen = true;
  }
  // A lone point is drawn as a dot: a zero-length segment with round caps.
  return parts.map((p, i) => (p.startsWith('M') && !parts[i + 1]?.startsWith('L') ? `${p}h0.01` : p)).join('');
}

/** Each layer one path of rectangles, stacked on the layers below it. */
function barsOf(bars: StackedBars, px: (v: number) => number, py: (v: number) => number, yr: Range): string[] {
  const base = new Map<number, number>();
  const out: string[] = [];
  for (const layer of bars.layers) {
    const rects: string[] = [];
    let n = 0;
    for (const [x, v] of layer.values) {
      if (!(v > 0)) continue;
      const below = base.get(x) ?? 0;
      const top = below + v;
      base.set(x, top);
      const x0 = round1(px(x));
      const x1 = round1(px(x + bars.width));
      const y0 = round1(py(Math.max(below, yr[0])));
      const y1 = round1(py(top));
      rects.push(`M${x0} ${y0}H${x1}V${y1}H${x0}Z`);
      n++;
    }
    out.push(
      `<path class="bar ${escapeHtml(layer.colour)}" data-series="${escapeHtml(layer.name)}" data-points="${n}" d="${rects.join('')}"><title>${escapeHtml(layer.name)}</title></path>`,
    );
  }
  return out;
}

function stackTops(bars: StackedBars | undefined): number[] {
  if (!bars) return [];
  const tops = new Map<number, number>();
  for (const l of bars.layers) for (const [x, v] of l.values) tops.set(x, (tops.get(x) ?? 0) + Math.max(0, v));
  return [...tops.values()];
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const step = niceStep(v / 5);
  return Math.ceil(v / step) * step;
}

/** `0.5`, `20`, `1.5k`, `2M`. */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${round6(v / 1e6)}M`;
  if (a >= 1e4) return `${round6(v / 1e3)}k`;
  if (a >= 1 || a === 0) return String(round6(v));
  return String(Number(v.toPrecision(2)));
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
