import { LIMITS } from '../core/defaults.js';
import { APIS } from '../apis/index.js';
import { adapterFor } from '../protocols/index.js';
import type { CheckResult, Preflight, PreflightProblemKind, RunReport } from '../report/types.js';
import { wireOperation } from '../protocols/types.js';
import { VERSION } from '../version.js';
import { httpExchange, type HttpOutcome } from '../core/http.js';
import { formatBytes, preflightOutcome } from '../core/preflight.js';
import { classify, readerFor } from './answer.js';
import type { Target } from './target.js';

export { formatBytes } from '../core/preflight.js';
/** Beyond this certain clock difference (inside a protocol's window) a preflight warns. */
export const CLOCK_WARN_MS = LIMITS.clockWarnMs;

/**
 * The preflight: before a suite runs, each API endpoint of the run gets its protocol's preflight (ONE
 * harmless signed call, read-only: is this the protocol at all, does it take our credentials, does its
 * clock let a signed call through), then, when the target claims `test-control`, one GET of
 * `/__promoproof/info`. A problem is one line, so a wrong path or a wrong secret is not reported as
 * hundreds of failed checks.
 */

/** The preflight's outcome: `ok`, or the problem that stops the run (exit 3), with facts for the report. */
export type PreflightResult = Preflight;

export interface PreflightOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The APIs the run calls (default: every API the target has an endpoint for). */
  readonly apis?: readonly string[];
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

/** Runs the preflight against `target`. Never throws for anything the target does. */
export async function preflight(target: Target, opts: PreflightOptions): Promise<PreflightResult> {
  const t0 = performance.now();
  const apis = opts.apis ?? Object.keys(target.endpoints);
  const passed: Preflight[] = [];
  for (const id of apis) {
    const def = APIS.get(id);
    const endpoint = target.endpoints[id];
    const adapter = def ? adapterFor(def.protocol, endpoint) : undefined;
    if (!def || !endpoint || !adapter) continue;
    if (!adapter.preflight) {
      // A protocol without its own preflight: that anything answers at all.
      const out = await httpExchange({
        method: 'GET',
        url: endpoint.url,
        timeoutMs: opts.timeoutMs,
        maxBodyBytes: LIMITS.controlAnswerMaxBytes,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (!out.ok)
        return {
          ok: false,
          kind: 'unreachable',
          message: `${endpoint.url} is unreachable: ${out.reason}`,
          warnings: [],
          durationMs: Math.round(performance.now() - t0),
          details: { url: endpoint.url, error: out.kind },
        };
      continue;
    }
    // The probe's answer is read as every answer is (src/engine/answer.ts), without a schema: the envelope is what a preflight judges.
    const reader = readerFor({
      adapter,
      operation: def.systemProbe.operation,
      endpoint,
      level: 'none',
      maxBodyBytes: LIMITS.preflightAnswerMaxBytes,
    });
    const one = await adapter.preflight({
      endpoint,
      classify: (outcome) => classify(outcome, reader),
      // Under the target's own name of the probe's operation, if it has one.
      probe: { ...def.systemProbe, operation: wireOperation(endpoint, def.systemProbe.operation) },
      apiTitle: def.title,
      clockKnown: target.clock !== undefined,
      timeoutMs: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!one.ok) return one;
    passed.push(one);
  }
  const warnings = passed.flatMap((p) => p.warnings);
  const details: Record<string, string | number | boolean> = Object.assign({}, ...passed.map((p) => p.details));
  const done = preflightOutcome(t0, warnings, details);
  if (target.capabilities.includes('test-control')) {
    const problem = await testControlProblem(target, opts);
    if (problem) return done('test-control', problem);
    details['testControl'] = true;
  }
  return done(undefined, passed.map((p) => p.message).join('; ') || 'nothing to check');
}

/** GET <testControlUrl>/info must answer 200 with a JSON object. */
async function testControlProblem(target: Target, opts: PreflightOptions): Promise<string | undefined> {
  const url = `${target.testControlUrl ?? `${new URL(Object.values(target.endpoints)[0]?.url ?? '').origin}/__promoproof`}/info`;
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
    suite: input.suites[0] ?? '',
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
