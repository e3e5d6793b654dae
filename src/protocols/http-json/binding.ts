/**
 * A binding: how one API spec's operations map onto a coupon service of any shape, over plain HTTP and
 * JSON (the `http-json` protocol). Written in a target config under `apis.<api>.binding`
 * (specs/schema/binding.schema.json); compiled here once per target, and checked against the API's spec
 * up front: an operation, parameter, answer field or error name the spec does not have is a load error
 * (PP_BINDING) at its file:line:column.
 *
 * ```yaml
 * binding:
 *   auth: { kind: bearer, token: "${credentials.token}" }      # none | bearer | api-key | hmac-sha256
 *   maps:                                                      # enum values: the service's → the spec's
 *     status: { AVAILABLE: unused, USED: used, EXPIRED: expired }
 *   answer:                                                    # defaults for every operation
 *     success: { status: [200, 201] }                          # and/or json: { at: /ok, equals: true }
 *     error: { code: /error/code, message: /error/message }    # JSON pointers into a refusal
 *     codes: { SOLD_OUT: coupon.stock.empty }                  # the service's codes → the spec's names
 *   operations:
 *     promoproof.coupon.claim:
 *       request:
 *         method: POST
 *         path: /activities/${params.batch_id}/claims          # path segments are URL-encoded
 *         headers: { idempotency-key: "${params.request_id}" } # a value that is one absent ${…} is left out
 *         body: { userId: "${params.uid}", activity: { $value: "${params.batch_id}", $id: batch } }
 *       ignore: [data_source_id]                               # parameters the service has no use for
 *       answer:
 *         fields:                                              # the spec's answer, rebuilt (dot paths)
 *           coupon.coupon_code: /couponNo
 *           coupon.batch_id: { at: /activityId, id: batch }    # the service's id back to the suite's
 *           coupon.amount_fen: { at: /amount, convert: yuan-to-fen }
 *           coupons: { list: /items, item: { coupon_code: /couponNo } }  # item pointers relative to each entry
 *           coupon: { object: /coupon, item: { uid: /userId } }      # likewise, to one object
 *           coupon.via: { value: claim }                       # the one value a service has (it has no issue)
 *           coupon.status: { at: /status, map: status }        # through a map of `maps:` (or one written here)
 * ```
 *
 * A spec answer field the binding does not map is one the service does not have: unknown, not wrong. A
 * success is not required to have it (BoundOperation.answerSchema), and a check or an audit invariant
 * that reads it is skipped with the reason (src/protocols/http-json/coverage.ts).
 *
 * An enum map (`maps:`, or written inline) is read forwards on an answer (`map:`) and backwards on a
 * request (`{ $value: "${params.status}", $map: status }`; an inline `$map` is written the spec's value →
 * the service's). A value a map lacks is never passed through: an answer holding one is unreadable, a
 * call needing one is not sent. Its spec-side values must be values of the spec's enum there.
 *
 * A refusal with no code where `error.code` points (a bare 401, an HTML page) has the code
 * `http:<status>`; the CPN-06 authorisation faults are sent in the binding's own auth (auth.ts).
 *
 * `ids: { batch_id: batch }` on an operation sends that parameter as the service's id of the suite's.
 *
 * Request values are templates over `params` (the operation's parameters; under `each`, one entry of
 * the list), `call` (the whole call's parameters), `item` (inside `$each`) and `credentials`. A string
 * that is one `${…}` keeps its value's JSON type; `{ $value, $convert, $id }` converts it
 * (src/protocols/http-json/convert.ts) or translates a suite id into the service's; `{ $each, $item }`
 * maps a list. A parameter present in a call that the binding neither reads nor `ignore`s is one the
 * service cannot express: that call is not sent and its check is skipped with the reason.
 *
 * Ids the service assigns: `creates: { id: batch, from: external_coupon_id, at: /activityId }` on the
 * create call; the run keeps the map (src/protocols/http-json/id-map.ts) from the suite's id to the
 * service's. `each: /coupons` sends one service call per entry of that list (the Tencent batch upload's
 * coupons) and answers the upload once, in the spec's shape.
 */
