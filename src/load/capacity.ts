/**
 * `promoproof load --find-capacity`: the highest rate a target holds, and what breaks above it.
 *
 * - **A step** is one open-model run (runLoad, the same engine, recorder and classifier as any run) of the
 *   profile's first steady phase alone, at one rate, for `stepDurationMs`: warm-up, ramps and spikes are
 *   left out (the steps below a rate warmed the target; a spike is not a rate). Each step runs the
 *   profile's **setup again** (its `${fresh.name}` batches are new) and is **audited on its own** (its
 *   own LoadAudit: statistics read after its setup and after its last answer), so a step reconciles
 *   exactly what it sent, whatever the steps before it did — a 秒杀 batch sold out at step 2 is a fresh
 *   batch at step 3.
 * - **A step holds** when no answer was non-conformant, the audit found no violated invariant, the
 *   generator kept up and every gate held: the profile's SLOs, `--slo`, and `achieved>=95%` and
 *   `errors<1%` unless one of those metrics is gated already (a rate not sent, or answered by timeouts,
 *   is not a rate held). A partial audit holds on latency only: the result says exactness was not
 *   verified. A step whose generator was saturated is **not the target's limit**: the search stops there.
 * - **The search** starts at `fromPerS` (default the profile's steady rate), multiplies by `factor` while
 *   steps hold (up to `maxRatePerS`), then bisects between the highest rate that held and the lowest that
 *   broke until their gap is at most `resolution` of the held rate. It is bounded by `maxSteps`,
 *   `maxTimeMs` (a step that would not end in time is not started; one still running at the deadline is
 *   stopped and not judged) and `maxRequests` (a step whose intended requests do not fit is not started);
 *   an abort (Ctrl-C) stops it and the steps so far are the result.
 *
 * searchCapacity is the search alone, over any step runner (tests drive it with a model target);
 * findCapacity runs it with real steps against a target.
 */
import type { Target } from '../engine/target.js';
import { createLoadAudit, skippedAudit } from './audit.js';
import { mergeEncoded, toLatencySummary } from './histograms.js';
import { countText, percentText, rateText } from './numbers.js';
import { parseSlo } from './profile.js';
import { unexpectedRefusalsOf } from './refusals.js';
import { interruptedResult, type LoadOverrides, runLoad } from './run-load.js';
import { SetupError } from './setup.js';
import { type GateSlo, withSloVerdicts } from './slo.js';
import type { CapacitySearch, CapacitySettings, CapacityStep, LoadProfileDoc, LoadResult, OperationResult, OutcomeClass } from './types.js';

/** The search's defaults where the command line does not say. */
export const CAPACITY_DEFAULTS = {
  /** The first rate when the profile has no steady rate, requests/s. */
  fromPerS: 100,
  factor: 2,
  resolution: 0.05,
  maxRatePerS: 50_000,
  maxSteps: 12,
  maxTimeMs: 300_000,
  maxRequests: 1_000_000,
  stepDurationMs: 10_000,
  /** The warm-up before the first step (at most one step's length), ms. */
  warmUpMs: 2_000,
  /** Gated on unless the profile or `--slo` gates the metric already (over every operation). */
  gates: ['achieved>=95%', 'errors<1%'],
} as const;

/** How a step's reason starts when the generator did not keep up (the headline says it its own way). */
const GENERATOR_WORDS = 'the generator did not keep up: ';

/** A profile the search cannot step (no steady phase), or settings that cannot make one step. */
export class CapacityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CapacityError';
  }
}

// ---------------------------------------------------------------- the search alone

/** What a step runner hands back: the step's figures and verdict, and whatever it keeps of the run. */
export interface StepRun<T> {
  readonly step: CapacityStep;
  readonly run: T;
}

/** What a step runner is asked for. */
export interface StepRequest {
  readonly step: number;
  readonly kind: CapacityStep['kind'];
  readonly ratePerS: number;
  /** The requests left under `maxRequests` (the step is never asked for more than fit). */
  readonly budget: number;
}

/** The search's outcome, before the headline is written. */
export interface SearchOutcome<T> {
  readonly stoppedBy: CapacitySearch['stoppedBy'];
  readonly runs: readonly StepRun<T>[];
  /** The highest rate that held, and the lowest above it that broke. */
  readonly held?: StepRun<T>;
  readonly broke?: StepRun<T>;
  readonly durationMs: number;
}

