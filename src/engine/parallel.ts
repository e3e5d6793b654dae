/**
 * Parallel steps: N calls sent at once (at most `connections` in flight), then judged together once
 * every answer is in (the join): how many succeeded, that every other answer is an accepted refusal,
 * per-group counts, unique fields, a field expectation on every success. The judgement is a pure
 * function of the answers (judgeParallel), so that it can be tested without a target.
 */
import { asNumber, checkField, describeMatcher, matchesValue, resolvePath } from '../checks/matchers.js';
import type { Failure, RecordedResponse } from '../report/types.js';
import { bindParallel } from '../scenario/bind-step.js';
import type { TemplateContext } from '../scenario/template.js';
import type { CountMatcher, Json, Matcher, ParallelExpect, ParallelStep, Transport } from '../scenario/types.js';
import { adapterFor } from '../protocols/index.js';
import { type ClassifiedAnswer, type Exchange, wireOperation } from '../protocols/types.js';
import { type AnswerReader, classify, describeClassified, isLost, readerFor } from './answer.js';
import { mapPool } from '../core/pool.js';
import type { CallContext } from './step-context.js';
import { proceed, recordResponse, type StepOutcome, type StepStop, stop } from './step-stop.js';

/**
 * Each answer of a parallel step is read up to this many bytes (or the run's limit, if lower): a
 * parallel step holds up to 2000 answers at once, and a coupon answer is small.
 */
export const PARALLEL_ANSWER_MAX_BYTES = 64 * 1024;

/** One request of a parallel step, templates evaluated. */
export interface ParallelCopy {
  /** `${index}`: the copy's number (0-based), or the call's position in a list. */
  readonly index: number;
  readonly call: string;
  readonly app: Readonly<Record<string, Json>>;
  readonly transport: Transport;
}

/**
 * One answer as a parallel step judges it: the one classification of every answer (src/engine/answer.ts).
 * A server error (HTTP 5xx, whatever its body says) is never a refusal; `transport` and `unknown` are
 * answers lost, which leave a count undecided.
 */
export type ParallelAnswer = ClassifiedAnswer;

export interface ParallelOutcome {
  readonly copy: ParallelCopy;
  readonly answer: ParallelAnswer;
  /** Order of arrival, 0 first. */
  readonly arrived: number;
  /** What was sent and what came back (the body cut to 4 KiB), for the failure record; absent in unit tests of the judgement. */
  readonly record?: { readonly request: Exchange['request']; readonly curl: string; readonly response?: RecordedResponse };
}

/** The judgement of a parallel step: passed, or the first assertion that failed (or the transport failure that leaves it undecided). */
export type ParallelVerdict =
  | { readonly status: 'passed'; readonly summary: string }
  | {
      readonly status: 'failed' | 'errored';
      readonly expected: string;
      readonly actual: string;
      readonly summary: string;
      /** The answer to show: the first extra success, the first unexpected refusal, … */
      readonly culprit?: ParallelOutcome;
    };

/** The planned step's calls as copies: `times` copies of one call, or one per entry of `steps`. */
export function buildCopies(step: ParallelStep, ctx: TemplateContext): ParallelCopy[] {
  return bindParallel(step).calls.map((c, index) => {
    const at = copyContext(ctx, index);
    return {
      index,
      call: c.call,
      app: (c.params(at) ?? {}) as Record<string, Json>,
      transport: (c.transport(at) ?? {}) as Transport,
    };
  });
}

