import { LIMITS } from './defaults.js';
import { decodeAnswer } from '../protocol/jos/envelope.js';
import type { CheckResult, Preflight, PreflightProblemKind, RunReport } from '../report/types.js';
import { loadJosProtocol } from '../spec/load.js';
import { VERSION } from '../version.js';
import { dateOffsetBounds } from './clock-offset.js';
import { httpExchange, type HttpOutcome } from './http.js';
import { sendJos } from './jos-adapter.js';
import type { Target } from './target.js';

/**
 * The preflight: before a suite runs, ONE harmless signed call (`jingdong.seller.promotion.list`,
 * page 1 of size 1: read-only, every parameter optional) tells whether the URL is a JOS router at all,
 * whether it takes our credentials and whether its clock lets a signed call through; and, when the
 * target claims `test-control`, one GET of `/__promoproof/info`. A problem is one line, so a wrong path
 * or a wrong secret is not reported as hundreds of failed checks.
 *
 * What counts as a JOS router: an HTTP 200 answer whose JSON body is a JOS envelope (a success or an
 * error_response, any code). Anything else is `not-jos`, even an envelope with another status: the
 * reference itself answers a wrong path with HTTP 404 and a JOS error 1, and a documented call that
 * may not fail (list takes no required parameter) answered other than 200 means the path is wrong.
 * The one exception is a credentials code, named whatever the status: it says what to fix.
 *
 * The clock (see clockVerdict): an error when the target's clock is certainly beyond the JOS window
 * (±skewS, 360 s) from ours, measured from the Date header of the same answer, or when it refused the
 * current timestamp with error 8; a warning when it is more than CLOCK_WARN_MS off but inside the window.
 */

/** The JOS call of the preflight: read-only, documented, no required parameter. */
export const PREFLIGHT_METHOD = 'jingdong.seller.promotion.list';
const PREFLIGHT_PARAMS = { page: 1, size: 1 } as const;
/** Enough of any answer to read an envelope or to say what a foreign page is; larger bodies are cut. */
const PREFLIGHT_MAX_BODY = LIMITS.preflightAnswerMaxBytes;
/**
 * Beyond this (certain) clock difference, inside the window, the preflight warns: the clock-skew cases
 * (timestamps at ±5:59 / ±6:01, one second from the edge) estimate the offset themselves and correct for
 * it, so this is information, not a reason to stop.
 */
export const CLOCK_WARN_MS = LIMITS.clockWarnMs;

/** The preflight's outcome: `ok`, or the problem that stops the run (exit 3), with facts for the report. */
export type PreflightResult = Preflight;

export interface PreflightOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The JOS window in seconds (default: specs/jos/protocol.yaml). */
  readonly skewS?: number;
}

/** The preflight found a problem: the run did not start. The CLI prints `message` and exits 3. */
export class PreflightError extends Error {
  readonly preflight: Preflight;
  readonly target: RunReport['target'];
  constructor(preflight: Preflight, target: RunReport['target']) {
    super(`preflight: ${preflight.message}`);
    this.name = 'PreflightError';
    this.preflight = preflight;
    this.target = target;
  }
}

type Details = Record<string, string | number | boolean>;

