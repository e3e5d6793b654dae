/** What a step of one check runs with: one object per step instead of a list of positional parameters. */
import type { Endpoint } from '../protocols/types.js';
import type { Json } from '../scenario/types.js';
import type { TemplateContext } from '../scenario/template.js';
import type { CompiledApi } from '../spec/compile.js';
import type { Target } from './target.js';

/** The run's options of a check. */
export interface ExecuteOptions {
  /** How long one exchange may take, ms. */
  readonly timeoutMs: number;
  /** How much of an answer is read, bytes; a larger one is cut off (and malformed). */
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
  /** First id of this run's block of the target's SKU pool (drawn once per run). */
  readonly poolBase?: number;
  /** Called once when the check passes, with its root variables (its vars and every capture): a load profile's setup hands them to the mix. */
  readonly onRootVars?: (vars: Readonly<Record<string, Json>>) => void;
}

/**
 * The run's options at one step, with how much of a success's schema the step demands
 * (answerValidator): the whole schema, parts of ours included, only at a step of a `ref` check that
 * asserts its rules; the documented part in a `must` check, and in a ref check's setup, which proves
 * nothing about its rules (an upload's own answer list does not fail a check of our rounding).
 */
export interface StepOptions extends ExecuteOptions {
  readonly level: 'must' | 'ref';
}

/** Where a step's calls go: the target, the endpoint of the API it calls, and that API compiled. */
export interface StepWhere {
  readonly target: Target;
  readonly endpoint: Endpoint;
  readonly api: CompiledApi;
}

/** What every step runs with. */
export interface StepContext {
  /** The step's label in texts (`label: expected …, got …`). */
  readonly label: string;
  /** The templates' context of the step's scope (its variables, the clock, the SKUs). */
  readonly template: TemplateContext;
  readonly options: StepOptions;
}

/** A call or parallel step: where its calls go. */
export interface CallContext extends StepContext {
  readonly where: StepWhere;
}

/** A test-control step: the target whose test-control URL it posts to. */
export interface ControlContext extends StepContext {
  readonly target: Target;
}
