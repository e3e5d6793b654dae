import { parseUtc8 } from '../core/time.js';
import { acceptedCodes, describeAjvError, type CompiledOperation, type CompiledParam, type CompiledVariant } from './compile.js';
import { normalizeValue } from './normalize.js';
import { yuanToFen as toCents } from '../core/money.js';
import type { Accept, RelationSpec, VariantCondition } from './types.js';

/** Why a request was refused: which parameter or relation, the code to answer, the rules it breaks. */
export interface Violation {
  readonly param?: string;
  readonly relation?: RelationSpec['kind'];
  readonly keyword: string;
  readonly error: string;
  readonly accept: Accept;
  readonly rules: readonly string[];
  readonly message: string;
  /** A required parameter missing or empty (`""`, `[]`): the document names no code for it. */
  readonly empty?: true;
}

/** What the caller knows about the promotion a request names, for variants that depend on it. */
export interface RequestContext {
  /** The business clock, epoch milliseconds. */
  readonly nowMs: number;
  readonly promotionType?: number;
  readonly promotionBound?: number | null;
  /**
   * Strictness (the `strict-params` reading, or a fault): refuse undeclared parameters with param.error;
   * read `""` in an optional parameter as a value. By default undeclared parameters are ignored and an
   * optional `""` is absent (JOS-REF-04: SDKs generated from JD's metadata send both).
   */
  readonly refuseUnknown?: boolean;
  readonly emptyIsValue?: boolean;
  /** Fault switch of the reference: answer type errors with this code. */
  readonly typeErrorCode?: string;
  /** Readings the document allows (see reference/readings.ts): skip our own limits; ignore fields without effect; any code for a missing value. */
  readonly refLimitsOff?: boolean;
  readonly noEffectIgnored?: boolean;
  readonly missingCode?: string;
  /** Relations carrying one of these rules are not checked (a reading departing from that choice). */
  readonly skipRelationRules?: readonly string[];
}

/** What the check left out of the request, so a log can tell a client developer (JOS-REF-04). */
export interface Leniency {
  /** Undeclared parameters, ignored. */
  readonly ignored: readonly string[];
  /** Optional parameters sent as `""`, read as absent. */
  readonly blank: readonly string[];
}

export type RequestCheck =
  | ({ readonly ok: true; readonly values: Readonly<Record<string, unknown>> } & Leniency)
  | ({ readonly ok: false; readonly violation: Violation } & Leniency);

/** Normalised values of the declared parameters; null and absent are both left out. */
export function normalizeParams(op: CompiledOperation, raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const p of op.params) {
    const v = raw[p.spec.name];
    if (v === undefined || v === null) continue;
    values[p.spec.name] = normalizeValue(p.spec.type, v);
  }
  return values;
}

/**
 * Checks application parameters against the spec: undeclared parameters, then each declared one in
 * order (variants applied), then the relations. The first failure is answered (JOS-REF-03).
 */
