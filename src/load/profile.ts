/**
 * Load profiles as data (specs/schema/load-profile.schema.json): found by name under scenarios/load/ or
 * by path, validated once (the schema, then the meaning: APIs, operations, refusal codes, phases,
 * durations, SLOs, templates and the variables they read) with every problem at file:line:column, and
 * frozen. Also the two small languages a profile writes: durations (`1m30s`) and SLOs (`claim.p99<200ms`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import { APIS } from '../apis/index.js';
import { CliError, EXIT } from '../cli/exit-codes.js';
import { readUserFile } from '../cli/files.js';
import { LoadError, type LoadProblem } from '../core/errors.js';
import { didYouMean } from '../core/hints.js';
import { packageFolder } from '../core/package-root.js';
import { schemaProblems } from '../core/schema-check.js';
import { parseYamlSource, type YamlSource } from '../core/yaml-source.js';
import { checkTemplates, type Expr, parseTemplate } from '../scenario/template.js';
import type { Step } from '../scenario/types.js';
import { protocolAdapter } from '../protocols/index.js';
import { type LoadOperationDoc, type LoadProfileDoc, OUTCOME_CLASSES, type OutcomeClass, type PhaseDoc } from './types.js';

/** Absolute path of the bundled profiles' folder, scenarios/load/. */
export const LOAD_PROFILES_DIR = `${packageFolder('scenarios')}load/`;

const SCHEMA = 'load-profile.schema.json';

/** A validated, frozen profile and the file it came from (as messages show it: relative to cwd). */
export interface LoadedProfile {
  readonly doc: LoadProfileDoc;
  readonly file: string;
}

/** One line of `load --list`. */
export interface ProfileSummary {
  readonly name: string;
  readonly title: string;
  /** The first line of the description. */
  readonly summary: string;
}

/**
 * Loads a profile: a bare name (`claim-storm`) is the bundled scenarios/load/NAME.yaml; anything with
 * a slash or ending in .yaml / .yml is a path, relative to `cwd`. A file that cannot be read, or a name
 * no bundled profile has (the known names listed), is a usage error (CliError, exit 2); a profile that
 * does not validate throws one LoadError with every problem at file:line:column.
 */
export function loadProfile(nameOrPath: string, cwd: string = process.cwd()): LoadedProfile {
  const isPath = /[/\\]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath);
  let abs: string;
  let text: string;
  if (isPath) {
    ({ abs, text } = readUserFile('load profile', nameOrPath, cwd));
  } else {
    abs = join(LOAD_PROFILES_DIR, `${nameOrPath}.yaml`);
    if (!existsSync(abs)) {
      const known = bundledNames();
      throw new CliError(
        `no load profile '${nameOrPath}'${didYouMean(nameOrPath, known)} (known: ${known.join(', ')}; or give a file: ./my-profile.yaml)`,
        EXIT.usage,
        'PP_USAGE',
      );
    }
    text = readFileSync(abs, 'utf8');
  }
  const file = relative(cwd, abs) || abs;
  return { doc: parseProfile(file, text), file };
}

/**
 * Validates a profile's text (`file` names it in messages; its base name is the profile's name) and
 * returns it frozen; throws one LoadError with every problem of the first stage that has any: syntax,
 * the schema, then the meaning (which reads only a profile the schema holds, as a suite's files do).
 */
export function parseProfile(file: string, text: string): LoadProfileDoc {
  const source = parseYamlSource(file, text);
  const schema = schemaProblems(source, SCHEMA, { independent: true });
  if (schema.length > 0) throw new LoadError(schema);
  const doc = source.value as LoadProfileDoc;
  const problems = meaningProblems(doc, source, basename(file).replace(/\.ya?ml$/i, ''));
  if (problems.length > 0) throw new LoadError(sortProblems(problems));
  return deepFreeze(doc);
}

/** The bundled profiles, by name, each with its title and the first line of its description. */
export function listProfiles(dir: string = LOAD_PROFILES_DIR): ProfileSummary[] {
  return bundledNames(dir).map((name) => {
    try {
      const doc = parse(readFileSync(join(dir, `${name}.yaml`), 'utf8')) as Partial<Record<'title' | 'description', unknown>>;
      const description = typeof doc.description === 'string' ? doc.description : '';
      return { name, title: typeof doc.title === 'string' ? doc.title : '', summary: description.trim().split('\n')[0] ?? '' };
    } catch {
      return { name, title: '', summary: `does not load: see 'promoproof load --profile ${name}'` };
    }
  });
}

