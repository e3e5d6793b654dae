/**
 * The answer-shape readings (one per protocol, in the readings of its APIs): successes rewritten into other shapes
 * the documents allow, where each protocol's gateway writes its envelope — an extra field in every
 * object, numbers as strings where the protocol allows them (JOS-10), and the parts of ours (answer
 * schema nodes tagged with `ref` rules only, src/spec/answer-parts.ts) in shapes of their own or left
 * out. A `must` check demands none of these (it validates the documented part only, and may not read a
 * part of ours), so the suite passes every `must` check against the reference under them; the `ref`
 * checks that read a part of ours notice.
 */
import { type AnswerSpec, isOurs, type RuleLevels, resolved, ruleLevels } from '../spec/answer-parts.js';
import { isObject, isSchema } from '../spec/schema-read.js';
import type { CompiledApi } from '../spec/compile.js';
import type { JsonSchema } from '../spec/types.js';

/** The field a reshaped answer carries in every object: a name no spec or check knows, a value no matcher mistakes for an id. */
export const EXTRA_FIELD = { name: 'ext_note', value: 'a field of another implementation' } as const;

/**
 * Rewrites the success answer of an operation, as its gateway writes it (envelope included), into
 * another shape: of whatever envelope the protocol writes (a face is given one: src/apis/types.ts FaceContext).
 */
export type EnvelopeReshape = <A extends object>(operation: string, answer: A) => A;

/** The compiled APIs served over one protocol, searched in order for an operation's answer schema. */
type ApisOfProtocol = () => readonly CompiledApi[];

/** Every object of a value with EXTRA_FIELD added after its own fields (unless it has one of that name). */
export function withExtraFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withExtraFields);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withExtraFields(v);
  if (!Object.hasOwn(out, EXTRA_FIELD.name)) out[EXTRA_FIELD.name] = EXTRA_FIELD.value;
  return out;
}

/** Every number of a value written as a string, as JOS answers may carry them (JOS-10: `"promo_id":"23111"`). */
export function numbersAsStrings(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(numbersAsStrings);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersAsStrings(v)]));
}

/** What becomes of a part of ours: a shape of another implementation's own, or nothing (the field left out). */
export type OursRewrite = 'own' | 'absent';

/** A value of another implementation's own shape in place of `value`: a list of `{id}` items for a list, else an `{id}` object. */
export function ownShape(value: unknown): unknown {
  return Array.isArray(value) ? value.map((_, i) => ({ id: i + 1 })) : { id: 1 };
}

/**
 * A success's value with every part of ours that the answer schema describes rewritten (`own`) or left
 * out (`absent`): properties of ours, the items of a list of ours, the whole answer when the
 * operation's answer rules are all `ref`. Walks `$ref`s into the definitions and every branch of
 * `anyOf` / `allOf` / `oneOf`. Pure.
 */
export function oursRewritten(
  value: unknown,
  answer: AnswerSpec,
  definitions: Readonly<Record<string, JsonSchema>>,
  how: OursRewrite,
  levelOf: RuleLevels = ruleLevels(),
): unknown {
  if (isOurs({ rules: answer.rules }, definitions, levelOf)) return how === 'own' ? ownShape(value) : {};
  const walk = (v: unknown, raw: unknown): unknown => {
    const node = resolved(raw, definitions);
    if (!isSchema(node)) return v;
    let out = v;
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const)
      for (const branch of Array.isArray(node[k]) ? (node[k] as unknown[]) : []) out = walk(out, branch);
    if (Array.isArray(out) && isSchema(node['items'])) {
      const items = node['items'];
      if (isOurs(items, definitions, levelOf)) return how === 'own' ? ownShape(out) : [];
      return out.map((item) => walk(item, items));
    }
    const props = node['properties'];
    if (!isObject(out) || !isObject(props)) return out;
    const obj: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(out)) {
      const schema = props[k];
      if (schema !== undefined && isOurs(schema, definitions, levelOf)) {
        if (how === 'own') obj[k] = ownShape(child);
      } else obj[k] = schema === undefined ? child : walk(child, schema);
    }
    return obj;
  };
  return walk(value, answer.schema);
}

