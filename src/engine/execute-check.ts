import { LIMITS } from '../core/defaults.js';
import { randomBytes } from 'node:crypto';
import { checkField } from '../checks/matchers.js';
import type { CheckResult, Failure } from '../report/types.js';
import type { CompiledApi } from '../spec/compile.js';
import { serveCheck } from '../scenario/sku-roles.js';
import { successReads } from '../scenario/answer-reads.js';
import { bindCall, bindControl, bindValues } from '../scenario/bind-step.js';
import { lookup, parsePath, TemplateError, type TemplateContext } from '../scenario/template.js';
import type { CallStep, ControlStep, Json, Matcher, PlannedCheck, Transport } from '../scenario/types.js';
import { httpExchange } from '../core/http.js';
import { classify, describeClassified, isLost, readerFor } from './answer.js';
import { runParallel } from './parallel.js';
import type { CallContext, ControlContext, ExecuteOptions, StepOptions, StepWhere } from './step-context.js';
import { proceed, recordResponse, type StepOutcome, type StepStop, stop } from './step-stop.js';
import { controlAction } from '../apis/index.js';
import { adapterFor, protocolAdapter } from '../protocols/index.js';
import { protocolRuleIds } from '../spec/protocol-rules.js';
import { type Exchange, type ProtocolAdapter, wireOperation } from '../protocols/types.js';
import { endpointOf, type Target } from './target.js';
import { SUITES } from '../scenario/suites.js';
import { yuanToFen } from '../core/money.js';

export type { ExecuteOptions, StepOptions } from './step-context.js';

let freshCounter = 0;
const RUN_TAG = randomBytes(2).toString('hex').slice(0, 3);

/** Unique per check and run, at most 10 characters (the promotion name limit), so runs never collide. */
function freshSource(): TemplateContext['fresh'] {
  return {
    name: () => `P${RUN_TAG}${(++freshCounter).toString(36)}`.slice(0, 10),
    int: () => Number(`${Date.now() % 1e9}${++freshCounter % 1000}`),
  };
}

/**
 * Runs one planned check against a target: steps in order (a parallel step sends its calls at once
 * and judges them together, src/engine/parallel.ts), templates evaluated, every answer classified once
 * (src/engine/answer.ts) and judged against its expectation. Each step returns a StepOutcome: go on
 * with its captures, or stop the check with a status. Never throws: every outcome is data.
 */