export function validateRequest(op: CompiledOperation, raw: Readonly<Record<string, unknown>>, ctx: RequestContext): RequestCheck {
  // Every claim of a storm passes here: no array, closure or copy beyond what a refusal needs.
  const ignored: string[] = [];
  const blank: string[] = [];
  for (const key of Object.keys(raw)) {
    // JSON null counts as absent, for undeclared parameters too (the Java SDK serialises unset fields as null).
    if (op.paramNames.has(key) || raw[key] === null) continue;
    if (ctx.refuseUnknown) {
      return refusal(
        {
          param: key,
          keyword: 'unknown',
          error: 'param.error',
          accept: 'any',
          rules: ['JOS-REF-04'],
          message: `unknown parameter ${key}`,
        },
        ignored,
        blank,
      );
    }
    ignored.push(key);
  }
  let read = raw;
  if (!ctx.emptyIsValue) {
    for (const p of op.params) {
      if (!p.spec.required && raw[p.spec.name] === '') blank.push(p.spec.name);
    }
    if (blank.length > 0) read = Object.fromEntries(Object.entries(raw).filter(([k]) => !blank.includes(k)));
  }
  const values = normalizeParams(op, read);
  const active = op.variants.length === 0 ? NO_VARIANTS : op.variants.filter((v) => matches(v.when, values, ctx));
  for (const p of op.params) {
    const effective = active === NO_VARIANTS ? p : effectiveParam(p, active);
    const v = values[p.spec.name];
    const s = effective.spec;
    if (v === undefined) {
      if (s.default !== undefined) values[s.name] = s.default;
      else if (s.required)
        return refusal(
          withMissingCode({ ...paramViolation(effective, 'required', `${s.name} is required`), empty: true }, ctx),
          ignored,
          blank,
        );
      continue;
    }
    // A field without effect here (e.g. seq outside bundles) may be ignored: the document allows it.
    if (ctx.noEffectIgnored && s.appliesWhen && !matches(s.appliesWhen, values, ctx)) {
      delete values[s.name];
      continue;
    }
    // The spec's own limits, then ours (unless a reading turns ours off).
    const violation =
      schemaViolation(effective, effective.validate, v, ctx) ??
      (ctx.refLimitsOff || !effective.validateRef ? undefined : schemaViolation(effective, effective.validateRef, v, ctx));
    if (violation) return refusal(violation, ignored, blank);
  }
  // The operation's relations, then each active variant's, in order.
  const broken = brokenRelation(op.spec.relations, values, ctx);
  if (broken) return refusal(broken, ignored, blank);
  for (const variant of active) {
    const b = brokenRelation(variant.relations, values, ctx);
    if (b) return refusal(b, ignored, blank);
  }
  return { ok: true, values, ignored, blank };
}

/** The variants of an operation that has none (most): no array filtered per request. */
const NO_VARIANTS: readonly CompiledVariant[] = Object.freeze([]);

function refusal(violation: Violation, ignored: readonly string[], blank: readonly string[]): RequestCheck {
  return { ok: false, violation, ignored, blank };
}

/** Why `v` fails `validate` (the spec's schema of the parameter, or our `validateRef`), or undefined when it passes. */
function schemaViolation(
  effective: CompiledParam,
  validate: CompiledParam['validate'],
  v: unknown,
  ctx: RequestContext,
): Violation | undefined {
  if (validate(v)) return undefined;
  const s = effective.spec;
  const e = validate.errors?.[0];
  const violation = paramViolation(effective, e?.keyword ?? 'schema', `${s.name} ${describeAjvError(e)}`);
  const own = validate === effective.validateRef ? { ...violation, rules: s.refRules ?? violation.rules } : violation;
  if (e?.keyword === 'type' && ctx.typeErrorCode) return { ...own, error: ctx.typeErrorCode };
  const empty = s.required && (e?.keyword === 'minLength' || e?.keyword === 'minItems');
  return empty ? withMissingCode({ ...own, empty: true }, ctx) : own;
}

/** The first of `relations` that `values` break (relations a reading skips left out), as a violation. */
function brokenRelation(
  relations: readonly RelationSpec[] | undefined,
  values: Readonly<Record<string, unknown>>,
  ctx: RequestContext,
): Violation | undefined {
  if (!relations) return undefined;
  const skipped = ctx.skipRelationRules;
  for (const r of relations) {
    if (skipped && r.rules.some((id) => skipped.includes(id))) continue;
    const message = breaks(r, values, ctx);
    if (message !== undefined) {
      return { relation: r.kind, keyword: r.kind, error: r.error, accept: acceptedCodes(r.error, r.accept), rules: r.rules, message };
    }
  }
  return undefined;
}

/** A missing or empty required value answers the reading's code when one is given. */
function withMissingCode(violation: Violation, ctx: RequestContext): Violation {
  return ctx.missingCode ? { ...violation, error: ctx.missingCode } : violation;
}

