/**
 * The load wing's data: a load profile as its YAML writes it (specs/schema/load-profile.schema.json),
 * and a load run's result as its JSON report writes it (specs/schema/load-report.schema.json). Plain
 * data both ways, so a result of several processes or machines merges (mergeLoadResults).
 */
import type { AuditRole } from '../apis/audit-hooks.js';
import type { Json, Step } from '../scenario/types.js';
import type { SketchJson } from './artillery/sketch.js';

// ---------------------------------------------------------------- the profile (data)

/**
 * One load profile: the APIs it uses, the setup that makes the state it storms (in the suites' own
 * step language), the users, the weighted operation mix, the phases, the bounds and the SLOs.
 */
export interface LoadProfileDoc {
  /** The profile's name (`claim-storm`): the file's name without `.yaml`. */
  readonly profile: string;
  readonly title: string;
  /** What the profile answers, in a few sentences (the README and `--list` show its first line). */
  readonly description: string;
  /** The APIs it calls (src/apis/index.ts ids); the target must serve each. */
  readonly apis: readonly string[];
  /** Variables set before the setup, once per run (`batch: "pp-${fresh.name}"`). */
  readonly vars?: Readonly<Record<string, Json>>;
  /**
   * Steps run once before the first phase: call and parallel steps (no `use:`, fixtures are the suites';
   * no `control:`, a profile runs against any target that serves its APIs); their captures are variables of the mix.
   */
  readonly setup?: readonly Step[];
  readonly users: UsersDoc;
  readonly mix: readonly LoadOperationDoc[];
  readonly phases: readonly PhaseDoc[];
  /** The defaults of the run, each overridable on the command line. */
  readonly run?: RunDefaultsDoc;
  /** The audit after the run: the batches' limits (stock, per user) and the sample of other users to look up. */
  readonly audit?: AuditDoc;
  /** Service levels (`claim.p99<200ms`, `errors<0.1%`, `achieved>=99%`): parsed now, gated on by `load` part 2. */
  readonly slo?: readonly string[];
}

/**
 * The users of a run. A request's `${user}` is a uid, a number: user k (0 ≤ k < count) is `userBase + k`,
 * where userBase is the profile's var `userBase` when it sets one (an integer ≥ 1), else a base fresh per
 * run (src/load/mix.ts: (epoch s mod 10⁷) × 10⁶ + 1), so that per-user limits of earlier runs never
 * interfere. `${requestId}` is unique per request across processes (at most 32 characters).
 */
export interface UsersDoc {
  /** How many distinct users the mix draws from (at most 1,000,000: src/load/mix.ts MAX_USERS). */
  readonly count: number;
  /** How a request picks its user: every user equally likely, or Zipf-skewed (a few users very active). Default uniform. */
  readonly choice?: 'uniform' | 'zipf';
  /** The Zipf exponent (default 1.1; > 0). */
  readonly zipfS?: number;
}

/** One operation of the mix. Its params see the profile's and the setup's variables, and `${user}`, `${requestId}`, `${index}`. */
export interface LoadOperationDoc {
  /** The report's name of the operation (`claim`), unique in the profile. */
  readonly name: string;
  /** The API it calls (default: the profile's first API). */
  readonly api?: string;
  /** The operation of that API's spec. */
  readonly call: string;
  /** Its share of the mix, relative to the others' (> 0). */
  readonly weight: number;
  readonly params?: Readonly<Record<string, Json>>;
  /** Refusal codes that are normal business in a storm (sold out, per-user limit): `any`, or a list. Other codes count as errors. */
  readonly refusals?: 'any' | readonly string[];
  /** The codes that say the stock is gone: the first one marks the time to sold-out. */
  readonly soldOut?: readonly string[];
  /** At most this many successes (a number, or a template of the profile's variables): every success beyond it is non-conformant. */
  readonly stock?: number | string;
  /**
   * The operation's role for the audit after the run (src/load/audit.ts): a claim, a redeem or a
   * verification whose answers are kept and reconciled, or `none`. Absent: the role its API's audit
   * hooks give its call (src/apis/audit-hooks.ts), if any.
   */
  readonly audit?: AuditRole | 'none';
  /**
   * Deliberate re-sends: a share of this operation's requests repeat an earlier request of it with the
   * same application parameters (its request id, its user), signed again with a fresh timestamp as a
   * real client's retry is. The audit's `idempotent-retries` then checks that a claim re-sent never
   * issues twice. Absent: no re-send.
   */
  readonly retries?: RetriesDoc;
}