import type { LoadProblem } from '../../core/errors.js';
import type { YamlSource } from '../../core/yaml-source.js';
import type { CompiledApi, CompiledOperation } from '../../spec/compile.js';
import type { JsonSchema } from '../../spec/types.js';
import { type Conversion, CONVERSIONS } from './convert.js';
import { boundAnswerSchema } from './coverage.js';

/** A request value: a template string, a literal, a list or object of values, a converted value or a mapped list. */
export type ValueNode =
  | { readonly kind: 'template'; readonly text: string; readonly parts: readonly TemplatePart[] }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'array'; readonly items: readonly ValueNode[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, ValueNode])[] }
  | {
      readonly kind: 'convert';
      readonly value: ValueNode;
      readonly convert: readonly Conversion[];
      readonly id?: string;
      /**
       * `$required: true`: the service needs this value. A call without it (a term the spec leaves
       * optional, such as an upload's stock) is one the binding cannot express: not sent, its check
       * skipped, instead of a request the service refuses for a reason the document does not give.
       */
      readonly required?: boolean;
      /**
       * The spec's value → the service's (`$map`), applied before any conversion: a named map read
       * backwards gives its YAML keys, strings, so `$convert: number` sends a service's 0/1/2 as numbers.
       */
      readonly map?: ValueMap;
    }
  | { readonly kind: 'each'; readonly list: ValueNode; readonly item: ValueNode };

/**
 * An enum's values translated between the spec and the service (`maps:` or an inline `map:`/`$map:`):
 * keys are the values of the side read (as strings: YAML keys are strings, a service's 0/1/2 too),
 * values what they become. A value the map lacks is never passed through.
 */
export interface ValueMap {
  /** Its name under `maps:`, or `inline`: for messages. */
  readonly name: string;
  readonly to: ReadonlyMap<string, unknown>;
}

/** A piece of a template string: text, or a reference `${scope.a.b}`. */
export type TemplatePart = { readonly text: string } | { readonly scope: string; readonly path: readonly string[] };

/** Where one field of the spec's answer is in the service's answer. */
export type FieldRule =
  | {
      readonly kind: 'at';
      readonly at: string;
      readonly convert: readonly Conversion[];
      readonly id?: string;
      /** The service's value → the spec's (`map:`), applied before any conversion. */
      readonly map?: ValueMap;
    }
  | { readonly kind: 'list'; readonly list: string; readonly item: Readonly<Record<string, FieldRule>> }
  /** An object of the spec's answer read from one object of the service's (item pointers relative to it). */
  | { readonly kind: 'object'; readonly object: string; readonly item: Readonly<Record<string, FieldRule>> }
  /** A value the service never sends because it has one only (its data source, a coupon type it alone has). */
  | { readonly kind: 'value'; readonly value: unknown };

/** How an answer is read: success or refusal, where the code is, the code map, the spec's fields. */
export interface AnswerRules {
  /** HTTP statuses of a success (default 200–299). */
  readonly successStatus?: readonly number[];
  /** A JSON predicate a success also meets: the value at `at` equals `equals`. */
  readonly successJson?: { readonly at: string; readonly equals: unknown };
  readonly codeAt?: string;
  readonly messageAt?: string;
  /** The service's codes (as strings) → the spec's error names. */
  readonly codes: Readonly<Record<string, string>>;
  /** Spec answer path (dot-separated) → where it is. Absent: a success answers `{}`. */
  readonly fields?: Readonly<Record<string, FieldRule>>;
}

export interface BoundRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: ValueNode;
  readonly query: readonly (readonly [string, ValueNode])[];
  readonly headers: readonly (readonly [string, ValueNode])[];
  readonly body?: ValueNode;
}

