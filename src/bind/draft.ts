/**
 * The draft of a target config binding a service to promoproof's API specs, from the service's
 * OpenAPI document (flattened by openapi.ts): pure, a document and specs in, YAML with its comments
 * and a match table out. Which OpenAPI operation binds which spec operation is match.ts's rule; inputs
 * and answer fields are matched by name or synonym (words.ts); units only where both sides say them
 * (units.ts). Every guess carries a comment saying what it was matched on and `confirm`; whatever could
 * not be matched is a `TODO:` comment, never a value made up.
 */
import type { CompiledApi } from '../spec/compile.js';
import type { JsonSchema } from '../spec/types.js';
import { bestInput, matchOperations, type OperationMatch, singular } from './match.js';
import {
  isObjectSchema,
  itemsOf,
  propertiesOf,
  type Schema,
  type ServiceDocument,
  type ServiceInput,
  type ServiceOperation,
  schemaText,
} from './openapi.js';
import { type SpecInput, type SpecOperation, specOperations } from './spec-ops.js';
import { conversion, serviceUnit, specUnit, type Unit, unitMatters } from './units.js';
import { nameMatch, normalise, words } from './words.js';
import { list, map, plain, put, renderYaml, scalar, type YNode } from './yaml-out.js';

/** What the draft is made for. */
export interface DraftOptions {
  /** The APIs to bind: compiled (their specs' operations are matched), and the options a target config must give each. */
  readonly apis: readonly DraftApi[];
  /** The service's origin; else the document's first absolute server URL; else a TODO placeholder. */
  readonly url?: string;
  /** The `$schema` modeline's path to specs/schema/target-config.schema.json, relative to where the draft is written. */
  readonly schemaRef: string;
  /** The document's file, as the header names it. */
  readonly source: string;
}

/** An API to bind. */
export interface DraftApi {
  readonly compiled: CompiledApi;
  /** `apis.<id>.options` a target config must give (ApiDef.options): drafted as TODOs, since only the user knows them. */
  readonly options?: Readonly<Record<string, { readonly description: string }>>;
}

/** One row of the match table: a spec operation, the OpenAPI operation drafted for it (if any) and why. */
export interface MatchRow {
  readonly api: string;
  readonly operation: string;
  readonly service?: { readonly method: string; readonly path: string; readonly operationId?: string };
  readonly score?: number;
  readonly on: readonly string[];
  /** What the user must still do for it (the TODO comments of its entry). */
  readonly todos: readonly string[];
}

export interface Draft {
  /** The target config, comments included. */
  readonly yaml: string;
  /** The same as a plain value (what the YAML parses to). */
  readonly config: unknown;
  readonly matches: readonly MatchRow[];
  /** How many TODO comments the YAML holds. */
  readonly todos: number;
}

/** The id kind of the suites' coupon batches (the Tencent upload's external id, the life cycle's batch_id). */
const BATCH = 'batch';
/** Spec inputs and answer fields holding a suite's batch id: sent and read as the service's own once it assigns ids. */
const BATCH_ID_NAMES = new Set(['batch_id']);
const PLACEHOLDER_URL = 'http://127.0.0.1:8080';
const MISSING = 'answer fields not found: ';

/** Drafts the target config (see the module's JSDoc). */
export function draftBinding(doc: ServiceDocument, opts: DraftOptions): Draft {
  const specs = opts.apis.map((a) => a.compiled).flatMap(specOperations);
  const matches = new Map(matchOperations(specs, doc.operations).map((m) => [m.spec, m]));
  const creates = new Map<SpecOperation, Creates>();
  for (const m of matches.values()) {
    const c = createsOf(m);
    if (c !== undefined) creates.set(m.spec, c);
  }
  const ctx: Ctx = { doc, opts, matches, creates, assignsIds: [...creates.values()].some((c) => c.at !== undefined) };
  const root = map();
  const apis = map();
  put(root, 'apis', apis);
  const rows: MatchRow[] = [];
  for (const api of opts.apis) {
    const drafted = apiDraft(
      api,
      specs.filter((s) => s.api === api.compiled.spec.id),
      ctx,
    );
    put(apis, api.compiled.spec.id, drafted.entry).before.push(`${api.compiled.spec.id}: ${api.compiled.spec.title}`);
    rows.push(...drafted.rows);
  }
  const header = [
    `# yaml-language-server: $schema=${opts.schemaRef}`,
    '#',
    `# Drafted by \`promoproof bind --openapi ${opts.source}\` from "${doc.title}" (OpenAPI ${doc.openapi}).`,
    '# A draft: every guess says what it was matched on and ends in "confirm"; each TODO is what could',
    '# not be matched from the document. Secrets come from the environment (${env:…}), never this file.',
    '# Try it: promoproof check --target-config THIS_FILE --suite jd-coupon --list',
  ].join('\n');
  const body = renderYaml(root);
  return { yaml: `${header}\n${body}`, config: plain(root), matches: rows, todos: (body.match(/TODO:/g) ?? []).length };
}

