/**
 * A load run as JUnit XML, so that CI dashboards show its gates as they show tests: one testsuite
 * (`promoproof.load.<profile>`) with one testcase for the run's validity (the generator's health), one
 * for conformance (non-conformant answers, by operation), one per SLO (a failure with observed vs limit
 * when missed or not measured) and one per audit invariant when the run was audited (a failure when
 * violated, skipped when it could not be checked or does not count in this run). A pure function returning the document; text is
 * escaped as the conformance JUnit report escapes it (src/report/escape.ts), so whatever a target said
 * in a sample cannot break the XML. A capacity search (`--find-capacity`) adds a testcase for the search
 * itself, first: passed when a capacity was found, failed with the search's headline otherwise (what broke,
 * at which rate), with every step's line; the other testcases are its held step's run.
 */
import { escapeXmlAttr, escapeXmlText } from '../report/escape.js';
import { formatSeconds } from '../report/text.js';
import { unmappedNotice } from './refusals.js';
import { capacityStepLine } from './render-capacity.js';
import { formatValue } from './slo.js';
import type { AuditInvariantResult, CapacitySearch, LoadResult, SloVerdict } from './types.js';
import { capacityVerdict } from './verdict.js';

/** One testcase: its group (classname suffix), name, outcome and text. */
interface Case {
  readonly group: 'capacity' | 'run' | 'conformance' | 'slo' | 'audit';
  readonly name: string;
  readonly timeMs?: number;
  readonly outcome:
    | { readonly kind: 'passed'; readonly out?: string }
    | { readonly kind: 'failure' | 'error'; readonly type: string; readonly message: string; readonly body: string }
    | { readonly kind: 'skipped'; readonly message: string };
}

