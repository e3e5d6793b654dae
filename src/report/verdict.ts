import { groupByMessage, isWaived } from './partition.js';
import { cutText, oneLine, plural } from './text.js';
import type { CheckResult, RunReport } from './types.js';

/**
 * The verdict rule of a run in words, shared by every reporter: which checks count, the label of a
 * check's level, and the verdict line with its reason.
 */

/** True when `result` fails its run: failed or errored, not waived, and `must` (or `ref` under strict ref). */
export function countsTowardVerdict(result: CheckResult, report: Pick<RunReport, 'strictRef'>): boolean {
  return (result.status === 'failed' || result.status === 'errored') && !isWaived(result) && (result.level === 'must' || report.strictRef);
}

/** Label of a `ref` check whose failure counts in this run. */
export const REF_COUNTS_LABEL = 'ref, counts in this run (strict ref)';
/** Label of a `ref` check whose failure does not count in this run. */
export const REF_DOES_NOT_COUNT_LABEL = 'ref, does not fail the run';

/** A check's level as this run judges it: `must`, or one of the two `ref` labels. */
export function levelLabel(result: Pick<CheckResult, 'level'>, report: Pick<RunReport, 'strictRef'>): string {
  if (result.level !== 'ref') return result.level;
  return report.strictRef ? REF_COUNTS_LABEL : REF_DOES_NOT_COUNT_LABEL;
}

/** The verdict as printed: a headline and its reason. */
export interface VerdictStatement {
  readonly headline: 'PASS' | 'FAIL' | 'NO CHECKS RAN' | 'NOTHING CONCLUDED';
  readonly reason: string;
}

/** How many skip reasons the verdict line names. */
const SKIP_REASONS_NAMED = 2;
/** Characters of one skip reason in the verdict line. */
const SKIP_REASON_CHARS = 100;

/**
 * The verdict of `report` with its reason, e.g. `FAIL` / `3 must checks failed, 1 ref check failed
 * (strict ref)`, `PASS` / `all 805 checks passed`, `NO CHECKS RAN` / `all 120 checks skipped (…)`.
 */
export function verdictStatement(report: RunReport): VerdictStatement {
  const unwaived = report.results.filter((r) => !isWaived(r));
  const n = (level: CheckResult['level'], status: CheckResult['status']) =>
    unwaived.filter((r) => r.level === level && r.status === status).length;
  const must = { failed: n('must', 'failed'), errored: n('must', 'errored') };
  const ref = { failed: n('ref', 'failed'), errored: n('ref', 'errored') };
  const waived = report.results.filter(isWaived).length;
  const s = report.summary;

  // What does not fail the run, said so.
  const harmless: [number, string][] = [];
  if (!report.strictRef && ref.failed + ref.errored > 0) harmless.push([ref.failed + ref.errored, 'ref failure']);
  if (waived > 0) harmless.push([waived, 'waived failure']);
  const single = harmless.length === 1 && harmless[0]![0] === 1;
  const harmlessText =
    harmless.length === 0 ? '' : `${harmless.map(([k, noun]) => plural(k, noun)).join(' and ')} ${single ? 'does' : 'do'} not fail the run`;

  if (report.verdict === 'fail') {
    const reasons: string[] = [];
    if (must.failed > 0) reasons.push(`${plural(must.failed, 'must check')} failed`);
    if (must.errored > 0) reasons.push(`${plural(must.errored, 'must check')} errored`);
    if (report.strictRef) {
      const refs: string[] = [];
      if (ref.failed > 0) refs.push(`${plural(ref.failed, 'ref check')} failed`);
      if (ref.errored > 0) refs.push(`${plural(ref.errored, 'ref check')} errored`);
      if (refs.length > 0) reasons.push(`${refs.join(', ')} (strict ref)`);
    }
    if (report.expiredWaivers.length > 0) reasons.push(`${plural(report.expiredWaivers.length, 'waiver')} expired`);
    return { headline: 'FAIL', reason: `${reasons.join(', ')}${harmlessText ? ` (${harmlessText})` : ''}` };
  }

  if (report.verdict === 'none') {
    if (s.total === 0) return { headline: 'NO CHECKS RAN', reason: 'no check was selected' };
    const skipped = report.results.filter((r) => r.status === 'skipped');
    const groups = [...groupByMessage(skipped)].sort((a, b) => b[1].length - a[1].length);
    const named = groups.slice(0, SKIP_REASONS_NAMED).map(([message, g]) => {
      const text = oneLine(message) || '(no reason given)';
      const cut = cutText(text, SKIP_REASON_CHARS);
      return `${cut.text}${cut.omitted > 0 ? '…' : ''} ×${g.length}`;
    });
    if (groups.length > SKIP_REASONS_NAMED) named.push(`${plural(groups.length - SKIP_REASONS_NAMED, 'other reason')}`);
    const why = named.length > 0 ? `: ${named.join('; ')}` : '';
    if (s.skipped === s.total)
      return { headline: 'NO CHECKS RAN', reason: `all ${plural(s.total, 'check')} skipped${why ? ` (${why.slice(2)})` : ''}` };
    return {
      headline: 'NOTHING CONCLUDED',
      reason: `none of ${plural(s.total, 'check')} passed or failed (${[s.skipped > 0 ? `${s.skipped} skipped${why}` : '', s.inconclusive > 0 ? `${s.inconclusive} inconclusive` : ''].filter((t) => t !== '').join('; ')})`,
    };
  }

  if (s.passed === s.total) return { headline: 'PASS', reason: s.total === 1 ? 'the 1 check passed' : `all ${s.total} checks passed` };
  const notes = [
    s.skipped > 0 ? `${s.skipped} skipped` : '',
    s.inconclusive > 0 ? `${s.inconclusive} inconclusive` : '',
    harmlessText,
  ].filter((t) => t !== '');
  return {
    headline: 'PASS',
    reason: `${plural(s.total, 'check')}, 0 ${report.strictRef ? 'must or ref failures' : 'must failures'}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
  };
}

/** The verdict line without colour: `FAIL — 3 must checks failed`. */
export function verdictLine(report: RunReport): string {
  const v = verdictStatement(report);
  return `${v.headline} — ${v.reason}`;
}