/** One operation of the spec, bound. */
export interface BoundOperation {
  readonly name: string;
  readonly request: BoundRequest;
  /** JSON pointer to the list of the call's parameters sent one service call each. */
  readonly each?: string;
  readonly creates?: { readonly id: string; readonly from: string; readonly at: string };
  /** Parameters holding a suite id of a kind (`batch_id: batch`): sent as the service's id. */
  readonly ids: Readonly<Record<string, string>>;
  readonly answer: AnswerRules;
  /** The spec's answer schema with each field `answer.fields` does not map no longer required (coverage.ts). */
  readonly answerSchema: JsonSchema;
  /** Top-level parameters the binding reads or ignores (of an entry, under `each`): any other present is unexpressed. */
  readonly expressed: ReadonlySet<string>;
  /**
   * The spec's defaults of the operation's parameters (`stacked: 0`): a call carrying a parameter at its
   * default says what the spec says a call without it means, so a binding that does not read it still
   * expresses that call (it sends none).
   */
  readonly defaults: Readonly<Record<string, unknown>>;
}

export type AuthRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: ValueNode }
  | { readonly kind: 'api-key'; readonly header: string; readonly value: ValueNode }
  | {
      readonly kind: 'hmac-sha256';
      readonly header: string;
      /** What precedes the signature in the header (`HMAC-SHA256 `), often nothing. */
      readonly prefix: string;
      readonly secret: ValueNode;
      readonly parts: readonly HmacPart[];
      readonly separator: string;
      readonly encoding: 'hex' | 'base64';
      readonly timestampHeader: string;
      readonly timestampUnit: 's' | 'ms';
      readonly nonceHeader?: string;
    };

export type HmacPart = 'method' | 'path' | 'query' | 'body' | 'timestamp' | 'nonce';

/** A binding compiled for one API of a target. */
export interface Binding {
  readonly api: string;
  readonly auth: AuthRule;
  readonly operations: ReadonlyMap<string, BoundOperation>;
}

// The document as written (specs/schema/binding.schema.json has already checked its shape).
type FieldDoc =
  | string
  | {
      at?: string;
      convert?: Conversion | Conversion[];
      id?: string;
      list?: string;
      object?: string;
      item?: Record<string, FieldDoc>;
      value?: unknown;
      map?: string | Record<string, unknown>;
    };
interface AnswerDoc {
  success?: { status?: number | number[]; json?: { at: string; equals: unknown } };
  error?: { code?: string; message?: string };
  codes?: Record<string, string>;
  fields?: Record<string, FieldDoc>;
}
interface OperationDoc {
  request: {
    method: BoundRequest['method'];
    path: string;
    query?: Record<string, unknown>;
    headers?: Record<string, unknown>;
    body?: unknown;
  };
  each?: string;
  creates?: { id: string; from: string; at: string };
  ids?: Record<string, string>;
  ignore?: string[];
  answer?: AnswerDoc;
}
interface AuthDoc {
  kind: AuthRule['kind'];
  token?: string;
  header?: string;
  value?: string;
  prefix?: string;
  secret?: string;
  parts?: HmacPart[];
  separator?: string;
  encoding?: 'hex' | 'base64';
  timestampHeader?: string;
  timestampUnit?: 's' | 'ms';
  nonceHeader?: string;
}
export interface BindingDoc {
  auth?: AuthDoc;
  /** Named enum maps (the service's value → the spec's), used by `map:` on answers and, reversed, `$map:` on requests. */
  maps?: Record<string, Record<string, unknown>>;
  answer?: AnswerDoc;
  operations: Record<string, OperationDoc>;
}

type Path = readonly (string | number)[];

/**
 * Compiles `doc` (at `at` in `source`) for the API `api`, checking it against the spec: answers the
 * binding and every problem found (all at once, each at its file:line:column).
 */