/** The JUnit XML of a load run (see the module comment); ends with a newline. */
export function renderLoadJunit(result: LoadResult): string {
  const suite = `promoproof.load.${result.profile.name}`;
  const cases = [
    ...(result.capacity ? [capacityCase(result.capacity, result)] : []),
    validityCase(result),
    conformanceCase(result),
    ...(result.sloVerdicts ?? []).map(sloCase),
    ...auditCases(result),
  ];
  const n = (kind: string) => cases.filter((c) => c.outcome.kind === kind).length;
  const counts: [string, number][] = [
    ['tests', cases.length],
    ['failures', n('failure')],
    ['errors', n('error')],
    ['skipped', n('skipped')],
  ];
  const time = formatSeconds(result.durationMs);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([['name', 'promoproof load'], ...counts, ['time', time], ['timestamp', result.startedAt]])}>`,
    `  <testsuite${attrs([['name', suite], ['id', 0], ...counts, ['time', time], ['timestamp', result.startedAt]])}>`,
    '    <properties>',
    ...(
      [
        ['profile', `${result.profile.name} (${result.profile.file})`],
        ['target', result.target.url],
        ['model', result.model],
        ['latency-from', result.latencyFrom],
        ['stopped-by', result.stoppedBy],
        ['processes', result.processes],
      ] as const
    ).map(
      ([name, value]) =>
        `      <property${attrs([
          ['name', name],
          ['value', value],
        ])}/>`,
    ),
    '    </properties>',
  ];
  for (const c of cases) out.push(...testcase(suite, c));
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

/**
 * The capacity search itself, in step with its exit code (src/load/verdict.ts capacityVerdict): passed
 * when a capacity was found; a failure when a step was not exact, no rate held, or the held rate's audit
 * was partial; an error when the generator's limit came first (as an invalid run is: not the target's
 * failure); skipped when it was interrupted. The headline is the message; the body lists every step
 * with what broke it.
 */
function capacityCase(c: CapacitySearch, shown: LoadResult): Case {
  const v = capacityVerdict(c, shown);
  const name = 'capacity: the highest rate that held every gate, exact';
  const body = [
    `${v.headline}: ${v.reason}`,
    ...v.notes,
    `gates: ${c.slo.join(', ') || 'none'}`,
    ...c.steps.map((s) => capacityStepLine(s, { color: false })),
    `stopped: ${c.stoppedBy}`,
  ].join('\n');
  const base = { group: 'capacity', name, timeMs: c.durationMs } as const;
  switch (v.status) {
    case 'pass':
      return { ...base, outcome: { kind: 'passed', out: body } };
    case 'interrupted':
      return { ...base, outcome: { kind: 'skipped', message: `interrupted: ${v.reason}` } };
    case 'invalid':
      return { ...base, outcome: { kind: 'error', type: 'capacity-generator-limit', message: v.reason, body } };
    default:
      return { ...base, outcome: { kind: 'failure', type: CAPACITY_FAILURE[v.status], message: v.reason, body } };
  }
}

/** The failure type of a capacity search, per status. */
const CAPACITY_FAILURE = { fail: 'capacity-not-exact', 'slo-missed': 'capacity-no-rate-held', partial: 'capacity-not-verified' } as const;

/** The run is valid when the generator kept up: an invalid run (exit 6) is an error, not the target's failure. */
function validityCase(r: LoadResult): Case {
  const g = r.generator;
  const name = 'the run is valid (the generator kept up)';
  if (g.valid)
    return {
      group: 'run',
      name,
      timeMs: r.durationMs,
      outcome: { kind: 'passed', ...(g.reasons.length > 0 ? { out: g.reasons.join('\n') } : {}) },
    };
  return {
    group: 'run',
    name,
    timeMs: r.durationMs,
    outcome: {
      kind: 'error',
      type: 'invalid-run',
      message: 'INVALID RUN: the generator, not the target, limited this run; its figures measure this machine',
      body: [
        `CPU mean ${g.cpuPercent.mean.toFixed(0)} % (max ${g.cpuPercent.max.toFixed(0)} %) of one core; event-loop delay p99 ${g.eventLoopDelayMs.p99} ms; late sends ${g.lateSends} (${(g.lateShare * 100).toFixed(1)} %)`,
        ...g.reasons.map((x) => `- ${x}`),
      ].join('\n'),
    },
  };
}

/** Every answer of the measured window conformant; a failure names each operation's non-conformant answers and reasons. */
function conformanceCase(r: LoadResult): Case {
  const name = 'every answer is conformant';
  const bad = Object.entries(r.totals.operations).filter(([, o]) => o.classes['non-conformant'].count > 0);
  // Refusals a binding does not map cannot be judged conformant or not: said here, where a CI reader looks.
  const unmapped = unmappedNotice(r.totals.operations);
  if (bad.length === 0)
    return {
      group: 'conformance',
      name,
      outcome: unmapped === undefined ? { kind: 'passed' } : { kind: 'passed', out: `notice: ${unmapped}` },
    };
  const total = bad.reduce((s, [, o]) => s + o.classes['non-conformant'].count, 0);
  const lines = bad.map(
    ([op, o]) =>
      `${op}: ${o.classes['non-conformant'].count} non-conformant of ${o.count} answers (${Object.entries(o.nonConformant)
        .map(([why, k]) => `${why} ×${k}`)
        .join(', ')})`,
  );
  const samples = r.samples
    .filter((s) => s.class === 'non-conformant')
    .flatMap((s) => [`sample ${s.operation}: ${s.said}`, ...(s.curl !== undefined ? [`  ${s.curl}`] : [])]);
  return {
    group: 'conformance',
    name,
    outcome: {
      kind: 'failure',
      type: 'non-conformant',
      message: `${total} non-conformant answer${total === 1 ? '' : 's'} under load (${bad.map(([op]) => op).join(', ')})`,
      body: [...lines, ...samples, ...(unmapped === undefined ? [] : [`notice: ${unmapped}`])].join('\n'),
    },
  };
}

function sloCase(v: SloVerdict): Case {
  const name = `SLO ${v.slo}`;
  if (v.held) return { group: 'slo', name, outcome: { kind: 'passed', out: v.reason } };
  const observed = v.observed === null ? 'not measured' : formatValue(v.observed, v.unit);
  return {
    group: 'slo',
    name,
    outcome: {
      kind: 'failure',
      type: v.observed === null ? 'slo-not-measured' : 'slo-missed',
      message: `${v.slo} (${v.source}): observed ${observed}, limit ${v.op} ${formatValue(v.limit, v.unit)}`,
      body: v.reason,
    },
  };
}

// ---------------------------------------------------------------- the audit (src/load/audit.ts), when the run was audited

/**
 * One testcase per invariant: a violation that counts in this run is a failure (one that does not — a
 * `ref` invariant against another target — is skipped, saying so, as the conformance report does);
 * an invariant not checked is skipped with its reason (a partial audit is never a pass). An audit that
 * did not run is one skipped testcase saying why.
 */
function auditCases(r: LoadResult): Case[] {
  const audit = r.audit;
  if (audit === undefined) return [];
  if (audit.status === 'skipped' && audit.invariants.length === 0)
    return [{ group: 'audit', name: 'audit', outcome: { kind: 'skipped', message: `audit skipped: ${audit.reason}` } }];
  return audit.invariants.map((inv) => invariantCase(inv));
}

function invariantCase(inv: AuditInvariantResult): Case {
  const name = `audit ${inv.id}: ${inv.title}`;
  const figures = `expected ${inv.expected}, observed ${inv.observed}`;
  const rule = inv.rule !== undefined ? ` (rule ${inv.rule}, ${inv.level})` : ` (${inv.level})`;
  if (inv.status === 'held') return { group: 'audit', name, outcome: { kind: 'passed', out: `${figures}${rule}` } };
  if (inv.status === 'not-checked')
    return { group: 'audit', name, outcome: { kind: 'skipped', message: `not checked: ${inv.reason ?? 'the target could not be asked'}` } };
  if (inv.status === 'skipped') return { group: 'audit', name, outcome: { kind: 'skipped', message: `skipped: ${inv.reason ?? ''}` } };
  if (!inv.counts)
    return { group: 'audit', name, outcome: { kind: 'skipped', message: `violated, ${inv.level}: does not fail this run: ${figures}` } };
  const examples = inv.examples.map(
    (e) =>
      `- user ${e.user}${e.requestId !== undefined ? `, request ${e.requestId}` : ''}${e.couponCode !== undefined ? `, coupon ${e.couponCode}` : ''}${e.refusalCode !== undefined ? `, refused ${e.refusalCode}` : ''}${e.note !== undefined ? ` (${e.note})` : ''}`,
  );
  return {
    group: 'audit',
    name,
    outcome: {
      kind: 'failure',
      type: 'audit-violated',
      message: `${inv.id} violated: ${figures}`,
      body: [`${inv.title}: ${figures}${rule}`, ...(inv.reason !== undefined ? [inv.reason] : []), ...examples].join('\n'),
    },
  };
}

// ---------------------------------------------------------------- XML

function testcase(suite: string, c: Case): string[] {
  const open = `    <testcase${attrs([
    ['classname', `${suite}.${c.group}`],
    ['name', c.name],
    ['time', formatSeconds(c.timeMs ?? 0)],
  ])}`;
  const o = c.outcome;
  switch (o.kind) {
    case 'passed':
      return o.out === undefined
        ? [`${open}/>`]
        : [`${open}>`, `      <system-out>${escapeXmlText(o.out)}</system-out>`, '    </testcase>'];
    case 'skipped':
      return [`${open}>`, `      <skipped${attrs([['message', o.message]])}/>`, '    </testcase>'];
    default:
      return [
        `${open}>`,
        `      <${o.kind}${attrs([
          ['message', o.message],
          ['type', o.type],
        ])}>${escapeXmlText(o.body)}</${o.kind}>`,
        '    </testcase>',
      ];
  }
}

/** `name="value"` pairs, every value escaped. */
function attrs(pairs: readonly (readonly [string, string | number])[]): string {
  return pairs.map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`).join('');
}
