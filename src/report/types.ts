/**
 * The result of one conformance run: plain, serialisable data. Every reporter renders this shape;
 * the JSON reporter writes it as it is (its schema: specs/schema/report.schema.json).
 */
import type { Preflight, PreflightProblemKind } from '../core/preflight.js';

export type CheckStatus = 'passed' | 'failed' | 'errored' | 'skipped' | 'inconclusive';

export type RuleLevel = 'must' | 'ref';

/** The request of the failing step, secrets already removed. */
export interface RecordedRequest {
  readonly httpMethod: string;
  readonly url: string;
  /** The operation called, e.g. `jingdong.seller.promotion.add` (JOS) or `order/add_coupon` (Tencent data-api). */
  readonly operation: string;
  /**
   * Parameters as sent (system and application). `access_token` and `sign` are replaced by `***`
   * unless the run used the documented test credentials (then they are shown, so the request can be
   * replayed); the app secret never appears.
   */
  readonly params: Readonly<Record<string, string>>;
  /** The body as sent, for a JSON-body protocol (cut to 4 KiB). */
  readonly body?: string;
}

export interface RecordedResponse {
  readonly status: number;
  readonly contentType?: string;
  /** The body as text, cut to at most 4 KiB. */
  readonly body: string;
  readonly truncated?: boolean;
}

export interface Failure {
  /** Id or index of the step that failed. */
  readonly step: string;
  /** Index of that step in the check's planned steps (fixtures inlined). */
  readonly stepIndex?: number;
  /**
   * Whether that step asserts the check's rules (a step of the scenario with an `expect`, or its last
   * step); false for a setup step (a fixture's, or a scenario step without `expect`).
   */
  readonly asserting?: boolean;
  readonly expected: string;
  readonly actual: string;
  readonly request?: RecordedRequest;
  readonly response?: RecordedResponse;
  /**
   * A curl command line that reproduces the request: runnable as it is with the documented test
   * credentials (within the timestamp window), else with `access_token` and `sign` redacted (the
   * user re-signs with `promoproof sign`).
   */
  readonly curl?: string;
}

export interface Waiver {
  readonly rule: string;
  readonly reason: string;
  /** ISO date `yyyy-MM-dd`. */
  readonly expires: string;
}

export interface CheckResult {
  /** Stable id: scenario id, plus `[row]` for table rows or generated-case suffixes. */
  readonly id: string;
  readonly title: string;
  readonly suite: string;
  /** The API the check called (src/apis/index.ts) and the wire protocol spoken (the API's, or `http-json` through a binding); set by the runner. */
  readonly api?: string;
  readonly protocol?: string;
  readonly rules: readonly string[];
  readonly level: RuleLevel;
  readonly tags: readonly string[];
  readonly status: CheckStatus;
  /** Empty for passed checks; the reason otherwise. */
  readonly message: string;
  readonly durationMs: number;
  /** Scenario file (relative to the repository) and line of the scenario or row. */
  readonly source?: { readonly file: string; readonly line: number };
  readonly failure?: Failure;
  /** Set when a failed or errored check is covered by a waiver: reported, does not fail the run. */
  readonly waived?: Waiver;
}

export interface RuleCoverage {
  readonly id: string;
  readonly level: RuleLevel;
  readonly checks: number;
}

export interface Coverage {
  /** Rules of the suites that ran. */
  readonly total: number;
  readonly covered: number;
  readonly uncovered: readonly string[];
  readonly rules: readonly RuleCoverage[];
}

export interface Summary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly errored: number;
  readonly skipped: number;
  readonly inconclusive: number;
  /** Failed or errored checks covered by a waiver (counted in failed / errored too). */
  readonly waived: number;
}

export interface RunReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'promoproof'; readonly version: string };
  readonly target: {
    readonly url: string;
    readonly embedded: boolean;
    readonly fault?: string;
    /** The URL of each API, when the target serves more than one (`url` is the first's). */
    readonly endpoints?: Readonly<Record<string, string>>;
  };
  readonly suites: readonly string[];
  /** ISO 8601 instant. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly summary: Summary;
  /**
   * How parallel the checks ran: `concurrency` asked for, `achieved` the checks in flight on average
   * (the sum of the checks' durations over the wall time of running them). Far below `concurrency`
   * means a few long checks set the pace; `achieved` near it against a slow target means more would help.
   */
  readonly parallelism?: { readonly concurrency: number; readonly achieved: number };
  /**
   * `fail` when an unwaived check that counts (every `must` check; `ref` checks too when `strictRef`)
   * failed or errored, or a waiver has expired; otherwise `none` when no check passed, failed or
   * errored (every check skipped or inconclusive: nothing was verified); otherwise `pass`.
   */
  readonly verdict: 'pass' | 'fail' | 'none';
  /**
   * Whether failed or errored `ref` checks count against the verdict of this run: true against the
   * embedded reference and with `--strict-ref`. Renderers label `ref` failures by it.
   */
  readonly strictRef: boolean;
  readonly expiredWaivers: readonly Waiver[];
  readonly results: readonly CheckResult[];
  readonly coverage: Coverage;
  /** What the preflight found before the suite ran (src/engine/preflight.ts); absent when it did not run. */
  readonly preflight?: Preflight;
  /**
   * Set when the run did not happen (exit 3): the preflight found a problem, or the target was
   * unreachable. `results` then holds one errored check, `preflight`, with the same message.
   */
  readonly aborted?: { readonly kind: PreflightProblemKind; readonly message: string };
}

// The preflight's outcome is made by each protocol's preflight, so its type lives below them, in core/.
export type { Preflight, PreflightProblemKind } from '../core/preflight.js';