export function compileBinding(
  doc: BindingDoc,
  api: CompiledApi,
  credentials: ReadonlySet<string>,
  source: YamlSource,
  at: Path,
): { binding: Binding; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  const problem = (message: string, path: Path) => problems.push(source.problem('PP_BINDING', message, path));
  const maps = new MapBook(doc.maps ?? {}, api.spec.definitions, problem, [...at, 'maps']);
  const templates = new TemplateChecker(credentials, problem, maps);
  const defaults = doc.answer ?? {};
  const operations = new Map<string, BoundOperation>();
  for (const [name, op] of Object.entries(doc.operations)) {
    const opAt = [...at, 'operations', name];
    const spec = api.operations.get(name);
    if (spec === undefined) {
      problems.push({
        ...source.problem(
          'PP_BINDING',
          `API '${api.spec.id}' has no operation '${name}' (it has ${[...api.operations.keys()].join(', ')})`,
          opAt,
        ),
        pos: source.locateKey(opAt.slice(0, -1), name),
      });
      continue;
    }
    // What `${params.…}` may name: the operation's parameters, or the fields of one entry of `each`.
    const paramSchema = paramsSchemaOf(spec, op.each, api.spec.definitions);
    if (paramSchema === undefined && op.each !== undefined)
      problem(`${name} has no list at ${op.each} to send one call per entry of`, [...opAt, 'each']);
    const used = new Set<string>();
    const scopes = { params: paramSchema, call: spec.spec.body ?? namesSchema(spec), used };
    const request = compileRequest(op.request, templates, scopes, [...opAt, 'request']);
    for (const [i, p] of (op.ignore ?? []).entries())
      if (paramSchema !== undefined && schemaAt(paramSchema, [p], api.spec.definitions) === undefined)
        problem(`${name} has no parameter '${p}' to ignore`, [...opAt, 'ignore', i]);
    for (const p of Object.keys(op.ids ?? {}))
      if (paramSchema !== undefined && schemaAt(paramSchema, [p], api.spec.definitions) === undefined)
        problem(`${name} has no parameter '${p}' holding an id`, [...opAt, 'ids', p]);
    if (
      op.creates !== undefined &&
      paramSchema !== undefined &&
      schemaAt(paramSchema, [op.creates.from], api.spec.definitions) === undefined
    )
      problem(`${name} has no parameter '${op.creates.from}' holding the suite's id`, [...opAt, 'creates', 'from']);
    const answer = compileAnswer(defaults, op.answer ?? {}, spec.spec.errors, api, spec.spec.answer.schema, problem, maps, [
      ...opAt,
      'answer',
    ]);
    operations.set(name, {
      name,
      request,
      ...(op.each !== undefined ? { each: op.each } : {}),
      ...(op.creates !== undefined ? { creates: op.creates } : {}),
      ids: op.ids ?? {},
      answer,
      answerSchema: boundAnswerSchema(spec.spec.answer.schema, answer.fields, api.spec.definitions),
      expressed: new Set([...used, ...(op.ignore ?? [])]),
      defaults: Object.fromEntries(spec.params.flatMap((p) => (p.spec.default === undefined ? [] : [[p.spec.name, p.spec.default]]))),
    });
  }
  // The defaults' codes are checked against the API's error names (each operation's against its own).
  for (const [code, name] of Object.entries(defaults.codes ?? {}))
    if (!Object.hasOwn(api.spec.errors, name)) problem(`API '${api.spec.id}' has no error '${name}'`, [...at, 'answer', 'codes', code]);
  const auth = compileAuth(doc.auth ?? { kind: 'none' }, templates, [...at, 'auth']);
  return { binding: { api: api.spec.id, auth, operations }, problems };
}

interface Scopes {
  readonly params: JsonSchema | undefined;
  readonly call: JsonSchema;
  /** Top-level names of `params` read by a template (filled while compiling). */
  readonly used: Set<string>;
}

