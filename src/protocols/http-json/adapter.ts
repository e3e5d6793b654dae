/**
 * The `http-json` protocol: a service of any shape, over plain HTTP and JSON, spoken through a binding
 * (src/protocols/http-json/binding.ts). Unlike the other protocols it is not one adapter but one per
 * bound endpoint (a target config's `apis.<api>.binding`), built by httpJsonAdapter and held by the
 * endpoint (Endpoint.adapter; the engine finds it with adapterFor). Every endpoint of one target shares
 * the target's IdMap.
 *
 * A deliberate authorisation fault a check asks for (a wrong signature or secret, no token) is sent in the
 * binding's own auth terms (authDeviation). A call the binding cannot express (an operation it does not
 * map, a parameter it neither reads nor ignores, another protocol's deviation) is not sent: `send` answers an
 * Exchange with `unsupported` set, and the check is skipped with that reason.
 */
import { exchangeOf, exchangeWire, lazyRecord, prepareInputOf } from '../send-prepared.js';
import {
  type DecodedAnswer,
  type Endpoint,
  type Exchange,
  type PrepareInput,
  type ProtocolAdapter,
  type RecordedCall,
  type SendInput,
  UNMAPPED_CODE_PREFIX,
  type WireRequest,
} from '../types.js';
import type { HttpOutcome } from '../../core/http.js';
import type { Transport } from '../../scenario/types.js';
import { type AuthDeviation, authHeaders } from './auth.js';
import type { AnswerRules, AuthRule, Binding, BoundOperation, ValueMap, ValueNode } from './binding.js';
import { ConversionError } from './convert.js';
import { pathSteps } from '../../spec/answer-parts.js';
import { unmappedField } from './coverage.js';
import { ABSENT, atPointer, evaluate, evaluatePath, rebuild, type Scope } from './evaluate.js';
import type { IdMap } from './id-map.js';

/** A call the binding cannot express; `send` turns it into a skipped check, `prepare` throws it. */
export class UnsupportedCall extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedCall';
  }
}

/** The key of the answer `send` composes for an operation sent once per entry (`each`): the service's answers in order. */
export const EACH_ANSWERS = 'promoproof.binding.each';

/** The adapter of one bound endpoint. `ids` is the target's run's id map (shared by its endpoints). */
export function httpJsonAdapter(binding: Binding, ids: IdMap): ProtocolAdapter {
  const secretHeaders = secretHeaderNames(binding.auth);
  const adapter: ProtocolAdapter = {
    id: 'http-json',
    title: `HTTP and JSON through a binding (${binding.api})`,
    specFile: '',
    // A signature's timestamp window is the service's business; the binding declares none (ours: 5 minutes).
    skewS: () => 300,
    errorCodes: () => [],
    credentialFields: [],
    testCredentials: {},
    // Every credential of a bound endpoint is a secret: the binding says only where each one goes.
    secretValues: (c) => Object.values(c).filter((v) => v !== ''),
    endpointPath: '',
    transportFields: [],
    prepare: (input) => {
      const op = boundOperation(binding, input.operation);
      if (op.each !== undefined) throw new UnsupportedCall(`${op.name} is sent once per entry of ${op.each}: send it, do not prepare it`);
      unexpressed(op, input);
      return buildRequest(op, binding, ids, input, { params: input.app, call: input.app });
    },
    record: (wire, endpoint) => recordBound(wire, endpoint, secretHeaders),
    send: (input) => sendBound(adapter, binding, ids, input),
    decode: (operation, json, _raw, _endpoint, status) => {
      const op = binding.operations.get(operation);
      if (op === undefined) return { kind: 'malformed', reason: `the binding maps no operation ${operation}` };
      if (op.each !== undefined && isObject(json) && Array.isArray(json[EACH_ANSWERS])) return decodeEach(op, json[EACH_ANSWERS], ids);
      return decodeBound(op.answer, json, status, ids);
    },
    decodeUnparsed: (operation, raw, status) => {
      const op = binding.operations.get(operation);
      if (op === undefined || isSuccessStatus(op.answer, status)) return undefined;
      return codelessRefusal(op.answer, status, raw === '' ? 'no body' : 'a body that is not JSON', raw);
    },
    unserved: (operation) =>
      binding.operations.has(operation) ? undefined : `the binding maps no operation ${operation} onto the service`,
    unexpressed: (operation, params) => {
      const op = binding.operations.get(operation);
      if (op === undefined) return undefined;
      if (op.each !== undefined)
        return `the binding sends ${operation} as one service call per entry of ${op.each}: a load run builds each request ahead as one (do it in the profile's setup)`;
      if (op.creates !== undefined)
        return `the binding's ${operation} creates a record the service names (creates: ${op.creates.id}), whose id a load run does not learn from its answers (do it in the profile's setup)`;
      try {
        unexpressed(op, { transport: {}, app: params });
        return undefined;
      } catch (e) {
        if (e instanceof UnsupportedCall) return e.message;
        throw e;
      }
    },
    answerSchema: (operation) => binding.operations.get(operation)?.answerSchema,
    unmappedAnswer: (operation, field) => {
      const op = binding.operations.get(operation);
      const missing = op === undefined ? undefined : unmappedField(op.answer.fields, pathSteps(field));
      return missing === undefined
        ? undefined
        : `the binding maps no answer field ${missing} of ${operation} (the service has none to judge)`;
    },
    systemScenarios: () => [],
  };
  BOUND.set(adapter, { binding, ids });
  return adapter;
}

