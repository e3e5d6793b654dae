/**
 * The one reading of an answer. Every exchange a call step, a parallel step or a protocol's preflight
 * makes (and next every answer of a load run) is classified here, once: success, refusal, server error,
 * malformed, transport, unknown (ClassifiedAnswer, src/protocols/types.ts, defines each). Verdicts are
 * pure functions on top of the class. Synchronous and cheap: one JSON.parse, one decode, one compiled
 * schema check of a success.
 *
 * The order is the reading: no answer first; then HTTP 5xx, whatever the body says (a crash is never
 * a conformant refusal nor a success, and a load run counts it as the target failing, not as a
 * business refusal); then a body cut off at the limit; then JSON; then the protocol's envelope; last a
 * success's data against the answer schema.
 */
import type { ValidateFunction } from 'ajv';
import type { ClassifiedAnswer, DecodedAnswer, Endpoint, ProtocolAdapter } from '../protocols/types.js';
import { describeAnswer as describeDecoded, wireOperation } from '../protocols/types.js';
import type { Json } from '../scenario/types.js';
import { documentedAnswer } from '../spec/answer-parts.js';
import { answerValidator, type CompiledApi, type CompiledOperation, createAjv } from '../spec/compile.js';
import type { JsonSchema } from '../spec/types.js';

export type { ClassifiedAnswer } from '../protocols/types.js';

/**
 * What classify reads of an exchange: an HTTP answer (the bytes as read, `truncated` when cut at the
 * limit), or no answer. An HttpOutcome is one; a load engine builds one from its client's response.
 */
export type AnswerOutcome =
  | { readonly ok: true; readonly status: number; readonly contentType: string; readonly body: string; readonly truncated: boolean }
  | { readonly ok: false; readonly kind: 'timeout' | 'network' | 'aborted'; readonly reason: string; readonly unsent?: boolean };

/** How to read the answers of one operation at one endpoint: built once per step (or per load operation). */
export interface AnswerReader {
  /** The protocol's envelope reader. */
  readonly decode: ProtocolAdapter['decode'];
  /** The protocol's reader of a body that is not JSON (ProtocolAdapter.decodeUnparsed), when it has one. */
  readonly decodeUnparsed?: ProtocolAdapter['decodeUnparsed'];
  /** The operation as the spec names it (for texts: `the spec schema of <operation>`). */
  readonly operation: string;
  /** The operation as it went out (wireOperation), which the envelope is read by. */
  readonly wireOperation: string;
  /** The endpoint the answer came from (Yoho checks its md5 with the endpoint's salt). */
  readonly endpoint?: Endpoint;
  /** A success's data must match this (answerValidator at the step's level); absent: not checked. */
  readonly validate?: ValidateFunction;
  /** The limit the answer was read up to, bytes (for the text of a cut-off answer). */
  readonly maxBodyBytes: number;
  /** An HTTP status the step asks for: a 5xx so asked is read by its body, not as a server error. */
  readonly expectedStatus?: number;
}

/** What readerFor needs: the protocol, the API (for the schema), where, and how much of the schema. */
export interface ReaderInput {
  readonly adapter: Pick<ProtocolAdapter, 'decode' | 'decodeUnparsed' | 'answerSchema'>;
  /** The API whose answer schema a success is held to; absent: no schema check. */
  readonly api?: CompiledApi;
  readonly operation: string;
  readonly endpoint?: Endpoint;
  /**
   * How much of the schema (answerValidator): `must`, only the documented part; `ref`, the parts of
   * ours too; `none`, no schema (a step that expects an error: any success is wrong, whatever its data).
   */
  readonly level: 'must' | 'ref' | 'none';
  readonly maxBodyBytes: number;
  readonly expectedStatus?: number;
}

/** The reader of one operation (see ReaderInput). */
export function readerFor(input: ReaderInput): AnswerReader {
  const op = input.level === 'none' ? undefined : input.api?.operations.get(input.operation);
  const own = op && input.level !== 'none' ? input.adapter.answerSchema?.(input.operation) : undefined;
  const validate =
    op && input.level !== 'none'
      ? own !== undefined && input.api !== undefined
        ? endpointValidator(op, own, input.api, input.level)
        : answerValidator(op, input.level)
      : undefined;
  return {
    decode: input.adapter.decode,
    ...(input.adapter.decodeUnparsed ? { decodeUnparsed: input.adapter.decodeUnparsed } : {}),
    operation: input.operation,
    wireOperation: input.endpoint ? wireOperation(input.endpoint, input.operation) : input.operation,
    maxBodyBytes: input.maxBodyBytes,
    ...(input.endpoint ? { endpoint: input.endpoint } : {}),
    ...(validate ? { validate } : {}),
    ...(input.expectedStatus !== undefined ? { expectedStatus: input.expectedStatus } : {}),
  };
}

