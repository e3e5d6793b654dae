/**
 * `--baseline old.json`: a run compared with an earlier run of the same profile, flagging what got
 * worse beyond noise. Noise is defined here, once (BASELINE_NOISE), and every rendering says it:
 *
 * - a latency percentile (p50, p90, p99, p99.9 of one operation and outcome class) moved when it changed
 *   by more than 10 % of the baseline's value **and** by more than 1 ms (loopback answers of a few tenths
 *   of a millisecond jitter by more than 10 % from run to run); it is compared only when both runs have
 *   enough answers of that class for the percentile to be more than one answer's latency (10 for p50
 *   and p90, 100 for p99, 1,000 for p99.9);
 * - a rate moved when it changed by more than 5 %: the run's achieved send rate, and each operation's
 *   successes per second (fewer is worse); refusals per second are shown, never judged (a storm's
 *   refusals follow its stock);
 * - the share of an operation's answers in an error class (non-conformant, transport, unknown) moved
 *   when it changed by more than 5 % of its old value **and** by at least 0.1 percentage point;
 * - the audit: any result that got worse (passed → partial → failed; an invariant held → not checked →
 *   violated); an SLO held before and not now.
 *
 * Comparing runs of different profiles is refused (BaselineError). Pure: the CLI reads the file
 * (parseBaseline) and hands the comparison to the renderers.
 */
import { schemaValidator } from '../core/schema-check.js';
import { LOAD_RESULT_FORMAT } from './result.js';
import { type LoadResult, OUTCOME_CLASSES, type OutcomeClass } from './types.js';

/** What counts as noise when two runs are compared (see the module comment). */
export const BASELINE_NOISE = {
  /** A latency moved when it changed by more than this share of the baseline's … */
  latencyShare: 0.1,
  /** … and by more than this, ms. */
  latencyFloorMs: 1,
  /** A rate moved when it changed by more than this share of the baseline's. */
  rateShare: 0.05,
  /** An error share moved when it changed by more than rateShare of its old value and by at least this (0.001 = 0.1 point). */
  errorShareFloor: 0.001,
  /** Answers of the class each run needs for a percentile to be compared. */
  minAnswers: { p50: 10, p90: 10, p99: 100, p999: 1000 },
} as const;

/** The noise rule in one sentence, for every rendering. */
export const NOISE_TEXT =
  'noise: a latency percentile within 10 % or 1 ms of the baseline (compared on at least 10 answers for p50/p90, 100 for p99, 1,000 for p99.9), a rate within 5 %, an error share within 5 % or 0.1 point';

/** The percentiles compared. */
const PERCENTILES = ['p50', 'p90', 'p99', 'p999'] as const;
type Percentile = (typeof PERCENTILES)[number];
const FIELD: Readonly<Record<Percentile, 'p50Ms' | 'p90Ms' | 'p99Ms' | 'p999Ms'>> = {
  p50: 'p50Ms',
  p90: 'p90Ms',
  p99: 'p99Ms',
  p999: 'p999Ms',
};

/** A baseline that cannot be compared: not a load report, or of another profile. The CLI makes it a usage error. */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
}

/** One metric of both runs. */
export interface BaselineFinding {
  /** The operation, absent for the run as a whole (achieved rate, audit, SLOs). */
  readonly operation?: string;
  readonly class?: OutcomeClass;
  /** p50 … p999: a latency (ms); rate: per second; share: of the operation's answers; achieved: the run's send rate; audit; slo. */
  readonly metric: Percentile | 'rate' | 'share' | 'achieved' | 'audit' | 'slo';
  /** What it is, in words (`claim success p99`, `audit stock`, `SLO claim.p99<200ms`). */
  readonly label: string;
  /** The baseline's value and this run's: ms, per second or a fraction; a status for the audit and SLOs; null when absent. */
  readonly before: number | string | null;
  readonly after: number | string | null;
  readonly unit: 'ms' | 'per-s' | 'fraction' | 'status';
  /** regression / improvement: beyond noise; noise: within it; changed: moved, not judged (refusals); not-compared: too few answers, or absent from one run. */
  readonly change: 'regression' | 'improvement' | 'noise' | 'changed' | 'not-compared';
  /** Why, in words (`+23.5 % and +4.10 ms`, `held → violated`, `12 answers before, 3 now: too few for p99`). */
  readonly why: string;
}

