import { LIMITS } from '../../core/defaults.js';
import { dateOffsetBounds } from '../../core/clock-offset.js';
import { cut, formatBytes, type Preflight, preflightOutcome } from '../../core/preflight.js';
import { loadJosProtocol } from '../../spec/load.js';
import { decodedOf, type PreflightInput } from '../types.js';
import { josCredentials, sendJos } from './send.js';

/**
 * The preflight: before a suite runs, ONE harmless signed call (`jingdong.seller.promotion.list`,
 * page 1 of size 1: read-only, every parameter optional) tells whether the URL is a JOS router at all,
 * whether it takes our credentials and whether its clock lets a signed call through; and, when the
 * target claims `test-control`, one GET of `/__promoproof/info`. A problem is one line, so a wrong path
 * or a wrong secret is not reported as hundreds of failed checks.
 *
 * What counts as a JOS router: an HTTP 200 answer whose JSON body is a JOS envelope (a success or an
 * error_response, any code). Anything else is `wrong-protocol`, even an envelope with another status: the
 * reference itself answers a wrong path with HTTP 404 and a JOS error 1, and a documented call that
 * may not fail (list takes no required parameter) answered other than 200 means the path is wrong.
 * The one exception is a credentials code, named whatever the status: it says what to fix.
 *
 * The clock (see clockVerdict): an error when the target's clock is certainly beyond the JOS window
 * (±skewS, 360 s) from ours, measured from the Date header of the same answer, or when it refused the
 * current timestamp with error 8; a warning when it is more than CLOCK_WARN_MS off but inside the window.
 */

/** Page 1 of size 1 of the API's probe (a list): the smallest answer. */
const PREFLIGHT_PARAMS = { page: 1, size: 1 } as const;
/** Enough of any answer to read an envelope or to say what a foreign page is; larger bodies are cut. */
const PREFLIGHT_MAX_BODY = LIMITS.preflightAnswerMaxBytes;
/**
 * Beyond this (certain) clock difference, inside the window, the preflight warns: the clock-skew cases
 * (timestamps at ±5:59 / ±6:01, one second from the edge) estimate the offset themselves and correct for
 * it, so this is information, not a reason to stop.
 */
export const CLOCK_WARN_MS = LIMITS.clockWarnMs;

type Details = Record<string, string | number | boolean>;

/** The JOS preflight of one endpoint (ProtocolAdapter.preflight). Never throws for anything the target does. */
export async function josPreflight(input: PreflightInput): Promise<Preflight> {
  const t0 = performance.now();
  const protocol = loadJosProtocol();
  const skewS = input.skewS ?? protocol.skewS;
  const target = { url: input.endpoint.url, jos: josCredentials(input.endpoint) };
  const PREFLIGHT_METHOD = input.probe.operation;
  const opts = input;
  const warnings: string[] = [];
  const details: Details = { url: target.url, method: PREFLIGHT_METHOD };
  const done = preflightOutcome(t0, warnings, details);

  const ex = await sendJos(
    {
      endpoint: input.endpoint,
      operation: PREFLIGHT_METHOD,
      app: { ...input.probe.params, ...PREFLIGHT_PARAMS },
      transport: {},
      clockOffsetMs: 0,
      timeoutMs: opts.timeoutMs,
      maxBodyBytes: PREFLIGHT_MAX_BODY,
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    skewS,
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

  // Read as every answer is (the engine's classify); the envelope whatever the status, so a credentials code in a 5xx is named too.
  const answer = decodedOf(input.classify(out));
  details['answer'] = answer === undefined ? 'not JSON' : answer.kind === 'error' ? `error ${answer.code}` : answer.kind;

  // Credentials first, whatever the status: the code says what to fix.
  const credentialCodes = credentialsCodes(protocol);
  if (answer?.kind === 'error' && credentialCodes.has(answer.code)) {
    const spec = protocol.systemErrors[answer.code];
    details['code'] = answer.code;
    return done(
      'credentials',
      `${target.url} refused our credentials: JOS error ${answer.code} ${describeCode(answer.message, spec)} for app_key '${target.jos.appKey}'; ${credentialsHint(answer.code, PREFLIGHT_METHOD)}`,
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
    return done(
      'wrong-protocol',
      `${target.url} is not a JOS router: ${what.join(', ')}; ${pathHint(target.url, protocol.path, input.apiTitle)}`,
    );
  }

  // The clock: the offset bounds from this answer's Date header (one sample: ±(round trip + 1 s) / 2).
  const bounds = dateOffsetBounds(out.date, out.sentAtMs, out.elapsedMs);
  const refusedTimestamp = answer.kind === 'error' && answer.code === timestampInvalidCode(protocol);
  if (bounds) {
    details['clockOffsetMs'] = Math.round((bounds.lo + bounds.hi) / 2);
    details['clockUncertaintyMs'] = Math.ceil((bounds.hi - bounds.lo) / 2);
  }
  // A target whose clock the runner already knows (the embedded reference) is not judged by its header.
  if (!input.clockKnown || refusedTimestamp) {
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
        `${target.url} does not know ${PREFLIGHT_METHOD} (JOS error ${answer.code} ${cut(answer.message, 80)}): is it the ${input.apiTitle}?`,
      );
    }
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

function credentialsHint(code: string, method: string): string {
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
      return `this app key may not call ${method}: grant it on the target, or use another app key`;
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

function pathHint(url: string, path: string, apiTitle: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `the JOS router is usually at the path ${path}`;
  }
  if (u.pathname === path) return `is this the JOS router of the ${apiTitle}?`;
  return `the JOS router is usually at the path ${path}: try ${u.origin}${path}`;
}