function bundledNames(dir: string = LOAD_PROFILES_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- durations and SLOs

const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * A duration in ms: units largest first, each an integer (`30s`, `2m`, `500ms`, `1m30s`, `1h`, `0s`);
 * undefined for anything else (a bare number, `1.5s`, `30 s`, `2s1m`).
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null || text === '') return undefined;
  const [, h, min, s, ms] = m;
  const total = Number(h ?? 0) * 3_600_000 + Number(min ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0);
  return Number.isSafeInteger(total) ? total : undefined;
}

export const SLO_METRICS = ['p50', 'p90', 'p99', 'p999', 'max', 'errors', 'achieved'] as const;
export type SloMetric = (typeof SLO_METRICS)[number];

/**
 * One service level: `metric op value` over one operation (or the whole run). Latency metrics (p50 … max)
 * hold ms, read from the answers of one outcome class (`class`; success when not written);
 * `errors` (the share of answers that are not a success or an expected refusal) and `achieved`
 * (achieved ÷ intended rate) hold a fraction (`0.1%` is 0.001). src/load/slo.ts evaluates them.
 */
export interface Slo {
  readonly operation?: string;
  /** Latency metrics only: the outcome class whose latency is meant (absent: success). */
  readonly class?: OutcomeClass;
  readonly metric: SloMetric;
  readonly op: '<' | '<=' | '>' | '>=';
  readonly value: number;
}

const SLO = /^\s*(?:([a-z][a-z0-9-]*)\.)?(?:([a-z][a-z-]*)\.)?([a-z0-9]+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|%)?\s*$/;
const TO_MS: Readonly<Record<string, number>> = { us: 0.001, µs: 0.001, ms: 1, s: 1000 };

/**
 * Parses `[OPERATION.[CLASS.]]METRIC OP VALUE[UNIT]`: `claim.p99<200ms`, `p50 <= 20ms`, `max<2s`,
 * `errors<0.1%`, `claim.achieved>=99%`, `claim.refusal.p99<50ms` (the latency of one outcome class of
 * one operation; without a class a latency is the successes'). A latency needs a time unit (us, µs, ms,
 * s); errors and achieved a percentage, and take no class. Throws an Error saying what is wrong
 * otherwise. Whether the operation exists is the profile's check.
 */
export function parseSlo(text: string): Slo {
  const m = SLO.exec(text);
  if (m === null)
    throw new Error(`'${text}' is not an SLO: write [OPERATION.[CLASS.]]METRIC OP VALUE, e.g. claim.p99<200ms or errors<0.1%`);
  const [, operation, classText, metricText = '', op = '<', number = '0', unit] = m;
  const metric = SLO_METRICS.find((x) => x === metricText);
  if (metric === undefined) throw new Error(`'${text}': unknown metric '${metricText}' (known: ${SLO_METRICS.join(', ')})`);
  const klass = classText === undefined ? undefined : sloClass(text, classText, metric);
  const n = Number(number);
  let value: number;
  if (metric === 'errors' || metric === 'achieved') {
    if (unit !== '%') throw new Error(`'${text}': ${metric} is a percentage (${metric === 'errors' ? 'errors<0.1%' : 'achieved>=99%'})`);
    if (n > 100) throw new Error(`'${text}': a percentage is at most 100%`);
    value = n / 100;
  } else {
    const factor = unit === undefined ? undefined : TO_MS[unit];
    if (factor === undefined) throw new Error(`'${text}': a latency needs a time unit: us, ms or s (${metric}<200ms)`);
    value = n * factor;
  }
  return {
    ...(operation !== undefined ? { operation } : {}),
    ...(klass !== undefined ? { class: klass } : {}),
    metric,
    op: op as Slo['op'],
    value,
  };
}

/** The class of `OPERATION.CLASS.METRIC`: a class with a latency, and a latency metric. */
function sloClass(text: string, classText: string, metric: SloMetric): OutcomeClass {
  const withLatency = OUTCOME_CLASSES.filter((k) => k !== 'transport');
  if (metric === 'errors' || metric === 'achieved')
    throw new Error(`'${text}': ${metric} takes no outcome class (a class qualifies a latency: claim.refusal.p99<50ms)`);
  if (classText === 'transport') throw new Error(`'${text}': transport errors have no latency (nothing reached the target)`);
  const k = withLatency.find((x) => x === classText);
  if (k === undefined) throw new Error(`'${text}': unknown outcome class '${classText}' (known: ${withLatency.join(', ')})`);
  return k;
}

