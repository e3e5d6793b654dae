import { escapeXmlAttr, escapeXmlText } from './escape.js';
import { isWaived, suiteNames } from './partition.js';
import { formatSeconds } from './text.js';
import type { CheckResult, Failure, RunReport } from './types.js';
import { countsTowardVerdict, levelLabel, verdictLine } from './verdict.js';

/** Suite of the synthetic testcases for expired waivers. */
export const EXPIRED_WAIVERS_SUITE = 'promoproof.expired-waivers';
/** Suite of the synthetic testcase of a run that verified nothing (verdict none, exit 4). */
export const VERDICT_SUITE = 'promoproof.verdict';

/**
 * How one result counts in JUnit, so that a JUnit view fails exactly when the verdict does: waived
 * failures, and failed `ref` checks that do not count in this run, count as skipped.
 */
type JunitOutcome = 'passed' | 'failure' | 'error' | 'skipped';

function outcome(r: CheckResult, report: Pick<RunReport, 'strictRef'>): JunitOutcome {
  if (isWaived(r) || ((r.status === 'failed' || r.status === 'errored') && !countsTowardVerdict(r, report))) return 'skipped';
  switch (r.status) {
    case 'passed':
      return 'passed';
    case 'failed':
      return 'failure';
    case 'errored':
      return 'error';
    case 'skipped':
    case 'inconclusive':
      return 'skipped';
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function count(results: readonly CheckResult[], report: Pick<RunReport, 'strictRef'>): Counts {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const r of results) {
    counts.tests += 1;
    counts.ms += Number.isFinite(r.durationMs) && r.durationMs > 0 ? r.durationMs : 0;
    const o = outcome(r, report);
    if (o === 'failure') counts.failures += 1;
    else if (o === 'error') counts.errors += 1;
    else if (o === 'skipped') counts.skipped += 1;
  }
  return counts;
}

/** `name="value"` pairs, every value escaped. */
function attrs(pairs: readonly (readonly [string, string | number])[]): string {
  return pairs.map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`).join('');
}

/**
 * Renders the report as JUnit XML for CI: one `<testsuite>` per suite, one `<testcase>` per result.
 * Failed checks give `<failure>` (type: the first rule id), errored ones `<error>`, skipped and
 * inconclusive ones `<skipped>`; waived failures are rendered as `<skipped message="waived: …">` so they
 * do not fail the build, and the counts on `<testsuites>` and `<testsuite>` follow that mapping. Each
 * testcase carries its rule ids and level as `<properties>`. Each expired waiver becomes a failed testcase
 * of a suite `promoproof.expired-waivers`, since it fails the verdict; failed `ref` checks that do not count
 * in this run are `<skipped>` too, and a run that verified nothing gets one errored testcase (`promoproof.verdict`). All text is escaped and characters XML 1.0
 * forbids are replaced, so hostile response bodies cannot break the document. Times are seconds.
 */
export function renderJunit(report: RunReport): string {
  const total = count(report.results, report);
  const expired = report.expiredWaivers.length;
  total.tests += expired;
  total.failures += expired;
  const nothing = report.verdict === 'none';
  if (nothing) {
    total.tests += 1;
    total.errors += 1;
  }
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([
      ['name', 'promoproof'],
      ['tests', total.tests],
      ['failures', total.failures],
      ['errors', total.errors],
      ['skipped', total.skipped],
      ['time', formatSeconds(report.durationMs)],
      ['timestamp', report.startedAt],
    ])}>`,
  ];
  for (const [index, suite] of suiteNames(report).entries()) {
    const results = report.results.filter((r) => r.suite === suite);
    const counts = count(results, report);
    out.push(
      `  <testsuite${attrs([
        ['name', suite],
        ['id', index],
        ['tests', counts.tests],
        ['failures', counts.failures],
        ['errors', counts.errors],
        ['skipped', counts.skipped],
        ['time', formatSeconds(counts.ms)],
        ['timestamp', report.startedAt],
      ])}>`,
    );
    out.push(`    <properties>`);
    out.push(
      `      <property${attrs([
        ['name', 'target'],
        ['value', report.target.url],
      ])}/>`,
    );
    out.push(`    </properties>`);
    for (const r of results) out.push(...testcase(r, report));
    out.push('  </testsuite>');
  }
  if (expired > 0) out.push(...expiredWaiversSuite(report, suiteNames(report).length));
  if (nothing) out.push(...verdictSuite(report, suiteNames(report).length + (expired > 0 ? 1 : 0)));
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/**
 * Expired waivers fail the verdict, so they appear as failed testcases of their own suite: a JUnit view
 * of the run then fails exactly when the verdict does.
 */
function expiredWaiversSuite(report: RunReport, id: number): string[] {
  const n = report.expiredWaivers.length;
  const out = [
    `  <testsuite${attrs([
      ['name', EXPIRED_WAIVERS_SUITE],
      ['id', id],
      ['tests', n],
      ['failures', n],
      ['errors', 0],
      ['skipped', 0],
      ['time', formatSeconds(0)],
      ['timestamp', report.startedAt],
    ])}>`,
  ];
  for (const w of report.expiredWaivers) {
    const message = `waiver for ${w.rule} expired on ${w.expires}: ${w.reason}`;
    out.push(
      `    <testcase${attrs([
        ['classname', EXPIRED_WAIVERS_SUITE],
        ['name', `expired waiver ${w.rule}`],
        ['time', formatSeconds(0)],
      ])}>`,
      `      <properties><property${attrs([
        ['name', 'rule'],
        ['value', w.rule],
      ])}/></properties>`,
      `      <failure${attrs([
        ['message', message],
        ['type', 'expired-waiver'],
      ])}>${escapeXmlText(`${message}\nRenew the waiver or remove it.`)}</failure>`,
      '    </testcase>',
    );
  }
  out.push('  </testsuite>');
  return out;
}

/** A run that verified nothing exits 4: one errored testcase says so, so a JUnit view is not green. */
function verdictSuite(report: RunReport, id: number): string[] {
  const message = verdictLine(report);
  return [
    `  <testsuite${attrs([
      ['name', VERDICT_SUITE],
      ['id', id],
      ['tests', 1],
      ['failures', 0],
      ['errors', 1],
      ['skipped', 0],
      ['time', formatSeconds(0)],
      ['timestamp', report.startedAt],
    ])}>`,
    `    <testcase${attrs([
      ['classname', VERDICT_SUITE],
      ['name', 'the run verified something'],
      ['time', formatSeconds(0)],
    ])}>`,
    `      <error${attrs([
      ['message', message],
      ['type', 'nothing-ran'],
    ])}>${escapeXmlText(`${message}\nNo check passed, failed or errored: promoproof exits 4.`)}</error>`,
    '    </testcase>',
    '  </testsuite>',
  ];
}

function testcase(r: CheckResult, report: RunReport): string[] {
  const pairs: [string, string | number][] = [
    ['classname', r.suite],
    ['name', `${r.id} ${r.title}`],
    ['time', formatSeconds(r.durationMs)],
  ];
  if (r.source) pairs.push(['file', r.source.file], ['line', r.source.line]);
  const out = [`    <testcase${attrs(pairs)}>`, '      <properties>'];
  for (const rule of r.rules)
    out.push(
      `        <property${attrs([
        ['name', 'rule'],
        ['value', rule],
      ])}/>`,
    );
  out.push(
    `        <property${attrs([
      ['name', 'level'],
      ['value', r.level],
    ])}/>`,
  );
  for (const tag of r.tags)
    out.push(
      `        <property${attrs([
        ['name', 'tag'],
        ['value', tag],
      ])}/>`,
    );
  out.push('      </properties>');

  const type = r.rules[0] ?? r.status;
  if (isWaived(r)) {
    const w = r.waived;
    out.push(`      <skipped${attrs([['message', `waived: ${w.reason} (expires ${w.expires})`]])}/>`);
    out.push(`      <system-out>${escapeXmlText(details(r, report, `waived ${r.status} check (rule ${w.rule})`))}</system-out>`);
  } else if ((r.status === 'failed' || r.status === 'errored') && !countsTowardVerdict(r, report)) {
    out.push(`      <skipped${attrs([['message', `${r.status} ${levelLabel(r, report)}: ${r.message}`]])}/>`);
    out.push(
      `      <system-out>${escapeXmlText(details(r, report, `${r.status} ref check; does not fail the run (pass --strict-ref to count it)`))}</system-out>`,
    );
  } else if (r.status === 'failed') {
    out.push(
      `      <failure${attrs([
        ['message', r.message],
        ['type', type],
      ])}>${escapeXmlText(details(r, report))}</failure>`,
    );
  } else if (r.status === 'errored') {
    out.push(
      `      <error${attrs([
        ['message', r.message],
        ['type', type],
      ])}>${escapeXmlText(details(r, report))}</error>`,
    );
  } else if (r.status === 'skipped') {
    out.push(`      <skipped${attrs([['message', r.message]])}/>`);
  } else if (r.status === 'inconclusive') {
    out.push(`      <skipped${attrs([['message', `inconclusive: ${r.message}`]])}/>`);
  }
  out.push('    </testcase>');
  return out;
}

/** The plain-text body of a failure or error: message, source, expected / actual, request, response, curl. */
function details(r: CheckResult, report: RunReport, heading?: string): string {
  const lines: string[] = [];
  if (heading) lines.push(heading);
  lines.push(r.message);
  lines.push(`rules: ${r.rules.join(', ')} — ${levelLabel(r, report)}`);
  if (r.source) lines.push(`source: ${r.source.file}:${r.source.line}`);
  if (r.failure) lines.push(...failureLines(r.failure));
  return lines.join('\n');
}

function failureLines(f: Failure): string[] {
  const lines = [`step: ${f.step}${f.asserting === false ? ' (setup step)' : ''}`, `expected: ${f.expected}`, `actual: ${f.actual}`];
  if (f.request) {
    lines.push(`request: ${f.request.httpMethod} ${f.request.url}`, `operation: ${f.request.operation}`);
    for (const [k, v] of Object.entries(f.request.params)) lines.push(`  ${k}=${v}`);
  }
  if (f.response) {
    const meta = [f.response.contentType ?? '', f.response.truncated ? 'truncated' : ''].filter((s) => s !== '').join(', ');
    lines.push(`response: ${f.response.status}${meta ? ` (${meta})` : ''}`, f.response.body);
  }
  if (f.curl !== undefined) lines.push(`curl: ${f.curl}`);
  return lines;
}
