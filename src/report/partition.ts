import type { CheckResult, CheckStatus, RunReport, Waiver } from './types.js';

/** The results of a run sorted into the groups every reporter shows, each in report order. */
export interface PartitionedResults {
  /** Failed and not waived. */
  readonly failed: readonly CheckResult[];
  /** Errored and not waived. */
  readonly errored: readonly CheckResult[];
  readonly inconclusive: readonly CheckResult[];
  /** Failed or errored, covered by a waiver. */
  readonly waived: readonly (CheckResult & { readonly waived: Waiver })[];
  readonly skipped: readonly CheckResult[];
  readonly passed: readonly CheckResult[];
}

/** The group a result is shown in: its status, or `waived` for a waived failure. */
export type DisplayGroup = CheckStatus | 'waived';

/** Groups in display order: what needs attention first. */
export const DISPLAY_ORDER: readonly DisplayGroup[] = ['failed', 'errored', 'inconclusive', 'waived', 'skipped', 'passed'];

/** True when a failed or errored result is covered by a waiver (a waiver on any other status is ignored). */
export function isWaived(result: CheckResult): result is CheckResult & { readonly waived: Waiver } {
  return result.waived !== undefined && (result.status === 'failed' || result.status === 'errored');
}

/** The group `result` is shown in. */
export function displayGroup(result: CheckResult): DisplayGroup {
  return isWaived(result) ? 'waived' : result.status;
}

/** Sorts the results of `report` into display groups, keeping report order inside each group. */
export function partitionResults(report: RunReport): PartitionedResults {
  const failed: CheckResult[] = [];
  const errored: CheckResult[] = [];
  const inconclusive: CheckResult[] = [];
  const waived: (CheckResult & { readonly waived: Waiver })[] = [];
  const skipped: CheckResult[] = [];
  const passed: CheckResult[] = [];
  for (const r of report.results) {
    if (isWaived(r)) waived.push(r);
    else if (r.status === 'failed') failed.push(r);
    else if (r.status === 'errored') errored.push(r);
    else if (r.status === 'inconclusive') inconclusive.push(r);
    else if (r.status === 'skipped') skipped.push(r);
    else passed.push(r);
  }
  return { failed, errored, inconclusive, waived, skipped, passed };
}

/** Failed, errored and inconclusive results that are not waived, in that order: the ones to read first. */
export function attentionResults(parts: PartitionedResults): readonly CheckResult[] {
  return [...parts.failed, ...parts.errored, ...parts.inconclusive];
}

/** Results in display order (failures first, passed last). */
export function orderedResults(parts: PartitionedResults): readonly CheckResult[] {
  return DISPLAY_ORDER.flatMap((group) => parts[group]);
}

/** Groups results by their `message`, keeping the order in which each message first appears. */
export function groupByMessage(results: readonly CheckResult[]): ReadonlyMap<string, readonly CheckResult[]> {
  const groups = new Map<string, CheckResult[]>();
  for (const r of results) {
    const group = groups.get(r.message);
    if (group) group.push(r);
    else groups.set(r.message, [r]);
  }
  return groups;
}

/** Unwaived failed or errored `must` checks (and `ref` checks under strict ref): the results that fail the run. */
export function blockingResults(report: RunReport): readonly CheckResult[] {
  return report.results.filter(
    (r) => (r.status === 'failed' || r.status === 'errored') && (r.level === 'must' || report.strictRef) && !isWaived(r),
  );
}

/**
 * Suite names in report order: `report.suites` first, then any suite that only appears in a result.
 */
export function suiteNames(report: RunReport): readonly string[] {
  const names = new Set(report.suites);
  for (const r of report.results) names.add(r.suite);
  return [...names];
}