function compileRequest(doc: OperationDoc['request'], t: TemplateChecker, scopes: Scopes, at: Path): BoundRequest {
  const entries = (o: Record<string, unknown> | undefined, key: string) =>
    Object.entries(o ?? {}).map(([k, v]) => [k, t.node(v, scopes, [...at, key, k])] as const);
  return {
    method: doc.method,
    path: t.node(doc.path, scopes, [...at, 'path']),
    query: entries(doc.query, 'query'),
    headers: entries(doc.headers, 'headers').map(([k, v]) => [k.toLowerCase(), v] as const),
    ...(doc.body !== undefined ? { body: t.node(doc.body, scopes, [...at, 'body']) } : {}),
  };
}

function compileAuth(doc: AuthDoc, t: TemplateChecker, at: Path): AuthRule {
  const none: Scopes = { params: undefined, call: {}, used: new Set() };
  const value = (v: string | undefined, key: string) => t.node(v ?? '', none, [...at, key]);
  switch (doc.kind) {
    case 'none':
      return { kind: 'none' };
    case 'bearer':
      return { kind: 'bearer', token: value(doc.token, 'token') };
    case 'api-key':
      return { kind: 'api-key', header: (doc.header ?? 'x-api-key').toLowerCase(), value: value(doc.value, 'value') };
    case 'hmac-sha256':
      return {
        kind: 'hmac-sha256',
        header: (doc.header ?? 'x-signature').toLowerCase(),
        prefix: doc.prefix ?? '',
        secret: value(doc.secret, 'secret'),
        parts: doc.parts ?? ['method', 'path', 'query', 'body', 'timestamp', 'nonce'],
        separator: doc.separator ?? '\n',
        encoding: doc.encoding ?? 'hex',
        timestampHeader: (doc.timestampHeader ?? 'x-timestamp').toLowerCase(),
        timestampUnit: doc.timestampUnit ?? 's',
        ...(doc.nonceHeader !== undefined ? { nonceHeader: doc.nonceHeader.toLowerCase() } : {}),
      };
  }
}

function compileAnswer(
  defaults: AnswerDoc,
  own: AnswerDoc,
  opErrors: readonly string[],
  api: CompiledApi,
  answerSchema: JsonSchema,
  problem: (message: string, path: Path) => void,
  maps: MapBook,
  at: Path,
): AnswerRules {
  for (const [code, name] of Object.entries(own.codes ?? {}))
    if (!opErrors.includes(name) && !Object.hasOwn(api.spec.errors, name))
      problem(`the operation has no error '${name}' (its errors: ${opErrors.join(', ') || 'none'})`, [...at, 'codes', code]);
  const success = own.success ?? defaults.success;
  const status = success?.status;
  const fields =
    own.fields === undefined ? undefined : compileFields(own.fields, answerSchema, api.spec.definitions, problem, maps, [...at, 'fields']);
  const codeAt = own.error?.code ?? defaults.error?.code;
  const messageAt = own.error?.message ?? defaults.error?.message;
  return {
    ...(status !== undefined ? { successStatus: [status].flat() } : {}),
    ...(success?.json !== undefined ? { successJson: success.json } : {}),
    ...(codeAt !== undefined ? { codeAt } : {}),
    ...(messageAt !== undefined ? { messageAt } : {}),
    codes: { ...(defaults.codes ?? {}), ...(own.codes ?? {}) },
    ...(fields !== undefined ? { fields } : {}),
  };
}