export interface SearchOptions<T> {
  readonly settings: CapacitySettings;
  readonly runStep: (req: StepRequest) => Promise<StepRun<T>>;
  /** Ctrl-C: stops the search; a step stopped by it is `not-judged`. */
  readonly signal?: AbortSignal | undefined;
  /** Whether the deadline (maxTimeMs) has passed: a step not judged then was stopped by it. */
  readonly pastDeadline?: () => boolean;
  readonly nowMs?: () => number;
}

/** The search over `runStep` (see the module comment). */
export async function searchCapacity<T>(opts: SearchOptions<T>): Promise<SearchOutcome<T>> {
  const s = opts.settings;
  const now = opts.nowMs ?? (() => performance.now());
  const started = now();
  const runs: StepRun<T>[] = [];
  let held: StepRun<T> | undefined;
  let broke: StepRun<T> | undefined;
  let requests = 0;
  // The most a step took beyond its steady phase (setup, drain, audit): what the next one will need too.
  let overheadMs = 0;
  let next: { ratePerS: number; kind: CapacityStep['kind'] } | CapacitySearch['stoppedBy'] = {
    ratePerS: s.fromPerS,
    kind: 'up',
  };
  while (typeof next !== 'string') {
    if (opts.signal?.aborted) {
      next = 'interrupted';
      break;
    }
    if (runs.length >= s.maxSteps) {
      next = 'max-steps';
      break;
    }
    if (now() - started + s.stepDurationMs + overheadMs > s.maxTimeMs) {
      next = 'max-time';
      break;
    }
    const intended = Math.ceil(next.ratePerS * (s.stepDurationMs / 1000));
    if (requests + intended > s.maxRequests) {
      next = 'request-cap';
      break;
    }
    const r = await opts.runStep({ step: runs.length + 1, kind: next.kind, ratePerS: next.ratePerS, budget: s.maxRequests - requests });
    runs.push(r);
    requests += r.step.sent;
    overheadMs = Math.max(overheadMs, r.step.durationMs - s.stepDurationMs);
    if (r.step.verdict === 'not-judged') {
      next = opts.signal?.aborted ? 'interrupted' : opts.pastDeadline?.() ? 'max-time' : 'interrupted';
      break;
    }
    if (r.step.verdict === 'generator-limit') {
      next = 'generator-limit';
      break;
    }
    if (r.step.verdict === 'held' && (held === undefined || r.step.intendedRatePerS > held.step.intendedRatePerS)) held = r;
    if (r.step.verdict === 'broke' && (broke === undefined || r.step.intendedRatePerS < broke.step.intendedRatePerS)) broke = r;
    next = nextRate(s, held?.step.intendedRatePerS, broke?.step.intendedRatePerS);
  }
  return {
    stoppedBy: next as CapacitySearch['stoppedBy'],
    runs,
    ...(held ? { held } : {}),
    ...(broke ? { broke } : {}),
    durationMs: now() - started,
  };
}

/**
 * The next rate: up by `factor` while nothing broke (capped at maxRatePerS), then the midpoint of the
 * highest held and the lowest broken, until their gap is within the resolution.
 */
export function nextRate(
  s: Pick<CapacitySettings, 'factor' | 'resolution' | 'maxRatePerS'>,
  held: number | undefined,
  broke: number | undefined,
): { ratePerS: number; kind: CapacityStep['kind'] } | CapacitySearch['stoppedBy'] {
  if (held === undefined) return 'first-step-broke';
  if (broke === undefined) {
    if (held >= s.maxRatePerS) return 'max-rate';
    return { ratePerS: Math.min(s.maxRatePerS, Math.max(held + 1, Math.round(held * s.factor))), kind: 'up' };
  }
  if ((broke - held) / held <= s.resolution) return 'resolution';
  const mid = Math.round((held + broke) / 2);
  // Rates are whole requests per second: a gap of one cannot be split.
  if (mid <= held || mid >= broke) return 'resolution';
  return { ratePerS: mid, kind: 'bisect' };
}

// ---------------------------------------------------------------- one step judged

/** What a step's judgement needs besides its result. */
export interface StepContext {
  readonly step: number;
  readonly kind: CapacityStep['kind'];
  readonly ratePerS: number;
  readonly durationMs: number;
  readonly latencyOf: CapacitySearch['latencyOf'];
}

/**
 * One step's figures and verdict from its audited, SLO-evaluated result: `broke` on a non-conformant
 * answer or a violated invariant whatever else (exactness does not depend on the generator), else
 * `generator-limit` when the generator did not keep up, else `broke` on a missed gate, else `held`;
 * `not-judged` when the run did not complete.
 */