/** One API's entry of `apis:`: its URL, credentials, options to give, and its binding; and its rows of the match table. */
function apiDraft(api: DraftApi, specs: readonly SpecOperation[], ctx: Ctx): { entry: YNode & { kind: 'map' }; rows: MatchRow[] } {
  const { doc, opts } = ctx;
  const entry = map();
  const url = opts.url ?? doc.serverUrl;
  const urlNote =
    url === undefined
      ? 'TODO: the service origin (the document names no absolute server URL)'
      : opts.url === undefined
        ? "the document's first server; confirm"
        : undefined;
  put(entry, 'url', scalar(url ?? PLACEHOLDER_URL), urlNote);
  const matched = specs.flatMap((s) => ctx.matches.get(s) ?? []);
  const auth = authOf(doc, matched[0]?.service);
  put(entry, 'credentials', auth.credentials);
  if (api.options !== undefined && Object.keys(api.options).length > 0) {
    // Only the user knows these (a data source id): written as TODOs, so the file does not load until given.
    const o = map();
    for (const [name, { description }] of Object.entries(api.options)) o.todos.push(`${name}: ${description} (required)`);
    put(entry, 'options', o);
  }
  const binding = map();
  put(entry, 'binding', binding);
  put(binding, 'auth', auth.node, auth.comment).before.push(...auth.before);
  put(binding, 'answer', answerDefaults(matched, api.compiled));
  const operations = map();
  put(binding, 'operations', operations);
  const rows: MatchRow[] = [];
  for (const spec of specs) {
    const m = ctx.matches.get(spec);
    if (m === undefined) {
      const todo = `${spec.name} (${spec.title}): no operation of the document names its action '${spec.action}'; bind it by hand or leave it out (its checks are skipped)`;
      operations.todos.push(todo);
      rows.push({ api: spec.api, operation: spec.name, on: [], todos: [todo] });
      continue;
    }
    const op = operationDraft(m, ctx.creates.get(spec), ctx);
    const service = m.service;
    const id = service.operationId !== undefined ? ` (${service.operationId})` : '';
    put(operations, spec.name, op.node, 'confirm').before.push(`${service.method} ${service.path}${id}, matched on ${m.on.join(', ')}`);
    rows.push({
      api: spec.api,
      operation: spec.name,
      service: {
        method: service.method,
        path: service.path,
        ...(service.operationId !== undefined ? { operationId: service.operationId } : {}),
      },
      score: m.score,
      on: m.on,
      todos: op.todos,
    });
  }
  return { entry, rows };
}

/** What every part of one draft reads. */
interface Ctx {
  readonly doc: ServiceDocument;
  readonly opts: DraftOptions;
  readonly matches: ReadonlyMap<SpecOperation, OperationMatch>;
  /** The create operations, and where their answers put the id the service assigns. */
  readonly creates: ReadonlyMap<SpecOperation, Creates>;
  /** Whether the service assigns ids of its own to created batches (a create operation was drafted with its id). */
  readonly assignsIds: boolean;
}

interface Creates {
  readonly from?: string;
  readonly at?: string;
  readonly because: string;
}