function compileFields(
  doc: Record<string, FieldDoc>,
  schema: JsonSchema,
  definitions: Readonly<Record<string, JsonSchema>>,
  problem: (message: string, path: Path) => void,
  maps: MapBook,
  at: Path,
): Record<string, FieldRule> {
  const out: Record<string, FieldRule> = {};
  for (const [field, d] of Object.entries(doc)) {
    const target = schemaAt(schema, field.split('.'), definitions);
    if (target === undefined) {
      problem(`the spec's answer has no field '${field}'`, [...at, field]);
      continue;
    }
    if (typeof d === 'string') out[field] = { kind: 'at', at: d, convert: [] };
    else if ('value' in d) out[field] = { kind: 'value', value: d.value };
    else if (d.object !== undefined)
      out[field] = {
        kind: 'object',
        object: d.object,
        item: compileFields(d.item ?? {}, target, definitions, problem, maps, [...at, field, 'item']),
      };
    else if (d.list !== undefined) {
      const items = resolve(target, definitions)['items'];
      const itemSchema = isSchema(items) ? items : {};
      out[field] = {
        kind: 'list',
        list: d.list,
        item: compileFields(d.item ?? {}, itemSchema, definitions, problem, maps, [...at, field, 'item']),
      };
    } else {
      const map = d.map === undefined ? undefined : maps.toSpec(d.map, target, [...at, field, 'map']);
      out[field] = {
        kind: 'at',
        at: d.at ?? '',
        convert: d.convert === undefined ? [] : [d.convert].flat(),
        ...(d.id !== undefined ? { id: d.id } : {}),
        ...(map !== undefined ? { map } : {}),
      };
    }
  }
  return out;
}

/** The schema the `${params.…}` of an operation name into: its JSON body, or its parameters; under `each`, one entry. */
function paramsSchemaOf(
  op: CompiledOperation,
  each: string | undefined,
  definitions: Readonly<Record<string, JsonSchema>>,
): JsonSchema | undefined {
  const whole = op.spec.body ?? namesSchema(op);
  if (each === undefined) return whole;
  const list = schemaAt(whole, each.split('/').slice(1), definitions);
  const items = list === undefined ? undefined : resolve(list, definitions)['items'];
  return isSchema(items) ? items : undefined;
}

/** A schema with one property per parameter, its own schema (a JOS operation's parameters are listed, not one schema). */
function namesSchema(op: CompiledOperation): JsonSchema {
  const schemas = new Map(op.params.map((p) => [p.spec.name, p.spec.schema]));
  return { type: 'object', properties: Object.fromEntries([...op.paramNames].map((n) => [n, schemas.get(n) ?? {}])) };
}

/** The schema of the value at `path` below `schema` (object properties, array items, $refs followed); undefined when there is none. */
export function schemaAt(
  schema: JsonSchema,
  path: readonly string[],
  definitions: Readonly<Record<string, JsonSchema>>,
): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    if (node === undefined) return undefined;
    const s = resolve(node, definitions);
    const props = s['properties'];
    if (/^\d+$/.test(key) && isSchema(s['items'])) node = s['items'];
    else node = isSchema(props) && isSchema(props[key]) ? props[key] : undefined;
  }
  return node;
}

function resolve(schema: JsonSchema, definitions: Readonly<Record<string, JsonSchema>>): Record<string, unknown> {
  const ref = (schema as Record<string, unknown>)['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/definitions/'))
    return (definitions[ref.slice('#/definitions/'.length)] ?? {}) as Record<string, unknown>;
  return schema as Record<string, unknown>;
}

function isSchema(v: unknown): v is JsonSchema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const REFERENCE = /\$\{([a-z]+)((?:\.[A-Za-z0-9_]+)*)\}/g;
const SCOPES = new Set(['params', 'call', 'item', 'credentials']);

/** Compiles request values, checking every `${scope.path}` against what the scope holds. */
class TemplateChecker {
  constructor(
    private readonly credentials: ReadonlySet<string>,
    private readonly problem: (message: string, path: Path) => void,
    private readonly maps: MapBook,
  ) {}