/** How an operation's requests are re-sent (LoadOperationDoc.retries). */
export interface RetriesDoc {
  /** The share of the operation's requests that are re-sends, 0…0.5 (0.05: one in twenty). */
  readonly share: number;
  /**
   * `concurrent`: the request built just before (still in flight: a retry after a client-side timeout
   * races a late first); `after`: one sent at least `afterMs` earlier (its answer normally in: a retry
   * after an error the client saw); `either` (default): each re-send picks one of the two at random.
   */
  readonly when?: 'concurrent' | 'after' | 'either';
  /** How long before a re-send of `after` its first was sent, ms (default 500). */
  readonly afterMs?: number;
}

/**
 * What the audit after the run needs that the mix does not say: the limits the setup gave each batch
 * (templates of the profile's and the setup's variables), and how many users that got no coupon to
 * look up as well.
 */
export interface AuditDoc {
  readonly batches?: readonly AuditBatchDoc[];
  /** Users of the profile's range with no acknowledged claim whose coupons are looked up too (default 20). */
  readonly sampleUsers?: number;
}

/** One batch the claims draw from, written with the parameters the claims name it by. */
export interface AuditBatchDoc {
  /** The batch as the claims name it (`{data_source_id: "${target.dataSourceId}", batch_id: "${batch}"}`). */
  readonly batch: Readonly<Record<string, Json>>;
  /** The most coupons it hands out over the run (a number or a template). */
  readonly stock?: number | string;
  /** The most coupons of it one user may hold (a number or a template). */
  readonly perUser?: number | string;
  /** The most coupons it hands out a day, UTC+8 (its upload's max_coupons_by_day; a number or a template). */
  readonly perDay?: number | string;
  /** The most coupons of it one user may take a day, UTC+8 (max_coupon_number_per_user_daily). */
  readonly perUserDaily?: number | string;
  /** The most it hands out a day, UTC+8, in fen: its upload's max_amount_by_day (yuan) × 100. */
  readonly amountPerDayFen?: number | string;
}

/** A phase's rate, arrivals per second (open model); a ceiling in the closed model. */
export type PhaseDoc =
  /** Traffic to warm the target's caches and JIT; excluded from every figure. */
  | { readonly phase: 'warm-up'; readonly name?: string; readonly duration: string; readonly rate: number }
  | { readonly phase: 'steady'; readonly name?: string; readonly duration: string; readonly rate: number }
  /** The rate rising (or falling) linearly from `from` to `to` over the duration. */
  | { readonly phase: 'ramp'; readonly name?: string; readonly duration: string; readonly from: number; readonly to: number }
  /** `requests` calls of one operation (default: the mix) released at one instant: the start of a 秒杀. */
  | { readonly phase: 'spike'; readonly name?: string; readonly requests: number; readonly operation?: string };

export interface RunDefaultsDoc {
  readonly model?: LoadModel;
  /** Open: the cap of connections per origin; closed: the connections (default 64). */
  readonly connections?: number;
  /** At most this many requests over the whole run, warm-up included. */
  readonly requests?: number;
  readonly timeoutMs?: number;
  /** Closed model only: worker threads sharing the load, when one core cannot produce it (default 1). */
  readonly workers?: number;
}

export type LoadModel = 'open' | 'closed';

// ---------------------------------------------------------------- a load run's result (data)

/**
 * How one answer under load is judged: the same reading as `check` (src/engine/answer.ts classify),
 * then the profile's view of refusals and stock:
 * - `success`: a success whose documented part matches the spec schema;
 * - `refusal`: a conformant refusal (its code is counted; codes not in the operation's `refusals` count as errors);
 * - `non-conformant`: an HTTP 5xx, an answer outside the protocol's envelope or not JSON or cut off, a
 *   success breaking the schema (a bad Yoho md5 among them), or a success beyond the stock;
 * - `transport`: nothing reached the target (refused, DNS, connect timeout);
 * - `unknown`: the target may have acted (a timeout, a reset): part 2's audit resolves it.
 */