/** For a create operation (add, create) whose answer has an id: where the id is, and which input is the suite's. */
function createsOf(m: OperationMatch): Creates | undefined {
  if (m.spec.action !== 'add' && m.spec.action !== 'create') return undefined;
  const answer = m.service.success === undefined ? {} : propertiesOf(m.service.success);
  const sent = new Set(m.service.body.map((b) => normalise(b.name)));
  const ids = Object.keys(answer).filter((k) => words(k).at(-1) === 'id' && !sent.has(normalise(k)));
  const resource = m.service.path
    .split('/')
    .filter((s) => s !== '' && !s.startsWith('{'))
    .map((s) => singular(words(s).at(-1) ?? s))
    .at(-1);
  const at = ids.find((k) => words(k)[0] === resource) ?? (ids.length === 1 ? ids[0] : undefined);
  const inputs = m.spec.each?.inputs ?? m.spec.inputs;
  const from = inputs
    .filter((i) => words(i.name).at(-1) === 'id' && bestInput(i, m.service.body) !== undefined)
    .sort((a, b) => Number(b.name.includes('external')) - Number(a.name.includes('external')))[0];
  return {
    ...(from !== undefined ? { from: from.name } : {}),
    ...(at !== undefined ? { at: `/${at}` } : {}),
    because: at === undefined ? 'no id property of the answer names its resource' : `the answer's '${at}' names the resource '${resource}'`,
  };
}

function operationDraft(m: OperationMatch, creates: Creates | undefined, ctx: Ctx): { node: YNode & { kind: 'map' }; todos: string[] } {
  const op = map();
  const todos: string[] = [];
  const { spec, service } = m;
  const eachList =
    spec.each !== undefined && !service.body.some((b) => nameMatch(spec.each?.pointer.slice(1) ?? '', b.name) && itemsOf(b.schema));
  const inputs = eachList ? (spec.each?.inputs ?? []) : spec.inputs;
  if (eachList && spec.each !== undefined)
    put(op, 'each', scalar(spec.each.pointer), `the service takes one entry of ${spec.each.pointer} a call; confirm`);
  if (creates !== undefined) {
    if (creates.at !== undefined && creates.from !== undefined) {
      const c = map();
      put(c, 'id', scalar(BATCH));
      put(c, 'from', scalar(creates.from));
      put(c, 'at', scalar(creates.at));
      put(op, 'creates', c, `${creates.because}; confirm`);
    } else
      todos.push(
        `creates: ${creates.because}${creates.from === undefined ? ", and no input carries the suite's id" : ''}: write creates: { id: ${BATCH}, from: …, at: /… } if the service assigns ids`,
      );
  }
  const batchInputs = inputs.filter((i) => BATCH_ID_NAMES.has(i.name));
  if (ctx.assignsIds && batchInputs.length > 0) {
    const ids = map();
    for (const i of batchInputs) put(ids, i.name, scalar(BATCH));
    put(op, 'ids', ids, 'sent as the id the service assigned at its create call; confirm');
  }
  const { node: request, used, todos: requestTodos } = requestDraft(service, inputs);
  put(op, 'request', request);
  todos.push(...requestTodos);
  const unbound = inputs.filter((i) => !used.has(i.name));
  for (const i of unbound.filter((x) => x.required))
    todos.push(
      `parameter ${i.name} is not bound: bind it, or list it under ignore: if the service has no use for it (a call carrying it is otherwise not sent, and its check skipped)`,
    );
  const optional = unbound.filter((x) => !x.required).map((x) => x.name);
  if (optional.length > 0)
    todos.push(`optional parameters not bound (bind or ignore: each, or calls carrying them are skipped): ${optional.join(', ')}`);
  // Under `each` the adapter answers the upload once, in the spec's shape: no fields to read.
  const answer = eachList ? { todos: [] } : answerFields(spec, service, ctx);
  if (answer.node !== undefined) {
    const a = map();
    put(a, 'fields', answer.node);
    put(op, 'answer', a);
  }
  op.todos.push(...todos, ...answer.todos.filter((t) => !t.startsWith(MISSING)));
  return { node: op, todos: [...todos, ...answer.todos] };
}