/** What each bound adapter was built from: a worker thread rebuilds it from the binding (plain data) and the map's entries. */
const BOUND = new WeakMap<ProtocolAdapter, { readonly binding: Binding; readonly ids: IdMap }>();

/** The binding and id map `adapter` was built from; undefined for an adapter not built by httpJsonAdapter. */
export function boundPartsOf(adapter: ProtocolAdapter): { readonly binding: Binding; readonly ids: IdMap } | undefined {
  return BOUND.get(adapter);
}

function boundOperation(binding: Binding, operation: string): BoundOperation {
  const op = binding.operations.get(operation);
  if (op === undefined) throw new UnsupportedCall(`the binding maps no operation ${operation} onto the service`);
  return op;
}

/**
 * Throws UnsupportedCall when the call asks for what the binding cannot say: a protocol deviation other
 * than an authorisation fault (authDeviation), a parameter it does not express, or a value its enum map
 * for that parameter lacks (a load profile's literal is so refused before the run; a `${…}` is judged when sent).
 */
function unexpressed(
  op: BoundOperation,
  input: Pick<PrepareInput, 'transport' | 'app'>,
  entry: Readonly<Record<string, unknown>> = input.app,
): void {
  for (const [k, v] of Object.entries(entry)) {
    if (v !== undefined && v !== null && v !== '' && !op.expressed.has(k) && !atDefault(op, k, v))
      throw new UnsupportedCall(
        `the binding of ${op.name} cannot express the parameter ${k} (the service has no such term: map it, or ignore it if it changes nothing)`,
      );
    const map = paramMapsOf(op).get(k);
    const key = typeof v === 'string' ? v : JSON.stringify(v);
    if (map !== undefined && v !== undefined && v !== null && v !== '' && !key.includes('${') && !map.to.has(key))
      throw new UnsupportedCall(
        `the binding of ${op.name} cannot send ${k} ${JSON.stringify(v)}: its map ${map.name} has no service value for it (it maps ${[...map.to.keys()].join(', ')})`,
      );
  }
}