// ---------------------------------------------------------------- what a profile means

/** Variables every request of the mix has (src/load/mix.ts sets them). */
const PER_REQUEST = ['user', 'requestId', 'index'] as const;

type Path = (string | number)[];

/** Every problem of meaning in a schema-valid profile, each at its place. */
function meaningProblems(doc: LoadProfileDoc, source: YamlSource, fileName: string): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const report = (code: LoadProblem['code'], message: string, path: Path) => problems.push(source.problem(code, message, path));
  if (doc.profile !== fileName)
    report('PP_PROFILE', `profile '${doc.profile}' in file ${fileName}.yaml: a profile is named as its file`, ['profile']);

  doc.apis.forEach((api, i) => {
    if (!APIS.has(api))
      report('PP_UNKNOWN_API', `unknown API '${api}'${didYouMean(api, APIS.keys())} (known: ${[...APIS.keys()].join(', ')})`, ['apis', i]);
  });
  const first = doc.apis[0] ?? '';
  /** The API a step or an operation calls, when promoproof has it and the profile lists it; else a problem at `path` (undefined then). */
  const apiAt = (api: string | undefined, path: Path) => {
    const id = api ?? first;
    if (!APIS.has(id)) {
      // An unknown first API is reported at `apis` already.
      if (api !== undefined) report('PP_UNKNOWN_API', `unknown API '${id}'${didYouMean(id, APIS.keys())}`, path);
      return undefined;
    }
    if (!doc.apis.includes(id)) {
      report('PP_UNKNOWN_API', `API '${id}' is not in the profile's apis (${doc.apis.join(', ')}): list every API it calls`, path);
      return undefined;
    }
    return APIS.get(id);
  };
  const operationAt = (api: string | undefined, call: string, apiPath: Path, callPath: Path) => {
    const def = apiAt(api, apiPath);
    const op = def?.compiled().operations.get(call);
    if (def !== undefined && op === undefined)
      report(
        'PP_UNKNOWN_OPERATION',
        `unknown operation '${call}' of ${def.id}${didYouMean(call, def.compiled().operations.keys())}`,
        callPath,
      );
    return def !== undefined && op !== undefined ? { def, op } : undefined;
  };

  // The setup: call and parallel steps of the profile's APIs, in order; each sees the captures before it.
  const targetOptions = new Set([...APIS.values()].flatMap((a) => Object.keys(a.options ?? {})));
  const known = new Set<string>(['target', ...Object.keys(doc.vars ?? {})]);
  for (const t of checkTemplates(doc.vars ?? {}, ['vars'])) report('PP_TEMPLATE', t.message, t.path);
  (doc.setup ?? []).forEach((step, i) => {
    const at: Path = ['setup', i];
    if ('call' in step) operationAt(step.api, step.call, [...at, 'api'], [...at, 'call']);
    else if ('parallel' in step) {
      const p = step.parallel;
      for (const [k, c] of (p.steps ?? []).entries())
        operationAt(p.api, c.call, [...at, 'parallel', 'api'], [...at, 'parallel', 'steps', k, 'call']);
      if (p.call !== undefined) operationAt(p.api, p.call, [...at, 'parallel', 'api'], [...at, 'parallel', 'call']);
    }
    for (const t of checkTemplates(step, at)) report('PP_TEMPLATE', t.message, t.path);
    const sees = 'parallel' in step ? new Set([...known, 'index']) : known;
    problems.push(...variableProblems(withoutCapture(step), sees, targetOptions, source, at));
    for (const name of Object.keys(('capture' in step ? step.capture : undefined) ?? {})) known.add(name);
  });

  // The mix: names unique, operations of the listed APIs, codes the operation or its protocol declares.
  const names = new Map<string, number>();
  doc.mix.forEach((o, i) => {
    const at: Path = ['mix', i];
    const prior = names.get(o.name);
    if (prior !== undefined)
      report('PP_DUPLICATE_ID', `operation name '${o.name}' is also the name of mix entry ${prior + 1}`, [...at, 'name']);
    else names.set(o.name, i);
    const found = operationAt(o.api, o.call, [...at, 'api'], [...at, 'call']);
    if (found) problems.push(...codeProblems(o, found.op.spec.errors, found.def.protocol, source, at));
    for (const t of checkTemplates({ params: o.params ?? {}, stock: o.stock ?? 0 }, at)) report('PP_TEMPLATE', t.message, t.path);
    problems.push(...variableProblems(o.params ?? {}, new Set([...known, ...PER_REQUEST]), targetOptions, source, [...at, 'params']));
    problems.push(...variableProblems(o.stock ?? 0, known, targetOptions, source, [...at, 'stock']));
    if (found && o.audit !== undefined && o.audit !== 'none') {
      const reads = found.def.audit?.reads ?? {};
      if (reads[o.call]?.role !== o.audit) {
        const can = Object.entries(reads).map(([call, r]) => `${call}: ${r.role}`);
        report(
          'PP_PROFILE',
          `the audit cannot read ${o.call} as a ${o.audit} (${can.length > 0 ? `what it reads of ${found.def.id}: ${can.join(', ')}` : `it reads nothing of ${found.def.id}`}); write audit: none, or leave it out`,
          [...at, 'audit'],
        );
      }
    }
    // A re-send is recognised by its request id: without one it is just another request, counted twice.
    if (o.retries !== undefined && !JSON.stringify(o.params ?? {}).includes('${requestId}'))
      report(
        'PP_PROFILE',
        `retries re-send ${o.name} with its request id, but its params send no \${requestId}: a re-send would be another request`,
        [...at, 'retries'],
      );
  });
  problems.push(...auditProblems(doc, known, targetOptions, source));

  problems.push(...phaseProblems(doc.phases, names, source));
  (doc.slo ?? []).forEach((text, i) => {
    try {
      const slo = parseSlo(text);
      if (slo.operation !== undefined && !names.has(slo.operation))
        report(
          'PP_PROFILE',
          `SLO '${text}' names operation '${slo.operation}', which the mix does not have${didYouMean(slo.operation, names.keys())} (mix: ${[...names.keys()].join(', ')})`,
          ['slo', i],
        );
    } catch (e) {
      report('PP_PROFILE', (e as Error).message, ['slo', i]);
    }
  });
  return problems;
}

