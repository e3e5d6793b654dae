/**
 * A load run's verdict in words, for the reports people read (HTML, Markdown): the same order as the
 * command's exit code (src/cli/load.ts exitOf) — a non-conformant answer or a violated invariant of the
 * audit first, then a missed SLO, then an invalid run — with the reason a reader needs in one line.
 * test/load/verdict.test.ts keeps the two in step.
 */
import { INVALID_RUN_CAVEAT } from './slo.js';
import type { LoadResult, OperationResult, SloVerdict } from './types.js';

/** What a run's reports headline. */
export interface LoadVerdict {
  /** pass: held; fail: non-conformant answers or a violated invariant; slo-missed; invalid: the generator was saturated. */
  readonly status: 'pass' | 'fail' | 'slo-missed' | 'invalid';
  /** `PASS`, `FAIL`, `SLO MISSED`, `INVALID`. */
  readonly headline: string;
  /** Why, in one sentence (`3 non-conformant answers (claim: beyond stock ×3)`). */
  readonly reason: string;
  /** What a reader should know besides (`the audit is partial: …`, `stopped early: interrupted`). */
  readonly notes: readonly string[];
}

/** The verdict of `result` (see the module comment). */
export function loadVerdict(result: LoadResult): LoadVerdict {
  const notes: string[] = [];
  if (result.stoppedBy !== 'completed') notes.push(`the run stopped early (${result.stoppedBy})`);
  const audit = result.audit;
  if (audit?.status === 'partial') notes.push(`the audit is partial: ${audit.reason}`);
  if (audit?.status === 'skipped') notes.push(`the audit did not run: ${audit.reason}`);
  if (result.model === 'closed') notes.push('closed-model figures: latency from the actual send, which hides stalls');
  if (!result.generator.valid)
    notes.push(`the run is INVALID (the generator was saturated): its figures measure this machine, not the target`);

  const nonConformant = nonConformantOf(result);
  const violated = audit?.invariants.filter((i) => i.status === 'violated' && i.counts) ?? [];
  if (nonConformant.count > 0 || violated.length > 0 || audit?.status === 'failed') {
    const parts: string[] = [];
    if (nonConformant.count > 0)
      parts.push(
        `${count(nonConformant.count)} non-conformant ${nonConformant.count === 1 ? 'answer' : 'answers'} (${nonConformant.detail})`,
      );
    if (violated.length > 0)
      parts.push(
        `the audit found ${violated.length === 1 ? 'a violated invariant' : `${violated.length} violated invariants`}: ${violated.map((i) => `${i.id} (expected ${i.expected}, observed ${i.observed})`).join('; ')}`,
      );
    else if (audit?.status === 'failed') parts.push(`the audit failed: ${audit.reason}`);
    return { status: 'fail', headline: 'FAIL', reason: parts.join('; '), notes };
  }
  const missed = result.sloVerdicts?.filter((v) => !v.held) ?? [];
  if (missed.length > 0) {
    const total = result.sloVerdicts?.length ?? missed.length;
    return {
      status: 'slo-missed',
      headline: 'SLO MISSED',
      reason: `${missed.length} of ${total} SLOs not held: ${missed.map((v) => `${v.slo} (${sloReason(v)})`).join('; ')}`,
      notes,
    };
  }
  if (!result.generator.valid)
    return {
      status: 'invalid',
      headline: 'INVALID',
      reason: `the generator, not the target, limited this run: ${result.generator.reasons.join('; ') || 'saturated'}`,
      notes,
    };
  const held = [
    'no non-conformant answer',
    ...(audit?.status === 'passed' ? ['the audit held'] : []),
    ...(result.sloVerdicts !== undefined && result.sloVerdicts.length > 0
      ? [result.sloVerdicts.length === 1 ? 'its SLO held' : `all ${result.sloVerdicts.length} SLOs held`]
      : []),
    'the generator kept up',
  ];
  return { status: 'pass', headline: 'PASS', reason: held.join(', '), notes };
}

/** An SLO verdict's reason without the caveat of an invalid run (the verdict's notes say it once). */
export function sloReason(v: SloVerdict): string {
  return v.reason.replace(`; ${INVALID_RUN_CAVEAT}`, '');
}

/** Non-conformant answers of the measured window, and what was wrong, per operation. */
function nonConformantOf(result: LoadResult): { count: number; detail: string } {
  let n = 0;
  const details: string[] = [];
  for (const [name, op] of Object.entries(result.totals.operations) as [string, OperationResult][]) {
    const c = op.classes['non-conformant'].count;
    if (c === 0) continue;
    n += c;
    const why = Object.entries(op.nonConformant)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, k]) => `${reason} ×${count(k)}`)
      .join(', ');
    details.push(`${name}: ${why || count(c)}`);
  }
  return { count: n, detail: details.join('; ') };
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
