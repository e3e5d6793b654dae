/**
 * A capacity search (`load --find-capacity`, src/load/capacity.ts) for people: the steps table (rate
 * intended and achieved, the gated operation's p50 and p99, errors, the audit, the verdict and what
 * broke) and the search's verdict (src/load/verdict.ts capacityVerdict: `PASS: holds …`), for the
 * console, a Markdown section and an HTML section (the run reports of the held rate carry it first;
 * their own verdict line is the search's). Pure functions returning strings, in the forms the other
 * load renderings use (src/load/numbers.ts, render.ts `ms`).
 */
import pc from 'picocolors';
import { escapeHtml } from '../report/escape.js';
import { inline } from '../report/render-markdown.js';
import { formatDuration, oneLine, sanitizeText } from '../report/text.js';
import { countText, percentText, rateText } from './numbers.js';
import { ms } from './render.js';
import type { CapacitySearch, CapacityStep, LoadResult } from './types.js';
import { capacityVerdict, type LoadVerdict } from './verdict.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Options of the console renderings. */
export interface CapacityRenderOptions {
  readonly color: boolean;
}

/** The columns of the steps table, in every rendering. */
const COLUMNS = ['step', 'rate /s', 'achieved /s', 'p50 ms', 'p99 ms', 'errors', 'audit', 'verdict'] as const;

/** One step's cells, as text (the verdict cell carries what broke). */
function stepCells(s: CapacityStep): string[] {
  return [
    `${s.step}${s.kind === 'bisect' ? ' ½' : ''}`,
    rateText(s.intendedRatePerS),
    rateText(s.achievedRatePerS),
    s.p50Ms === null ? '—' : ms(s.p50Ms),
    s.p99Ms === null ? '—' : ms(s.p99Ms),
    s.answers > 0 ? `${countText(s.errors)} (${percentText(s.errors / s.answers)})` : countText(s.errors),
    s.audit,
    verdictText(s),
  ];
}

function verdictText(s: CapacityStep): string {
  const words = s.verdict === 'generator-limit' ? 'generator limit' : s.verdict;
  return s.reasons.length === 0 ? words : `${words}: ${s.reasons.join('; ')}`;
}

/** Whose latency the table shows, in words (`claim successes`). */
function latencyWords(c: CapacitySearch): string {
  const klass = c.latencyOf.class === 'success' ? 'successes' : `${c.latencyOf.class} answers`;
  return `${c.latencyOf.operation ?? 'all operations'}: ${klass}`;
}

/** How the search ran, in one line. */
function settingsLine(c: CapacitySearch): string {
  const s = c.settings;
  return (
    `steps of ${formatDuration(s.stepDurationMs)} from ${rateText(s.fromPerS)}/s, ×${s.factor} until a step breaks, then bisected to ${percentText(s.resolution)}` +
    (s.warmUpMs > 0 ? `, after a warm-up of ${formatDuration(s.warmUpMs)}` : '') +
    ` · bounds: ${s.maxSteps} steps, ${formatDuration(s.maxTimeMs)}, ${countText(s.maxRequests)} requests, ${rateText(s.maxRatePerS)}/s`
  );
}

/** What ended it and what it cost, in one line. */
function costLine(c: CapacitySearch): string {
  return `stopped: ${c.stoppedBy} · ${c.steps.length} ${c.steps.length === 1 ? 'step' : 'steps'}, ${countText(c.requests)} requests, ${formatDuration(c.durationMs)}`;
}

/** What the rest of the report is the run of. */
function shownLine(c: CapacitySearch): string {
  if (c.heldRatePerS !== null)
    return `The report's other figures are the step at ${rateText(c.heldRatePerS)}/s, the highest rate that held.`;
  return c.steps.length > 0 ? "The report's other figures are the first step's." : 'No step ran.';
}

// ---------------------------------------------------------------- console