/** The request: the method, the path with its parameters as ${params.…}, the query, headers and body, each input by name or synonym. */
function requestDraft(
  service: ServiceOperation,
  inputs: readonly SpecInput[],
): { node: YNode & { kind: 'map' }; used: ReadonlySet<string>; todos: string[] } {
  const used = new Set<string>();
  const todos: string[] = [];
  const request = map();
  put(request, 'method', scalar(service.method));
  // Path parameters become ${params.…} in the path.
  let path = service.path;
  const pathNotes: string[] = [];
  for (const p of service.pathParams) {
    const hit = bestSpec(p, inputs, used);
    if (hit === undefined) {
      todos.push(`path parameter {${p.name}}: no parameter matched; write it as \${params.…} in the path`);
      continue;
    }
    used.add(hit.input.name);
    path = path.replace(`{${p.name}}`, `\${params.${hit.input.name}}`);
    pathNotes.push(`{${p.name}} ← ${hit.input.name}${hit.how === 'synonym' ? ' (synonym)' : ''}`);
  }
  put(request, 'path', scalar(path), pathNotes.length > 0 ? `${pathNotes.join(', ')}; confirm` : undefined);
  for (const [key, list] of [
    ['query', service.query],
    ['headers', service.headers.filter((h) => !/^authorization$/i.test(h.name))],
    ['body', service.body],
  ] as const) {
    const m2 = map();
    for (const s of list) {
      const hit = bestSpec(s, inputs, used);
      if (hit === undefined) {
        if (s.required)
          todos.push(`${key} '${s.name}' is required by the service and no parameter matched: a constant, or the parameter it is`);
        else m2.todos.push(`${s.name}: optional, no parameter matched (left out)`);
        continue;
      }
      used.add(hit.input.name);
      const v = requestValue(hit.input, s, 'params', hit.how);
      put(m2, s.name, v.node, v.comment);
      todos.push(...v.todos, ...enumTodo(hit.input.name, hit.input.schema, s.name, s.schema));
    }
    if (m2.entries.length > 0) put(request, key, m2);
  }
  return { node: request, used, todos };
}

/** The spec input a service input is, by name or synonym, among those not bound yet. */
function bestSpec(
  s: ServiceInput,
  inputs: readonly SpecInput[],
  used: ReadonlySet<string>,
): { input: SpecInput; how: 'same name' | 'synonym' } | undefined {
  let synonym: SpecInput | undefined;
  for (const i of inputs) {
    if (used.has(i.name)) continue;
    const how = nameMatch(i.name, s.name);
    if (how === 'same name') return { input: i, how };
    if (how === 'synonym') synonym ??= i;
  }
  return synonym === undefined ? undefined : { input: synonym, how: 'synonym' };
}

/** The value sent for one service input: the spec input's template, converted where both units are stated, a mapped list for a list of objects. */
function requestValue(
  input: SpecInput,
  s: ServiceInput,
  scope: 'params' | 'item',
  how: string,
): { node: YNode; comment: string; todos: string[] } {
  const ref = `\${${scope}.${input.name}}`;
  const matched = `${input.name}${how === 'synonym' ? ' (synonym)' : ''}`;
  const specItems = itemsOfSpec(input.schema);
  const svcItems = itemsOf(s.schema);
  if (specItems !== undefined && svcItems !== undefined && isObjectSchema(svcItems)) {
    const itemInputs = Object.entries(specItems).map(([name, sch]) => ({ name, schema: sch, required: true, text: '' }));
    const item = map();
    const todos: string[] = [];
    const used = new Set<string>();
    for (const [name, sch] of Object.entries(propertiesOf(svcItems))) {
      const hit = bestSpec({ name, schema: sch, required: false }, itemInputs, used);
      if (hit === undefined) {
        item.todos.push(`${name}: no field of an entry of ${input.name} matched`);
        continue;
      }
      used.add(hit.input.name);
      const v = requestValue(hit.input, { name, schema: sch, required: false }, 'item', hit.how);
      put(item, name, v.node, v.comment);
      todos.push(...v.todos);
    }
    const each = map();
    put(each, '$each', scalar(ref));
    put(each, '$item', item);
    return { node: each, comment: `each entry of ${matched}; confirm`, todos };
  }
  const u = units(input.name, input.schema, input.text, s.name, s.schema, 'request');
  if (u.convert === undefined || u.convert.length === 0)
    return { node: scalar(ref), comment: `${matched}${u.note}; confirm`, todos: u.todos };
  const v = map();
  put(v, '$value', scalar(ref));
  put(v, '$convert', u.convert.length === 1 ? scalar(u.convert[0] ?? '') : list(u.convert.map(scalar)));
  return { node: v, comment: `${matched}${u.note}; confirm`, todos: u.todos };
}

