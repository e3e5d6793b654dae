import { type CompiledTemplate, compileTemplate } from './compile-template.js';
import type { CallStep, ControlStep, Json, ParallelStep, PlannedCheck } from './types.js';

/**
 * Steps bound once: every template a step evaluates, compiled, kept per step object (a fixture's steps
 * are shared by every check that uses it). The plan stays plain data; planSuite binds each check as it
 * plans it, and the runner (and next the load engine) finds the bound form here.
 */

/** A call step's templates. */
export interface BoundCall {
  /** The application parameters (`{}` when the step has none). */
  readonly params: CompiledTemplate;
  readonly transport: CompiledTemplate;
  /** The expectation (`'success'` when the step has none). */
  readonly expect: CompiledTemplate;
  readonly assume?: CompiledTemplate;
}

/** One request of a parallel step, bound. */
export interface BoundParallelCall {
  readonly call: string;
  readonly params: CompiledTemplate;
  readonly transport: CompiledTemplate;
}

/** A parallel step's templates. */
export interface BoundParallel {
  /** One entry per copy, in order: the `times` copies of one call share one entry. */
  readonly calls: readonly BoundParallelCall[];
  /** The expectation without `each` (evaluated once per step). */
  readonly expect: CompiledTemplate;
  /** `each.fields`, evaluated per success with its copy's context. */
  readonly each?: CompiledTemplate;
}

/** The named values of a record (check variables, a fixture's bindings or outputs), in order. */
export type BoundValues = readonly { readonly name: string; readonly value: CompiledTemplate }[];

const EMPTY: Readonly<Record<string, Json>> = Object.freeze({});
const calls = new WeakMap<CallStep, BoundCall>();
const parallels = new WeakMap<ParallelStep, BoundParallel>();
const records = new WeakMap<object, BoundValues>();

/** A call step's templates, compiled on the first call for this step object. */
export function bindCall(step: CallStep): BoundCall {
  let bound = calls.get(step);
  if (bound === undefined) {
    bound = {
      params: compileTemplate((step.params ?? EMPTY) as Json),
      transport: compileTemplate((step.transport ?? EMPTY) as unknown as Json),
      expect: compileTemplate((step.expect ?? 'success') as unknown as Json),
      ...(step.assume === undefined ? {} : { assume: compileTemplate(step.assume as unknown as Json) }),
    };
    calls.set(step, bound);
  }
  return bound;
}

/** A parallel step's templates, compiled on the first call for this step object. */
export function bindParallel(step: ParallelStep): BoundParallel {
  let bound = parallels.get(step);
  if (bound === undefined) {
    const p = step.parallel;
    const bindOne = (c: { readonly call?: string; readonly params?: unknown; readonly transport?: unknown }): BoundParallelCall => ({
      call: c.call ?? '',
      params: compileTemplate((c.params ?? EMPTY) as Json),
      transport: compileTemplate((c.transport ?? EMPTY) as Json),
    });
    const { each, ...rest } = step.expect ?? {};
    if (p.steps) bound = { calls: p.steps.map(bindOne), expect: compileTemplate(rest as unknown as Json) };
    else {
      const one = bindOne(p);
      bound = { calls: Array.from({ length: p.times ?? 1 }, () => one), expect: compileTemplate(rest as unknown as Json) };
    }
    if (each !== undefined) bound = { ...bound, each: compileTemplate(each.fields as unknown as Json) };
    parallels.set(step, bound);
  }
  return bound;
}

/** A control step's action (its route's parameters, or the generic form's path and body). */
export function bindControl(step: ControlStep): CompiledTemplate {
  return compileTemplate(step.control as unknown as Json);
}

/** Each value of a record, compiled on the first call for this record object. */
export function bindValues(values: Readonly<Record<string, Json>>): BoundValues {
  let bound = records.get(values);
  if (bound === undefined) {
    bound = Object.entries(values).map(([name, v]) => ({ name, value: compileTemplate(v) }));
    records.set(values, bound);
  }
  return bound;
}

/** Binds every step and value of a planned check (at plan time, so that the first run compiles nothing). */
export function bindCheck(check: PlannedCheck): void {
  bindValues(check.vars);
  for (const s of check.steps) {
    if (s.kind === 'call') bindCall(s.step);
    else if (s.kind === 'parallel') bindParallel(s.step);
    else if (s.kind === 'control') bindControl(s.step);
    else bindValues(s.kind === 'enter' ? s.bind : s.capture);
  }
}