/** The enum maps of `op`'s request applied to a parameter as it is (`{ $value: "${params.status}", $map: … }`), by parameter name; kept per operation. */
function paramMapsOf(op: BoundOperation): ReadonlyMap<string, ValueMap> {
  let found = PARAM_MAPS.get(op);
  if (found === undefined) {
    const out = new Map<string, ValueMap>();
    const visit = (node: ValueNode): void => {
      if (node.kind === 'convert') {
        const [only] = node.value.kind === 'template' && node.value.parts.length === 1 ? node.value.parts : [];
        if (node.map !== undefined && only !== undefined && 'scope' in only && only.scope === 'params' && only.path.length === 1)
          out.set(only.path[0] ?? '', node.map);
        visit(node.value);
      } else if (node.kind === 'array') node.items.forEach(visit);
      else if (node.kind === 'object') for (const [, n] of node.entries) visit(n);
    };
    const r = op.request;
    for (const node of [r.path, ...r.query.map(([, n]) => n), ...r.headers.map(([, n]) => n), ...(r.body ? [r.body] : [])]) visit(node);
    found = out;
    PARAM_MAPS.set(op, found);
  }
  return found;
}

const PARAM_MAPS = new WeakMap<BoundOperation, ReadonlyMap<string, ValueMap>>();

/** Whether `value` of parameter `name` is the spec's default (`stacked: 0`, or `"0"` as a template gives it): the call means what it does without it. */
function atDefault(op: BoundOperation, name: string, value: unknown): boolean {
  if (!Object.hasOwn(op.defaults, name)) return false;
  const d = op.defaults[name];
  return value === d || (typeof value !== 'object' && typeof d !== 'object' && String(value) === String(d));
}

/**
 * The authorisation fault a call's transport asks for, in the binding's terms (AuthDeviation): a wrong
 * signature, no credential (`omit: [access_token]`, or the signature), a wrong secret. Any other
 * deviation is one of a protocol the bound service does not speak, and a service without authorisation
 * (`auth: none`) has none to get wrong: both throw UnsupportedCall.
 */
function authDeviation(auth: AuthRule, transport: Transport): AuthDeviation | undefined {
  const asked = Object.entries(transport)
    .filter(([k, v]) => v !== undefined && !(k === 'signature' && v === 'valid') && !(k === 'secret' && v === 'right'))
    .map(([k]) => k);
  if (asked.length === 0) return undefined;
  const omitted = transport.omit !== undefined && transport.omit.length > 0 && transport.omit.every((f) => CREDENTIAL_FIELDS.includes(f));
  const deviation: AuthDeviation | undefined =
    asked.length !== 1
      ? undefined
      : transport.signature === 'wrong'
        ? 'wrong-signature'
        : transport.secret === 'wrong'
          ? 'wrong-secret'
          : omitted
            ? 'omitted'
            : undefined;
  if (deviation === undefined)
    throw new UnsupportedCall(`the call asks for ${asked.join(', ')}, a deviation of a protocol the bound service does not speak`);
  if (auth.kind === 'none')
    throw new UnsupportedCall(
      `the call asks for ${asked.join(', ')}, and the binding declares auth: none: the service has no authorisation to test`,
    );
  return deviation;
}

/** The fields a call may leave out to send no credential: the token, or the signature. */
const CREDENTIAL_FIELDS: readonly string[] = ['access_token', 'sign'];

/** One service request of `op`, templated from `scope`, authenticated (or, as the call asks, not rightly: authDeviation). */
function buildRequest(op: BoundOperation, binding: Binding, ids: IdMap, input: PrepareInput, scope: Scope): WireRequest {
  const deviation = authDeviation(binding.auth, input.transport);
  const full: Scope = { ...scope, params: serviceIds(op, scope['params'], ids), credentials: input.endpoint.credentials };
  const path = evaluatePath(op.request.path, full, ids);
  const query = new URLSearchParams();
  const params: Record<string, string> = {};
  for (const [k, node] of op.request.query) {
    const v = evaluate(node, full, ids);
    if (v === ABSENT) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    query.append(k, text);
    params[k] = text;
  }
  const queryText = query.toString();
  const bodyValue = op.request.body === undefined ? ABSENT : evaluate(op.request.body, full, ids);
  const body = bodyValue === ABSENT ? undefined : JSON.stringify(bodyValue);
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
  };
  for (const [k, node] of op.request.headers) {
    const v = evaluate(node, full, ids);
    if (v !== ABSENT) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const nowMs = input.nowMs + input.clockOffsetMs;
  const auth = authHeaders(
    binding.auth,
    { method: op.request.method, path, query: queryText, body: body ?? '' },
    input.endpoint.credentials,
    nowMs,
    input.nonce,
    ids,
    deviation,
  );
  Object.assign(headers, auth.headers);
  return {
    method: op.request.method,
    url: `${input.endpoint.url.replace(/\/+$/, '')}${path}${queryText === '' ? '' : `?${queryText}`}`,
    headers,
    ...(body !== undefined ? { body } : {}),
    timestampMs: nowMs,
    operation: op.name,
    params,
  };
}