export type OutcomeClass = 'success' | 'refusal' | 'non-conformant' | 'transport' | 'unknown';

export const OUTCOME_CLASSES: readonly OutcomeClass[] = ['success', 'refusal', 'non-conformant', 'transport', 'unknown'];

/** A latency histogram as the report holds it: percentiles in ms (µs precision) and the HDR encoding to merge. */
export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** hdr-histogram-js compressed base64 of the µs histogram ('' when empty is fine too). */
  readonly hdr: string;
  /**
   * The DDSketch (ms) the figures were read from, when they come from one (an imported Artillery run:
   * LoadResult.histograms); `hdr` is then ''. mergeLoadResults merges these, never one with an HDR encoding.
   */
  readonly sketch?: SketchJson;
}

export interface ClassResult {
  readonly count: number;
  /** Open: from the intended instant; closed: from the send (labelled by the result's model). Transport errors have none. */
  readonly latency: LatencySummary;
}

export interface OperationResult {
  readonly count: number;
  readonly classes: Readonly<Record<OutcomeClass, ClassResult>>;
  /**
   * Refusals by code, each marked expected (in the operation's `refusals`) or not. `unmapped`: a code
   * a binding does not map (`service:<CODE>`, any error): counted apart, an error of no SLO whether
   * expected or not, and named in a notice telling the user to map it (src/load/refusals.ts).
   */
  readonly refusalCodes: Readonly<Record<string, { readonly count: number; readonly expected: boolean; readonly unmapped?: true }>>;
  /** Non-conformant answers by what was wrong (`HTTP 500`, `schema`, `not-json`, `beyond stock` …). */
  readonly nonConformant: Readonly<Record<string, number>>;
}

export interface PhaseResult {
  readonly name: string;
  readonly phase: PhaseDoc['phase'];
  /** Warm-up is not measured: it is in no total and no SLO. */
  readonly measured: boolean;
  /** Requests the plan wanted in this phase, and the rate it meant (spike: its count over its elapsed time is not a rate: 0). */
  readonly intended: number;
  readonly intendedRatePerS: number;
  readonly sent: number;
  /** Open model: instants that found every connection busy (not sent, never queued). */
  readonly notSent: number;
  readonly achievedRatePerS: number;
  readonly elapsedMs: number;
  readonly operations: Readonly<Record<string, OperationResult>>;
}

export interface GeneratorHealth {
  /**
   * This process's CPU over the run, % of one core (user + system). An imported Artillery run: its worker
   * threads' event-loop utilisation per second, the mean over the threads and the busiest second
   * (src/load/artillery/worker-health.ts); event-loop delay is then the worst thread's.
   */
  readonly cpuPercent: { readonly mean: number; readonly max: number };
  /** perf_hooks.monitorEventLoopDelay over the run, ms. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Open model: actual send − intended instant. */
  readonly lag: LatencySummary;
  readonly lateSends: number;
  /** lateSends / sent. */
  readonly lateShare: number;
  /** False when the generator, not the target, limited the run; `reasons` say why. */
  readonly valid: boolean;
  readonly reasons: readonly string[];
}

/** One answer a report shows as an example of its class (a bounded sample per operation and class). */
export interface LoadSample {
  readonly operation: string;
  readonly class: OutcomeClass;
  /** What was wrong or what was said (`error coupon.stock.empty (…)`, `HTTP 500 …`, `timeout …`). */
  readonly said: string;
  /** A curl line reproducing the request (redacted). */
  readonly curl?: string;
}

