import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import { documentedAnswer, type RuleLevels, ruleLevels } from './answer-parts.js';
import { addPromoproofKeywords } from './keywords.js';
import { loadPromotionSpec } from './load.js';
import type { Accept, ApiSpec, JsonSchema, OperationSpec, ParamPatch, ParamSpec, RelationSpec, VariantCondition } from './types.js';

/** A parameter with its schema compiled once. */
export interface CompiledParam {
  readonly spec: ParamSpec;
  readonly validate: ValidateFunction;
  /** The reference's own limits on top of the documented ones (ParamSpec.refSchema). */
  readonly validateRef?: ValidateFunction;
}

export interface CompiledVariant {
  readonly when: VariantCondition;
  readonly params: ReadonlyMap<string, CompiledParam>;
  readonly relations: readonly RelationSpec[];
}

export interface CompiledOperation {
  readonly method: string;
  readonly spec: OperationSpec;
  readonly params: readonly CompiledParam[];
  readonly paramNames: ReadonlySet<string>;
  readonly variants: readonly CompiledVariant[];
  /** The whole answer schema, parts of ours included: what a `ref` check validates a success against. */
  readonly validateAnswer: ValidateFunction;
  /**
   * The documented part of the answer schema (src/spec/answer-parts.ts: every part tagged only with
   * `ref` rules accepts anything, absent included): what a `must` check validates a success against.
   * The same function as validateAnswer when the schema has no part of ours.
   */
  readonly validateDocumentedAnswer: ValidateFunction;
  /** A JSON-body operation: the body's schema and a valid example (OperationSpec.body). */
  readonly body?: { readonly schema: JsonSchema; readonly example: Readonly<Record<string, unknown>> };
}

export interface CompiledApi {
  readonly spec: ApiSpec;
  readonly operations: ReadonlyMap<string, CompiledOperation>;
}

/** One ajv instance for every spec, with promoproof's keywords; strict so a typo in a spec fails loudly. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  addPromoproofKeywords(ajv);
  return ajv;
}

/**
 * Compiles every schema of an API spec once. Pure function of the spec and the rule levels (which
 * parts of an answer are ours); cache the result.
 */
export function compileApi(spec: ApiSpec, ajv: Ajv = createAjv(), levelOf: RuleLevels = ruleLevels()): CompiledApi {
  const operations = new Map<string, CompiledOperation>();
  for (const [method, op] of Object.entries(spec.operations)) {
    // A JSON-body operation declares no parameters: its body is validated by its API's reference.
    const params = (op.params ?? []).map((p) => compileParam(ajv, p));
    const byName = new Map((op.params ?? []).map((p) => [p.name, p]));
    const variants = (op.variants ?? []).map((v): CompiledVariant => {
      const patched = new Map<string, CompiledParam>();
      for (const [name, patch] of Object.entries(v.params ?? {})) {
        const base = byName.get(name);
        if (!base) throw new Error(`spec ${spec.id}: variant of ${method} patches unknown parameter ${name}`);
        patched.set(name, compileParam(ajv, mergeParam(base, patch)));
      }
      return { when: v.when, params: patched, relations: v.relations ?? [] };
    });
    const answerSchema = { ...op.answer.schema, definitions: spec.definitions };
    const documented = documentedAnswer(op.answer, spec.definitions, levelOf);
    const validateAnswer = ajv.compile(answerSchema);
    operations.set(method, {
      method,
      spec: op,
      params,
      paramNames: new Set((op.params ?? []).map((p) => p.name)),
      variants,
      validateAnswer,
      validateDocumentedAnswer: JSON.stringify(documented) === JSON.stringify(answerSchema) ? validateAnswer : ajv.compile(documented),
      ...(op.body ? { body: { schema: op.body, example: op.example ?? {} } } : {}),
    });
  }
  return { spec, operations };
}

function compileParam(ajv: Ajv, spec: ParamSpec): CompiledParam {
  return {
    spec,
    validate: ajv.compile(spec.schema as Record<string, unknown>),
    ...(spec.refSchema ? { validateRef: ajv.compile(spec.refSchema as Record<string, unknown>) } : {}),
  };
}

function mergeParam(base: ParamSpec, patch: ParamPatch): ParamSpec {
  return { ...base, ...patch, rules: patch.rules ?? base.rules };
}

let promotionApi: CompiledApi | undefined;

/** The JD promotion spec, compiled once per process. */
export function promotionApiCompiled(): CompiledApi {
  promotionApi ??= compileApi(loadPromotionSpec());
  return promotionApi;
}

/** The validator of a success for a check of `level`: the documented part for `must`, the whole schema for `ref`. */
export function answerValidator(op: CompiledOperation, level: 'must' | 'ref'): ValidateFunction {
  return level === 'must' ? op.validateDocumentedAnswer : op.validateAnswer;
}

/** The codes a check accepts for a failure described by `error` / `accept`. */
export function acceptedCodes(error: string, accept: Accept | undefined): Accept {
  return accept ?? [error];
}

export function describeAjvError(e: ErrorObject | undefined): string {
  if (!e) return 'is invalid';
  const where = e.instancePath ? `[${e.instancePath.slice(1).replace(/\//g, '][')}] ` : '';
  return `${where}${e.message ?? 'is invalid'}`;
}

export type { JsonSchema };
