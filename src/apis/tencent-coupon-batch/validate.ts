/**
 * Validation of an add_coupon body against specs/tencent-coupon-batch/spec.yaml: one ajv with
 * `allErrors` (every problem of the call is reported, TCC-REF-06) and promoproof's keywords, the body
 * schema compiled once (and once per validator fault or body mutation, on a patched copy).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { addPromoproofKeywords } from '../../spec/keywords.js';
import { type TencentBodyFault, tencentFault } from './faults.js';
import { isObject, isSchema, schemaMap } from '../../spec/schema-read.js';
import type { SchemaNode } from './schema-node.js';
import { bodyMutationsById, TENCENT_MUTATION_PREFIX } from './spec-mutations.js';
import { addCouponOperation } from './spec.js';

/** One problem of a body: where (`coupons[3].coupon_name`), what, and which coupon (absent for the body itself). */
export interface BodyProblem {
  readonly index?: number;
  readonly path: string;
  readonly message: string;
}

/** A coupon as validated: the schema's fields are checked; others (the example's coupon_codes …) are kept as sent. */
export type CouponInput = Readonly<Record<string, unknown>> & { readonly external_coupon_id: string };

export interface CouponBatchBody {
  readonly dataSourceId: string;
  readonly coupons: readonly CouponInput[];
}

/**
 * `body` of a valid call is the body as the reference takes it: a field with no effect for the object
 * holding it (`appliesIf` false: discount_coupon on a 满减券) is left out, never validated (TCC-REF-16).
 */
export type BodyValidation =
  | { readonly ok: true; readonly body: CouponBatchBody }
  | { readonly ok: false; readonly problems: readonly BodyProblem[] };

export interface BodyValidationOptions {
  /**
   * Validate a field where it has no effect too, as where it counts (the reading
   * `coupon-no-effect-fields-validated`); by default it is left out before validation (TCC-REF-16).
   */
  readonly noEffectValidated?: boolean;
}

/**
 * The ajv of body schemas: compile.ts's createAjv options, but every error reported, and without
 * strictRequired, which cannot see that a conditional's `then: { required: [amount_coupon] }` names a
 * property of the parent (the spec keeps each `then` a bare required list, for the generator).
 */
export function createBodyAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addPromoproofKeywords(ajv);
  return ajv;
}

/** A compiled body schema and the (patched) schema it came from, whose `appliesIf` annotations say what is ignored where. */
interface BodyValidator {
  readonly validate: ValidateFunction;
  readonly schema: SchemaNode;
}

const validators = new Map<string, BodyValidator>();
/** Compiled `appliesIf` conditions, by their node in a cached schema. */
const conditions = new WeakMap<object, ValidateFunction>();
let sharedAjv: Ajv | undefined;

/** The patch of a validator fault or a body mutation (`spec:tcc:…`); undefined for any other fault. */
function patchOf(fault: string | undefined): ((body: SchemaNode) => void) | undefined {
  if (fault?.startsWith(TENCENT_MUTATION_PREFIX)) return bodyMutationsById().get(fault)?.patch;
  return tencentFault(fault)?.patch;
}

/** The compiled body schema, as the spec states it or patched by a validator fault or mutation (cached per id). */
function bodyValidator(fault: TencentBodyFault | undefined): BodyValidator {
  const patch = patchOf(fault);
  const key = patch ? (fault as string) : '';
  let v = validators.get(key);
  if (!v) {
    sharedAjv ??= createBodyAjv();
    const schema = structuredClone(addCouponOperation().body) as SchemaNode;
    patch?.(schema);
    v = { validate: sharedAjv.compile(schema), schema };
    validators.set(key, v);
  }
  return v;
}

/**
 * Validates a parsed body; with a fault or mutation, against the faulty schema. A field with no effect
 * where it is sent is left out first (with `options.noEffectValidated`, after validation, which then
 * sees it). Never throws for any JSON value.
 */
export function validateCouponBatchBody(body: unknown, fault?: TencentBodyFault, options: BodyValidationOptions = {}): BodyValidation {
  const { validate, schema } = bodyValidator(fault);
  // Either way the field has no effect, so a valid body is taken without it; the reading only checks it first.
  const taken = withoutNoEffectFields(schema, body);
  if (validate(options.noEffectValidated ? body : taken)) return { ok: true, body: asBatch(taken) };
  return { ok: false, problems: toProblems(validate.errors ?? []) };
}

/**
 * A copy of `value` without the fields whose schema's `appliesIf` the object holding them fails
 * (discount_coupon beside coupon_sub_type 1): the platform would ignore them, so the reference neither
 * checks nor keeps them (TCC-REF-16). Walks `properties` and `items` as validation does; other values
 * are returned as they are, and `value` is never modified.
 */
export function withoutNoEffectFields(schema: Readonly<Record<string, unknown>>, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = schema['items'];
    return isSchema(items) ? value.map((v) => withoutNoEffectFields(items, v)) : value;
  }
  const props = schemaMap(schema['properties']);
  if (!isObject(value) || Object.keys(props).length === 0) return value;
  // fromEntries defines each key as an own property, `__proto__` included.
  return Object.fromEntries(
    Object.entries(value).flatMap(([k, v]): [string, unknown][] => {
      const sub = Object.hasOwn(props, k) ? props[k] : undefined;
      if (sub === undefined) return [[k, v]];
      return applies(sub, value) ? [[k, withoutNoEffectFields(sub, v)]] : [];
    }),
  );
}

/** Whether a field has an effect in `holder`: no `appliesIf`, or `holder` matches it. */
function applies(field: Readonly<Record<string, unknown>>, holder: unknown): boolean {
  const cond = field['appliesIf'];
  if (!isSchema(cond)) return true;
  let check = conditions.get(cond);
  if (!check) {
    sharedAjv ??= createBodyAjv();
    // The holder is an object; saying so keeps ajv's strictTypes content with a bare `required`.
    check = sharedAjv.compile({ type: 'object', ...cond });
    conditions.set(cond, check);
  }
  return check(holder);
}

/** A valid body as a batch: under spec:tcc:coupons.not-required one may come without coupons, a batch of none. */
function asBatch(body: unknown): CouponBatchBody {
  const b = body as CouponBatchBody;
  return b.coupons === undefined ? { ...b, coupons: [] } : b;
}

/** Ajv's errors as problems, summaries (`if`) left out, in the order ajv found them, each once. */
export function toProblems(errors: readonly ErrorObject[]): BodyProblem[] {
  const out: BodyProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    const p = toProblem(e);
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function toProblem(e: ErrorObject): BodyProblem {
  const segments = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map(unescapePointer);
  let message = e.message ?? 'is invalid';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    segments.push(String(params['missingProperty']));
    message = 'is required';
  } else if (e.keyword === 'dependencies') {
    segments.push(String(params['missingProperty']));
    message = `is required when ${String(params['property'])} is present`;
  } else if (e.keyword === 'enum') {
    message = `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const index = segments[0] === 'coupons' && /^\d+$/.test(segments[1] ?? '') ? Number(segments[1]) : undefined;
  return { ...(index === undefined ? {} : { index }), path: renderPath(segments), message };
}

/** `coupons[3].media_info.imgs[0].img_url`: numbers as indexes (only arrays are indexed by digits in this schema). */
export function renderPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) out += /^\d+$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`;
  return out === '' ? '(body)' : out;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}