export interface LoadResult {
  /** The report's shape version. */
  readonly format: 'promoproof-load/1';
  readonly profile: { readonly name: string; readonly title: string; readonly file: string };
  readonly model: LoadModel;
  /** `closed` figures hide stalls (a closed loop waits for the answer): said so in every rendering. */
  readonly latencyFrom: 'intended-send' | 'actual-send';
  readonly target: { readonly url: string; readonly embedded: boolean };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly connections: number;
  /** What ended the run. */
  readonly stoppedBy: 'completed' | 'request-cap' | 'interrupted' | 'error';
  readonly setup: { readonly durationMs: number; readonly steps: number };
  readonly phases: readonly PhaseResult[];
  /** Totals over the measured phases (warm-up excluded). */
  readonly totals: {
    readonly intended: number;
    readonly sent: number;
    readonly notSent: number;
    readonly intendedRatePerS: number;
    readonly achievedRatePerS: number;
    readonly operations: Readonly<Record<string, OperationResult>>;
  };
  /** When an operation with `soldOut` codes first met one: ms from the first measured instant, and latency before and after. */
  readonly soldOut?: {
    readonly operation: string;
    readonly atMs: number;
    readonly before: LatencySummary;
    readonly after: LatencySummary;
  };
  readonly generator: GeneratorHealth;
  readonly samples: readonly LoadSample[];
  /** The profile's SLOs as written (`sloVerdicts` holds what was gated on, command line included). */
  readonly slo: readonly string[];
  /**
   * Each SLO gated on (the profile's, and `--slo`'s, which replace a profile SLO of the same operation,
   * class and metric) evaluated on the measured window (src/load/slo.ts). Absent when none was evaluated
   * (a report of part 1, or a result straight from runLoad: the CLI evaluates after the run).
   */
  readonly sloVerdicts?: readonly SloVerdict[];
  /**
   * Where the latency figures come from when they are not promoproof's own HDR histograms: an Artillery
   * run's DDSketches merged across its workers (`load --import artillery`), each percentile within
   * `relativeAccuracy` of the true value (|reported − true| ≤ α × true); their `hdr` is ''. Absent: HDR.
   */
  readonly histograms?: { readonly source: 'ddsketch'; readonly relativeAccuracy: number; readonly engine: string };
  /** Processes merged into this result (1 for one run). */
  readonly processes: number;
  /**
   * The audit after the run (src/load/audit.ts): what the generator saw reconciled with what the target
   * reports through its own API. Absent from a result straight from runLoad and from a merged result
   * (parts' audits are not merged: the merged run must be audited again).
   */
  readonly audit?: AuditResult;
  /** The measured phases over time (src/load/series.ts); absent in a report of part 1, or when nothing was measured. */
  readonly series?: LoadSeries;
  /**
   * `--find-capacity` (src/load/capacity.ts): the search's steps and what it found. The rest of such a
   * report is the run of the highest rate that held (else of the first step).
   */
  readonly capacity?: CapacitySearch;
}

/**
 * A run over time: the measured phases in buckets of `bucketMs` from the first measured instant (one
 * second; a long run's adjacent buckets are merged, the width doubling, so that there are never more than
 * SERIES_MAX_BUCKETS). Answers count in the bucket they arrived in, sends in the bucket of their send.
 */
export interface LoadSeries {
  /** The width of every bucket, ms: 1000 × a power of two; an imported Artillery run's are its 10 s periods (src/load/artillery/period-series.ts). */
  readonly bucketMs: number;
  /** Bucket i covers [i × bucketMs, (i + 1) × bucketMs) ms from the first measured instant; none is left out. */
  readonly buckets: readonly SeriesBucket[];
}

export interface SeriesBucket {
  /** The bucket's start, ms from the first measured instant. */
  readonly atMs: number;
  /** Sends the plan meant in the bucket (a rate's share of it: may be fractional; a ceiling in the closed model). */
  readonly intended: number;
  /** Requests sent: open model, at their intended instant (latency counts from it); closed, at the send. */
  readonly sent: number;
  /** Open model: instants of the bucket that found every connection busy. */
  readonly notSent: number;
  /** Answers that arrived in the bucket, by class (a class with none is absent). */
  readonly classes: Readonly<Partial<Record<OutcomeClass, SeriesClass>>>;
}

/** One class's answers in one bucket: their count and a small latency summary (of those with a latency: transport has none). */
export interface SeriesClass {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** hdr-histogram-js compressed base64 of the µs histogram, to merge ('' when no answer had a latency). */
  readonly hdr: string;
  /** The DDSketch (ms) of an imported Artillery run's period, to merge instead of `hdr` (LatencySummary.sketch). */
  readonly sketch?: SketchJson;
}