/** The parameters with each suite id the operation names (`ids`) replaced by the service's. */
function serviceIds(op: BoundOperation, params: unknown, ids: IdMap): unknown {
  if (!isObject(params) || Object.keys(op.ids).length === 0) return params;
  const out: Record<string, unknown> = { ...params };
  for (const [name, kind] of Object.entries(op.ids)) {
    const v = out[name];
    if (typeof v === 'string' || typeof v === 'number') out[name] = ids.toService(kind, String(v));
  }
  return out;
}

/** Sends one call: one service request, or one per entry of `each` (stopping at the first refused). */
async function sendBound(adapter: ProtocolAdapter, binding: Binding, ids: IdMap, input: SendInput): Promise<Exchange> {
  const prepared = prepareInputOf(input);
  const op = binding.operations.get(input.operation);
  try {
    if (op === undefined) throw new UnsupportedCall(`the binding maps no operation ${input.operation} onto the service`);
    if (op.each === undefined) {
      unexpressed(op, input);
      const wire = buildRequest(op, binding, ids, prepared, { params: input.app, call: input.app });
      const outcome = await exchangeWire(wire, input);
      learnCreated(op, input.app, outcome, ids);
      return exchangeOf(wire.timestampMs, outcome, lazyRecord(adapter, wire, input.endpoint));
    }
    return await sendEach(op, binding, ids, input, prepared, secretHeaderNames(binding.auth));
  } catch (e) {
    if (e instanceof UnsupportedCall || e instanceof ConversionError)
      return unsupportedExchange(prepared.nowMs, e.message, op?.name ?? input.operation);
    throw e;
  }
}