/** The context of copy `index`: `${index}` and `{$cycle: …}` see it. */
function copyContext(ctx: TemplateContext, index: number): TemplateContext {
  return { ...ctx, vars: { ...ctx.vars, index }, index };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `[a 3, b 1]`: how many of each, most first. */
function tally(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return `[${sorted.map(([k, n]) => `${k} ${n}`).join(', ')}]`;
}

/** `240 answers: 41 successes, 199 refusals [coupon.stock.empty 180, coupon.user.limit 19]; at most 60 in flight`. */
export function summarize(outcomes: readonly ParallelOutcome[], maxInFlight: number): string {
  const of = <K extends ParallelAnswer['kind']>(kind: K) =>
    outcomes.map((o) => o.answer).filter((a): a is Extract<ParallelAnswer, { kind: K }> => a.kind === kind);
  const refusals = of('refusal');
  const crashes = of('server-error');
  const malformed = of('malformed');
  const lost = outcomes.filter((o) => isLost(o.answer));
  const parts = [plural(of('success').length, 'success', 'successes')];
  parts.push(`${plural(refusals.length, 'refusal', 'refusals')}${refusals.length > 0 ? ` ${tally(refusals.map((r) => r.code))}` : ''}`);
  if (crashes.length > 0)
    parts.push(`${plural(crashes.length, 'server error', 'server errors')} ${tally(crashes.map((c) => `HTTP ${c.status}`))}`);
  if (malformed.length > 0) parts.push(plural(malformed.length, 'malformed answer', 'malformed answers'));
  if (lost.length > 0) parts.push(plural(lost.length, 'transport failure', 'transport failures'));
  return `${plural(outcomes.length, 'answer', 'answers')}: ${parts.join(', ')}; at most ${maxInFlight} in flight`;
}

const show = (v: Json | undefined) => (v === undefined ? '(absent)' : JSON.stringify(v));

/** The refusal codes accepted, as a list (`any` alone for every code); empty: none. */
function acceptedCodes(refusals: ParallelExpect['refusals']): readonly string[] {
  return refusals === undefined ? [] : [refusals].flat();
}

const describeAnswer = describeClassified;

interface Finding {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly culprit?: ParallelOutcome;
  /** False when answers lost to transport failures could have made it hold. */
  readonly certain: boolean;
}

/** Whether some count in lo…hi meets the matcher. */
function someCountPasses(m: CountMatcher, lo: number, hi: number): boolean {
  for (let k = lo; k <= hi; k++) if (matchesValue(k, m as Matcher).passed) return true;
  return false;
}

/**
 * The answer to show for a count that fails its matcher: the first success past the last count that
 * passed (one too many), else the first answer that was not a success (one too few).
 */
function countCulprit(
  m: CountMatcher,
  successes: readonly ParallelOutcome[],
  others: readonly ParallelOutcome[],
): ParallelOutcome | undefined {
  let lastPass = -1;
  for (let k = 0; k < successes.length; k++) if (matchesValue(k, m as Matcher).passed) lastPass = k;
  return lastPass >= 0 ? successes[lastPass] : (others[0] ?? successes[0]);
}

function countExpected(m: CountMatcher, what: string): string {
  return m !== null && typeof m === 'object' ? `${what} ${describeMatcher(m as Matcher)}` : `${describeMatcher(m)} ${what}`;
}

/**
 * Judges the answers of a parallel step against its (evaluated) expectation. `each` is evaluated per
 * success with `eachFor(copy)`. A transport failure errors the step unless an assertion fails
 * whatever the lost answers were.
 */
export function judgeParallel(
  outcomes: readonly ParallelOutcome[],
  expect: Omit<ParallelExpect, 'each'>,
  maxInFlight: number,
  eachFor?: (copy: ParallelCopy) => Readonly<Record<string, Matcher>>,
): ParallelVerdict {
  const summary = summarize(outcomes, maxInFlight);
  const byArrival = [...outcomes].sort((a, b) => a.arrived - b.arrived);
  const successes = byArrival.filter((o) => o.answer.kind === 'success');
  const others = byArrival.filter((o) => o.answer.kind !== 'success');
  const lost = byArrival.filter((o) => isLost(o.answer));
  const findings: Finding[] = [];
  const codes = acceptedCodes(expect.refusals);
  const refusalText =
    codes.length === 0
      ? 'every answer a success'
      : `every answer a success or a refusal ${codes.includes('any') ? '(any code)' : codes.join(' or ')}`;

  if (expect.successes !== undefined) {
    const m = expect.successes;
    if (!matchesValue(successes.length, m as Matcher).passed) {
      const culprit = countCulprit(m, successes, others);
      findings.push({
        name: 'successes',
        expected: countExpected(m, typeof m === 'number' && m === 1 ? 'success' : 'successes'),
        actual: String(successes.length),
        certain: !someCountPasses(m, successes.length, successes.length + lost.length),
        ...(culprit ? { culprit } : {}),
      });
    }
  }

  if (expect.perGroup !== undefined) {
    const { by, successes: m } = expect.perGroup;
    const groups = new Map<string, { value: Json | undefined; all: ParallelOutcome[] }>();
    for (const o of [...outcomes].sort((a, b) => a.copy.index - b.copy.index)) {
      const value = resolvePath(o.copy.app as Json, by).values[0];
      const key = value === undefined ? '' : `=${groupKey(value)}`;
      const g = groups.get(key) ?? { value, all: [] };
      g.all.push(o);
      groups.set(key, g);
    }
    const bad: { value: Json | undefined; count: number; culprit: ParallelOutcome | undefined; certain: boolean }[] = [];
    for (const g of groups.values()) {
      const arrived = [...g.all].sort((a, b) => a.arrived - b.arrived);
      const won = arrived.filter((o) => o.answer.kind === 'success');
      if (matchesValue(won.length, m as Matcher).passed) continue;
      const lostHere = arrived.filter((o) => isLost(o.answer)).length;
      bad.push({
        value: g.value,
        count: won.length,
        culprit: countCulprit(
          m,
          won,
          arrived.filter((o) => o.answer.kind !== 'success'),
        ),
        certain: !someCountPasses(m, won.length, won.length + lostHere),
      });
    }
    if (bad.length > 0) {
      const first = bad.find((b) => b.certain) ?? bad[0];
      const shown = bad.slice(0, 5).map((b) => `${b.count} for ${by} ${show(b.value)}`);
      findings.push({
        name: 'perGroup',
        expected: countExpected(m, `successes per ${by}`),
        actual: `${shown.join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more groups` : ''}`,
        certain: bad.some((b) => b.certain),
        ...(first?.culprit ? { culprit: first.culprit } : {}),
      });
    }
  }

  const broken = others.filter((o) => o.answer.kind === 'server-error' || o.answer.kind === 'malformed');
  const first = broken[0];
  if (first)
    findings.push({
      name: 'conformant answers',
      expected: refusalText,
      actual: `${describeAnswer(first.answer)} for copy ${first.copy.index}${broken.length > 1 ? ` (${broken.length} such)` : ''}`,
      certain: true,
      culprit: first,
    });

  const refused = others.filter(
    (o): o is ParallelOutcome & { answer: Extract<ParallelAnswer, { kind: 'refusal' }> } =>
      o.answer.kind === 'refusal' && !codes.includes('any') && !codes.includes(o.answer.code),
  );
  const firstRefused = refused[0];
  if (firstRefused)
    findings.push({
      name: 'refusals',
      expected: refusalText,
      actual: `${describeAnswer(firstRefused.answer)} for copy ${firstRefused.copy.index}${
        refused.length > 1 ? ` (${refused.length} refusals not accepted ${tally(refused.map((r) => r.answer.code))})` : ''
      }`,
      certain: true,
      culprit: firstRefused,
    });

  for (const path of expect.unique ?? []) {
    const seen = new Map<string, ParallelOutcome>();
    let problem: Finding | undefined;
    let duplicates = 0;
    for (const o of successes) {
      if (o.answer.kind !== 'success') continue;
      const values = resolvePath(o.answer.body, path).values;
      const absent = values.length === 0 || values.some((v) => v === undefined || v === null);
      if (absent) {
        problem ??= {
          name: `unique ${path}`,
          expected: `${path} present and distinct in every success`,
          actual: `${path} absent in the success of copy ${o.copy.index}`,
          certain: true,
          culprit: o,
        };
        continue;
      }
      for (const v of values) {
        const key = groupKey(v as Json);
        const prior = seen.get(key);
        if (prior) {
          duplicates++;
          problem ??= {
            name: `unique ${path}`,
            expected: `${path} present and distinct in every success`,
            actual: `${path} = ${show(v)} in the successes of copies ${prior.copy.index} and ${o.copy.index}`,
            certain: true,
            culprit: o,
          };
        } else seen.set(key, o);
      }
    }
    if (problem) findings.push(duplicates > 1 ? { ...problem, actual: `${problem.actual} (${duplicates} duplicates)` } : problem);
  }

  if (eachFor) {
    for (const o of successes) {
      if (o.answer.kind !== 'success') continue;
      const failedField = Object.entries(eachFor(o.copy))
        .map(([path, m]) => checkField(o.answer.kind === 'success' ? o.answer.body : null, path, m))
        .find((r) => !r.passed);
      if (failedField) {
        findings.push({
          name: 'each',
          expected: `${failedField.expected} in every success`,
          actual: `${failedField.given} for copy ${o.copy.index}`,
          certain: true,
          culprit: o,
        });
        break;
      }
    }
  }

  const decisive = findings.find((f) => f.certain);
  const also = (f: Finding) => {
    const rest = findings.filter((x) => x !== f).map((x) => x.name);
    return rest.length > 0 ? `; also failing: ${rest.join(', ')}` : '';
  };
  if (decisive)
    return {
      status: 'failed',
      expected: decisive.expected,
      actual: `${decisive.actual} (${summary}${also(decisive)})`,
      summary,
      ...(decisive.culprit ? { culprit: decisive.culprit } : {}),
    };
  const firstLost = lost[0];
  if (firstLost)
    return {
      status: 'errored',
      expected: 'an answer to every copy',
      actual: `${describeAnswer(firstLost.answer)} for copy ${firstLost.copy.index} (${summary})`,
      summary,
      culprit: firstLost,
    };
  return { status: 'passed', summary };
}

/** Values equal under the matchers' loose equality ("5" and 5) share a key. */
function groupKey(v: Json): string {
  const n = asNumber(v);
  if (n !== undefined && (typeof v === 'number' || typeof v === 'string')) return `n:${n}`;
  return typeof v === 'string' ? `s:${v}` : `j:${JSON.stringify(v)}`;
}

/**
 * The value a parallel step captures: a count (`successes`, `refusals`, `answers`, `inFlight`), or
 * `successes[*].PATH` / `refusals[*].PATH`, that field of each such answer in the order of the copies.
 * Answers a text for a value that is missing.
 */
export function captureValue(
  source: string,
  outcomes: readonly ParallelOutcome[],
  maxInFlight: number,
): { readonly value: Json } | { readonly missing: string } {
  const kindOf = (s: string) => (s === 'successes' ? 'success' : 'refusal');
  if (source === 'answers') return { value: outcomes.length };
  if (source === 'inFlight') return { value: maxInFlight };
  if (source === 'successes' || source === 'refusals') return { value: outcomes.filter((o) => o.answer.kind === kindOf(source)).length };
  const m = /^(successes|refusals)\[\*\]\.(.+)$/.exec(source);
  if (!m?.[1] || !m[2]) return { missing: `'${source}' names no count nor field of the answers` };
  const kind = kindOf(m[1]);
  const values: Json[] = [];
  for (const o of [...outcomes].sort((a, b) => a.copy.index - b.copy.index)) {
    const a = o.answer;
    if (a.kind !== kind || (a.kind !== 'success' && a.kind !== 'refusal')) continue;
    const found = resolvePath(a.body, m[2]);
    if (found.values.some((v) => v === undefined)) return { missing: `nothing there for copy ${o.copy.index}` };
    values.push(...(found.values as Json[]));
  }
  return { value: values };
}

/**
 * Runs one parallel step: builds every copy (templates first, so a scenario error sends nothing),
 * sends them with at most `connections` in flight, classifies each answer once (a success held to the
 * answer schema at the step's level), judges them together, then captures.
 */
export async function runParallel(step: ParallelStep, ctx: CallContext): Promise<StepOutcome> {
  const { label, options: opts } = ctx;
  const { target, endpoint, api } = ctx.where;
  const copies = buildCopies(step, ctx.template);
  const bound = bindParallel(step);
  const expect = (bound.expect(ctx.template) ?? {}) as Omit<ParallelExpect, 'each'>;
  const each = bound.each;
  const eachFor =
    each === undefined ? undefined : (copy: ParallelCopy) => (each(copyContext(ctx.template, copy.index)) ?? {}) as Record<string, Matcher>;
  const adapter = adapterFor(api.spec.protocol, endpoint);
  const maxBodyBytes = Math.min(opts.maxBodyBytes, PARALLEL_ANSWER_MAX_BYTES);
  // One reader per operation of the step (a list of steps may call several), built on its first answer.
  const readers = new Map<string, AnswerReader>();
  const readerOf = (call: string): AnswerReader => {
    let reader = readers.get(call);
    if (reader === undefined) {
      reader = readerFor({ adapter, api, operation: call, endpoint, level: opts.level, maxBodyBytes });
      readers.set(call, reader);
    }
    return reader;
  };
  const connections = Math.max(1, step.parallel.connections ?? copies.length);
  let inFlight = 0;
  let maxInFlight = 0;
  let arrived = 0;
  // Why the endpoint could not express a copy (a binding without the operation or a term): the step does not apply.
  let unsupported: string | undefined;
  const done = await mapPool(
    copies,
    connections,
    async (copy): Promise<ParallelOutcome> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const ex = await adapter.send({
          endpoint,
          operation: wireOperation(endpoint, copy.call),
          app: copy.app,
          transport: copy.transport,
          clockOffsetMs: target.clock?.offsetMs ?? 0,
          timeoutMs: opts.timeoutMs,
          maxBodyBytes,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        unsupported ??= ex.unsupported;
        const answer = classify(ex.outcome, readerOf(copy.call));
        // Only what a failure shows is kept of the exchange (the body cut to 4 KiB; the request built only if shown).
        return { copy, answer, arrived: arrived++, record: failureRecord(ex.record, recordResponse(ex.outcome)) };
      } finally {
        inFlight--;
      }
    },
    opts.signal,
  );
  if (opts.signal?.aborted) return stop('errored', 'run stopped');
  if (unsupported !== undefined) return stop('skipped', `${label}: ${unsupported}`);
  const outcomes = done.filter((o): o is ParallelOutcome => o !== undefined);
  const verdict = judgeParallel(outcomes, expect, maxInFlight, eachFor);
  if (verdict.status !== 'passed') return stopFor(verdict.status, label, verdict.expected, verdict.actual, verdict.culprit);
  const captures: Record<string, Json> = {};
  for (const [name, source] of Object.entries(step.capture ?? {})) {
    const got = captureValue(source, outcomes, maxInFlight);
    if ('missing' in got)
      return stopFor('failed', label, `a value at ${source} to capture as ${name}`, `${got.missing} (${verdict.summary})`, undefined);
    captures[name] = got.value;
  }
  return proceed(captures);
}

/**
 * What a failure shows of one exchange: the answer (cut), and the request's record built on first read,
 * so that the copies of a step that passes never build theirs. Holds no answer body beyond the cut one.
 */
function failureRecord(record: Exchange['record'], response: RecordedResponse | undefined): NonNullable<ParallelOutcome['record']> {
  return {
    get request() {
      return record().request;
    },
    get curl() {
      return record().curl;
    },
    ...(response ? { response } : {}),
  };
}

function stopFor(
  status: 'failed' | 'errored',
  label: string,
  expected: string,
  actual: string,
  culprit: ParallelOutcome | undefined,
): StepStop {
  const rec = culprit?.record;
  const failure: Failure = {
    step: label,
    expected,
    actual,
    ...(rec ? { request: rec.request, curl: rec.curl } : {}),
    ...(rec?.response ? { response: rec.response } : {}),
  };
  return stop(status, `${label}: expected ${expected}, got ${actual}`, failure);
}