/** Runs the preflight against `target`. Never throws for anything the target does. */
export async function preflight(target: Target, opts: PreflightOptions): Promise<PreflightResult> {
  const t0 = performance.now();
  const protocol = loadJosProtocol();
  const skewS = opts.skewS ?? protocol.skewS;
  const warnings: string[] = [];
  const details: Details = { url: target.url, method: PREFLIGHT_METHOD };
  const done = (kind: PreflightProblemKind | undefined, message: string): PreflightResult => ({
    ok: kind === undefined,
    ...(kind !== undefined ? { kind } : {}),
    message,
    warnings,
    durationMs: Math.round(performance.now() - t0),
    details,
  });

  const ex = await sendJos(
    target,
    PREFLIGHT_METHOD,
    PREFLIGHT_PARAMS,
    {},
    { timeoutMs: opts.timeoutMs, maxBodyBytes: PREFLIGHT_MAX_BODY, signal: opts.signal, skewS },
  );
  const out = ex.outcome;
  details['elapsedMs'] = out.elapsedMs;
  if (!out.ok) {
    details['error'] = out.kind;
    return done('unreachable', `${target.url} is unreachable: ${out.reason}`);
  }
  details['httpStatus'] = out.status;
  details['contentType'] = out.contentType;
  details['bytes'] = Buffer.byteLength(out.body);
  if (out.truncated) details['truncated'] = true;

  let json: unknown;
  let parsed = false;
  try {
    json = JSON.parse(out.body);
    parsed = true;
  } catch {
    parsed = false;
  }
  const answer = parsed ? decodeAnswer(PREFLIGHT_METHOD, json) : undefined;
  details['answer'] = answer === undefined ? 'not JSON' : answer.kind === 'error' ? `error ${answer.code}` : answer.kind;

  // Credentials first, whatever the status: the code says what to fix.
  const credentialCodes = credentialsCodes(protocol);
  if (answer?.kind === 'error' && credentialCodes.has(answer.code)) {
    const spec = protocol.systemErrors[answer.code];
    details['code'] = answer.code;
    return done(
      'credentials',
      `${target.url} refused our credentials: JOS error ${answer.code} ${describeCode(answer.message, spec)} for app_key '${target.jos.appKey}'; ${credentialsHint(answer.code)}`,
    );
  }

  if (out.status !== 200 || answer === undefined || answer.kind === 'malformed') {
    const what = [
      `HTTP ${out.status}${out.location ? ` to ${out.location}` : ''}`,
      out.contentType ? out.contentType.split(';')[0]!.trim() : 'no content type',
      `${out.truncated ? 'more than ' : ''}${formatBytes(Buffer.byteLength(out.body))}`,
      answer === undefined
        ? out.body.length === 0
          ? 'empty body'
          : 'not JSON'
        : answer.kind === 'malformed'
          ? `JSON without a JOS envelope (${answer.reason.replace(/^expected .* got /, '')})`
          : answer.kind === 'error'
            ? `JOS error ${answer.code}${answer.message ? ` ${JSON.stringify(cut(answer.message, 100))}` : ''}`
            : 'a JOS success envelope',
    ];
    return done('not-jos', `${target.url} is not a JOS router: ${what.join(', ')}; ${pathHint(target.url, protocol.path)}`);
  }

  // The clock: the offset bounds from this answer's Date header (one sample: ±(round trip + 1 s) / 2).
  const bounds = dateOffsetBounds(out.date, out.sentAtMs, out.elapsedMs);
  const refusedTimestamp = answer.kind === 'error' && answer.code === timestampInvalidCode(protocol);
  if (bounds) {
    details['clockOffsetMs'] = Math.round((bounds.lo + bounds.hi) / 2);
    details['clockUncertaintyMs'] = Math.ceil((bounds.hi - bounds.lo) / 2);
  }
  // A target whose clock the runner already knows (the embedded reference) is not judged by its header.
  if (target.clock === undefined || refusedTimestamp) {
    const clock = clockVerdict(
      bounds,
      refusedTimestamp,
      skewS,
      target.url,
      answer.kind === 'error' ? answer.message : '',
      protocol.systemErrors['8'],
    );
    if (clock.problem) return done('clock', clock.problem);
    if (clock.warning) warnings.push(clock.warning);
  }

  if (answer.kind === 'error') {
    details['code'] = answer.code;
    if (answer.code === systemCode(protocol, 'method', 'invalid')) {
      warnings.push(
        `${target.url} does not know ${PREFLIGHT_METHOD} (JOS error ${answer.code} ${cut(answer.message, 80)}): is it the JD seller promotion service?`,
      );
    }
  }

  if (target.capabilities.includes('test-control')) {
    const problem = await testControlProblem(target, opts);
    if (problem) return done('test-control', problem);
    details['testControl'] = true;
  }

  const said = answer.kind === 'success' ? 'success' : `JOS error ${answer.code} ${cut(answer.message, 80)}`.trim();
  return done(undefined, `${target.url} is a JOS router: ${PREFLIGHT_METHOD} answered ${said} (HTTP 200, ${out.elapsedMs} ms)`);
}