/** The units on both sides and the conversion between them, in `direction` (request: spec → service; answer: service → spec). */
function units(
  specName: string,
  specSchema: Readonly<Record<string, unknown>>,
  specText: string,
  svcName: string,
  svcSchema: Schema,
  direction: 'request' | 'answer',
): { convert?: readonly string[]; note: string; todos: string[] } {
  const su: Unit | undefined = specUnit(specName, specSchema, specText);
  const vu: Unit | undefined = serviceUnit(schemaText(svcSchema));
  const convert = direction === 'request' ? conversion(su, vu) : conversion(vu, su);
  if (convert !== undefined)
    return {
      convert,
      note:
        convert.length === 0
          ? `, both in ${su}`
          : `, ${direction === 'request' ? `${su} → ${vu}` : `${vu} → ${su}`} (the service's schema says ${vu})`,
      todos: [],
    };
  if (su === undefined && vu === undefined && !unitMatters(specName) && !unitMatters(svcName)) return { note: '', todos: [] };
  return {
    note: ', unit unconfirmed',
    todos: [
      `confirm the unit of the service's '${svcName}' (the spec's ${specName}: ${su ?? 'unit not stated'}; the service: ${vu ?? 'not stated in its schema'}): add a conversion if they differ`,
    ],
  };
}

/**
 * A TODO when both sides list their values (an `enum`) and the lists differ (`AVAILABLE` against
 * `unused`): the values must be mapped, and which is which only the user can say.
 */
function enumTodo(specName: string, spec: Readonly<Record<string, unknown>>, svcName: string, svc: Schema): string[] {
  const ours = Array.isArray(spec['enum']) ? spec['enum'].map(String) : undefined;
  const theirs = Array.isArray(svc['enum']) ? svc['enum'].map(String) : undefined;
  if (ours === undefined || theirs === undefined || theirs.every((v) => ours.includes(v))) return [];
  return [
    `the service's values of '${svcName}' (${theirs.join(', ')}) are not the spec's ${specName} (${ours.join(', ')}): map them (maps:, then map: on the answer field and $map: on a request value)`,
  ];
}

/** The item properties of a spec list of objects (an order's lines), or undefined. */
function itemsOfSpec(schema: Readonly<Record<string, unknown>>): Record<string, Readonly<Record<string, unknown>>> | undefined {
  const items = schema['items'] as Readonly<Record<string, unknown>> | undefined;
  const props = items?.['properties'];
  return schema['type'] === 'array' && props !== null && typeof props === 'object'
    ? (props as Record<string, Readonly<Record<string, unknown>>>)
    : undefined;
}

/** The spec answer's fields, found in the service's success answer by name or synonym. */
function answerFields(spec: SpecOperation, service: ServiceOperation, ctx: Ctx): { node?: YNode & { kind: 'map' }; todos: string[] } {
  const todos: string[] = [];
  if (service.success === undefined) {
    todos.push('the document gives no JSON schema of a success: write answer.fields by hand');
    return { todos };
  }
  const fields = map();
  const missing: string[] = [];
  const optional: string[] = [];
  mapFields(spec.answer, spec.definitions, service.success, '', '', fields, { missing, optional, todos }, ctx);
  if (missing.length > 0)
    fields.todos.push(
      `required by the spec, not found in the answer: ${missing.join(', ')} (point each at where the service has it, { value: … } when it has one value only, or leave it unmapped: checks that read it are then skipped)`,
    );
  if (optional.length > 0) fields.todos.push(`optional, not found: ${optional.join(', ')}`);
  // The missing fields are written inside `fields:`; the match table lists them too.
  return { node: fields, todos: [...todos, ...(missing.length > 0 ? [`${MISSING}${missing.join(', ')}`] : [])] };
}

interface Found {
  readonly missing: string[];
  readonly optional: string[];
  readonly todos: string[];
}