/**
 * One SLO evaluated on the measured window (src/load/slo.ts). An SLO that could not be evaluated (no
 * answers of its operation and class, no intended rate) is not held: `observed` is null and `reason`
 * says why — a gate that measured nothing does not pass.
 */
export interface SloVerdict {
  /** The SLO as written (`claim.p99<200ms`). */
  readonly slo: string;
  /** Where it came from: the profile's `slo:` or the command line's `--slo`. */
  readonly source: 'profile' | 'command-line';
  /** The operation it is about; absent: every operation of the run. */
  readonly operation?: string;
  /** Latency metrics: the outcome class whose latency is read (success unless the SLO names another). */
  readonly class?: OutcomeClass;
  readonly metric: 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'errors' | 'achieved';
  readonly op: '<' | '<=' | '>' | '>=';
  /** The bound: ms for a latency, a fraction for errors and achieved (`0.1%` is 0.001). */
  readonly limit: number;
  /** What was measured, in the limit's unit; null when nothing could be measured. */
  readonly observed: number | null;
  readonly unit: 'ms' | 'fraction';
  readonly held: boolean;
  /** The verdict in words: what was measured on how many answers, or why it could not be; notes an invalid run. */
  readonly reason: string;
}

/**
 * The audit's verdict: `failed` when an invariant that counts was violated, `partial` when none was but
 * some could not be checked (a query the target does not serve, answers beyond the audit's memory),
 * `passed` when every invariant was checked and held, `skipped` when it did not run (`reason` says why).
 */
export type AuditStatus = 'passed' | 'failed' | 'partial' | 'skipped';

/** One invariant as the audit judged it. */
export interface AuditInvariantResult {
  /** `stock`, `per-user`, `claims-listed` … (src/apis/audit-hooks.ts AuditInvariantId); a list read on several APIs adds `:<api>`. */
  readonly id: string;
  readonly title: string;
  /**
   * `not-checked`: the target could not be asked (the audit is then partial); `skipped`: the target has
   * nothing to judge it on by its own declaration (a binding that maps no answer field the invariant reads),
   * as a check is skipped: neither passed nor partial.
   */
  readonly status: 'held' | 'violated' | 'not-checked' | 'skipped';
  /** The API's rule it stands for, and that rule's level: a violated `ref` invariant counts only where ref rules do. */
  readonly rule?: string;
  readonly level: 'must' | 'ref';
  /** Whether a violation fails the audit in this run (every `must` one; a `ref` one against the embedded reference). */
  readonly counts: boolean;
  readonly expected: string;
  readonly observed: string;
  /** Up to 10 claims (or redeems) showing the violation. */
  readonly examples: readonly AuditExample[];
  /** Why it was not checked, or what limited it. */
  readonly reason?: string;
}

export interface AuditExample {
  readonly user: string;
  readonly requestId?: string;
  readonly couponCode?: string;
  /** The code a claim was refused with (`idempotent-retries`: a re-sent request id refused once acknowledged). */
  readonly refusalCode?: string;
  /** What this example shows, when the invariant's words do not say it (`orders 17 and 23`). */
  readonly note?: string;
}

export interface AuditResult {
  readonly status: AuditStatus;
  /** Why it was skipped; otherwise the verdict in one sentence. */
  readonly reason: string;
  readonly invariants: readonly AuditInvariantResult[];
  /** Claims whose outcome was unknown (a timeout, a reset), resolved by looking them up. */
  readonly unknownResolved: { readonly made: number; readonly notMade: number; readonly unresolved: number };
  /** What the generator acknowledged over the run, warm-up included (counted beyond what the audit keeps). */
  readonly acknowledged: {
    readonly claims: number;
    readonly redeems: number;
    readonly verifications: number;
    readonly unknownClaims: number;
    readonly unknownRedeems: number;
    /** Answers counted but not kept (beyond the audit's memory: AUDIT_LIMITS in src/load/audit-log.ts). */
    readonly notKept: number;
  };
  /** The audit's own queries: how many, how many failed, and how long they took. */
  readonly queries: { readonly sent: number; readonly failed: number; readonly durationMs: number };
}