export function judgeStep(result: LoadResult, ctx: StepContext): CapacityStep {
  const ops = Object.values(result.totals.operations) as OperationResult[];
  const nonConformant = ops.reduce((s, o) => s + o.classes['non-conformant'].count, 0);
  const errors = ops.reduce(
    (s, o) => s + o.classes['non-conformant'].count + o.classes.transport.count + o.classes.unknown.count + unexpectedRefusalsOf(o),
    0,
  );
  const answers = ops.reduce((s, o) => s + o.count, 0);
  const audit = result.audit;
  const violated = (audit?.invariants ?? [])
    .filter((i) => i.status === 'violated' && i.counts)
    .map((i) => `${i.id} (expected ${i.expected}, observed ${i.observed})`);
  const sloMissed = (result.sloVerdicts ?? []).filter((v) => !v.held).map((v) => `${v.slo} (${v.reason})`);
  const latency = latencyOfResult(result, ctx.latencyOf);
  const reasons: string[] = [];
  let verdict: CapacityStep['verdict'];
  if (result.stoppedBy !== 'completed') {
    verdict = 'not-judged';
    reasons.push(`the step stopped early (${result.stoppedBy})`);
  } else if (nonConformant > 0 || violated.length > 0 || audit?.status === 'failed') {
    verdict = 'broke';
    if (nonConformant > 0) reasons.push(`${countText(nonConformant)} non-conformant ${nonConformant === 1 ? 'answer' : 'answers'}`);
    if (violated.length > 0) reasons.push(`the audit found violated: ${violated.join('; ')}`);
    else if (audit?.status === 'failed') reasons.push(`the audit failed: ${audit.reason}`);
  } else if (!result.generator.valid) {
    verdict = 'generator-limit';
    const faults = result.generator.reasons.filter((r) => !r.startsWith('note: '));
    reasons.push(`${GENERATOR_WORDS}${faults.join('; ') || 'saturated'}`);
  } else if (sloMissed.length > 0) {
    verdict = 'broke';
    reasons.push(...sloMissed);
  } else verdict = 'held';
  return {
    step: ctx.step,
    kind: ctx.kind,
    intendedRatePerS: ctx.ratePerS,
    achievedRatePerS: result.totals.achievedRatePerS,
    sent: result.phases.reduce((s, p) => s + p.sent, 0),
    p50Ms: latency?.p50Ms ?? null,
    p99Ms: latency?.p99Ms ?? null,
    errors,
    answers,
    nonConformant,
    audit: audit?.status ?? 'skipped',
    violated,
    sloMissed,
    generatorValid: result.generator.valid,
    verdict,
    reasons,
    durationMs: Math.round(ctx.durationMs),
  };
}

/** The search's latency (one operation's class, or every operation's summed) of a result; undefined when it has no answer. */
function latencyOfResult(result: LoadResult, of: CapacitySearch['latencyOf']): { p50Ms: number; p99Ms: number } | undefined {
  const ops = result.totals.operations;
  const parts =
    of.operation === undefined
      ? (Object.values(ops) as OperationResult[])
      : Object.hasOwn(ops, of.operation)
        ? [ops[of.operation] as OperationResult]
        : [];
  const latencies = parts.map((o) => o.classes[of.class].latency);
  const one = latencies.length === 1 ? latencies[0] : undefined;
  const summary = one ?? toLatencySummary(mergeEncoded(latencies.map((l) => l.hdr)));
  return summary.count > 0 ? { p50Ms: summary.p50Ms, p99Ms: summary.p99Ms } : undefined;
}

// ---------------------------------------------------------------- the search against a target

export interface CapacityInput {
  readonly profile: { readonly doc: LoadProfileDoc; readonly file: string };
  readonly target: Target;
  /** The gates of the run (the profile's and `--slo`'s, src/cli/load.ts gateSlos); the defaults are added here. */
  readonly slos: readonly GateSlo[];
  readonly settings?: Partial<CapacitySettings>;
  /** What the command line sets of each step besides its rate and duration. */
  readonly overrides?: Pick<LoadOverrides, 'connections' | 'timeoutMs' | 'seed'>;
  /** Audit each step (default true); false: `--no-audit`, exactness is not verified. */
  readonly audit?: boolean;
  readonly signal?: AbortSignal;
  /** Each step as it starts, and as it is judged. */
  readonly onStepStart?: (req: StepRequest) => void;
  readonly onStep?: (step: CapacityStep) => void;
}