/** A run compared with its baseline. */
export interface BaselineComparison {
  /** The baseline run: when it started, its model and target. */
  readonly baseline: { readonly startedAt: string; readonly model: LoadResult['model']; readonly target: string; readonly file?: string };
  /** Differences between the runs a reader must weigh (another model, target or generator health). */
  readonly notes: readonly string[];
  /** Every metric compared, regressions first, then improvements, then the rest (in the report's order). */
  readonly findings: readonly BaselineFinding[];
  readonly regressions: number;
  readonly improvements: number;
}

/**
 * A baseline read from its JSON text: a load report (specs/schema/load-report.schema.json) or a
 * BaselineError saying what is wrong with it (`file` names it in the message).
 */
export function parseBaseline(text: string, file: string): LoadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`--baseline ${file}: not JSON (${(e as Error).message})`);
  }
  const format = typeof value === 'object' && value !== null ? (value as { format?: unknown }).format : undefined;
  if (format !== LOAD_RESULT_FORMAT)
    throw new BaselineError(
      `--baseline ${file}: not a load report (its format is ${JSON.stringify(format ?? null)}, a load report's is ${LOAD_RESULT_FORMAT}: promoproof load --report json=PATH writes one)`,
    );
  const validate = schemaValidator('load-report.schema.json');
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new BaselineError(
      `--baseline ${file}: not a valid load report: ${first ? `${first.instancePath || '/'} ${first.message ?? ''}` : 'schema mismatch'} (specs/schema/load-report.schema.json)`,
    );
  }
  return value as LoadResult;
}

/** `current` compared with `baseline` (see the module comment); throws BaselineError for runs of different profiles. */
export function compareWithBaseline(current: LoadResult, baseline: LoadResult, file?: string): BaselineComparison {
  if (current.profile.name !== baseline.profile.name)
    throw new BaselineError(
      `--baseline${file ? ` ${file}` : ''}: a run of profile ${baseline.profile.name}, not ${current.profile.name}: a baseline compares two runs of the same profile`,
    );
  const findings = [
    ...achievedFinding(current, baseline),
    ...operationFindings(current, baseline),
    ...auditFindings(current, baseline),
    ...sloFindings(current, baseline),
  ];
  const rank = (f: BaselineFinding) => (f.change === 'regression' ? 0 : f.change === 'improvement' ? 1 : 2);
  const ordered = findings.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i);
  return {
    baseline: {
      startedAt: baseline.startedAt,
      model: baseline.model,
      target: baseline.target.url,
      ...(file !== undefined ? { file } : {}),
    },
    notes: notesOf(current, baseline),
    findings: ordered.map((x) => x.f),
    regressions: findings.filter((f) => f.change === 'regression').length,
    improvements: findings.filter((f) => f.change === 'improvement').length,
  };
}

/** A finding in one line: `claim success p99: 2.10 ms → 3.40 ms (+61.9 %, +1.30 ms)`. */
export function describeFinding(f: BaselineFinding): string {
  return `${f.label}: ${changeText(f)}`;
}

/** The change of a finding: `2.10 ms → 3.40 ms (+61.9 %, +1.30 ms)`. */
export function changeText(f: BaselineFinding): string {
  return `${valueText(f.before, f.unit)} → ${valueText(f.after, f.unit)} (${f.why})`;
}

/** A finding's value in its unit. */
export function valueText(v: number | string | null, unit: BaselineFinding['unit']): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (unit === 'ms') return `${v < 1 ? v.toFixed(3) : v.toFixed(2)} ms`;
  if (unit === 'per-s') return `${v < 100 ? (Math.round(v * 10) / 10).toString() : Math.round(v).toLocaleString('en-US')}/s`;
  if (unit === 'fraction') return `${(v * 100).toFixed(2)} %`;
  return String(v);
}