/** The audit block: its templates read variables that exist, and each batch is one an API of the profile can name. */
function auditProblems(
  doc: LoadProfileDoc,
  known: ReadonlySet<string>,
  targetOptions: ReadonlySet<string>,
  source: YamlSource,
): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const namers = doc.apis.filter((api) => APIS.get(api)?.audit?.batchOf !== undefined);
  (doc.audit?.batches ?? []).forEach((b, i) => {
    const at: Path = ['audit', 'batches', i];
    const { batch, stock = 0, perUser = 0, perDay = 0, perUserDaily = 0, amountPerDayFen = 0 } = b;
    const templated = { batch, stock, perUser, perDay, perUserDaily, amountPerDayFen };
    for (const t of checkTemplates(templated, at)) problems.push(source.problem('PP_TEMPLATE', t.message, t.path));
    problems.push(...variableProblems(templated, known, targetOptions, source, at));
    if (namers.length === 0)
      problems.push(
        source.problem('PP_PROFILE', `no API of the profile (${doc.apis.join(', ')}) names batches the audit can follow`, [...at, 'batch']),
      );
  });
  return problems;
}

/** The refusals and sold-out codes of one mix entry: declared by its operation or its protocol, sold-out among the refusals. */
function codeProblems(o: LoadOperationDoc, declared: readonly string[], protocol: string, source: YamlSource, at: Path): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const ofProtocol = new Set(protocolAdapter(protocol).errorCodes());
  const check = (code: string, path: Path) => {
    if (declared.includes(code) || ofProtocol.has(code)) return;
    problems.push(
      source.problem(
        'PP_UNKNOWN_CODE',
        `'${code}' is neither an error of ${o.call} (${declared.join(', ') || 'its spec lists none'}) nor a code of protocol ${protocol}${didYouMean(code, [...declared, ...ofProtocol])}`,
        path,
      ),
    );
  };
  if (Array.isArray(o.refusals)) for (const [k, code] of o.refusals.entries()) check(code, [...at, 'refusals', k]);
  (o.soldOut ?? []).forEach((code, k) => {
    check(code, [...at, 'soldOut', k]);
    if (o.refusals !== 'any' && !(o.refusals ?? []).includes(code))
      problems.push(
        source.problem(
          'PP_PROFILE',
          `sold-out code '${code}' is not among the operation's refusals: a sold-out answer would count as an error (add it to refusals)`,
          [...at, 'soldOut', k],
        ),
      );
  });
  return problems;
}