/** `each`: one service call per entry, in order; the answers composed under EACH_ANSWERS for decode. */
async function sendEach(
  op: BoundOperation,
  binding: Binding,
  ids: IdMap,
  input: SendInput,
  prepared: PrepareInput,
  hidden: readonly string[],
): Promise<Exchange> {
  // A deviation the binding cannot send is refused before any entry, and an upload with no entry has no
  // service call to stand for it: composing a success from no request would answer for the service.
  authDeviation(binding.auth, input.transport);
  const entries = atPointer(input.app, op.each ?? '');
  const list = Array.isArray(entries) ? (entries as Record<string, unknown>[]) : [];
  if (list.length === 0)
    throw new UnsupportedCall(`${op.name} has no entry at ${op.each ?? ''} to send: the service has no call for it (one call per entry)`);
  for (const entry of list) unexpressed(op, input, entry);
  const answers: { status: number; answer: unknown }[] = [];
  const wires: WireRequest[] = [];
  let last: HttpOutcome | undefined;
  for (const [i, entry] of list.entries()) {
    const wire = buildRequest(
      op,
      binding,
      ids,
      { ...prepared, nonce: `${prepared.nonce.slice(0, 28)}${String(i).padStart(4, '0')}` },
      { params: entry, call: input.app },
    );
    wires.push(wire);
    last = await exchangeWire(wire, input);
    if (!last.ok) break;
    learnCreated(op, entry, last, ids);
    answers.push({ status: last.status, answer: parsed(last.body) });
    if (decodeBound(op.answer, parsed(last.body), last.status, ids).kind !== 'success') break;
  }
  const outcome: HttpOutcome =
    last === undefined || last.ok
      ? {
          ok: true,
          status: last?.status ?? 200,
          contentType: 'application/json',
          date: last?.date,
          body: JSON.stringify({ [EACH_ANSWERS]: answers }),
          truncated: false,
          elapsedMs: last?.elapsedMs ?? 0,
          sentAtMs: last?.sentAtMs ?? prepared.nowMs,
        }
      : last;
  const record = (): RecordedCall => recordMany(wires, input.endpoint, hidden);
  let kept: RecordedCall | undefined;
  return exchangeOf(prepared.nowMs, outcome, () => {
    kept ??= record();
    return kept;
  });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** On a create call's success, the service's id of the record, learnt against the suite's. */
function learnCreated(op: BoundOperation, params: Readonly<Record<string, unknown>>, outcome: HttpOutcome, ids: IdMap): void {
  if (op.creates === undefined || !outcome.ok || outcome.status >= 300) return;
  const suiteId = params[op.creates.from];
  const serviceId = atPointer(parsed(outcome.body), op.creates.at);
  if ((typeof suiteId === 'string' || typeof suiteId === 'number') && (typeof serviceId === 'string' || typeof serviceId === 'number'))
    ids.learn(op.creates.id, String(suiteId), String(serviceId));
}

/** The answer of `each`: the first refusal, or a success (`{}`, as the upload's document answers). */
function decodeEach(op: BoundOperation, answers: unknown[], ids: IdMap): DecodedAnswer {
  for (const a of answers) {
    const { status, answer } = (isObject(a) ? a : {}) as { status?: number; answer?: unknown };
    const d = decodeBound(op.answer, answer, status, ids);
    if (d.kind !== 'success') return d;
  }
  return { kind: 'success', body: {} };
}

/**
 * Reads one service answer by its rules: a success (by status and the JSON predicate) rebuilt in the
 * spec's shape; otherwise a refusal whose code is the spec's name when the binding maps it, and
 * `service:<code>` when not (any error, never a specific one). The service's code stays in the message.
 */
export function decodeBound(rules: AnswerRules, json: unknown, status: number | undefined, ids: IdMap): DecodedAnswer {
  const byStatus = isSuccessStatus(rules, status);
  const byJson =
    rules.successJson === undefined || JSON.stringify(atPointer(json, rules.successJson.at)) === JSON.stringify(rules.successJson.equals);
  if (byStatus && byJson) {
    if (rules.fields === undefined) return { kind: 'success', body: {} };
    try {
      return { kind: 'success', body: rebuild(rules.fields, json, ids) };
    } catch (e) {
      if (e instanceof ConversionError) return { kind: 'malformed', reason: `a success the binding cannot read: ${e.message}` };
      throw e;
    }
  }
  const raw = rules.codeAt === undefined ? undefined : atPointer(json, rules.codeAt);
  const said = rules.messageAt === undefined ? undefined : atPointer(json, rules.messageAt);
  const message = typeof said === 'string' ? said : '';
  if (raw === undefined || raw === null || typeof raw === 'object') return codelessRefusal(rules, status, 'no error code', json, message);
  const code = String(raw);
  const mapped = Object.hasOwn(rules.codes, code) ? rules.codes[code] : undefined;
  return mapped !== undefined
    ? { kind: 'error', code: mapped, message: `${message} [service code ${code}]`, body: json }
    : { kind: 'error', code: `${UNMAPPED_CODE_PREFIX}${code}`, message: `${message} [not mapped by the binding: any error]`, body: json };
}

/** Whether `status` is a success by the rules (default 200–299); undefined (an `each` answer composed here) counts as one. */
function isSuccessStatus(rules: AnswerRules, status: number | undefined): boolean {
  return status === undefined || (rules.successStatus ? rules.successStatus.includes(status) : status >= 200 && status < 300);
}

/**
 * A refusal told by its HTTP status alone (a 401 with no body, an HTML error page, a JSON body without
 * the error code): code `http:<status>`, a refusal like any other (any error, unless the binding maps
 * `http:<status>` in its codes), never a malformed answer. A 5xx never gets here: it is a server error.
 */
function codelessRefusal(rules: AnswerRules, status: number | undefined, what: string, body: unknown, message = ''): DecodedAnswer {
  const code = `http:${status ?? '?'}`;
  const mapped = Object.hasOwn(rules.codes, code) ? rules.codes[code] : undefined;
  const said = `${message === '' ? `HTTP ${status ?? '?'} with ${what}` : message}`;
  return mapped !== undefined
    ? { kind: 'error', code: mapped, message: `${said} [service code ${code}]`, body }
    : { kind: 'error', code, message: `${said} [not mapped by the binding: any error]`, body };
}

/** An exchange for a call never sent, with why: the engine skips its check. */
function unsupportedExchange(nowMs: number, reason: string, operation: string): Exchange {
  const outcome: HttpOutcome = { ok: false, kind: 'network', reason: `not sent: ${reason}`, unsent: true, elapsedMs: 0, sentAtMs: nowMs };
  const record: RecordedCall = { request: { httpMethod: '-', url: '', operation, params: {} }, curl: '' };
  return { ...exchangeOf(nowMs, outcome, () => record), unsupported: reason };
}

/** The report's copy: the service's own request, every credential value replaced by `***`. */
function recordBound(wire: WireRequest, endpoint: Endpoint, hidden: readonly string[]): RecordedCall {
  const hide = redactor(endpoint);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const headers = Object.entries(wire.headers).map(
    ([k, v]) => `-H ${q(hidden.includes(k) ? `${k}: ${shownSecretHeader(k, v)}` : hide(`${k}: ${v}`))}`,
  );
  const curl = [
    `curl -sS -X ${wire.method} ${q(hide(wire.url))}`,
    ...headers,
    ...(wire.body !== undefined ? [`--data-binary ${q(hide(wire.body))}`] : []),
  ].join(' ');
  return {
    request: {
      httpMethod: wire.method,
      url: hide(wire.url.split('?')[0] ?? wire.url),
      operation: wire.operation,
      params: Object.fromEntries(Object.entries(wire.params).map(([k, v]) => [k, hide(v)])),
      ...(wire.body !== undefined ? { body: hide(wire.body).slice(0, BODY_SHOWN) } : {}),
    },
    curl,
  };
}

/** The record of an `each` call: every service request, the bodies one per line, the curl lines joined. */
function recordMany(wires: readonly WireRequest[], endpoint: Endpoint, hidden: readonly string[]): RecordedCall {
  const each = wires.map((w) => recordBound(w, endpoint, hidden));
  const first = each[0];
  if (first === undefined) return { request: { httpMethod: '-', url: endpoint.url, operation: '', params: {} }, curl: '' };
  const body = each.map((r) => `${r.request.httpMethod} ${r.request.url} ${r.request.body ?? ''}`).join('\n');
  return { request: { ...first.request, body: body.slice(0, BODY_SHOWN) }, curl: each.map((r) => r.curl).join('\n') };
}

const BODY_SHOWN = 4096;

/** Replaces every credential value of `endpoint` (a signature header's value too) in a text by `***`. */
function redactor(endpoint: Endpoint): (text: string) => string {
  const secrets = Object.values(endpoint.credentials)
    .filter((v) => v.length > 0)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join('***');
    return out;
  };
}

/** A secret header as a report shows it: its scheme word kept (`Bearer ***`), the rest hidden. */
function shownSecretHeader(name: string, value: string): string {
  return name === 'authorization' && value.startsWith('Bearer ') ? 'Bearer ***' : '***';
}

/** The headers `auth` fills with a secret or a signature (AuthHeaders.secretHeaders, known before any request). */
function secretHeaderNames(auth: AuthRule): readonly string[] {
  if (auth.kind === 'bearer') return ['authorization'];
  if (auth.kind === 'api-key' || auth.kind === 'hmac-sha256') return [auth.header];
  return [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