/**
 * A success's value with the parts of ours of `operation`'s answer rewritten, the operation looked up
 * in the first of `apis` that has it; unchanged for an unknown operation.
 */
function rewriteOurs(apis: ApisOfProtocol, operation: string, value: unknown, how: OursRewrite): unknown {
  for (const api of apis()) {
    const op = api.operations.get(operation);
    if (op) return oursRewritten(value, op.spec.answer, api.spec.definitions, how);
  }
  return value;
}

/**
 * The JOS gateway's reshape under `jos-answers-reshaped`: the parts of ours of the inner answer in
 * shapes of their own, then every number a string and an extra field in every object, the envelope's
 * included (the success key stays first: SDKs unwrap the first field). Undefined without the reading.
 */
function josReshape(readings: ReadonlySet<string>, apis: ApisOfProtocol): EnvelopeReshape | undefined {
  if (!readings.has('jos-answers-reshaped')) return undefined;
  return <A extends object>(method: string, answer: A) => {
    const inner = Object.fromEntries(Object.entries(answer).map(([k, v]) => [k, rewriteOurs(apis, method, v, 'own')]));
    return withExtraFields(numbersAsStrings(inner)) as A;
  };
}

/**
 * The Tencent data-api gateway's reshape: `add-coupon-data-empty` leaves the parts of ours out of
 * `data` (`{}`, the document's example), `add-coupon-answer-reshaped` writes them in shapes of their
 * own and adds an extra field in every object, the envelope's included. `retcode` stays an integer
 * (the document types it so). Undefined without either reading.
 */
function tencentReshape(readings: ReadonlySet<string>, apis: ApisOfProtocol): EnvelopeReshape | undefined {
  const empty = readings.has('add-coupon-data-empty');
  const reshaped = readings.has('add-coupon-answer-reshaped');
  if (!empty && !reshaped) return undefined;
  return <A extends object>(operation: string, answer: A) => {
    const data = (answer as { readonly data?: unknown }).data;
    const out = { ...answer, data: rewriteOurs(apis, operation, data, empty ? 'absent' : 'own') };
    return (reshaped ? withExtraFields(out) : out) as A;
  };
}

/**
 * The Yoho gateway's reshape under `yoho-answers-reshaped`, of `{code, data, message}`: the parts of
 * ours of `data` in shapes of their own, an extra field in every object, the envelope's included. The
 * gateway then takes the md5 over `data` as it writes it. Undefined without the reading.
 */
function yohoReshape(readings: ReadonlySet<string>, apis: ApisOfProtocol): EnvelopeReshape | undefined {
  if (!readings.has('yoho-answers-reshaped')) return undefined;
  return <A extends object>(method: string, answer: A) =>
    withExtraFields({ ...answer, data: rewriteOurs(apis, method, (answer as { readonly data?: unknown }).data, 'own') }) as A;
}

/** Each protocol's reshape, by protocol id (a protocol without one answers in one shape only). */
const RESHAPES: Readonly<Record<string, (readings: ReadonlySet<string>, apis: ApisOfProtocol) => EnvelopeReshape | undefined>> = {
  jos: josReshape,
  'tencent-data-api': tencentReshape,
  'yoho-gateway': yohoReshape,
};

/**
 * How the gateway of `protocol` rewrites its successes under `readings` (the answer-shape readings of
 * its APIs), `apis` being the compiled APIs it serves; undefined when no such reading is on.
 */
export function reshapeFor(protocol: string, readings: ReadonlySet<string>, apis: ApisOfProtocol): EnvelopeReshape | undefined {
  return Object.hasOwn(RESHAPES, protocol) ? RESHAPES[protocol]?.(readings, apis) : undefined;
}
