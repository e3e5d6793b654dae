/**
 * The comparison with a baseline run (`--baseline`, src/load/baseline.ts) for the console: a head line
 * with the count of regressions and improvements beyond noise, each of them (and each change shown but
 * not judged) on a line of its own, the count within noise, the noise rule, and what differs between
 * the runs. Colour through picocolors' createColors as the rest of the console rendering.
 */
import type pc from 'picocolors';
import { sanitizeText } from '../report/text.js';
import { type BaselineComparison, type BaselineFinding, describeFinding, NOISE_TEXT } from './baseline.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Findings listed one by one; the rest are counted. */
const MAX_LINES = 30;

/** The comparison's lines (no trailing blank line). */
export function baselineLines(b: BaselineComparison, c: Colors): string[] {
  const verdict =
    b.regressions === 0
      ? c.green('no regression beyond noise')
      : c.red(`${b.regressions} ${b.regressions === 1 ? 'regression' : 'regressions'} beyond noise`);
  const improved = b.improvements > 0 ? `, ${b.improvements} improved` : '';
  const out = [
    `${c.bold('Compared with the baseline')}${c.dim(` (started ${sanitizeText(b.baseline.startedAt)}${b.baseline.file ? `, ${sanitizeText(b.baseline.file)}` : ''})`)}: ${verdict}${improved}`,
  ];
  const shown = b.findings.filter((f) => f.change === 'regression' || f.change === 'improvement' || f.change === 'changed');
  const width = Math.max(0, ...shown.slice(0, MAX_LINES).map((f) => tag(f).length));
  for (const f of shown.slice(0, MAX_LINES)) out.push(`  ${paint(f, tag(f).padEnd(width), c)}  ${sanitizeText(describeFinding(f))}`);
  if (shown.length > MAX_LINES) out.push(`  … ${shown.length - MAX_LINES} more (the HTML and Markdown reports list them)`);
  const noise = b.findings.filter((f) => f.change === 'noise').length;
  const notCompared = b.findings.filter((f) => f.change === 'not-compared').length;
  out.push(
    c.dim(
      `  ${noise} ${noise === 1 ? 'metric' : 'metrics'} within noise${notCompared > 0 ? `, ${notCompared} not compared (too few answers, or in one run only)` : ''}; ${NOISE_TEXT}`,
    ),
  );
  for (const n of b.notes) out.push(c.yellow(`  note: ${sanitizeText(n)}`));
  return out;
}

function tag(f: BaselineFinding): string {
  return f.change === 'regression' ? 'REGRESSION' : f.change === 'improvement' ? 'improved' : 'changed';
}

function paint(f: BaselineFinding, text: string, c: Colors): string {
  return f.change === 'regression' ? c.red(text) : f.change === 'improvement' ? c.green(text) : c.yellow(text);
}