// ---------------------------------------------------------------- a capacity search (data)

/**
 * A capacity search (`promoproof load --find-capacity`, src/load/capacity.ts): open-model steps of the
 * profile's steady phase, the rate multiplied until a step breaks, then bisected between the highest
 * rate that held and the lowest that broke.
 */
export interface CapacitySearch {
  /** The one line that answers (`holds 1,600/s (claim p99 3.1 ms), exact; breaks at 3,200/s: …`). */
  readonly headline: string;
  /** The highest rate that held, requests/s; null when none did. */
  readonly heldRatePerS: number | null;
  /** The lowest rate above it that broke, requests/s; null when none did. */
  readonly brokeAtRatePerS: number | null;
  /** What broke at `brokeAtRatePerS`, in words. */
  readonly breakReason?: string;
  /**
   * Whether the held rate's audit verified exactness: `verified` (passed), `not-verified` (partial: it
   * held on latency only), `not-audited` (skipped, e.g. `--no-audit`).
   */
  readonly exactness: 'verified' | 'not-verified' | 'not-audited';
  /**
   * What ended the search: `resolution` (the gap between held and broke is within it), `max-rate`
   * (held at the highest rate allowed), `max-steps`, `max-time`, `request-cap`, `generator-limit`
   * (a step was invalid: the generator's limit, not the target's), `first-step-broke`, `interrupted`.
   */
  readonly stoppedBy:
    | 'resolution'
    | 'max-rate'
    | 'max-steps'
    | 'max-time'
    | 'request-cap'
    | 'generator-limit'
    | 'first-step-broke'
    | 'interrupted';
  /** The search's settings, as run. */
  readonly settings: CapacitySettings;
  /** The gates each step was judged on (the profile's SLOs, `--slo`, and the search's defaults). */
  readonly slo: readonly string[];
  /** The latency the steps table shows: the first latency SLO's operation (absent: every operation) and class. */
  readonly latencyOf: { readonly operation?: string; readonly class: OutcomeClass };
  readonly steps: readonly CapacityStep[];
  /** The search's wall time, ms, and the requests sent over every step. */
  readonly durationMs: number;
  readonly requests: number;
}

export interface CapacitySettings {
  readonly fromPerS: number;
  readonly factor: number;
  /** The search stops when (broke − held) ÷ held is at most this fraction. */
  readonly resolution: number;
  readonly maxRatePerS: number;
  readonly maxSteps: number;
  readonly maxTimeMs: number;
  readonly maxRequests: number;
  /** Each step's steady phase, ms. */
  readonly stepDurationMs: number;
  /** The first rate run this long before the first step, unjudged (its own setup, no audit), ms; 0: none. */
  readonly warmUpMs: number;
}

/** One step of a capacity search: one open-model run of the steady phase at one rate, audited. */
export interface CapacityStep {
  /** 1, 2 … in the order run. */
  readonly step: number;
  /** `up`: the rate multiplied; `bisect`: between held and broke. */
  readonly kind: 'up' | 'bisect';
  readonly intendedRatePerS: number;
  readonly achievedRatePerS: number;
  readonly sent: number;
  /** The latency of `latencyOf` (the search's): null when no answer of it. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Non-conformant, transport, unknown answers and unexpected refusals. */
  readonly errors: number;
  readonly answers: number;
  readonly nonConformant: number;
  readonly audit: AuditStatus;
  /** The invariants the audit found violated (that count), as `id (expected …, observed …)`. */
  readonly violated: readonly string[];
  /** The gates missed, as `slo (observed)`. */
  readonly sloMissed: readonly string[];
  readonly generatorValid: boolean;
  /** `held`; `broke` (an SLO, the audit or a non-conformant answer); `generator-limit`; `not-judged` (stopped before it ended). */
  readonly verdict: 'held' | 'broke' | 'generator-limit' | 'not-judged';
  /** Why it broke, or why it was not judged (empty when it held). */
  readonly reasons: readonly string[];
  /** The step's wall time: setup, the steady phase, the audit, ms. */
  readonly durationMs: number;
}