export async function executeCheck(check: PlannedCheck, target: Target, api: CompiledApi, opts: ExecuteOptions): Promise<CheckResult> {
  const started = performance.now();
  const endpoint = endpointOf(target, check.api);
  const base = {
    id: check.id,
    title: check.title,
    suite: check.suite,
    api: check.api,
    // What was spoken: the endpoint's own adapter (`http-json` through a binding), else the API's protocol.
    protocol: endpoint?.adapter?.id ?? check.protocol,
    rules: check.rules,
    level: check.level,
    tags: check.tags,
    source: check.source,
  };
  if (endpoint === undefined) {
    return { ...base, status: 'skipped', message: `the target does not serve the API ${check.api} (no endpoint for it)`, durationMs: 0 };
  }
  const capabilities = target.skuPool ? [...target.capabilities, 'sku-pool'] : target.capabilities;
  const missing = check.requires.filter((c) => !capabilities.includes(c));
  if (missing.length > 0) {
    return { ...base, status: 'skipped', message: `target lacks capability ${missing.join(', ')}`, durationMs: 0 };
  }
  // The catalogue SKUs it names by position and by role, picked before any request.
  const served = serveCheck(check, target.skus);
  if (!served.ok)
    return { ...base, status: 'skipped', message: `fixtures cannot serve this check: ${served.reason}; ${served.add}`, durationMs: 0 };
  // An operation a step needs that its endpoint cannot make at all (a binding without it): skipped before any call, as fixtures are.
  const unserved = unservedStep(check, target);
  if (unserved !== undefined) return { ...base, status: 'skipped', message: unserved, durationMs: 0 };
  const elsewhere = wireRulesElsewhere(check, endpoint.adapter);
  if (elsewhere !== undefined) return { ...base, status: 'skipped', message: elsewhere, durationMs: 0 };
  const scopes = new Map<string, Record<string, Json>>();
  const fresh = freshSource();
  // The API's values of this target (`${target.dataSourceId}`), in every scope; a variable of the check may shadow them.
  // Every API's options of the target (a coupon suite reads the upload's dataSourceId); the check's own win.
  const options = Object.assign({}, ...Object.values(target.endpoints).map((e) => e.options ?? {}), endpoint.options ?? {}) as Record<
    string,
    Json
  >;
  const targetVars: Record<string, Json> = Object.keys(options).length > 0 ? { target: options } : {};
  const ctxFor = (scope: string): TemplateContext => ({
    vars: { ...targetVars, ...(scopes.get(scope) ?? {}) },
    nowMs: () => Date.now() + (target.clock?.offsetMs ?? 0),
    fresh,
    skus: target.skus,
    ...(served.picked.size > 0 ? { roles: served.picked } : {}),
    ...(target.skuPool && opts.poolBase !== undefined
      ? { pool: { base: opts.poolBase, priceFen: yuanToFen(Number(target.skuPool.price)) } }
      : {}),
  });
  // The variables of a scope, made when the plan enters it (a step of a scope not entered is a plan error).
  const scopeOf = (scope: string): Record<string, Json> => {
    const vars = scopes.get(scope);
    if (vars === undefined) throw new Error(`scope ${scope} used before it was entered`);
    return vars;
  };
  /** Where a step's calls go: the check's API, or the other API of the target the step names (`api:`). */
  const whereFor = (other: string | undefined, label: string): StepWhere | StepStop => {
    if (other === undefined || other === check.api) return { target, endpoint, api };
    const otherEndpoint = endpointOf(target, other);
    const def = SUITES.get(other);
    if (otherEndpoint === undefined || def === undefined)
      return stop('skipped', `${label}: the target does not serve the API ${other} (no endpoint for it)`);
    return { target, endpoint: otherEndpoint, api: def.compiled() };
  };
  const stepOpts = (asserts: boolean): StepOptions => ({ ...opts, level: check.level === 'ref' && asserts ? 'ref' : 'must' });
  /** Runs a call or parallel step where its calls go, unless that is nowhere. */
  const atWhere = (where: StepWhere | StepStop, run: (where: StepWhere) => Promise<StepOutcome>): Promise<StepOutcome> =>
    'kind' in where ? Promise.resolve(where) : run(where);
  // The planned step the check is at, so that a failure says where it stopped and whether that step asserts.
  let at = -1;
  const finish = (s: StepStop): CheckResult => {
    const message = s.status === 'passed' ? '' : s.message;
    const failure = s.status === 'passed' || s.status === 'skipped' ? undefined : stoppedAt(check, at, s.failure, message);
    return { ...base, status: s.status, message, durationMs: Math.round(performance.now() - started), ...(failure ? { failure } : {}) };
  };
  try {
    const rootVars: Record<string, Json> = {};
    scopes.set('root', rootVars);
    for (const { name, value } of bindValues(check.vars)) rootVars[name] = value(ctxFor('root')) as Json;
    for (const [i, step] of check.steps.entries()) {
      at = i;
      if (opts.signal?.aborted) return finish(stop('errored', 'run stopped'));
      if (step.kind === 'enter') {
        const vars: Record<string, Json> = {};
        for (const { name, value } of bindValues(step.bind)) vars[name] = value(ctxFor(step.from)) as Json;
        scopes.set(step.scope, vars);
        continue;
      }
      if (step.kind === 'leave') {
        const into = scopeOf(step.into);
        for (const { name, value } of bindValues(step.capture)) into[name] = value(ctxFor(step.scope)) as Json;
        continue;
      }
      const into = scopeOf(step.scope);
      const context = { label: step.label, template: ctxFor(step.scope), options: stepOpts(step.asserts) };
      const outcome =
        step.kind === 'control'
          ? await runControl(step.step, { ...context, target })
          : step.kind === 'call'
            ? await atWhere(whereFor(step.step.api, step.label), (where) => runCall(step.step, { ...context, where }))
            : await atWhere(whereFor(step.step.parallel.api, step.label), (where) => runParallel(step.step, { ...context, where }));
      if (outcome.kind === 'stop') return finish(outcome);
      Object.assign(into, outcome.captures);
    }
    opts.onRootVars?.(rootVars);
    return { ...base, status: 'passed', message: '', durationMs: Math.round(performance.now() - started) };
  } catch (e) {
    // A template that cannot be evaluated (a scenario's error), or a bug of the harness.
    return finish(stop('errored', e instanceof TemplateError ? `scenario error: ${e.message}` : `harness error: ${(e as Error).message}`));
  }
}

/**
 * The failure of a check that stopped at planned step `at`: the step's details (when the step gave
 * them) with its index and whether it asserts; a bare record of the step otherwise (a test-control or
 * scenario error). Undefined when the check stopped before its first step.
 */
