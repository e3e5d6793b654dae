/**
 * A load run's verdict in words, for the reports people read (HTML, Markdown): the same order as the
 * command's exit code (src/cli/load.ts exitOf) — a non-conformant answer or a violated invariant of the
 * audit first, then a missed SLO, then an invalid run — with the reason a reader needs in one line.
 * test/load/verdict.test.ts keeps the two in step.
 *
 * A capacity search's reports (`load --find-capacity`: a result with `capacity`) carry the search's
 * verdict instead of its held step's: capacityVerdict, whose status decides the search's exit code
 * (src/cli/load-capacity.ts capacityExitOf maps it), so the two cannot disagree.
 */
import { rateText } from './numbers.js';
import { unmappedNotice } from './refusals.js';
import { INVALID_RUN_CAVEAT } from './slo.js';
import type { CapacitySearch, CapacityStep, LoadResult, OperationResult, SloVerdict } from './types.js';

/** What a run's reports headline. */
export interface LoadVerdict {
  /**
   * pass: held; fail: non-conformant answers or a violated invariant; slo-missed; invalid: the generator
   * was saturated; partial: the audit could not check everything. A capacity search only: slo-missed is
   * "no rate held", invalid "the generator's limit came first", and interrupted (Ctrl-C) its own.
   */
  readonly status: 'pass' | 'fail' | 'slo-missed' | 'invalid' | 'partial' | 'interrupted';
  /** `PASS`, `FAIL`, `SLO MISSED`, `INVALID`, `PARTIAL`; a capacity search's: CAPACITY_LABEL. */
  readonly headline: string;
  /** Why, in one sentence (`3 non-conformant answers (claim: beyond stock ×3)`). */
  readonly reason: string;
  /** What a reader should know besides (`the audit is partial: …`, `stopped early: interrupted`). */
  readonly notes: readonly string[];
}

/** The verdict of `result` (see the module comment); a capacity search's is the search's (capacityVerdict). */
export function loadVerdict(result: LoadResult): LoadVerdict {
  if (result.capacity !== undefined) return capacityVerdict(result.capacity, result);
  const notes: string[] = [];
  if (result.stoppedBy !== 'completed') notes.push(`the run stopped early (${result.stoppedBy})`);
  const audit = result.audit;
  if (audit?.status === 'partial') notes.push(`the audit is partial: ${audit.reason}`);
  if (audit?.status === 'skipped') notes.push(`the audit did not run: ${audit.reason}`);
  if (result.model === 'closed') notes.push('closed-model figures: latency from the actual send, which hides stalls');
  const unmapped = unmappedNotice(result.totals.operations);
  if (unmapped !== undefined) notes.push(unmapped);
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
  // A partial audit is never a pass: what it could not check is the reason (`--no-audit`, the user's choice, is skipped, not partial).
  if (audit?.status === 'partial')
    return {
      status: 'partial',
      headline: 'PARTIAL',
      reason: `the audit is partial: ${audit.reason}`,
      notes: notes.filter((n) => !n.startsWith('the audit is partial')),
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

/** The label a capacity search's reports headline, per status. */
export const CAPACITY_LABEL: Readonly<Record<LoadVerdict['status'], string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  'slo-missed': 'NO RATE HELD',
  invalid: 'GENERATOR LIMIT',
  partial: 'PARTIAL',
  interrupted: 'INTERRUPTED',
};

/**
 * The verdict of a capacity search, its reason the search's headline (`holds N/s …; breaks at M/s: …`).
 * The status, the first that applies:
 * - fail when any step's answers were non-conformant or its audit found a violated invariant, at
 *   whatever rate: exactness does not get a capacity (a target that oversells at 3,800/s oversells in a
 *   sale that reaches 3,800/s; a correct one refuses or slows down). The rate that held is reported all
 *   the same; a step not exact that the headline does not name is added to the reason;
 * - invalid when the search stopped at the generator's limit: the figure is this machine's, not the target's;
 * - interrupted on Ctrl-C, whatever held (the steps so far are the report, as a stopped `load` run's are);
 * - slo-missed when no rate held (the first step broke, or a bound came before a step was judged);
 * - partial when the rate that held had a partial audit: it held on latency only;
 * - pass when a capacity was found (a break above it, or a bound reached with every step held;
 *   `--no-audit` is the user's choice, and the headline says `not audited`).
 * `shown`, the run the report holds besides the search, adds why its audit was partial.
 */
export function capacityVerdict(c: CapacitySearch, shown?: LoadResult): LoadVerdict {
  const verdict = (status: LoadVerdict['status'], reason: string, notes: readonly string[] = []): LoadVerdict => ({
    status,
    headline: CAPACITY_LABEL[status],
    reason,
    notes,
  });
  const inexact = c.steps.filter(notExact);
  if (inexact.length > 0) {
    // The headline names the lowest rate that broke; a step above it can have broken on exactness too.
    const unnamed = inexact.filter((s) => !c.headline.includes(s.reasons.join('; ')));
    const more = unnamed.map((s) => `; not exact at ${rateText(s.intendedRatePerS)}/s (step ${s.step}): ${s.reasons.join('; ')}`);
    return verdict('fail', `${c.headline}${more.join('')}`, [
      'a step that was not exact fails the search whatever rate held: exactness does not get a capacity',
    ]);
  }
  if (c.stoppedBy === 'generator-limit')
    return verdict('invalid', c.headline, ["the generator's limit came first: these figures measure this machine, not the target"]);
  if (c.stoppedBy === 'interrupted')
    return verdict('interrupted', c.headline, ['the search was interrupted: the report holds the steps so far']);
  if (c.heldRatePerS === null) return verdict('slo-missed', c.headline);
  if (c.exactness === 'not-verified')
    return verdict(
      'partial',
      c.headline,
      shown?.audit?.status === 'partial' ? [`the held rate's audit is partial: ${shown.audit.reason}`] : [],
    );
  return verdict('pass', c.headline);
}

/** A step whose answers or audit said the target was not exact (at any rate). */
function notExact(s: CapacityStep): boolean {
  return s.nonConformant > 0 || s.violated.length > 0 || (s.verdict === 'broke' && s.audit === 'failed');
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
