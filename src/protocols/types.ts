/**
 * The seam between the protocol-free engine and one wire protocol (JOS, the Tencent data-api …).
 *
 * A protocol adapter knows how to build one signed call (`prepare`, synchronous and pure: the wire
 * request), how to show it in a report (`record`, only when a result needs it), how to read the answer
 * into one shape, which credentials it needs, and which system cases (bad signature, stale timestamp,
 * missing system parameter …) its spec implies. Sending is the same for every protocol: prepare, then
 * one HTTP exchange of the prepared request (src/protocols/send-prepared.ts). The engine, the scenario layer, the generator and the reports see only
 * these types; adding a protocol is one folder under src/protocols/ plus one entry in
 * src/protocols/index.ts.
 */
import type { HttpMethod, HttpOutcome } from '../core/http.js';
import type { Preflight, RecordedRequest } from '../report/types.js';
import type { GeneratedScenario, Json, Transport } from '../scenario/types.js';
import type { JsonSchema, RuleSpec } from '../spec/types.js';

/** An answer read into protocol-free terms: a success with its data, a documented error, or neither. */
export type DecodedAnswer =
  | { readonly kind: 'success'; readonly body: unknown }
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly body: unknown }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * One exchange read once, by the engine's one classifier (src/engine/answer.ts, `classify`), into what
 * every verdict judges. Declared here, at the seam, because a protocol's preflight reads it too.
 *
 * - `success`: a 1xx–4xx answer whose envelope is the protocol's success, its data matching the
 *   operation's answer schema at the step's level (when the reader was given one).
 * - `refusal`: a 1xx–4xx answer whose envelope is one of the protocol's errors: a conformant refusal
 *   (whether its code is the right one is the verdict's business).
 * - `server-error`: HTTP 5xx, whatever the body says (a crash is never a conformant refusal nor a
 *   success); `decoded` is what the protocol read in the body, absent when it was not JSON or cut off.
 * - `malformed`: an answer that is none of these: `cut-off` (larger than the limit read), `not-json`,
 *   `envelope` (JSON outside the protocol's envelope: `reason` is the protocol's own words), `schema` (a
 *   success whose data breaks the answer schema: `violation` is the first, `path message`).
 * - `transport`: no answer, and the request provably never reached the target: connection refused, DNS,
 *   connecting timed out, no route, TLS handshake (core/http.ts `unsent`). The call was not made.
 * - `unknown`: no answer, and the target may well have acted on the request: the connection was reset
 *   or closed mid-exchange, no complete answer within the time (a timeout, whatever phase it struck
 *   in), or the run stopped waiting (`run stopped`). A load audit resolves these by looking them up.
 *
 * Both `transport` and `unknown` read `transport failure (reason)` in a check's failure.
 */
export type ClassifiedAnswer =
  | { readonly kind: 'success'; readonly body: Json }
  | { readonly kind: 'refusal'; readonly code: string; readonly message: string; readonly body: Json }
  | { readonly kind: 'server-error'; readonly status: number; readonly said: string; readonly decoded?: DecodedAnswer }
  | {
      readonly kind: 'malformed';
      readonly problem: 'cut-off' | 'not-json' | 'envelope' | 'schema';
      /** In words, for a failure (`a malformed answer: <reason>`). */
      readonly reason: string;
      /** For `schema`: the first violation, `path message` (`/total_count must be integer`). */
      readonly violation?: string;
    }
  | { readonly kind: 'transport'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * What the protocol read in a classified answer's body, whatever its HTTP status (a preflight names a
 * credentials code even in a 5xx); undefined when there was no answer, a body that was not JSON or
 * was cut off, or a success breaking the schema (a preflight's reader has none).
 */
export function decodedOf(answer: ClassifiedAnswer): DecodedAnswer | undefined {
  switch (answer.kind) {
    case 'success':
      return { kind: 'success', body: answer.body };
    case 'refusal':
      return { kind: 'error', code: answer.code, message: answer.message, body: answer.body };
    case 'server-error':
      return answer.decoded;
    case 'malformed':
      return answer.problem === 'envelope' ? { kind: 'malformed', reason: answer.reason } : undefined;
    default:
      return undefined;
  }
}

/** A decoded answer in a few words, for a failure's text: `error CODE (message)`, `a success body`, `a malformed body`. */
export function describeAnswer(answer: DecodedAnswer): string {
  if (answer.kind === 'error') return `error ${answer.code} (${answer.message})`;
  return answer.kind === 'success' ? 'a success body' : 'a malformed body';
}

/**
 * Where and as whom one API of a target is called. `credentials` are the protocol's own shape (its
 * `credentials.check` validates them); they are secrets and never reach a report or a log.
 */
export interface Endpoint {
  /** The URL the protocol sends to: the JOS router, or the data-api origin (paths are the protocol's). */
  readonly url: string;
  readonly credentials: Readonly<Record<string, string>>;
  /** Values of the API that scenarios read as `${target.NAME}` (e.g. the Tencent `dataSourceId`). */
  readonly options?: Readonly<Record<string, string>>;
  /** The target's own names of operations whose names differ from the spec's (a target config's `methods`). */
  readonly methods?: Readonly<Record<string, string>>;
  /**
   * The adapter this endpoint is spoken through when it is not its API's protocol: a binding's
   * (src/protocols/http-json/, built per endpoint from a target config's `apis.<api>.binding`, holding
   * the run's id map). The engine finds it with adapterFor (src/protocols/index.ts).
   */
  readonly adapter?: ProtocolAdapter;
}

/** The name an operation goes out under at `endpoint`: the target's own, or the spec's. */
export function wireOperation(endpoint: Endpoint, operation: string): string {
  return (
    (endpoint.methods !== undefined && Object.hasOwn(endpoint.methods, operation) ? endpoint.methods[operation] : undefined) ?? operation
  );
}

/** One call to build: the operation, its application data, and the deliberate deviations a step asks for. */
export interface CallInput {
  readonly endpoint: Endpoint;
  /** The operation as it goes out (the target's own name: wireOperation). */
  readonly operation: string;
  /** The application parameters (JOS `360buy_param_json`) or the JSON body (Tencent). */
  readonly app: Readonly<Record<string, unknown>>;
  readonly transport: Transport;
  /** The target's clock minus ours, ms (0 when unknown). */
  readonly clockOffsetMs: number;
}

/**
 * Everything `prepare` reads. It reads no clock and draws no randomness of its own: the same input
 * builds the same bytes, so a load generator may build requests ahead of time or in a synchronous hook.
 */
export interface PrepareInput extends CallInput {
  /** Our clock at the build, epoch ms (the target's is `nowMs + clockOffsetMs`). */
  readonly nowMs: number;
  /** A fresh random nonce, 32 lower-case hex digits, for a protocol that sends one (Tencent); the others ignore it. */
  readonly nonce: string;
}

/** One call to send: the call, and how long and how much of an answer to wait for. */
export interface SendInput extends CallInput {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
}

/**
 * A request exactly as it goes on the wire, built by `prepare`: what any HTTP client (fetch, autocannon,
 * undici) sends as it is. It holds the signature and the token as sent, so it is never shown as it is:
 * `record` makes the report's copy.
 */
export interface WireRequest {
  /** GET or POST for the built-in protocols; a binding may declare any (src/core/http.ts HttpMethod). */
  readonly method: HttpMethod;
  /** The full URL, query included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body, as UTF-8 text; absent for GET. */
  readonly body?: string;
  /** The timestamp sent, epoch ms (for clock-skew judgements; the build time for a protocol that sends none). */
  readonly timestampMs: number;
  /** The operation as it went out. */
  readonly operation: string;
  /** The parameters the protocol built before encoding them (the form or the query), in the order sent: what `record` shows. */
  readonly params: Readonly<Record<string, string>>;
}

/** The report's copy of a request: secrets redacted unless they are the documented test credentials. */
export interface RecordedCall {
  readonly request: RecordedRequest;
  /** A curl command reproducing the request (redacted the same way). */
  readonly curl: string;
}

/**
 * What was sent and what came back, for the check's verdict and the report. The report's copy of the
 * request is built on first read (`request`, `curl`, `record()`) and kept: a check that passes never
 * builds it. The wire request itself is not kept here (it holds unredacted values), only what `record` needs.
 */
export interface Exchange {
  /** The request as reports show it (computed on first read). */
  readonly request: RecordedRequest;
  /** A curl command reproducing the request (computed on first read). */
  readonly curl: string;
  /** Both at once, built once; holds the prepared request but never the answer, so it may outlive the exchange cheaply. */
  readonly record: () => RecordedCall;
  readonly outcome: HttpOutcome;
  /** The timestamp sent, epoch ms (for clock-skew judgements). */
  readonly timestampMs: number;
  /**
   * Set when the call was not sent because the endpoint cannot express it (a binding that maps no such
   * operation, parameter or protocol deviation): why, in words. The check is skipped with it; the
   * outcome then reads as a call never made.
   */
  readonly unsupported?: string;
}

/** A system case of the protocol, with where its spec declares what the case probes. */
export interface SystemScenario extends GeneratedScenario {
  /** A YAML path into the protocol spec (`systemParams`, 3, …), for the case's source position. */
  readonly declared: readonly (string | number)[];
}

export interface ProtocolAdapter {
  /** The protocol's id, as API specs name it (`jos`, `tencent-data-api`). */
  readonly id: string;
  readonly title: string;
  /** The protocol spec under specs/ (for source positions of system cases), relative to specs/. */
  readonly specFile: string;
  /** Accepted clock difference, seconds, either way (our choice where the document gives none). */
  readonly skewS: () => number;
  /** The refusal codes the protocol itself answers (its gateway's, besides each operation's own): a load profile may expect them. */
  readonly errorCodes: () => readonly string[];
  /** Credential fields, as a target config writes them under `credentials.<id>`; strings, required but for `optionalCredentialFields`. */
  readonly credentialFields: readonly string[];
  /** The credential fields a target config may leave out (the protocol reads a default: Yoho's public salt). */
  readonly optionalCredentialFields?: readonly string[];
  /** The credentials of the embedded reference (documented test values, printed in the README). */
  readonly testCredentials: Readonly<Record<string, string>>;
  /**
   * The values of `credentials` no report or log may hold: the app secret always, a token unless it is
   * the documented public test token (whose runnable curl lines show it).
   */
  readonly secretValues: (credentials: Readonly<Record<string, string>>) => string[];
  /** Where the reference serves the protocol, appended to the origin for an embedded target (`/routerjson`, or `` for a path per operation). */
  readonly endpointPath: string;
  /** The transport fields this protocol understands; a step using another is a load error. */
  readonly transportFields: readonly (keyof Transport)[];
  /**
   * Builds one signed call as it goes on the wire: synchronous and pure (no clock, no randomness, no
   * I/O; see PrepareInput). Every deliberate deviation of a step (omitted or altered system parameters,
   * a wrong, stale or near-miss signature, a skewed or malformed timestamp, a raw body, a content type)
   * is decided here.
   */
  readonly prepare: (input: PrepareInput) => WireRequest;
  /** The report's copy of a prepared request sent to `endpoint` (whose credentials decide what is redacted). */
  readonly record: (wire: WireRequest, endpoint: Endpoint) => RecordedCall;
  /**
   * Sends one call: `prepare`, then the one HTTP exchange every protocol shares (sendPrepared), the
   * record left lazy. Never throws for a transport problem (the outcome says it).
   */
  readonly send: (input: SendInput) => Promise<Exchange>;
  /**
   * Reads a parsed JSON answer of `operation`. `raw` is the answer's text exactly as received, for
   * protocols that sign the answer's bytes (Yoho's SALT_MD5 covers the exact bytes of `data`);
   * `endpoint` the one it came from (Yoho checks the md5 with its credentials' salt; absent: the test salt).
   * `status` the HTTP status (a binding tells success from refusal by it; the envelopes of the others say it).
   */
  readonly decode: (operation: string, json: unknown, raw: string, endpoint?: Endpoint, status?: number) => DecodedAnswer;
  /**
   * Reads an answer whose body is not JSON (empty, an HTML page) when the protocol tells a refusal by
   * its HTTP status (a binding: a 401 with no body is a refusal `http:401`); undefined: a malformed
   * answer, as for every protocol without it. Never called for a 5xx (a server error whatever its body).
   */
  readonly decodeUnparsed?: (operation: string, raw: string, status: number) => DecodedAnswer | undefined;
  /**
   * One harmless call before a run (see src/engine/preflight.ts): is this the protocol at all, does it
   * take our credentials, does its clock let a signed call through. Optional: without one, the engine
   * only checks that the endpoint answers.
   */
  readonly preflight?: (input: PreflightInput) => Promise<Preflight>;
  /**
   * Why this adapter can make no call of `operation` at all (a binding that maps no such operation),
   * or undefined when it can: a check needing it is skipped before its first step. Optional: the
   * built-in protocols make every operation of their APIs.
   */
  readonly unserved?: (operation: string) => string | undefined;
  /**
   * Why a load run cannot send calls of `operation` carrying `params` to this endpoint, or undefined
   * when it can: a load run builds each request ahead (`prepare`) and reads its answer alone, so a
   * binding's call it cannot express (a parameter neither read nor ignored), one sent as several
   * requests (`each`), or one whose answer names a record whose id the run would have to learn
   * (`creates`) is refused before the run. Only which parameters are present is read (the values are
   * still templates). Optional: the built-in protocols send every operation of their APIs under load.
   */
  readonly unexpressed?: (operation: string, params: Readonly<Record<string, unknown>>) => string | undefined;
  /**
   * The answer schema a success of `operation` is held to at this endpoint when it is not the spec's: a
   * binding's, where a field the service does not have is unknown, not missing (no longer required).
   * Optional: the built-in protocols answer the spec's shape.
   */
  readonly answerSchema?: (operation: string) => JsonSchema | undefined;
  /**
   * Why a read of `field` (a path as the matchers read it: `coupons[0].status`) of a success of
   * `operation` cannot be judged at this endpoint (a binding that maps no such answer field), or
   * undefined when it can: a check whose steps read it is skipped before its first step.
   */
  readonly unmappedAnswer?: (operation: string, field: string) => string | undefined;
  /** The protocol's own cases (signature, timestamp, system parameters), calling `probe`. */
  readonly systemScenarios: (probe: SystemProbe, rules: ReadonlyMap<string, RuleSpec>) => SystemScenario[];
}

export interface PreflightInput {
  readonly endpoint: Endpoint;
  /** The API's harmless call (its system probe). */
  readonly probe: SystemProbe;
  /** For messages: `is it the <apiTitle>?`. */
  readonly apiTitle: string;
  /** The runner knows the target's clock (the embedded reference): do not judge it by Date headers. */
  readonly clockKnown: boolean;
  /** The protocol's window, seconds (default: its spec's). */
  readonly skewS?: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /**
   * The engine's one classifier, bound to the probe's operation and this endpoint, without an answer
   * schema (a preflight judges the envelope, not the data): a preflight reads its answer with it.
   */
  readonly classify: (outcome: HttpOutcome) => ClassifiedAnswer;
}

/** The harmless call a protocol's system cases make: an operation of the API and valid data for it. */
export interface SystemProbe {
  readonly operation: string;
  readonly params: Readonly<Record<string, Json>>;
}

/**
 * How an endpoint spoken through a binding names a refusal code the binding does not map
 * (`service:SOLD_OUT`): any error, never a specific one. A load run counts such codes apart, neither
 * expected nor an error, and tells the user to map them.
 */
export const UNMAPPED_CODE_PREFIX = 'service:';

/**
 * Whether a refusal's code is one a binding did not map: `service:<CODE>`, or `http:<status>` (a
 * refusal told by its HTTP status alone) — any error, never a specific one.
 */
export function isUnmappedCode(code: string): boolean {
  return code.startsWith(UNMAPPED_CODE_PREFIX) || code.startsWith('http:');
}