function mapFields(
  specSchema: JsonSchema,
  definitions: Readonly<Record<string, JsonSchema>>,
  svc: Schema,
  svcPointer: string,
  prefix: string,
  out: YNode & { kind: 'map' },
  found: Found,
  ctx: Ctx,
): void {
  const s = resolve(specSchema, definitions);
  const required = new Set(Array.isArray(s['required']) ? s['required'].map(String) : []);
  const svcProps = Object.entries(propertiesOf(svc));
  for (const [name, raw] of Object.entries((s['properties'] ?? {}) as Record<string, JsonSchema>)) {
    const key = `${prefix}${name}`;
    const r = resolve(raw, definitions);
    const hit = findProperty(name, svcProps);
    const ptr = hit === undefined ? '' : `${svcPointer}/${pointerToken(hit.name)}`;
    const specItems = r['type'] === 'array' ? resolve((r['items'] ?? {}) as JsonSchema, definitions) : undefined;
    if (specItems !== undefined && specItems['properties'] !== undefined) {
      const lists = svcProps.filter(([, v]) => itemsOf(v) !== undefined && isObjectSchema(itemsOf(v) ?? {}));
      const list =
        hit !== undefined && itemsOf(hit.schema) !== undefined
          ? hit
          : lists.length === 1 && lists[0] !== undefined
            ? { name: lists[0][0], schema: lists[0][1], how: "the answer's only list of objects" }
            : undefined;
      if (list === undefined) {
        (required.has(name) ? found.missing : found.optional).push(key);
        continue;
      }
      const item = map();
      mapFields(specItems as JsonSchema, definitions, itemsOf(list.schema) ?? {}, '', '', item, found, ctx);
      const rule = map();
      put(rule, 'list', scalar(`${svcPointer}/${pointerToken(list.name)}`));
      put(rule, 'item', item);
      put(out, key, rule, `${list.name} (${list.how}); confirm`);
      continue;
    }
    if (r['properties'] !== undefined) {
      if (hit !== undefined && isObjectSchema(hit.schema)) {
        const item = map();
        mapFields(r as JsonSchema, definitions, hit.schema, '', '', item, found, ctx);
        const rule = map();
        put(rule, 'object', scalar(ptr));
        put(rule, 'item', item);
        put(out, key, rule, `${hit.name} (${hit.how}); confirm`);
      } else mapFields(r as JsonSchema, definitions, svc, svcPointer, `${key}.`, out, found, ctx);
      continue;
    }
    if (hit === undefined) {
      (required.has(name) ? found.missing : found.optional).push(key);
      continue;
    }
    const u = units(name, raw as Readonly<Record<string, unknown>>, '', hit.name, hit.schema, 'answer');
    found.todos.push(...u.todos, ...enumTodo(key, r, hit.name, hit.schema));
    const isId = ctx.assignsIds && BATCH_ID_NAMES.has(name);
    const comment = `${hit.name} (${hit.how})${u.note}${isId ? ", the service's id read back as the suite's" : ''}; confirm`;
    if ((u.convert === undefined || u.convert.length === 0) && !isId) put(out, key, scalar(ptr), comment);
    else {
      const rule = map();
      put(rule, 'at', scalar(ptr));
      if (u.convert !== undefined && u.convert.length > 0)
        put(rule, 'convert', u.convert.length === 1 ? scalar(u.convert[0] ?? '') : list(u.convert.map(scalar)));
      if (isId) put(rule, 'id', scalar(BATCH));
      put(out, key, rule, comment);
    }
  }
}

function findProperty(
  name: string,
  props: readonly (readonly [string, Schema])[],
): { name: string; schema: Schema; how: string } | undefined {
  let synonym: { name: string; schema: Schema; how: string } | undefined;
  for (const [k, v] of props) {
    const how = nameMatch(name, k);
    if (how === 'same name') return { name: k, schema: v, how };
    if (how === 'synonym') synonym ??= { name: k, schema: v, how };
  }
  return synonym;
}

function resolve(schema: JsonSchema, definitions: Readonly<Record<string, JsonSchema>>): Record<string, unknown> {
  const ref = (schema as Record<string, unknown>)['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/definitions/'))
    return (definitions[ref.slice('#/definitions/'.length)] ?? {}) as Record<string, unknown>;
  return schema as Record<string, unknown>;
}