function stoppedAt(check: PlannedCheck, at: number, given: Failure | undefined, message: string): Failure | undefined {
  const step = check.steps[at];
  if (step === undefined) return given;
  const asserting = (step.kind === 'call' || step.kind === 'control' || step.kind === 'parallel') && step.asserts;
  if (given) return { ...given, stepIndex: at, asserting };
  const prefix = `${step.label}: `;
  return {
    step: step.label,
    stepIndex: at,
    asserting,
    expected: 'the step to run to completion',
    actual: message.startsWith(prefix) ? message.slice(prefix.length) : message,
  };
}

/** How much of a test-control answer an error shows. */
const CONTROL_BODY_SHOWN_BYTES = 300;

/**
 * One test-control request: a named action of an API (a route of its test control, answered 200), or
 * the generic `{post, body}` (any 2xx passes). Any other answer errors the check with the start of its
 * body; `capture` reads fields of the JSON answer.
 */
async function runControl(step: ControlStep, ctx: ControlContext): Promise<StepOutcome> {
  const { label, target, options: opts } = ctx;
  if (!target.testControlUrl) return stop('errored', `${label}: target has no test-control URL`);
  const c = bindControl(step)(ctx.template) as Record<string, Json>;
  // The generic `{post, body}`, or an action its API's module declares (src/apis/index.ts).
  const { path, body, accepts } = controlAction(undefined, c);
  const out = await httpExchange({
    method: 'POST',
    url: `${target.testControlUrl}/${path}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    timeoutMs: opts.timeoutMs,
    maxBodyBytes: LIMITS.controlAnswerMaxBytes,
    signal: opts.signal,
  });
  if (!out.ok) return stop('errored', `${label}: test control unreachable: ${out.reason}`);
  if (!accepts(out.status))
    return stop('errored', `${label}: test control answered ${out.status}: ${firstBytes(out.body, CONTROL_BODY_SHOWN_BYTES)}`);
  const capture = Object.entries(step.capture ?? {});
  if (capture.length === 0) return proceed();
  let answer: unknown;
  try {
    answer = JSON.parse(out.body);
  } catch {
    return stop(
      'errored',
      `${label}: test control answered ${out.status} with a body that is not JSON: ${firstBytes(out.body, CONTROL_BODY_SHOWN_BYTES)}`,
    );
  }
  const captures: Record<string, Json> = {};
  for (const [name, at] of capture) {
    const v = answer !== null && typeof answer === 'object' ? lookup(answer as Record<string, Json>, parsePath(at)) : undefined;
    if (v === undefined)
      return stop(
        'errored',
        `${label}: test control answered no value at ${at} to capture as ${name}: ${firstBytes(out.body, CONTROL_BODY_SHOWN_BYTES)}`,
      );
    captures[name] = v;
  }
  return proceed(captures);
}

/** The first `bytes` bytes of a text in UTF-8, never splitting a character. */
function firstBytes(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= bytes) return text;
  let end = bytes;
  // A continuation byte (10xxxxxx) is inside a character: cut before that character.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/**
 * The first call or parallel step whose endpoint cannot make its operation at all, or cannot give a
 * success field the step reads (a binding that maps no such field: unknown there, so not judged), as
 * `label: reason`; undefined when every one can.
 */
function unservedStep(check: PlannedCheck, target: Target): string | undefined {
  for (const s of check.steps) {
    if (s.kind !== 'call' && s.kind !== 'parallel') continue;
    const api = s.kind === 'call' ? s.step.api : s.step.parallel.api;
    const calls = s.kind === 'call' ? [s.step.call] : (s.step.parallel.steps?.map((c) => c.call) ?? [s.step.parallel.call]);
    const adapter = endpointOf(target, api ?? check.api)?.adapter;
    if (adapter === undefined) continue;
    for (const call of calls) {
      if (call === undefined) continue;
      const reason = adapter.unserved?.(call) ?? firstOf(successReads(s.step), (field) => adapter.unmappedAnswer?.(call, field));
      if (reason !== undefined) return `${s.label}: ${reason}`;
    }
  }
  return undefined;
}

/**
 * Why a check cannot be judged through `adapter` (a binding, which speaks a wire format of its own): it
 * covers a rule of its API's protocol spec (the Yoho envelope and SALT_MD5, a JOS system parameter), which
 * a bound service does not speak. Passing it there would claim that rule; failing it, a rule the service
 * never had. Undefined when the check's own protocol is spoken.
 */
function wireRulesElsewhere(check: PlannedCheck, adapter: ProtocolAdapter | undefined): string | undefined {
  if (adapter === undefined || adapter.id === check.protocol) return undefined;
  // A generated case probes the documented call's parameter contract (a parameter required, a length,
  // a range): the wire of the API's own protocol. The service behind a binding has calls of its own,
  // whose defaults and limits are its own; the binding builds its request, so the case would judge the
  // binding's template, not a rule the service was ever given.
  if (check.generated !== undefined)
    return `a generated case of the ${check.protocol} call's own parameter contract (${check.generated.kind}: ${check.generated.target}), which the service behind the binding does not have: its calls are its own (${adapter.id})`;
  const wire = protocolRuleIds(protocolAdapter(check.protocol).specFile);
  const covered = check.rules.filter((r) => wire.has(r));
  if (covered.length === 0) return undefined;
  return `covers ${covered.join(', ')}, of the ${check.protocol} protocol's own wire format, which the service behind the binding does not speak (${adapter.id})`;
}

/** The first defined answer of `f` over `items`. */
function firstOf<T>(items: readonly T[], f: (item: T) => string | undefined): string | undefined {
  for (const item of items) {
    const r = f(item);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * One call: sent, its answer classified once (src/engine/answer.ts), then judged against the step's
 * expectation: an error (its code, its fields), or a success (the assumed state, the fields), then
 * the captures. A step that expects an error reads the answer without a schema: any success is wrong
 * there, whatever its data, and may be undecidable near the clock-skew edge.
 */
async function runCall(step: CallStep, ctx: CallContext): Promise<StepOutcome> {
  const { label, options: opts } = ctx;
  const { target, endpoint, api } = ctx.where;
  const bound = bindCall(step);
  const app = (bound.params(ctx.template) ?? {}) as Record<string, Json>;
  const transport = (bound.transport(ctx.template) ?? {}) as Transport;
  const adapter = adapterFor(api.spec.protocol, endpoint);
  const ex = await adapter.send({
    endpoint,
    operation: wireOperation(endpoint, step.call),
    app,
    transport,
    clockOffsetMs: target.clock?.offsetMs ?? 0,
    timeoutMs: opts.timeoutMs,
    maxBodyBytes: opts.maxBodyBytes,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  // A call the endpoint cannot express (a binding without this operation or term) was not sent: the check does not apply.
  if (ex.unsupported !== undefined) return stop('skipped', `${label}: ${ex.unsupported}`);
  const fail = (status: 'failed' | 'errored' | 'inconclusive', expected: string, actual: string): StepStop => {
    const response = recordResponse(ex.outcome);
    return stop(status, `${label}: expected ${expected}, got ${actual}`, {
      step: label,
      expected,
      actual,
      request: ex.request,
      ...(response ? { response } : {}),
      curl: ex.curl,
    });
  };

  const expectation = (bound.expect(ctx.template) ?? 'success') as NonNullable<CallStep['expect']>;
  const wantError = expectation !== 'success' && expectation.error !== undefined ? expectation.error : undefined;
  const expectedText = wantError === undefined ? 'success' : wantError === 'any' ? 'any error' : `error ${[wantError].flat().join(' or ')}`;
  const askedStatus = expectation !== 'success' ? expectation.httpStatus : undefined;
  const answer = classify(
    ex.outcome,
    readerFor({
      adapter,
      api,
      operation: step.call,
      endpoint,
      // A must check demands only the documented part of the schema; the parts of ours are for ref checks.
      level: wantError === undefined ? opts.level : 'none',
      maxBodyBytes: opts.maxBodyBytes,
      ...(askedStatus !== undefined ? { expectedStatus: askedStatus } : {}),
    }),
  );

  if (!ex.outcome.ok || isLost(answer)) return fail('errored', expectedText, describeClassified(answer));
  if (answer.kind === 'malformed' && answer.problem === 'cut-off')
    return fail('failed', expectedText, `an answer larger than ${opts.maxBodyBytes} bytes`);
  if (answer.kind === 'malformed' && answer.problem === 'not-json') return fail('failed', expectedText, answer.reason);
  if (askedStatus !== undefined && ex.outcome.status !== askedStatus) {
    return fail('failed', `HTTP ${askedStatus}`, `HTTP ${ex.outcome.status}`);
  }
  // A crash is never a conformant answer, whatever its body says: not a refusal, not a success.
  if (answer.kind === 'server-error') return fail('failed', expectedText, describeClassified(answer));
  if (answer.kind === 'malformed' && answer.problem === 'envelope') return fail('failed', expectedText, describeClassified(answer));
  const skew = skewJudgement(transport, ex, target, adapter);
  const fields = expectation !== 'success' ? (expectation.fields ?? {}) : {};
  /** The first field expectation the body breaks, as a stop; undefined when every one holds. */
  const fieldsBroken = (body: Json): StepStop | undefined => {
    for (const [path, matcher] of Object.entries(fields)) {
      const r = checkField(body, path, matcher);
      if (!r.passed) return fail('failed', r.expected, r.given);
    }
    return undefined;
  };
  if (wantError !== undefined) {
    if (answer.kind !== 'refusal') return fail(skew.ambiguous ? 'inconclusive' : 'failed', expectedText, `success${skew.note}`);
    const accepted = wantError === 'any' || [wantError].flat().includes(answer.code);
    if (!accepted) return fail('failed', expectedText, `error ${answer.code} (${answer.message})`);
    return fieldsBroken(answer.body) ?? proceed();
  }
  // A state the check needs, reached through the public API where the target allows it: if this target
  // went another way (another review route, a begin_time it refuses), the check does not apply to it.
  const assumed = bound.assume === undefined ? undefined : (bound.assume(ctx.template) as Record<string, Matcher>);
  const assumeNot = (assume: Readonly<Record<string, Matcher>>, what: string) =>
    stop(
      'skipped',
      `${label}: this check needs ${describeAssumption(assume)}, and the target ${what}; reach that state with test-control instead`,
    );
  if (answer.kind === 'refusal') {
    if (assumed !== undefined) return assumeNot(assumed, `refused the step with ${answer.code} (${answer.message})`);
    const early = expectation !== 'success' ? expectation.orRefused : undefined;
    if (early !== undefined && (early === 'any' || [early].flat().includes(answer.code))) {
      return stop('passed', `${label}: refused here with ${answer.code}, which the document allows; later steps not run`);
    }
    return fail(skew.ambiguous ? 'inconclusive' : 'failed', expectedText, `error ${answer.code} (${answer.message})${skew.note}`);
  }
  if (answer.kind === 'malformed') {
    return fail('failed', `an answer matching the spec schema of ${step.call}`, answer.violation ?? answer.reason);
  }
  const body = answer.body;
  for (const [path, matcher] of Object.entries(assumed ?? {})) {
    const r = checkField(body, path, matcher);
    if (!r.passed && assumed !== undefined) return assumeNot(assumed, `answered ${r.given}`);
  }
  const broken = fieldsBroken(body);
  if (broken) return broken;
  const captures: Record<string, Json> = {};
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const v = lookup(body as Record<string, Json>, parsePath(path));
    if (v === undefined) return fail('failed', `a value at ${path} to capture as ${name}`, 'nothing there');
    captures[name] = v;
  }
  return proceed(captures);
}

function describeAssumption(assume: Readonly<Record<string, Matcher>>): string {
  return Object.entries(assume)
    .map(
      ([path, m]) =>
        `${path} ${
          m !== null && typeof m === 'object'
            ? Object.entries(m)
                .map(([op, v]) => `${op} ${JSON.stringify(v)}`)
                .join(', ')
            : `= ${JSON.stringify(m)}`
        }`,
    )
    .join(' and ');
}

/**
 * For timestamps sent near the edge of the window: whether the target's estimated clock leaves it
 * undecidable which side of the documented edge (skewS ± 1 s) the request fell on.
 */
function skewJudgement(transport: Transport, ex: Exchange, target: Target, adapter: ProtocolAdapter): { ambiguous: boolean; note: string } {
  if (transport.clockOffsetS === undefined || !ex.outcome.ok) return { ambiguous: false, note: '' };
  const skewS = adapter.skewS();
  const unc = target.clock?.uncertaintyMs ?? 0;
  const sent = ex.outcome.sentAtMs + (target.clock?.offsetMs ?? 0);
  const arrivedMax = sent + ex.outcome.elapsedMs;
  // Server time minus the timestamp, over everything we do not know.
  const lo = sent - unc - ex.timestampMs;
  const hi = arrivedMax + unc - ex.timestampMs;
  const absLo = lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi));
  const absHi = Math.max(Math.abs(lo), Math.abs(hi));
  const edgeLo = (skewS - 1) * 1000;
  const edgeHi = (skewS + 1) * 1000;
  const ambiguous = absHi > edgeLo && absLo < edgeHi;
  const note = ` (timestamp ${(lo / 1000).toFixed(1)}…${(hi / 1000).toFixed(1)} s from the target's clock, estimate ±${unc} ms)`;
  return { ambiguous, note };
}
