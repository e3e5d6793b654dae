import { LIMITS } from '../../core/defaults.js';
import { cut, formatBytes, type Preflight, preflightOutcome } from '../../core/preflight.js';
import { decodedOf, type PreflightInput } from '../types.js';
import { yohoCredentials } from './credentials.js';
import { describeYohoSalt, readYohoAnswer, YOHO_DEV_SALT, YOHO_MASTER_SALT } from './envelope.js';
import { YOHO_GATEWAY_ERRORS } from './codes.js';
import { sendYoho } from './send.js';
import { loadYohoProtocol } from './spec.js';

/**
 * The Yoho gateway preflight of one endpoint: ONE signed call of the API's probe (a read-only query).
 * Unreachable, or an answer that is not the `{code, …}` envelope (a wrong URL: the endpoint is the full
 * gateway URL), stops the run; so does code 500 `数据验证错误.` (our client_secret does not verify:
 * the private key or client type is not the target's), and a success whose md5 does not verify with
 * our salt (every success would read as malformed: the salt is not the target's); so does HTTP 5xx,
 * a server error whatever its envelope says (but for the credentials code, named whatever the status).
 * Any other answer passes, an unknown method with a warning. There is no clock to judge: nothing is timed.
 */
export async function yohoPreflight(input: PreflightInput): Promise<Preflight> {
  const t0 = performance.now();
  const url = input.endpoint.url;
  const creds = yohoCredentials(input.endpoint.credentials);
  const warnings: string[] = [];
  const details: Record<string, string | number | boolean> = { url, operation: input.probe.operation, clientType: creds.clientType };
  const done = preflightOutcome(t0, warnings, details);
  const ex = await sendYoho({
    endpoint: input.endpoint,
    operation: input.probe.operation,
    app: input.probe.params,
    transport: {},
    clockOffsetMs: 0,
    timeoutMs: input.timeoutMs,
    maxBodyBytes: LIMITS.preflightAnswerMaxBytes,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const out = ex.outcome;
  details['elapsedMs'] = out.elapsedMs;
  if (!out.ok) {
    details['error'] = out.kind;
    return done('unreachable', `${url} is unreachable: ${out.reason}`);
  }
  details['httpStatus'] = out.status;
  details['contentType'] = out.contentType;
  details['bytes'] = Buffer.byteLength(out.body);
  if (out.truncated) details['truncated'] = true;
  // Read as every answer is (the engine's classify). The class flattens what this preflight tells apart
  // (a malformed answer that still has the envelope, a success's two md5s): those the protocol's own
  // reader gives, from the JSON the class found.
  const read = input.classify(out);
  const json = decodedOf(read) === undefined ? undefined : (JSON.parse(out.body) as unknown);
  const answer = json === undefined ? undefined : readYohoAnswer(json, out.body, creds.salt);
  const envelope = answer !== undefined && (answer.kind !== 'malformed' || (isObject(json) && json['code'] !== undefined));
  const seen = [
    `HTTP ${out.status}${out.location ? ` to ${out.location}` : ''}`,
    out.contentType ? (out.contentType.split(';')[0] ?? '').trim() : 'no content type',
    `${out.truncated ? 'more than ' : ''}${formatBytes(Buffer.byteLength(out.body))}`,
  ];
  if (!envelope) {
    const what = [
      ...seen,
      answer === undefined
        ? out.body.length === 0
          ? 'empty body'
          : 'not JSON'
        : `JSON without the envelope (${answer.kind === 'malformed' ? answer.reason : answer.kind})`,
    ];
    return done(
      'wrong-protocol',
      `${url} is not a Yoho gateway: ${what.join(', ')}; ${pathHint(url, loadYohoProtocol().path, input.apiTitle)}`,
    );
  }
  const said = answer.kind === 'error' ? `code ${answer.code}${answer.message ? ` ${JSON.stringify(cut(answer.message, 80))}` : ''}` : '';
  if (
    answer.kind === 'error' &&
    answer.code === String(YOHO_GATEWAY_ERRORS.notVerified.code) &&
    answer.message === YOHO_GATEWAY_ERRORS.notVerified.message
  ) {
    // Named whatever the HTTP status, as JOS does: the code says what to fix.
    details['code'] = answer.code;
    return done(
      'credentials',
      `${url} refused our credentials: ${said} (the client_secret does not verify) for client_type '${creds.clientType}'; the private key is not the target's key of that client type: set credentials.privateKey (and clientType) of the API in the target config`,
    );
  }
  if (read.kind === 'server-error') {
    // A 5xx is a server error whatever its envelope says, as every answer reads: not the gateway answering the probe.
    const inside =
      answer.kind === 'error' ? said : answer.kind === 'malformed' ? `a malformed envelope (${answer.reason})` : 'a success envelope';
    return done(
      'wrong-protocol',
      `${url} is not a Yoho gateway: ${[...seen, inside].join(', ')}; ${pathHint(url, loadYohoProtocol().path, input.apiTitle)}`,
    );
  }
  if (answer.kind === 'malformed') {
    // An envelope with a code that breaks UCP-01 (a success without md5, a code that is no integer): the checks will say so.
    details['answer'] = 'malformed';
    warnings.push(`${url} answered ${input.probe.operation} with a malformed envelope: ${answer.reason} (UCP-01)`);
    return done(
      undefined,
      `${url} answers the Yoho envelope, malformed: ${cut(answer.reason, 120)} (HTTP ${out.status}, ${out.elapsedMs} ms)`,
    );
  }
  if (answer.kind === 'error') {
    details['code'] = answer.code;
    if (answer.code === String(YOHO_GATEWAY_ERRORS.unknownMethod.code)) {
      warnings.push(`${url} does not know ${input.probe.operation} (${said}): is it the ${input.apiTitle}?`);
    }
    return done(undefined, `${url} is a Yoho gateway: ${input.probe.operation} answered ${said} (HTTP ${out.status}, ${out.elapsedMs} ms)`);
  }
  details['code'] = answer.code;
  if (!answer.md5Valid) {
    details['md5'] = answer.md5;
    details['expectedMd5'] = answer.expectedMd5;
    return done(
      'credentials',
      `${url} answered a success whose md5 does not verify with ${describeYohoSalt(creds.salt)}: ${saltHint(json, out.body, answer.md5, creds.salt)}`,
    );
  }
  return done(
    undefined,
    `${url} is a Yoho gateway: ${input.probe.operation} answered code 200, md5 verified (HTTP ${out.status}, ${out.elapsedMs} ms)`,
  );
}

/** What to do about an md5 that does not verify: name the public salt it verifies with, if one does. */
function saltHint(json: unknown, raw: string, md5: string, tried: string): string {
  for (const other of [YOHO_MASTER_SALT, YOHO_DEV_SALT]) {
    if (other === tried) continue;
    const a = readYohoAnswer(json, raw, other);
    if (a.kind === 'success' && a.md5Valid) return `it verifies with ${describeYohoSalt(other)}: set credentials.salt of the API to it`;
  }
  return `md5 ${JSON.stringify(cut(md5, 40))} answered; the target's salt is another (set credentials.salt of the API to it), or it hashes other bytes than it sends (UCP-01: run anyway with --no-preflight to see every check)`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function pathHint(url: string, path: string, apiTitle: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `the Yoho gateway is usually at the path ${path}`;
  }
  if (u.pathname === path) return `is this the Yoho gateway of the ${apiTitle}?`;
  return `the URL of the API is the gateway's own (Yoho serves it at ${path}): try ${u.origin}${path}`;
}