/** Durations that parse and are not 0, ramps that move, spikes of a mix operation, warm-up first, something measured. */
function phaseProblems(phases: readonly PhaseDoc[], names: ReadonlyMap<string, number>, source: YamlSource): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const report = (message: string, path: Path) => problems.push(source.problem('PP_PROFILE', message, path));
  let measuredSeen = false;
  phases.forEach((p, i) => {
    const at: Path = ['phases', i];
    if (p.phase === 'spike') {
      if (p.operation !== undefined && !names.has(p.operation))
        report(
          `the spike's operation '${p.operation}' is not in the mix${didYouMean(p.operation, names.keys())} (mix: ${[...names.keys()].join(', ')})`,
          [...at, 'operation'],
        );
    } else {
      const ms = parseDuration(p.duration);
      if (ms === undefined) report(`duration '${p.duration}' does not parse: write 30s, 2m, 500ms or 1m30s`, [...at, 'duration']);
      else if (ms === 0) report('a phase of 0 s sends nothing: give it a duration', [...at, 'duration']);
      if (p.phase === 'ramp' && p.from === 0 && p.to === 0) report('a ramp from 0 to 0 sends nothing', at);
    }
    if (p.phase === 'warm-up' && measuredSeen)
      report('a warm-up comes before the measured phases (it is excluded from every figure)', [...at, 'phase']);
    if (p.phase !== 'warm-up') measuredSeen = true;
  });
  if (!measuredSeen) report('every phase is a warm-up: nothing would be measured', ['phases']);
  return problems;
}

/**
 * Every `${…}` of a value that reads a variable nobody sets (`known` roots; `target.NAME` one of the
 * APIs' options), or a SKU role or pool SKU (a profile declares no roles and has no pool block).
 */
function variableProblems(
  value: unknown,
  known: ReadonlySet<string>,
  targetOptions: ReadonlySet<string>,
  source: YamlSource,
  path: Path,
): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const visit = (v: unknown, at: Path) => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return;
      let parts: (string | Expr)[];
      try {
        parts = parseTemplate(v);
      } catch {
        return; // checkTemplates reports it
      }
      for (const e of parts) {
        const message = typeof e === 'string' ? undefined : exprProblem(e, known, targetOptions);
        if (message !== undefined) problems.push(source.problem('PP_TEMPLATE', message, at));
      }
    } else if (Array.isArray(v)) for (const [i, x] of v.entries()) visit(x, [...at, i]);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, [...at, k]);
  };
  visit(value, path);
  return problems;
}

function exprProblem(e: Expr, known: ReadonlySet<string>, targetOptions: ReadonlySet<string>): string | undefined {
  if (e.kind === 'role') return `\${sku.${e.role}}: a load profile declares no SKU roles; name catalogue SKUs by position (\${sku[0]})`;
  if (e.kind === 'pool') return '${pool[…]}: a load profile has no SKU pool block; name catalogue SKUs by position (${sku[0]})';
  const varPath = e.kind === 'var' ? e.path : e.kind === 'time' && e.base !== 'now' ? e.base.path : undefined;
  if (varPath === undefined) return undefined;
  const [root, field] = varPath;
  if (root === 'target') {
    return typeof field === 'string' && targetOptions.has(field)
      ? undefined
      : `unknown target value '${String(field)}'${didYouMean(String(field), targetOptions)} (known: ${[...targetOptions].join(', ')})`;
  }
  if (typeof root === 'string' && known.has(root)) return undefined;
  return `unknown variable '${String(root)}'${didYouMean(String(root), known)} (known here: ${[...known].join(', ')})`;
}

/** A step without its captures (paths into answers, not templates). */
function withoutCapture(step: Step): unknown {
  const { capture: _capture, ...rest } = step as Step & { capture?: unknown };
  return rest;
}

function sortProblems(problems: readonly LoadProblem[]): LoadProblem[] {
  return [...problems].sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