/** The search for a terminal: settings, gates, the steps table, the headline (ends with a newline). */
export function renderCapacityConsole(result: LoadResult, opts: CapacityRenderOptions): string {
  const c = result.capacity;
  if (c === undefined) return '';
  const k = pc.createColors(opts.color);
  const safe = (t: string) => oneLine(sanitizeText(t));
  const rows = c.steps.map(stepCells);
  const widths = COLUMNS.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .slice(0, -1)
      .map((cell, i) => (i === 0 || i === 6 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .concat(cells.at(-1) ?? '')
      .join('  ');
  const out = [
    k.bold(`Capacity search: ${result.profile.name}`) +
      k.dim(` against ${result.target.url}${result.target.embedded ? ' (embedded reference)' : ''}`),
    k.dim(settingsLine(c)),
    k.dim(`gates: ${c.slo.join(', ')} · latency of ${latencyWords(c)} · open model, latency from the intended send`),
    '',
    k.dim(line(COLUMNS)),
    ...c.steps.map((s, i) => colourStep(k, s, line((rows[i] ?? []).map(safe)))),
    '',
    headlineLine(k, capacityVerdict(c, result)),
    k.dim(costLine(c)),
    k.dim(shownLine(c)),
  ];
  return `${out.join('\n')}\n`;
}

/** One line per step as it is judged (stderr while the search runs). */
export function capacityStepLine(s: CapacityStep, opts: CapacityRenderOptions): string {
  const k = pc.createColors(opts.color);
  const cells = stepCells(s);
  const text = `step ${cells[0]}: ${cells[1]}/s, achieved ${cells[2]}/s, p99 ${cells[4]} ms, errors ${cells[5]}, audit ${s.audit} → ${verdictText(s)}`;
  return colourStep(k, s, oneLine(sanitizeText(text)));
}

function colourStep(k: Colors, s: CapacityStep, text: string): string {
  return s.verdict === 'held' ? k.green(text) : s.verdict === 'broke' ? k.red(text) : k.yellow(text);
}

/** The search's verdict (`PASS: holds …`), in the colour of its status; the reason is what a target may have said: made safe. */
function headlineLine(k: Colors, v: LoadVerdict): string {
  const colour = v.status === 'pass' ? k.green : v.status === 'fail' || v.status === 'slo-missed' ? k.red : k.yellow;
  const notes = v.notes.map((n) => k.dim(`  ${oneLine(sanitizeText(n))}`));
  return [k.bold(colour(`${v.headline}: ${oneLine(sanitizeText(v.reason))}`)), ...notes].join('\n');
}

// ---------------------------------------------------------------- Markdown

/** The search as a Markdown section: the settings and the steps table (the report's verdict line is the search's headline). */
export function capacityMarkdown(c: CapacitySearch): string[] {
  const cell = (t: string) => inline(t);
  return [
    `### Capacity search: ${c.steps.length} ${c.steps.length === 1 ? 'step' : 'steps'}`,
    '',
    `${inline(settingsLine(c))}. Gates: ${c.slo.map((s) => `\`${s.replace(/`/g, "'")}\``).join(', ')}; latency of ${inline(latencyWords(c))}.`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i >= 1 && i <= 5 ? '---:' : '---')).join('|')}|`,
    ...c.steps.map((s) => `| ${stepCells(s).map(cell).join(' | ')} |`),
    '',
    `${inline(costLine(c))}. ${inline(shownLine(c))}`,
  ];
}

// ---------------------------------------------------------------- HTML

const VERDICT_CLASS: Readonly<Record<CapacityStep['verdict'], string>> = {
  held: 's-pass',
  broke: 's-fail',
  'generator-limit': 's-warn',
  'not-judged': 's-muted',
};

/** The search as an HTML section (the load report's classes): the settings and the steps table (the report's verdict is the search's headline). */
export function capacityHtml(c: CapacitySearch): string[] {
  return [
    `<h2 id="capacity">Capacity search: ${c.steps.length} ${c.steps.length === 1 ? 'step' : 'steps'}</h2>`,
    `<p class="meta">${escapeHtml(settingsLine(c))} · gates ${c.slo.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')} · latency of ${escapeHtml(latencyWords(c))}</p>`,
    '<div class="scroll"><table>',
    `<thead><tr>${COLUMNS.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>`,
    ...c.steps.map((s) => {
      const cells = stepCells(s);
      const verdict = cells.pop() ?? '';
      return `<tr>${cells.map((t, i) => `<td${i >= 1 && i <= 5 ? ' class="num"' : ''}>${escapeHtml(t)}</td>`).join('')}<td class="wrap"><span class="${VERDICT_CLASS[s.verdict]}">${escapeHtml(verdict)}</span></td></tr>`;
    }),
    '</tbody></table></div>',
    `<p class="meta">${escapeHtml(costLine(c))}. ${escapeHtml(shownLine(c))}</p>`,
  ];
}