  node(v: unknown, scopes: Scopes, at: Path): ValueNode {
    if (typeof v === 'string') return this.template(v, scopes, at);
    if (Array.isArray(v)) return { kind: 'array', items: v.map((x, i) => this.node(x, scopes, [...at, i])) };
    if (v === null || typeof v !== 'object') return { kind: 'literal', value: v };
    const o = v as Record<string, unknown>;
    if ('$value' in o) {
      const c = o['$convert'];
      const conversions = (c === undefined ? [] : [c].flat()) as Conversion[];
      for (const [i, name] of conversions.entries())
        if (!(CONVERSIONS as readonly string[]).includes(name))
          this.problem(`no conversion '${name}' (there are ${CONVERSIONS.join(', ')})`, [
            ...at,
            '$convert',
            ...(Array.isArray(c) ? [i] : []),
          ]);
      const id = typeof o['$id'] === 'string' ? o['$id'] : undefined;
      const value = this.node(o['$value'], scopes, [...at, '$value']);
      const map = this.valueMap(o, value, scopes, at);
      if ('$required' in o && typeof o['$required'] !== 'boolean') this.problem('$required is true or false', [...at, '$required']);
      return {
        kind: 'convert',
        value,
        convert: conversions,
        ...(o['$required'] === true ? { required: true } : {}),
        ...(id !== undefined ? { id } : {}),
        ...(map !== undefined ? { map } : {}),
      };
    }
    if ('$each' in o)
      return {
        kind: 'each',
        list: this.node(o['$each'], scopes, [...at, '$each']),
        item: this.node(o['$item'], { ...scopes }, [...at, '$item']),
      };
    return { kind: 'object', entries: Object.entries(o).map(([k, x]) => [k, this.node(x, scopes, [...at, k])] as const) };
  }

  /** A `$map` (spec → service), checked against the parameter's enum; a literal value the map lacks is a problem now, not at the call. */
  private valueMap(o: Record<string, unknown>, value: ValueNode, scopes: Scopes, at: Path): ValueMap | undefined {
    const ref = o['$map'];
    if (ref === undefined) return undefined;
    if (typeof ref !== 'string' && (ref === null || typeof ref !== 'object' || Array.isArray(ref))) {
      this.problem("$map is the name of a map under maps:, or an object of the spec's values → the service's", [...at, '$map']);
      return undefined;
    }
    const only = value.kind === 'template' && value.parts.length === 1 ? value.parts[0] : undefined;
    const param =
      only !== undefined && 'scope' in only && only.scope === 'params' && scopes.params !== undefined
        ? schemaAt(scopes.params, only.path, this.maps.definitions)
        : undefined;
    const map = this.maps.toService(ref as string | Record<string, unknown>, param, [...at, '$map']);
    if (map !== undefined && value.kind === 'literal' && !map.to.has(String(value.value)))
      this.problem(`the map ${map.name} has no service value for ${JSON.stringify(value.value)}`, [...at, '$value']);
    return map;
  }

  private template(text: string, scopes: Scopes, at: Path): ValueNode {
    const parts: TemplatePart[] = [];
    let last = 0;
    for (const m of text.matchAll(REFERENCE)) {
      if (m.index > last) parts.push({ text: text.slice(last, m.index) });
      const scope = m[1] ?? '';
      const path = (m[2] ?? '').split('.').slice(1);
      parts.push({ scope, path });
      last = m.index + m[0].length;
      this.check(scope, path, scopes, at);
    }
    if (last < text.length) parts.push({ text: text.slice(last) });
    if (parts.every((p) => 'text' in p)) return { kind: 'literal', value: text };
    return { kind: 'template', text, parts };
  }

  private check(scope: string, path: readonly string[], scopes: Scopes, at: Path): void {
    if (!SCOPES.has(scope)) {
      this.problem(`\${${scope}…} names nothing (a template reads params, call, item or credentials)`, at);
      return;
    }
    const first = path[0];
    if (first === undefined) {
      this.problem(`\${${scope}} names no value (write \${${scope}.NAME})`, at);
      return;
    }
    if (scope === 'credentials') {
      if (!this.credentials.has(first))
        this.problem(`the credentials have no '${first}' (they have ${[...this.credentials].join(', ') || 'none'})`, at);
      return;
    }
    if (scope === 'params') {
      scopes.used.add(first);
      if (
        scopes.params !== undefined &&
        schemaAt(scopes.params, path, {}) === undefined &&
        schemaAt(scopes.params, [first], {}) === undefined
      )
        this.problem(`the operation has no parameter '${path.join('.')}'`, at);
    }
    if (scope === 'call' && schemaAt(scopes.call, [first], {}) === undefined) this.problem(`the call has no parameter '${first}'`, at);
  }
}