/**
 * Error or warning from the clock. An error when
 * - the offset is certainly beyond the JOS window (|offset| − uncertainty > skewS): a conformant
 *   gateway refuses every client's timestamp then (error 8); were it lenient, the clock-skew cases
 *   would still place their timestamps by this same Date header, and every `${now…}` time of the
 *   scenarios would be minutes off: the run would be about the clock, not the implementation;
 * - the target refused our current, well-formed timestamp with error 8 (off by more than the window
 *   by its own clock, or it reads timestamps in another zone than UTC+8): every check would fail so.
 * A warning when the offset is certainly beyond CLOCK_WARN_MS but inside the window.
 */
function clockVerdict(
  bounds: { lo: number; hi: number } | undefined,
  refusedTimestamp: boolean,
  skewS: number,
  url: string,
  message: string,
  spec: { zh: string; en: string } | undefined,
): { problem?: string; warning?: string } {
  const fix = 'fix the clock of the target or of this machine (NTP), or run anyway with --no-preflight';
  const code8 = `JOS error 8 ${describeCode(message, spec)}`;
  if (!bounds) {
    if (refusedTimestamp)
      return {
        problem: `${url} refused our current timestamp with ${code8}: its clock is probably more than ${skewS} s off ours (it sends no Date header to measure it); ${fix}`,
      };
    return {};
  }
  const offsetMs = Math.round((bounds.lo + bounds.hi) / 2);
  const uncertaintyMs = Math.ceil((bounds.hi - bounds.lo) / 2);
  const certainMs = bounds.lo > 0 ? bounds.lo : bounds.hi < 0 ? -bounds.hi : 0;
  const way = offsetMs >= 0 ? 'ahead of' : 'behind';
  const offsetText = `${Math.round(Math.abs(offsetMs) / 1000)} s ${way} ours (HTTP Date header, ±${Math.max(1, Math.round(uncertaintyMs / 1000))} s)`;
  if (certainMs > skewS * 1000) {
    return {
      problem: `the clock of ${url} is ${offsetText}, beyond the JOS ±${skewS} s window${refusedTimestamp ? `: it refused our timestamp with ${code8}` : ': signed calls would be refused as stale (error 8)'}; ${fix}`,
    };
  }
  if (refusedTimestamp) {
    return {
      problem: `${url} refused our current timestamp with ${code8}, though its HTTP Date header is ${offsetText}: it reads timestamps in another time zone than UTC+8 (JOS-02), or its JOS clock is not its HTTP clock; run anyway with --no-preflight to see every check`,
    };
  }
  if (certainMs > CLOCK_WARN_MS)
    return {
      warning: `the clock of ${url} is ${offsetText}; inside the JOS ±${skewS} s window (the clock-skew cases measure and correct for it)`,
    };
  return {};
}

/** GET <testControlUrl>/info must answer 200 with a JSON object. */
async function testControlProblem(target: Target, opts: PreflightOptions): Promise<string | undefined> {
  const url = `${target.testControlUrl ?? `${new URL(target.url).origin}/__promoproof`}/info`;
  const advice =
    'start the target with its test control on (promoproof serve --test-control), or drop the capability (--capabilities, or capabilities: in the target config)';
  const out: HttpOutcome = await httpExchange({
    method: 'GET',
    url,
    headers: { accept: 'application/json' },
    timeoutMs: opts.timeoutMs,
    maxBodyBytes: LIMITS.controlAnswerMaxBytes,
    signal: opts.signal,
  });
  if (!out.ok) return `the target claims test-control, but GET ${url} failed: ${out.reason}; ${advice}`;
  let body: unknown;
  try {
    body = JSON.parse(out.body);
  } catch {
    body = undefined;
  }
  if (out.status === 200 && body !== null && typeof body === 'object' && !Array.isArray(body)) return undefined;
  const type = out.contentType ? out.contentType.split(';')[0]!.trim() : 'no content type';
  return `the target claims test-control, but GET ${url} answered HTTP ${out.status} (${type}, ${formatBytes(Buffer.byteLength(out.body))}${out.status === 200 ? ', not a JSON object' : ''}): the test-control routes are absent; ${advice}`;
}