function paramViolation(p: CompiledParam, keyword: string, message: string): Violation {
  const s = p.spec;
  const o = s.by?.[keyword];
  const error = o?.error ?? s.error;
  return {
    param: s.name,
    keyword,
    error,
    accept: o?.accept ?? (o?.error ? [o.error] : acceptedCodes(s.error, s.accept)),
    rules: o?.rules ?? s.rules,
    message,
  };
}

function effectiveParam(p: CompiledParam, active: readonly CompiledVariant[]): CompiledParam {
  let out = p;
  for (const v of active) out = v.params.get(p.spec.name) ?? out;
  return out;
}

export function matches(when: VariantCondition, values: Readonly<Record<string, unknown>>, ctx: RequestContext): boolean {
  if ('param' in when) return when.in.includes(values[when.param]);
  return ctx.promotionType !== undefined && when.promotionType.includes(ctx.promotionType);
}

/** Undefined when the relation holds (or its fields are absent), else the reason it breaks. */
function breaks(r: RelationSpec, values: Readonly<Record<string, unknown>>, ctx: RequestContext): string | undefined {
  switch (r.kind) {
    case 'minGap':
    case 'maxGap': {
      const from = time(values[r.from]);
      const to = time(values[r.to]);
      if (from === undefined || to === undefined) return undefined;
      const gapS = (to - from) / 1000;
      if (r.kind === 'minGap' && gapS < r.seconds) return `${r.to} must be at least ${r.seconds} s after ${r.from} (is ${gapS} s)`;
      if (r.kind === 'maxGap' && gapS > r.seconds) return `${r.to} must be at most ${r.seconds} s after ${r.from} (is ${gapS} s)`;
      return undefined;
    }
    case 'afterNow': {
      const t = time(values[r.field]);
      const after = ctx.nowMs + (r.seconds ?? 0) * 1000;
      return t !== undefined && t <= after ? `${r.field} must be later than now${r.seconds ? ` + ${r.seconds} s` : ''}` : undefined;
    }
    case 'withinFromNow': {
      const t = time(values[r.field]);
      return t !== undefined && t - ctx.nowMs > r.seconds * 1000 ? `${r.field} must be within ${r.seconds} s from now` : undefined;
    }
    case 'sameLength': {
      const present = r.fields.filter((f) => Array.isArray(values[f]));
      const lengths = present.map((f) => (values[f] as unknown[]).length);
      return lengths.some((n) => n !== lengths[0]) ? `${present.join(', ')} must have equal lengths (${lengths.join(', ')})` : undefined;
    }
    case 'lessThanEach': {
      const a = values[r.field];
      const b = values[r.than];
      if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
      const i = a.findIndex((x, k) => typeof x === 'number' && typeof b[k] === 'number' && !(toCents(x) < toCents(b[k] as number)));
      return i >= 0 ? `${r.field}[${i}] must be below ${r.than}[${i}]` : undefined;
    }
    case 'atMostFractionEach': {
      const a = values[r.field];
      const b = values[r.of];
      if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
      const i = a.findIndex((x, k) => {
        const whole = b[k];
        if (typeof x !== 'number' || typeof whole !== 'number') return false;
        // Integer arithmetic: x ≤ whole × n / d, or x ≤ ⌊whole × n / d⌋ with floor.
        const limitTimesD = whole * r.numerator;
        return r.floor ? x > Math.floor(limitTimesD / r.denominator) : x * r.denominator > limitTimesD;
      });
      return i >= 0 ? `${r.field}[${i}] must be at most ${r.numerator}/${r.denominator} of ${r.of}[${i}]` : undefined;
    }
    case 'promotionBound':
      return ctx.promotionBound !== undefined && !r.in.includes(ctx.promotionBound ?? -1)
        ? `needs a promotion with bound ${r.in.join(' or ')}`
        : undefined;
  }
}

function time(v: unknown): number | undefined {
  return typeof v === 'string' ? parseUtc8(v) : undefined;
}