/**
 * The binding's enum maps (`maps:`), and the checks every use of one gets: its spec-side values must be
 * values of the spec field's or parameter's enum (when it has one), and a map read backwards (a request
 * naming a map written service → spec) must send each spec value as one service value.
 */
class MapBook {
  constructor(
    private readonly named: Readonly<Record<string, Record<string, unknown>>>,
    readonly definitions: Readonly<Record<string, JsonSchema>>,
    private readonly problem: (message: string, path: Path) => void,
    private readonly at: Path,
  ) {}

  /** Problems already reported: a named map used at several places (a YAML anchor) is reported once per problem. */
  private readonly said = new Set<string>();

  private report(message: string, at: Path): void {
    const key = JSON.stringify([message, at]);
    if (this.said.has(key)) return;
    this.said.add(key);
    this.problem(message, at);
  }

  /** An answer field's map (service → spec): `ref` names one of `maps:` or is written inline. */
  toSpec(ref: string | Record<string, unknown>, field: JsonSchema | undefined, at: Path): ValueMap | undefined {
    const found = this.lookup(ref, at);
    if (found === undefined) return undefined;
    const { name, entries, where } = found;
    for (const [serviceValue, specValue] of Object.entries(entries)) this.inEnum(specValue, field, [...where, serviceValue]);
    return { name, to: new Map(Object.entries(entries)) };
  }

  /** A request value's map (spec → service): inline as written, or one of `maps:` read backwards. */
  toService(ref: string | Record<string, unknown>, param: JsonSchema | undefined, at: Path): ValueMap | undefined {
    const found = this.lookup(ref, at);
    if (found === undefined) return undefined;
    const { name, entries, where } = found;
    if (typeof ref !== 'string') {
      for (const specValue of Object.keys(entries)) this.inEnum(specValue, param, [...where, specValue]);
      return { name, to: new Map(Object.entries(entries)) };
    }
    const to = new Map<string, unknown>();
    for (const [serviceValue, specValue] of Object.entries(entries)) {
      this.inEnum(specValue, param, [...where, serviceValue]);
      const key = String(specValue);
      const before = to.get(key);
      if (before !== undefined)
        this.report(
          `the map ${name} reads both ${JSON.stringify(before)} and ${JSON.stringify(serviceValue)} as ${JSON.stringify(specValue)}: a request cannot choose which to send (write $map inline)`,
          at,
        );
      else to.set(key, serviceValue);
    }
    return { name, to };
  }

  private lookup(
    ref: string | Record<string, unknown>,
    at: Path,
  ): { name: string; entries: Record<string, unknown>; where: Path } | undefined {
    if (typeof ref !== 'string') return { name: 'inline', entries: ref, where: at };
    const entries = Object.hasOwn(this.named, ref) ? this.named[ref] : undefined;
    if (entries === undefined) {
      this.report(`the binding has no map '${ref}' (maps: ${Object.keys(this.named).join(', ') || 'none'})`, at);
      return undefined;
    }
    return { name: ref, entries, where: [...this.at, ref] };
  }

  /** A spec-side value of a map must be one of the enum the spec gives there (none given: any value). */
  private inEnum(value: unknown, schema: JsonSchema | undefined, at: Path): void {
    const values = schema === undefined ? undefined : resolve(schema, this.definitions)['enum'];
    if (!Array.isArray(values)) return;
    if (!values.some((v) => String(v) === String(value)))
      this.report(
        `${JSON.stringify(value)} is not a value the spec has here (it has ${values.map((v) => JSON.stringify(v)).join(', ')})`,
        at,
      );
  }
}
