import type {
  CheckResult,
  Coverage,
  Failure,
  Preflight,
  RecordedRequest,
  RecordedResponse,
  RuleCoverage,
  RunReport,
  Summary,
  Waiver,
} from './types.js';

/** Every key of `T`, optional ones included: adding a field to a report type without listing it here fails to compile. */
type EveryKey<T> = { readonly [K in keyof T]-?: unknown };

/**
 * Renders the report as pretty-printed JSON (two-space indent, trailing newline) that validates against
 * `specs/schema/report.schema.json`. Keys are written in the order the report types declare them, whatever
 * order the producer built the objects in; absent optional fields are left out.
 */
export function renderJson(report: RunReport): string {
  return JSON.stringify(canonicalReport(report), null, 2) + '\n';
}

/** A copy of `report` with the keys of every object in declaration order (parameters keep their own order). */
export function canonicalReport(report: RunReport): RunReport {
  return {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    target: {
      url: report.target.url,
      embedded: report.target.embedded,
      fault: report.target.fault,
      endpoints: report.target.endpoints ? { ...report.target.endpoints } : undefined,
    },
    suites: [...report.suites],
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    summary: summary(report.summary),
    parallelism: report.parallelism ? { concurrency: report.parallelism.concurrency, achieved: report.parallelism.achieved } : undefined,
    verdict: report.verdict,
    strictRef: report.strictRef,
    expiredWaivers: report.expiredWaivers.map(waiver),
    results: report.results.map(result),
    coverage: coverage(report.coverage),
    preflight: report.preflight ? preflight(report.preflight) : undefined,
    aborted: report.aborted ? { kind: report.aborted.kind, message: report.aborted.message } : undefined,
  } satisfies EveryKey<RunReport>;
}

function preflight(p: Preflight): Preflight {
  return {
    ok: p.ok,
    kind: p.kind,
    message: p.message,
    warnings: [...p.warnings],
    durationMs: p.durationMs,
    details: { ...p.details },
  } satisfies EveryKey<Preflight>;
}

function summary(s: Summary): Summary {
  return {
    total: s.total,
    passed: s.passed,
    failed: s.failed,
    errored: s.errored,
    skipped: s.skipped,
    inconclusive: s.inconclusive,
    waived: s.waived,
  } satisfies EveryKey<Summary>;
}

function waiver(w: Waiver): Waiver {
  return { rule: w.rule, reason: w.reason, expires: w.expires } satisfies EveryKey<Waiver>;
}

function result(r: CheckResult): CheckResult {
  return {
    id: r.id,
    title: r.title,
    suite: r.suite,
    api: r.api,
    protocol: r.protocol,
    rules: [...r.rules],
    level: r.level,
    tags: [...r.tags],
    status: r.status,
    message: r.message,
    durationMs: r.durationMs,
    source: r.source ? { file: r.source.file, line: r.source.line } : undefined,
    failure: r.failure ? failure(r.failure) : undefined,
    waived: r.waived ? waiver(r.waived) : undefined,
  } satisfies EveryKey<CheckResult>;
}

function failure(f: Failure): Failure {
  return {
    step: f.step,
    stepIndex: f.stepIndex,
    asserting: f.asserting,
    expected: f.expected,
    actual: f.actual,
    request: f.request ? request(f.request) : undefined,
    response: f.response ? response(f.response) : undefined,
    curl: f.curl,
  } satisfies EveryKey<Failure>;
}

function request(r: RecordedRequest): RecordedRequest {
  return {
    httpMethod: r.httpMethod,
    url: r.url,
    operation: r.operation,
    params: { ...r.params },
    body: r.body,
  } satisfies EveryKey<RecordedRequest>;
}

function response(r: RecordedResponse): RecordedResponse {
  return {
    status: r.status,
    contentType: r.contentType,
    body: r.body,
    truncated: r.truncated,
  } satisfies EveryKey<RecordedResponse>;
}

function coverage(c: Coverage): Coverage {
  return {
    total: c.total,
    covered: c.covered,
    uncovered: [...c.uncovered],
    rules: c.rules.map((r) => ({ id: r.id, level: r.level, checks: r.checks }) satisfies EveryKey<RuleCoverage>),
  } satisfies EveryKey<Coverage>;
}