/** The validators of an endpoint's own answer schemas (a binding's), compiled once per schema and level. */
const OWN_VALIDATORS = new WeakMap<object, Partial<Record<'must' | 'ref', ValidateFunction>>>();
let ownAjv: ReturnType<typeof createAjv> | undefined;

/**
 * The validator of an endpoint's own answer schema of `op` at `level`: for `must` its documented part
 * (the parts of ours relaxed, as answerValidator does with the spec's), for `ref` the whole.
 */
function endpointValidator(op: CompiledOperation, schema: JsonSchema, api: CompiledApi, level: 'must' | 'ref'): ValidateFunction {
  const kept = OWN_VALIDATORS.get(schema) ?? {};
  OWN_VALIDATORS.set(schema, kept);
  const found = kept[level];
  if (found !== undefined) return found;
  ownAjv ??= createAjv();
  const definitions = api.spec.definitions;
  const compiled = ownAjv.compile(
    level === 'must' ? documentedAnswer({ schema, rules: op.spec.answer.rules }, definitions) : { ...schema, definitions },
  );
  kept[level] = compiled;
  return compiled;
}

/** How much of a body that is not JSON a text quotes, characters. */
const NOT_JSON_QUOTED_CHARS = 120;

/** Classifies one exchange (see the module comment for the order). Never throws. */
export function classify(outcome: AnswerOutcome, reader: AnswerReader): ClassifiedAnswer {
  if (!outcome.ok)
    return outcome.kind === 'network' && outcome.unsent === true
      ? { kind: 'transport', reason: outcome.reason }
      : { kind: 'unknown', reason: outcome.reason };
  const serverError = outcome.status >= 500 && outcome.status !== reader.expectedStatus;
  if (outcome.truncated) {
    const said = `an answer larger than ${reader.maxBodyBytes} bytes`;
    if (serverError) return { kind: 'server-error', status: outcome.status, said };
    return { kind: 'malformed', problem: 'cut-off', reason: `HTTP ${outcome.status} with ${said}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(outcome.body);
  } catch {
    const said = `a body that is not JSON (${outcome.contentType || 'no content type'}): ${JSON.stringify(outcome.body.slice(0, NOT_JSON_QUOTED_CHARS))}`;
    if (serverError) return { kind: 'server-error', status: outcome.status, said };
    // A protocol that tells a refusal by its status (a binding's 401 with no body) reads it so.
    const refused = reader.decodeUnparsed?.(reader.wireOperation, outcome.body, outcome.status);
    if (refused?.kind === 'error') return { kind: 'refusal', code: refused.code, message: refused.message, body: null };
    return { kind: 'malformed', problem: 'not-json', reason: `HTTP ${outcome.status} with ${said}` };
  }
  const decoded: DecodedAnswer = reader.decode(reader.wireOperation, json, outcome.body, reader.endpoint, outcome.status);
  if (serverError) return { kind: 'server-error', status: outcome.status, said: describeDecoded(decoded), decoded };
  if (decoded.kind === 'malformed') return { kind: 'malformed', problem: 'envelope', reason: decoded.reason };
  if (decoded.kind === 'error') return { kind: 'refusal', code: decoded.code, message: decoded.message, body: decoded.body as Json };
  const validate = reader.validate;
  if (validate && !validate(decoded.body)) {
    const e = validate.errors?.[0];
    const violation = `${e?.instancePath || '(root)'} ${e?.message ?? 'invalid'}`;
    return {
      kind: 'malformed',
      problem: 'schema',
      reason: `a success not matching the spec schema of ${reader.operation}: ${violation}`,
      violation,
    };
  }
  return { kind: 'success', body: decoded.body as Json };
}

/**
 * A classified answer as a failure's `actual` reads it: `success`, `error CODE (message)`, `HTTP 503
 * with …: a server error is never a conformant answer`, `a malformed answer: …`, `transport failure (…)`.
 */
export function describeClassified(a: ClassifiedAnswer): string {
  switch (a.kind) {
    case 'success':
      return 'success';
    case 'refusal':
      return `error ${a.code} (${a.message})`;
    case 'server-error':
      return `HTTP ${a.status} with ${a.said}: a server error is never a conformant answer`;
    case 'malformed':
      return `a malformed answer: ${a.reason}`;
    case 'transport':
    case 'unknown':
      return `transport failure (${a.reason})`;
  }
}

/** Whether no answer came back (`transport` or `unknown`): the step cannot be judged on it. */
export function isLost(a: ClassifiedAnswer): a is Extract<ClassifiedAnswer, { kind: 'transport' | 'unknown' }> {
  return a.kind === 'transport' || a.kind === 'unknown';
}
