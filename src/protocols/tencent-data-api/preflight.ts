import { dateOffsetBounds } from '../../core/clock-offset.js';
import { LIMITS } from '../../core/defaults.js';
import { cut, formatBytes, type Preflight, preflightOutcome } from '../../core/preflight.js';
import { decodedOf, type PreflightInput } from '../types.js';
import { sendTencent } from './send.js';
import { loadTencentProtocol } from './spec.js';

/**
 * The data-api preflight of one endpoint: ONE signed call of the API's probe operation with an empty
 * coupon list (nothing to store, whatever the target does with it). Unreachable, or an answer that is
 * not the `{retcode, errmsg, data}` envelope (a wrong URL: the endpoint is the origin, the path is
 * appended), stops the run. Any retcode passes: the document lists none, so a refusal of our
 * credentials cannot be told from a refusal of the empty list (the retcode is in the details). A clock
 * certainly beyond our ±skewS choice is a warning (the window is ours, TCC-REF-01).
 */
export async function tencentPreflight(input: PreflightInput): Promise<Preflight> {
  const t0 = performance.now();
  const protocol = loadTencentProtocol();
  const url = input.endpoint.url;
  const warnings: string[] = [];
  const details: Record<string, string | number | boolean> = { url, operation: input.probe.operation };
  const done = preflightOutcome(t0, warnings, details);
  const ex = await sendTencent(
    {
      endpoint: input.endpoint,
      operation: input.probe.operation,
      app: { dataSourceId: input.endpoint.options?.['dataSourceId'] ?? '', coupons: [] },
      transport: {},
      clockOffsetMs: 0,
      timeoutMs: input.timeoutMs,
      maxBodyBytes: LIMITS.preflightAnswerMaxBytes,
      ...(input.signal ? { signal: input.signal } : {}),
    },
    { pathPrefix: protocol.pathPrefix, skewS: input.skewS ?? protocol.skewS },
  );
  const out = ex.outcome;
  details['elapsedMs'] = out.elapsedMs;
  if (!out.ok) {
    details['error'] = out.kind;
    return done('unreachable', `${url} is unreachable: ${out.reason}`);
  }
  details['httpStatus'] = out.status;
  details['contentType'] = out.contentType;
  details['bytes'] = Buffer.byteLength(out.body);
  // Read as every answer is (the engine's classify): a server error is not the data-api answering, whatever it says.
  const read = input.classify(out);
  const answer = decodedOf(read);
  const path = `${protocol.pathPrefix}/${input.probe.operation}`;
  if (read.kind === 'server-error' || answer === undefined || answer.kind === 'malformed') {
    const what = [
      `HTTP ${out.status}`,
      out.contentType ? (out.contentType.split(';')[0] ?? '').trim() : 'no content type',
      formatBytes(Buffer.byteLength(out.body)),
      answer === undefined
        ? out.body.length === 0
          ? 'empty body'
          : 'not JSON'
        : answer.kind === 'malformed'
          ? `JSON without the envelope (${answer.reason})`
          : `a ${answer.kind} envelope`,
    ];
    return done(
      'wrong-protocol',
      `${url}${path} is not a Tencent data-api endpoint: ${what.join(', ')}; the URL of apis.<api>.url is the origin (e.g. https://test.zhls.qq.com), ${path} is appended`,
    );
  }
  details['retcode'] = answer.kind === 'success' ? 0 : Number(answer.code);
  const bounds = dateOffsetBounds(out.date, out.sentAtMs, out.elapsedMs);
  if (!input.clockKnown && bounds) {
    const certainMs = bounds.lo > 0 ? bounds.lo : bounds.hi < 0 ? -bounds.hi : 0;
    if (certainMs > protocol.skewS * 1000)
      warnings.push(
        `the clock of ${url} is more than ${protocol.skewS} s off ours (HTTP Date header): the timestamp-window cases (ours, TCC-REF-01) may not hold`,
      );
  }
  const said =
    answer.kind === 'success'
      ? 'retcode 0'
      : `retcode ${answer.code}${answer.message ? ` ${JSON.stringify(cut(answer.message, 80))}` : ''}`;
  return done(
    undefined,
    `${url} is a Tencent data-api endpoint: an empty ${input.probe.operation} answered ${said} (HTTP ${out.status}, ${out.elapsedMs} ms)`,
  );
}