function notesOf(current: LoadResult, baseline: LoadResult): string[] {
  const notes: string[] = [];
  if (current.model !== baseline.model)
    notes.push(
      `the baseline ran the ${baseline.model} model and this run the ${current.model}: their latencies are measured from different instants`,
    );
  // The embedded reference listens on a free port each run: its URL changing says nothing.
  if (current.target.url !== baseline.target.url && !(current.target.embedded && baseline.target.embedded))
    notes.push(`the baseline ran against ${baseline.target.url}, this run against ${current.target.url}`);
  const [a, b] = [baseline.totals, current.totals];
  if (
    a.intended !== b.intended ||
    Math.abs(a.intendedRatePerS - b.intendedRatePerS) > 0.05 * Math.max(a.intendedRatePerS, b.intendedRatePerS)
  )
    notes.push(
      `the runs planned differently (${count(a.intended)} requests at ${rate(a.intendedRatePerS)}/s in the baseline, ${count(b.intended)} at ${rate(b.intendedRatePerS)}/s now): rates and latencies under another load differ for that reason too`,
    );
  if (!baseline.generator.valid) notes.push('the baseline run was INVALID (its generator was saturated): its figures measure its machine');
  if (!current.generator.valid) notes.push('this run is INVALID (its generator was saturated): its figures measure this machine');
  if (baseline.stoppedBy !== 'completed') notes.push(`the baseline run stopped early (${baseline.stoppedBy})`);
  return notes;
}

function achievedFinding(current: LoadResult, baseline: LoadResult): BaselineFinding[] {
  const before = baseline.totals.achievedRatePerS;
  const after = current.totals.achievedRatePerS;
  return [{ metric: 'achieved', label: 'achieved send rate', ...rateChange(before, after, 'higher-better') }];
}

/** Per operation of either run and per class: its percentiles, its rate (successes, refusals) or its share (error classes). */
function operationFindings(current: LoadResult, baseline: LoadResult): BaselineFinding[] {
  const out: BaselineFinding[] = [];
  const names = [...new Set([...Object.keys(current.totals.operations), ...Object.keys(baseline.totals.operations)])];
  const secondsOf = (r: LoadResult) => r.phases.filter((p) => p.measured).reduce((s, p) => s + p.elapsedMs, 0) / 1000;
  const [sNow, sThen] = [secondsOf(current), secondsOf(baseline)];
  for (const name of names) {
    const now = Object.hasOwn(current.totals.operations, name) ? current.totals.operations[name] : undefined;
    const then = Object.hasOwn(baseline.totals.operations, name) ? baseline.totals.operations[name] : undefined;
    for (const k of OUTCOME_CLASSES) {
      const a = then?.classes[k];
      const b = now?.classes[k];
      if ((a?.count ?? 0) === 0 && (b?.count ?? 0) === 0) continue;
      const label = `${name} ${k}`;
      if (k === 'success' || k === 'refusal') {
        const rate = rateChange(
          a && sThen > 0 ? a.count / sThen : null,
          b && sNow > 0 ? b.count / sNow : null,
          k === 'success' ? 'higher-better' : 'not-judged',
        );
        out.push({ operation: name, class: k, metric: 'rate', label: `${label} rate`, ...rate });
      } else {
        const share = (n: number | undefined, total: number | undefined) => (n === undefined || !total ? null : n / total);
        out.push({
          operation: name,
          class: k,
          metric: 'share',
          label: `${label} share`,
          ...errorShareChange(share(a?.count, then?.count), share(b?.count, now?.count)),
        });
      }
      if (k === 'transport') continue;
      for (const p of PERCENTILES) {
        const min = BASELINE_NOISE.minAnswers[p];
        const [na, nb] = [a?.latency.count ?? 0, b?.latency.count ?? 0];
        const base = { operation: name, class: k, metric: p, label: `${label} ${p === 'p999' ? 'p99.9' : p}`, unit: 'ms' as const };
        if (na < min || nb < min) {
          // Too few for this percentile: listed only where the class has any latency at all, and only for p50 (one line says it).
          if (p === 'p50')
            out.push({
              ...base,
              before: na > 0 && a ? a.latency[FIELD[p]] : null,
              after: nb > 0 && b ? b.latency[FIELD[p]] : null,
              change: 'not-compared',
              why: `${count(na)} answers before, ${count(nb)} now: percentiles need ${min} (p50) to ${BASELINE_NOISE.minAnswers.p999} (p99.9) in both`,
            });
          continue;
        }
        out.push({ ...base, ...latencyChange(a ? a.latency[FIELD[p]] : 0, b ? b.latency[FIELD[p]] : 0) });
      }
    }
  }
  return out;
}

type Change = Pick<BaselineFinding, 'before' | 'after' | 'unit' | 'change' | 'why'>;