/** The system error codes that mean the credentials are wrong: app_key, access_token and sign missing or invalid, and 24 (no permission). */
function credentialsCodes(protocol: ReturnType<typeof loadJosProtocol>): Set<string> {
  const codes = new Set<string>();
  for (const p of protocol.systemParams) {
    if (p.name !== 'app_key' && p.name !== 'access_token' && p.name !== 'sign') continue;
    if (p.missing) codes.add(p.missing);
    if (p.invalid) codes.add(p.invalid);
  }
  if (protocol.systemErrors['24']) codes.add('24');
  return codes;
}

function systemCode(protocol: ReturnType<typeof loadJosProtocol>, name: string, which: 'missing' | 'invalid'): string | undefined {
  return protocol.systemParams.find((p) => p.name === name)?.[which];
}

function timestampInvalidCode(protocol: ReturnType<typeof loadJosProtocol>): string {
  return systemCode(protocol, 'timestamp', 'invalid') ?? '8';
}

function credentialsHint(code: string): string {
  const where = (env: string, key: string) => `set ${env} (with --target) or credentials.jos.${key} (in the target config)`;
  switch (code) {
    case '20':
    case '21':
      return `the app key is not the target's: ${where('PROMOPROOF_APP_KEY', 'appKey')}`;
    case '18':
    case '19':
      return `the access token is not the target's: ${where('PROMOPROOF_ACCESS_TOKEN', 'accessToken')}`;
    case '11':
    case '12':
      return `the signature does not verify, so the app secret is not the target's: ${where('PROMOPROOF_APP_SECRET', 'appSecret')}`;
    case '24':
      return `this app key may not call ${PREFLIGHT_METHOD}: grant it on the target, or use another app key`;
    default:
      return 'check the credentials';
  }
}

/** `无效app_key (Invalid app_key)`: the target's own words, with the spec's English when it has them. */
function describeCode(message: string, spec: { zh: string; en: string } | undefined): string {
  const own = cut(message.trim(), 100);
  if (!spec) return own ? JSON.stringify(own) : '(no message)';
  if (!own || own === spec.zh) return `${spec.zh} (${spec.en})`;
  return `${JSON.stringify(own)} (${spec.en})`;
}

function pathHint(url: string, path: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `the JOS router is usually at the path ${path}`;
  }
  if (u.pathname === path) return `is this the JOS router of the JD seller promotion service?`;
  return `the JOS router is usually at the path ${path}: try ${u.origin}${path}`;
}

/** 76 B, 1.2 kB, 3.4 MB (decimal units). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

function cut(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * The report of a run that did not happen (a preflight problem, an unreachable target): one errored
 * `must` check named `preflight` carrying the reason, so that every format says why — JUnit consumers
 * show one error — and a previous run's report files are not left looking current.
 */
export function abortedReport(input: {
  readonly target: RunReport['target'];
  readonly suites: readonly string[];
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly kind: PreflightProblemKind;
  readonly message: string;
  readonly preflight?: Preflight;
}): RunReport {
  const result: CheckResult = {
    id: 'preflight',
    title: `the run did not happen (${input.kind}): nothing was checked`,
    suite: input.suites[0] ?? 'jd-promotion',
    rules: [],
    level: 'must',
    tags: ['aborted'],
    status: 'errored',
    message: `run aborted (${input.kind}): ${input.message}`,
    durationMs: input.preflight?.durationMs ?? input.durationMs,
  };
  return {
    schemaVersion: 1,
    tool: { name: 'promoproof', version: VERSION },
    target: input.target,
    suites: [...input.suites],
    startedAt: input.startedAt.toISOString(),
    durationMs: input.durationMs,
    summary: { total: 1, passed: 0, failed: 0, errored: 1, skipped: 0, inconclusive: 0, waived: 0 },
    verdict: 'fail',
    strictRef: false,
    expiredWaivers: [],
    results: [result],
    coverage: { total: 0, covered: 0, uncovered: [], rules: [] },
    ...(input.preflight ? { preflight: input.preflight } : {}),
    aborted: { kind: input.kind, message: input.message },
  };
}