/**
 * The search against a target (see the module comment). Returns the run of the highest rate that held
 * (else the first step's; else a run stopped before it began) with `capacity` set. Throws SetupError
 * when the first step's setup fails (the target is unusable), CapacityError when the profile has no
 * steady phase.
 */
export async function findCapacity(input: CapacityInput): Promise<LoadResult> {
  const doc = stepProfile(input.profile.doc);
  const settings = capacitySettings(input.profile.doc, input.settings);
  const slos = withDefaultGates(input.slos);
  const latencyOf = latencyOfSlos(slos);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), settings.maxTimeMs);
  timer.unref();
  const signal = input.signal ? AbortSignal.any([input.signal, deadline.signal]) : deadline.signal;
  const startedAt = new Date();
  try {
    const warmUpMs = await warmUp(input, doc, settings, signal);
    const outcome = await searchCapacity<LoadResult>({
      // The warm-up's time counts against the bound.
      settings: { ...settings, maxTimeMs: settings.maxTimeMs - warmUpMs },
      signal: input.signal,
      pastDeadline: () => deadline.signal.aborted,
      runStep: async (req) => {
        input.onStepStart?.(req);
        const r = await runStep({ ...input, profile: { doc, file: input.profile.file } }, req, settings, slos, latencyOf, signal);
        input.onStep?.(r.step);
        return r;
      },
    });
    const search = describeSearch({ ...outcome, durationMs: outcome.durationMs + warmUpMs }, settings, slos, latencyOf);
    const shown =
      outcome.held?.run ??
      outcome.runs[0]?.run ??
      interruptedResult({ profile: input.profile, target: input.target }, 'open', 0, startedAt, 0);
    return { ...shown, capacity: search };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first rate for `warmUpMs` before the first step, unjudged and unaudited (its own setup): the
 * generator's and the target's code is compiled hot before anything is measured, so the first step is
 * not judged on a cold start. Returns its wall time, ms.
 */
async function warmUp(input: CapacityInput, doc: LoadProfileDoc, s: CapacitySettings, signal: AbortSignal): Promise<number> {
  if (s.warmUpMs <= 0) return 0;
  const started = performance.now();
  const overrides: LoadOverrides = { ...input.overrides, model: 'open', ratePerS: s.fromPerS, durationMs: s.warmUpMs };
  await runLoad({ profile: { doc, file: input.profile.file }, target: input.target, overrides, signal });
  return performance.now() - started;
}

/** One step: the setup, the steady phase at the rate, the audit, the gates. */
async function runStep(
  input: CapacityInput,
  req: StepRequest,
  settings: CapacitySettings,
  slos: readonly GateSlo[],
  latencyOf: CapacitySearch['latencyOf'],
  signal: AbortSignal,
): Promise<StepRun<LoadResult>> {
  const started = performance.now();
  const audit =
    input.audit === false ? undefined : createLoadAudit({ profile: input.profile.doc, target: input.target, ...timeoutOf(input) });
  const overrides: LoadOverrides = {
    ...input.overrides,
    model: 'open',
    ratePerS: req.ratePerS,
    durationMs: settings.stepDurationMs,
    requests: req.budget,
  };
  let result: LoadResult;
  try {
    result = await runLoad({ profile: input.profile, target: input.target, overrides, signal, ...(audit ? { audit } : {}) });
  } catch (e) {
    // The first step's setup failing says the target is unusable; a later one's says it broke under the load before it.
    if (!(e instanceof SetupError) || req.step === 1) throw e;
    return { step: setupBroke(req, e, performance.now() - started), run: interruptedResult(input, 'open', 0, new Date(), 0) };
  }
  const audited =
    audit === undefined
      ? skippedAudit('--no-audit: the step was not reconciled with the target')
      : signal.aborted
        ? skippedAudit('the step was stopped before its audit')
        : await audit.finish({ signal });
  result = withSloVerdicts({ ...result, audit: audited }, slos);
  const step = judgeStep(result, {
    step: req.step,
    kind: req.kind,
    ratePerS: req.ratePerS,
    durationMs: performance.now() - started,
    latencyOf,
  });
  return { step, run: result };
}

function setupBroke(req: StepRequest, e: SetupError, durationMs: number): CapacityStep {
  return {
    step: req.step,
    kind: req.kind,
    intendedRatePerS: req.ratePerS,
    achievedRatePerS: 0,
    sent: 0,
    p50Ms: null,
    p99Ms: null,
    errors: 0,
    answers: 0,
    nonConformant: 0,
    audit: 'skipped',
    violated: [],
    sloMissed: [],
    generatorValid: true,
    verdict: 'broke',
    reasons: [`the step's setup failed after the steps before it: ${e.message}`],
    durationMs: Math.round(durationMs),
  };
}

function timeoutOf(input: CapacityInput): { timeoutMs?: number } {
  return input.overrides?.timeoutMs !== undefined ? { timeoutMs: input.overrides.timeoutMs } : {};
}

/** The profile as a step runs it: its first steady phase alone, in the open model. */
export function stepProfile(doc: LoadProfileDoc): LoadProfileDoc {
  const steady = doc.phases.find((p) => p.phase === 'steady');
  if (steady === undefined)
    throw new CapacityError(`profile ${doc.profile} has no steady phase: --find-capacity steps the rate of a steady phase`);
  return { ...doc, phases: [steady], run: { ...doc.run, model: 'open' } };
}

/** The settings with the defaults filled in: the first rate is the profile's steady rate unless given. */
export function capacitySettings(doc: LoadProfileDoc, given: Partial<CapacitySettings> = {}): CapacitySettings {
  const steady = doc.phases.find((p) => p.phase === 'steady');
  const profileRate = steady?.phase === 'steady' ? steady.rate : undefined;
  const s: CapacitySettings = {
    fromPerS: given.fromPerS ?? Math.max(1, Math.round(profileRate ?? CAPACITY_DEFAULTS.fromPerS)),
    factor: given.factor ?? CAPACITY_DEFAULTS.factor,
    resolution: given.resolution ?? CAPACITY_DEFAULTS.resolution,
    maxRatePerS: given.maxRatePerS ?? CAPACITY_DEFAULTS.maxRatePerS,
    maxSteps: given.maxSteps ?? CAPACITY_DEFAULTS.maxSteps,
    maxTimeMs: given.maxTimeMs ?? CAPACITY_DEFAULTS.maxTimeMs,
    maxRequests: given.maxRequests ?? CAPACITY_DEFAULTS.maxRequests,
    stepDurationMs: given.stepDurationMs ?? CAPACITY_DEFAULTS.stepDurationMs,
    warmUpMs: given.warmUpMs ?? Math.min(CAPACITY_DEFAULTS.warmUpMs, given.stepDurationMs ?? CAPACITY_DEFAULTS.stepDurationMs),
  };
  if (s.fromPerS > s.maxRatePerS) throw new CapacityError(`the first rate (${s.fromPerS}/s) is above --max-rate (${s.maxRatePerS}/s)`);
  if (s.factor <= 1) throw new CapacityError(`--factor ${s.factor}: the rate must grow (a factor above 1)`);
  if (s.stepDurationMs > s.maxTimeMs)
    throw new CapacityError(`a step of ${s.stepDurationMs} ms does not fit in --max-time ${s.maxTimeMs} ms`);
  if (Math.ceil(s.fromPerS * (s.stepDurationMs / 1000)) > s.maxRequests)
    throw new CapacityError(
      `the first step alone (${s.fromPerS}/s for ${s.stepDurationMs} ms) needs more than --requests ${s.maxRequests}`,
    );
  return s;
}

/** The gates with the search's defaults added: an `achieved` and an `errors` gate over every operation, unless one is given. */
export function withDefaultGates(slos: readonly GateSlo[]): GateSlo[] {
  const added = CAPACITY_DEFAULTS.gates
    .map((text): GateSlo => ({ ...parseSlo(text), text, source: 'command-line' }))
    .filter((d) => !slos.some((s) => s.metric === d.metric && s.operation === undefined));
  return [...slos, ...added];
}

/** Whose latency the steps table shows: the first latency gate's operation and class, else every operation's successes. */
export function latencyOfSlos(slos: readonly GateSlo[]): CapacitySearch['latencyOf'] {
  const first = slos.find((s) => s.metric !== 'errors' && s.metric !== 'achieved');
  const klass: OutcomeClass = first?.class ?? 'success';
  return { ...(first?.operation !== undefined ? { operation: first.operation } : {}), class: klass };
}

// ---------------------------------------------------------------- the search in words

/** The search as the report holds it, with its headline. */
export function describeSearch<T>(
  outcome: SearchOutcome<T>,
  settings: CapacitySettings,
  slos: readonly GateSlo[],
  latencyOf: CapacitySearch['latencyOf'],
): CapacitySearch {
  const held = outcome.held?.step;
  const broke = outcome.broke?.step;
  const exactness: CapacitySearch['exactness'] =
    held === undefined || held.audit === 'passed' ? 'verified' : held.audit === 'partial' ? 'not-verified' : 'not-audited';
  return {
    headline: headlineOf(outcome, settings, latencyOf, exactness),
    heldRatePerS: held?.intendedRatePerS ?? null,
    brokeAtRatePerS: broke?.intendedRatePerS ?? null,
    ...(broke ? { breakReason: broke.reasons.join('; ') } : {}),
    exactness,
    stoppedBy: outcome.stoppedBy,
    settings,
    slo: slos.map((s) => s.text),
    latencyOf,
    steps: outcome.runs.map((r) => r.step),
    durationMs: Math.round(outcome.durationMs),
    requests: outcome.runs.reduce((s, r) => s + r.step.sent, 0),
  };
}

/** `holds 1,600/s (claim p99 3.10 ms), exact; breaks at 3,200/s: …` (see describeSearch). */
function headlineOf<T>(
  outcome: SearchOutcome<T>,
  s: CapacitySettings,
  latencyOf: CapacitySearch['latencyOf'],
  exactness: CapacitySearch['exactness'],
): string {
  const held = outcome.held?.step;
  const broke = outcome.broke?.step;
  const last = outcome.runs.at(-1)?.step;
  const limit =
    outcome.stoppedBy === 'generator-limit' && last
      ? `the generator's limit, not the target's, was reached at ${rateText(last.intendedRatePerS)}/s: ${last.reasons.join('; ').replace(GENERATOR_WORDS, '')}`
      : undefined;
  if (held === undefined) {
    if (outcome.stoppedBy === 'first-step-broke' && broke)
      return `no rate held: the first step, ${rateText(broke.intendedRatePerS)}/s, broke: ${broke.reasons.join('; ')}`;
    if (limit) return `no rate judged: ${limit}`;
    return outcome.runs.length === 0
      ? `no step ran: ${stopWords(outcome.stoppedBy, s)}`
      : `no rate held: ${stopWords(outcome.stoppedBy, s)} before a step was judged`;
  }
  const what = latencyOf.operation ?? 'all operations';
  const klass = latencyOf.class === 'success' ? '' : ` ${latencyOf.class}`;
  const lat = held.p99Ms === null ? '' : ` (${what}${klass} p99 ${msText(held.p99Ms)} ms)`;
  const exact =
    exactness === 'verified' ? 'exact' : exactness === 'not-verified' ? 'exactness not verified (the audit was partial)' : 'not audited';
  const holds = `holds ${rateText(held.intendedRatePerS)}/s${lat}, ${exact}`;
  if (broke) {
    const gap =
      outcome.stoppedBy === 'resolution'
        ? ''
        : ` (${stopWords(outcome.stoppedBy, s)} before the gap narrowed to ${percentText(s.resolution)})`;
    return `${holds}; breaks at ${rateText(broke.intendedRatePerS)}/s: ${broke.reasons.join('; ')}${gap}`;
  }
  if (limit) return `${holds}; ${limit}`;
  return `${holds}; no break found: ${stopWords(outcome.stoppedBy, s)}`;
}

function stopWords(stoppedBy: CapacitySearch['stoppedBy'], s: CapacitySettings): string {
  switch (stoppedBy) {
    case 'max-rate':
      return `held at the highest rate allowed (--max-rate ${rateText(s.maxRatePerS)}/s)`;
    case 'max-steps':
      return `stopped after ${s.maxSteps} steps (--max-steps)`;
    case 'max-time':
      return `stopped at the time bound (--max-time ${Math.round(s.maxTimeMs / 1000)} s)`;
    case 'request-cap':
      return `stopped at the request cap (--requests ${countText(s.maxRequests)})`;
    case 'interrupted':
      return 'interrupted';
    case 'generator-limit':
      return "stopped at the generator's limit";
    case 'first-step-broke':
      return 'the first step broke';
    case 'resolution':
      return `narrowed to ${percentText(s.resolution)}`;
  }
}

function msText(value: number): string {
  return value < 1 ? value.toFixed(3) : value.toFixed(2);
}
