/**
 * Validation of an add_coupon body against specs/tencent-coupon-batch/spec.yaml: one ajv with
 * `allErrors` (every problem of the call is reported, TCC-REF-06) and promoproof's keywords, the body
 * schema compiled once (and once per validator fault or body mutation, on a patched copy).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { addPromoproofKeywords } from '../../spec/keywords.js';
import { type TencentBodyFault, tencentFault } from './faults.js';
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

export type BodyValidation =
  | { readonly ok: true; readonly body: CouponBatchBody }
  | { readonly ok: false; readonly problems: readonly BodyProblem[] };

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

const validators = new Map<string, ValidateFunction>();
let sharedAjv: Ajv | undefined;

/** The patch of a validator fault or a body mutation (`spec:tcc:…`); undefined for any other fault. */
function patchOf(fault: string | undefined): ((body: SchemaNode) => void) | undefined {
  if (fault?.startsWith(TENCENT_MUTATION_PREFIX)) return bodyMutationsById().get(fault)?.patch;
  return tencentFault(fault)?.patch;
}

/** The compiled body schema, as the spec states it or patched by a validator fault or mutation (cached per id). */
function bodyValidator(fault: TencentBodyFault | undefined): ValidateFunction {
  const patch = patchOf(fault);
  const key = patch ? (fault as string) : '';
  let v = validators.get(key);
  if (!v) {
    sharedAjv ??= createBodyAjv();
    const schema = structuredClone(addCouponOperation().body) as SchemaNode;
    patch?.(schema);
    v = sharedAjv.compile(schema);
    validators.set(key, v);
  }
  return v;
}

/** Validates a parsed body; with a fault or mutation, against the faulty schema. Never throws for any JSON value. */
export function validateCouponBatchBody(body: unknown, fault?: TencentBodyFault): BodyValidation {
  const validate = bodyValidator(fault);
  if (validate(body)) return { ok: true, body: asBatch(body) };
  return { ok: false, problems: toProblems(validate.errors ?? []) };
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