/** A JSON pointer token (RFC 6901). */
function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The defaults of every operation's answer: the success statuses, where a refusal's code and message are, the codes to map. */
function answerDefaults(matches: readonly OperationMatch[], api: CompiledApi): YNode & { kind: 'map' } {
  const answer = map();
  const statuses = [...new Set(matches.flatMap((m) => m.service.successStatuses))].sort((a, b) => a - b);
  if (statuses.length > 0) {
    const s = map();
    put(s, 'status', list(statuses.map(scalar)));
    put(answer, 'success', s, 'the 2xx answers of the matched operations; confirm');
  } else answer.todos.push('success: the document names no 2xx answer of the matched operations');
  const errorSchemas = matches.flatMap((m) => m.service.errors);
  const where = errorLocation(errorSchemas);
  if (where.code !== undefined) {
    const e = map();
    put(e, 'code', scalar(where.code));
    if (where.message !== undefined) put(e, 'message', scalar(where.message));
    put(answer, 'error', e, "found in the error answers' schema; confirm");
    if (where.codes.length > 0) {
      const names = Object.keys(api.spec.errors);
      answer.todos.push(
        `codes: map each of the service's codes onto the spec's error names (an unmapped code counts as any error). The service's: ${where.codes.join(', ')}. The spec's: ${names.join(', ') || 'none'}`,
      );
    } else answer.todos.push("codes: the document lists no codes; map the service's codes onto the spec's error names");
  } else answer.todos.push('error: no code property found in the error answers; write error: { code: /…, message: /… }');
  return answer;
}

const CODE_NAMES = new Set(['code', 'error_code', 'err_code', 'errcode']);
const MESSAGE_NAMES = new Set(['message', 'msg', 'error_message', 'err_msg', 'errmsg', 'error_description']);

/** Where a refusal's code and message are (JSON pointers, at most three levels deep) and the codes its schema lists. */
function errorLocation(schemas: readonly Schema[]): { code?: string; message?: string; codes: string[] } {
  for (const schema of schemas) {
    const queue: [Schema, string, number][] = [[schema, '', 0]];
    let code: string | undefined;
    let message: string | undefined;
    let codes: string[] = [];
    while (queue.length > 0) {
      const [s, at, depth] = queue.shift() ?? [{}, '', 0];
      for (const [k, v] of Object.entries(propertiesOf(s))) {
        const n = normalise(k);
        if (code === undefined && CODE_NAMES.has(n)) {
          code = `${at}/${pointerToken(k)}`;
          codes = Array.isArray(v['enum']) ? v['enum'].map(String) : [];
        } else if (message === undefined && MESSAGE_NAMES.has(n)) message = `${at}/${pointerToken(k)}`;
        else if (depth < 2 && isObjectSchema(v)) queue.push([v, `${at}/${pointerToken(k)}`, depth + 1]);
      }
    }
    if (code !== undefined) return { code, ...(message !== undefined ? { message } : {}), codes };
  }
  return { codes: [] };
}

/** The binding's auth from the security scheme the matched operations use: bearer, an API key header, else none and a TODO. */
function authOf(
  doc: ServiceDocument,
  service: ServiceOperation | undefined,
): { node: YNode; credentials: YNode; comment?: string; before: string[] } {
  const env = `${normalise(doc.title).toUpperCase() || 'SERVICE'}`;
  const names = service?.security ?? [];
  const name = names[0];
  const scheme = name === undefined ? undefined : doc.securitySchemes[name];
  const node = map();
  const credentials = map();
  if (scheme?.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') {
    put(node, 'kind', scalar('bearer'));
    put(node, 'token', scalar('${credentials.token}'));
    put(credentials, 'token', scalar(`\${env:${env}_TOKEN}`));
    return { node, credentials, comment: `security scheme '${name}' (http bearer); confirm`, before: [] };
  }
  if (scheme?.type === 'apiKey' && scheme.in === 'header' && scheme.name !== undefined) {
    put(node, 'kind', scalar('api-key'));
    put(node, 'header', scalar(scheme.name));
    put(node, 'value', scalar('${credentials.apiKey}'));
    put(credentials, 'apiKey', scalar(`\${env:${env}_API_KEY}`));
    return { node, credentials, comment: `security scheme '${name}' (apiKey in header ${scheme.name}); confirm`, before: [] };
  }
  put(node, 'kind', scalar('none'));
  return {
    node,
    credentials,
    before: [
      name === undefined
        ? 'TODO: the document declares no security for these operations: none drafted (bearer, api-key and hmac-sha256 are possible)'
        : `TODO: security scheme '${name}' (${scheme?.type ?? 'undeclared'}${scheme?.scheme !== undefined ? ` ${scheme.scheme}` : ''}${scheme?.in !== undefined ? ` in ${scheme.in}` : ''}) is not one a draft can write: none drafted; write bearer, api-key or hmac-sha256 by hand`,
    ],
  };
}