function latencyChange(before: number, after: number): Change {
  const delta = after - before;
  const share = before > 0 ? delta / before : Number.POSITIVE_INFINITY;
  const why = `${signed(share * 100, 1)} %, ${signed(delta, delta > -1 && delta < 1 ? 3 : 2)} ms`;
  const beyond = Math.abs(share) > BASELINE_NOISE.latencyShare && Math.abs(delta) > BASELINE_NOISE.latencyFloorMs;
  return { before, after, unit: 'ms', change: beyond ? (delta > 0 ? 'regression' : 'improvement') : 'noise', why };
}

function rateChange(before: number | null, after: number | null, judge: 'higher-better' | 'not-judged'): Change {
  if (before === null || after === null || before === 0) {
    return {
      before,
      after,
      unit: 'per-s',
      change: before === after ? 'noise' : 'not-compared',
      why: before === null ? 'absent from the baseline' : after === null ? 'absent from this run' : 'none in the baseline',
    };
  }
  const share = (after - before) / before;
  const why = `${signed(share * 100, 1)} %`;
  if (Math.abs(share) <= BASELINE_NOISE.rateShare) return { before, after, unit: 'per-s', change: 'noise', why };
  if (judge === 'not-judged')
    return { before, after, unit: 'per-s', change: 'changed', why: `${why}, not judged (refusals follow the stock)` };
  return { before, after, unit: 'per-s', change: share < 0 ? 'regression' : 'improvement', why };
}

function errorShareChange(before: number | null, after: number | null): Change {
  const b = before ?? 0;
  const a = after ?? 0;
  const delta = a - b;
  const why = `${signed(delta * 100, 2)} points`;
  const beyond = Math.abs(delta) >= BASELINE_NOISE.errorShareFloor && (b === 0 || Math.abs(delta) / b > BASELINE_NOISE.rateShare);
  return { before, after, unit: 'fraction', change: beyond ? (delta > 0 ? 'regression' : 'improvement') : 'noise', why };
}

const AUDIT_RANK: Readonly<Record<string, number>> = {
  passed: 0,
  held: 0,
  partial: 1,
  'not-checked': 1,
  skipped: 1,
  failed: 2,
  violated: 2,
};

function auditFindings(current: LoadResult, baseline: LoadResult): BaselineFinding[] {
  const [then, now] = [baseline.audit, current.audit];
  if (then === undefined && now === undefined) return [];
  const out: BaselineFinding[] = [statusFinding('audit', 'audit', then?.status ?? null, now?.status ?? null)];
  const ids = [...new Set([...(then?.invariants ?? []).map((i) => i.id), ...(now?.invariants ?? []).map((i) => i.id)])];
  for (const id of ids) {
    const a = then?.invariants.find((i) => i.id === id);
    const b = now?.invariants.find((i) => i.id === id);
    out.push(statusFinding('audit', `audit ${id}`, a?.status ?? null, b?.status ?? null));
  }
  return out;
}

function sloFindings(current: LoadResult, baseline: LoadResult): BaselineFinding[] {
  const then = baseline.sloVerdicts ?? [];
  const now = current.sloVerdicts ?? [];
  const texts = [...new Set([...then.map((v) => v.slo), ...now.map((v) => v.slo)])];
  return texts.map((t) => {
    const held = (v: { held: boolean } | undefined) => (v === undefined ? null : v.held ? 'held' : 'violated');
    return statusFinding('slo', `SLO ${t}`, held(then.find((v) => v.slo === t)), held(now.find((v) => v.slo === t)));
  });
}

/** A status that got worse (held → not checked → violated, passed → partial → failed) is a regression. */
function statusFinding(metric: 'audit' | 'slo', label: string, before: string | null, after: string | null): BaselineFinding {
  const show = (s: string | null) => (s === 'violated' && metric === 'slo' ? 'missed' : s);
  const base = { metric, label, before: show(before), after: show(after), unit: 'status' as const };
  if (before === null || after === null)
    return { ...base, change: 'not-compared', why: before === null ? 'absent from the baseline' : 'absent from this run' };
  const [a, b] = [AUDIT_RANK[before] ?? 1, AUDIT_RANK[after] ?? 1];
  if (a === b) return { ...base, change: 'noise', why: 'unchanged' };
  return { ...base, change: b > a ? 'regression' : 'improvement', why: b > a ? 'worse' : 'better' };
}

function signed(n: number, digits: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+∞' : '−∞';
  const s = Math.abs(n).toFixed(digits);
  return n >= 0 ? `+${s}` : `−${s}`;
}

function rate(perS: number): string {
  return perS < 100 ? String(Math.round(perS * 10) / 10) : count(perS);
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
