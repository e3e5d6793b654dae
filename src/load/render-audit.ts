/**
 * The audit after a load run for a terminal (src/load/render.ts places it): the verdict with its reason,
 * one line per invariant (held, VIOLATED, NOT CHECKED) with what was observed, and for a violation what
 * was expected and a few examples (the JSON report keeps up to 10). Pure: returns lines; text that came
 * from the target (codes, users) is made safe for a terminal.
 */
import type pc from 'picocolors';
import { formatDuration, sanitizeText } from '../report/text.js';
import type { AuditExample, AuditInvariantResult, AuditResult } from './types.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Examples the console shows per violated invariant. */
const EXAMPLES_SHOWN = 3;

/** The audit's lines (no trailing blank line). */
export function auditLines(a: AuditResult, c: Colors): string[] {
  const verdict =
    a.status === 'passed'
      ? c.green('passed')
      : a.status === 'failed'
        ? c.red('FAILED')
        : a.status === 'partial'
          ? c.yellow('PARTIAL')
          : c.dim('skipped');
  const head = `${c.bold('Audit')} ${verdict} — ${sanitizeText(a.reason)}`;
  if (a.status === 'skipped') return [head];
  const q = a.queries;
  const k = a.acknowledged;
  const out = [
    head,
    c.dim(
      `  reconciled ${count(k.claims)} claims, ${count(k.redeems)} redeems, ${count(k.verifications)} verifications acknowledged with the target's own account ` +
        `(${count(q.sent)} queries${q.failed > 0 ? `, ${count(q.failed)} failed` : ''} in ${formatDuration(q.durationMs)})`,
    ),
  ];
  const label = (i: AuditInvariantResult) =>
    i.status === 'held' ? 'held' : i.status === 'violated' ? 'VIOLATED' : i.status === 'skipped' ? 'skipped' : 'NOT CHECKED';
  const w = Math.max(...a.invariants.map((i) => label(i).length), 0);
  const iw = Math.max(...a.invariants.map((i) => i.id.length), 0);
  for (const i of a.invariants) {
    const tag = label(i).padEnd(w);
    const painted =
      i.status === 'held'
        ? c.green(tag)
        : i.status === 'violated'
          ? i.counts
            ? c.red(tag)
            : c.yellow(tag)
          : i.status === 'skipped'
            ? c.dim(tag)
            : c.yellow(tag);
    const rule =
      i.rule !== undefined ? c.dim(` [${i.rule}${i.level === 'ref' ? `, ref${i.counts ? '' : ': does not fail the run'}` : ''}]`) : '';
    const what = i.status === 'not-checked' || i.status === 'skipped' ? (i.reason ?? '') : i.observed;
    out.push(`  ${painted}  ${i.id.padEnd(iw)}  ${sanitizeText(what)}${rule}`);
    if (i.status !== 'violated') continue;
    const pad = ' '.repeat(w + iw + 6);
    out.push(`${pad}${c.dim('expected')} ${sanitizeText(i.expected)}`);
    for (const e of i.examples.slice(0, EXAMPLES_SHOWN)) out.push(`${pad}${c.dim('e.g.')} ${exampleText(e)}`);
    if (i.examples.length > EXAMPLES_SHOWN)
      out.push(`${pad}${c.dim(`… ${i.examples.length - EXAMPLES_SHOWN} more examples in the JSON report`)}`);
  }
  const u = a.unknownResolved;
  if (u.made + u.notMade + u.unresolved > 0)
    out.push(
      `  unknown outcomes looked up: ${count(u.made)} made, ${count(u.notMade)} not made${u.unresolved > 0 ? c.yellow(`, ${count(u.unresolved)} unresolved`) : ''}`,
    );
  return out;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function exampleText(e: AuditExample): string {
  return sanitizeText(
    [
      `user ${e.user}`,
      ...(e.requestId !== undefined ? [`request ${e.requestId}`] : []),
      ...(e.couponCode !== undefined ? [`coupon ${e.couponCode}`] : []),
      ...(e.refusalCode !== undefined ? [`refused ${e.refusalCode}`] : []),
      ...(e.note !== undefined ? [e.note] : []),
    ].join(', '),
  );
}
