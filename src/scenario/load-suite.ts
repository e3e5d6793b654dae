import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { baselineScenarios } from '../generate/cases.js';
import type { CompiledApi } from '../spec/compile.js';
import { loadRules } from '../spec/load.js';
import { oursReads } from './answer-reads.js';
import { LoadError, type LoadProblem } from '../core/errors.js';
import { didYouMean } from '../core/hints.js';
import { schemaProblems } from '../core/schema-check.js';
import { protocolAdapter } from '../protocols/index.js';
import { SCENARIOS_DIR, SUITES } from './suites.js';
import { roleProblems, sameRole } from './sku-roles.js';
import { checkTemplates, roleRefs } from './template.js';
import type { BaselineDoc, FixtureDoc, ScenarioDoc, ScenarioFileDoc, SkuRole, SourcePos, Step, Transport } from './types.js';
import { parseYamlSource, type YamlSource } from '../core/yaml-source.js';

export interface LoadedScenario {
  readonly doc: ScenarioDoc;
  readonly pos: SourcePos;
  /** Position of each table row, in order. */
  readonly rowPos: readonly SourcePos[];
}

export interface LoadedSuite {
  readonly name: string;
  /** The wire protocol of the suite's API. */
  readonly protocol: string;
  readonly scenarios: readonly LoadedScenario[];
  readonly fixtures: ReadonlyMap<string, { readonly doc: FixtureDoc; readonly pos: SourcePos }>;
  /** Valid requests the boundary generator mutates. */
  readonly baselines: readonly { readonly doc: BaselineDoc; readonly pos: SourcePos }[];
}

const SCHEMA = 'scenario.schema.json';

/**
 * Loads every YAML file of a suite folder, validates it (schema, rule ids, operations, fixtures,
 * templates, capabilities) and throws one LoadError listing every problem with file:line:column.
 * `root` is the folder holding suites (scenarios/ by default); file names in positions are relative to cwd.
 */
export function loadSuite(name: string, root: string = SCENARIOS_DIR, cwd: string = process.cwd()): LoadedSuite {
  const def = SUITES.get(name);
  const dir = join(root, name);
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch {
    throw new LoadError([
      { code: 'PP_UNKNOWN_SUITE', message: `no suite '${name}' (folder ${dir})`, pos: { file: dir, line: 1, column: 1 } },
    ]);
  }
  if (!def)
    throw new LoadError([
      {
        code: 'PP_UNKNOWN_SUITE',
        message: `suite '${name}' has no spec registered (known: ${[...SUITES.keys()].join(', ')})`,
        pos: { file: dir, line: 1, column: 1 },
      },
    ]);

  const problems: LoadProblem[] = [];
  const scenarios: LoadedScenario[] = [];
  const fixtures = new Map<string, { doc: FixtureDoc; pos: SourcePos; source: YamlSource; path: (string | number)[] }>();
  const uses: { use: string; source: YamlSource; path: (string | number)[]; owner: { requires?: readonly string[] } }[] = [];
  const seenIds = new Map<string, SourcePos>();
  // Who declares or names SKU roles, checked once every fixture is known.
  const roleOwners: RoleOwner[] = [];
  const baselines: { doc: BaselineDoc; pos: SourcePos }[] = [];
  // The steps of must checks: none may depend on a part of an answer that is ours.
  const mustOwners: MustOwner[] = [];
  const rules = new Map(loadRules().map((r) => [r.id, r]));
  const ruleIds = new Set(rules.keys());
  const suiteApi = def.compiled();
  const suiteTransportFields = new Set<string>(protocolAdapter(def.protocol).transportFields);

  for (const f of files) {
    const abs = join(dir, f);
    const shown = relative(cwd, abs) || abs;
    let source: YamlSource;
    try {
      source = parseYamlSource(shown, readFileSync(abs, 'utf8'));
    } catch (e) {
      if (e instanceof LoadError) problems.push(...e.problems);
      else problems.push({ code: 'PP_FILE', message: (e as Error).message, pos: { file: shown, line: 1, column: 1 } });
      continue;
    }
    const schemaIssues = schemaProblems(source, SCHEMA, { independent: true });
    if (schemaIssues.length > 0) {
      problems.push(...schemaIssues);
      continue;
    }
    const doc = source.value as ScenarioFileDoc;
    if (doc.suite !== name) problems.push(source.problem('PP_SUITE_MISMATCH', `suite '${doc.suite}' in folder '${name}'`, ['suite']));
    if (doc.protocol !== undefined && doc.protocol !== def.protocol)
      problems.push(source.problem('PP_SUITE_MISMATCH', `protocol '${doc.protocol}' in a suite of protocol ${def.protocol}`, ['protocol']));

    /** The transport fields and the operation of one call (a call step, or a call of a parallel step). */
    const checkCall = (
      call: { readonly call: string; readonly transport?: Transport; readonly api?: string },
      at: (string | number)[],
      parallel: boolean,
    ) => {
      // A call to another API of the target (`api:`) is checked against that API's spec and protocol.
      const other = call.api === undefined || call.api === name ? undefined : SUITES.get(call.api);
      if (call.api !== undefined && call.api !== name && other === undefined) {
        problems.push(
          source.problem('PP_UNKNOWN_SUITE', `unknown API '${call.api}'${didYouMean(call.api, SUITES.keys())}`, [
            ...at,
            ...(parallel ? ['parallel'] : []),
            'api',
          ]),
        );
        return;
      }
      const api = other ? other.compiled() : suiteApi;
      const transportFields = other ? new Set<string>(protocolAdapter(other.protocol).transportFields) : suiteTransportFields;
      const protocol = other ? other.protocol : def.protocol;
      for (const field of Object.keys(call.transport ?? {})) {
        if (!transportFields.has(field))
          problems.push(
            source.problem(
              'PP_TRANSPORT',
              `transport field '${field}' means nothing to protocol ${protocol} (it understands ${[...transportFields].join(', ')})`,
              [...at, 'transport', field],
            ),
          );
        // Clock skew is judged per answer near the window's edge; a parallel step judges a set of answers.
        else if (parallel && field === 'clockOffsetS')
          problems.push(
            source.problem('PP_TRANSPORT', 'a parallel step does not judge clock skew: use a call step for clockOffsetS', [
              ...at,
              'transport',
              field,
            ]),
          );
      }
      if (!api.operations.has(call.call))
        problems.push(
          source.problem('PP_UNKNOWN_OPERATION', `unknown operation '${call.call}'${didYouMean(call.call, api.operations.keys())}`, [
            ...at,
            'call',
          ]),
        );
    };

    const checkSteps = (steps: readonly Step[], base: (string | number)[], owner: { requires?: readonly string[] }) => {
      steps.forEach((step, i) => {
        const at = [...base, i];
        if ('call' in step) {
          checkCall(step, at, false);
        } else if ('parallel' in step) {
          const p = step.parallel;
          if (p.steps)
            for (const [k, c] of p.steps.entries())
              checkCall({ ...c, ...(p.api ? { api: p.api } : {}) }, [...at, 'parallel', 'steps', k], true);
          else if (p.call !== undefined)
            checkCall(
              { call: p.call, ...(p.transport ? { transport: p.transport } : {}), ...(p.api ? { api: p.api } : {}) },
              [...at, 'parallel'],
              true,
            );
          const by = step.expect?.perGroup?.by;
          if (by !== undefined) {
            // The group is a request parameter: every call of the step must send it.
            const head = /^[^.[]+/.exec(by)?.[0] ?? by;
            const calls = p.steps ?? [{ params: p.params }];
            const lacking = calls.findIndex((c) => !(head in (c.params ?? {})));
            if (lacking >= 0)
              problems.push(
                source.problem(
                  'PP_SCHEMA',
                  `perGroup.by '${by}' is not a parameter of ${p.steps ? `call ${lacking + 1} of the parallel steps` : 'the parallel call'} (its params: ${Object.keys(calls[lacking]?.params ?? {}).join(', ') || 'none'})`,
                  [...at, 'expect', 'perGroup', 'by'],
                ),
              );
          }
        } else if ('use' in step) {
          uses.push({ use: step.use, source, path: [...at, 'use'], owner });
        } else if (!(owner.requires ?? []).includes('test-control')) {
          problems.push(source.problem('PP_CAPABILITY', "a control step needs 'requires: [test-control]'", [...at, 'control']));
        }
        for (const t of checkTemplates(step, at)) problems.push(source.problem('PP_TEMPLATE', t.message, t.path));
      });
    };

    (doc.scenarios ?? []).forEach((s, i) => {
      const at = ['scenarios', i];
      const prior = seenIds.get(s.id);
      if (prior)
        problems.push(
          source.problem('PP_DUPLICATE_ID', `scenario id '${s.id}' is also used at ${prior.file}:${prior.line}`, [...at, 'id']),
        );
      seenIds.set(s.id, source.locate([...at, 'id']));
      s.covers.forEach((rule, k) => {
        if (!ruleIds.has(rule)) problems.push(source.problem('PP_UNKNOWN_RULE', `unknown rule id '${rule}'`, [...at, 'covers', k]));
      });
      for (const t of checkTemplates(s.vars ?? {}, [...at, 'vars'])) problems.push(source.problem('PP_TEMPLATE', t.message, t.path));
      for (const t of checkTemplates(s.table ?? [], [...at, 'table'])) problems.push(source.problem('PP_TEMPLATE', t.message, t.path));
      checkSteps(s.steps, [...at, 'steps'], s);
      if (s.level === 'must') mustOwners.push({ what: `must scenario '${s.id}'`, steps: s.steps, source, at: [...at, 'steps'] });
      if (usesPool(s) && !(s.requires ?? []).includes('sku-pool'))
        problems.push(source.problem('PP_CAPABILITY', "${pool[…]} needs 'requires: [sku-pool]'", at));
      scenarios.push({ doc: s, pos: source.locate(at), rowPos: (s.table ?? []).map((_, r) => source.locate([...at, 'table', r])) });
      roleOwners.push({
        what: `scenario '${s.id}'`,
        own: s.skus ?? {},
        steps: s.steps,
        source,
        at,
        values: [
          [s.vars ?? {}, [...at, 'vars']],
          [s.table ?? [], [...at, 'table']],
          [s.steps, [...at, 'steps']],
        ],
      });
    });
    (doc.baselines ?? []).forEach((b, i) => {
      const at = ['baselines', i];
      if (!suiteApi.operations.has(b.operation))
        problems.push(
          source.problem(
            'PP_UNKNOWN_OPERATION',
            `unknown operation '${b.operation}'${didYouMean(b.operation, suiteApi.operations.keys())}`,
            [...at, 'operation'],
          ),
        );
      checkSteps(b.setup ?? [], [...at, 'setup'], b);
      for (const t of checkTemplates({ vars: b.vars ?? {}, params: b.params, grow: b.grow ?? {} }, at))
        problems.push(source.problem('PP_TEMPLATE', t.message, t.path));
      // A baseline's setup runs in each case derived from it: in a must check if any case is must (its limit's rules).
      const setup = b.setup ?? [];
      if (
        setup.length > 0 &&
        suiteApi.operations.has(b.operation) &&
        baselineScenarios(suiteApi, b, rules).some((c) => c.doc.level === 'must')
      )
        mustOwners.push({
          what: `the baseline of ${b.operation} (some of its generated cases are must checks)`,
          steps: setup,
          source,
          at: [...at, 'setup'],
        });
      baselines.push({ doc: b, pos: source.locate(at) });
      roleOwners.push({
        what: 'the baseline',
        own: {},
        steps: b.setup ?? [],
        source,
        at,
        values: [
          [b.vars ?? {}, [...at, 'vars']],
          [b.setup ?? [], [...at, 'setup']],
          [b.params, [...at, 'params']],
          [b.grow ?? {}, [...at, 'grow']],
        ],
      });
    });
    for (const [fname, fx] of Object.entries(doc.fixtures ?? {})) {
      const at = ['fixtures', fname];
      const prior = fixtures.get(fname);
      if (prior)
        problems.push(source.problem('PP_DUPLICATE_ID', `fixture '${fname}' is also defined at ${prior.pos.file}:${prior.pos.line}`, at));
      fixtures.set(fname, { doc: fx, pos: source.locate(at), source, path: at });
      checkSteps(fx.steps, [...at, 'steps'], fx);
      if (usesPool(fx) && !(fx.requires ?? []).includes('sku-pool'))
        problems.push(source.problem('PP_CAPABILITY', "${pool[…]} needs 'requires: [sku-pool]'", at));
      for (const t of checkTemplates({ params: fx.params ?? {}, outputs: fx.outputs ?? {} }, at))
        problems.push(source.problem('PP_TEMPLATE', t.message, t.path));
      roleOwners.push({
        what: `fixture '${fname}'`,
        own: fx.skus ?? {},
        steps: fx.steps,
        source,
        at,
        values: [
          [fx.params ?? {}, [...at, 'params']],
          [fx.steps, [...at, 'steps']],
          [fx.outputs ?? {}, [...at, 'outputs']],
        ],
      });
    }
  }
  const someFileFailed = problems.some((p) => p.code === 'PP_SCHEMA' || p.code === 'PP_YAML_SYNTAX' || p.code === 'PP_FILE');
  for (const u of uses) {
    const fx = fixtures.get(u.use);
    // A fixture defined in a file that failed to load would only repeat that file's problem.
    if (!fx && !someFileFailed)
      problems.push(
        u.source.problem('PP_UNKNOWN_FIXTURE', `unknown fixture '${u.use}' (known: ${[...fixtures.keys()].join(', ') || 'none'})`, u.path),
      );
    else if (fx) {
      for (const cap of fx.doc.requires ?? []) {
        if (!(u.owner.requires ?? []).includes(cap))
          problems.push(u.source.problem('PP_CAPABILITY', `fixture '${u.use}' needs ${cap}: add 'requires: [${cap}]'`, u.path));
      }
    }
  }
  for (const owner of roleOwners) problems.push(...roleOwnerProblems(owner, fixtures));
  const apiOf = (api: string | undefined): CompiledApi | undefined =>
    api === undefined || api === name ? suiteApi : SUITES.get(api)?.compiled();
  problems.push(...oursReadProblems(mustOwners, fixtures, apiOf));
  if (problems.length > 0) throw new LoadError(problems);
  return {
    name,
    protocol: def.protocol,
    scenarios,
    fixtures: new Map([...fixtures].map(([k, v]) => [k, { doc: v.doc, pos: v.pos }])),
    baselines,
  };
}

/** Steps that run in a must check: a must scenario's, or the setup of a baseline some of whose cases are must. */
interface MustOwner {
  /** Who it is, for messages: `must scenario 'cpn-statistics'`. */
  readonly what: string;
  readonly steps: readonly Step[];
  readonly source: YamlSource;
  /** Where the steps are in the file. */
  readonly at: readonly (string | number)[];
}

/**
 * Every read of a part of an answer that is ours (src/scenario/answer-reads.ts) in a step of a must
 * check: the must owners' own steps, and the steps of every fixture they use, directly or through
 * another fixture (reported where the fixture writes it, naming the must check that uses it).
 */
function oursReadProblems(
  owners: readonly MustOwner[],
  fixtures: ReadonlyMap<string, { readonly doc: FixtureDoc; readonly source: YamlSource; readonly path: readonly (string | number)[] }>,
  apiOf: (api: string | undefined) => CompiledApi | undefined,
): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const usedBy = new Map<string, string>();
  const visit = (steps: readonly Step[], who: string) => {
    for (const step of steps) {
      if (!('use' in step) || usedBy.has(step.use)) continue;
      usedBy.set(step.use, who);
      const fx = fixtures.get(step.use);
      if (fx) visit(fx.doc.steps, who);
    }
  };
  for (const owner of owners) {
    for (const r of oursReads(owner.steps, owner.at, apiOf))
      problems.push(owner.source.problem('PP_REF_ANSWER', `${owner.what}: ${r.message}`, r.path));
    visit(owner.steps, owner.what);
  }
  for (const [fname, who] of usedBy) {
    const fx = fixtures.get(fname);
    if (!fx) continue;
    for (const r of oursReads(fx.doc.steps, [...fx.path, 'steps'], apiOf))
      problems.push(fx.source.problem('PP_REF_ANSWER', `fixture '${fname}', used by ${who}: ${r.message}`, r.path));
  }
  return problems;
}

interface RoleOwner {
  readonly what: string;
  /** The roles it declares itself. */
  readonly own: Readonly<Record<string, SkuRole>>;
  readonly steps: readonly Step[];
  readonly source: YamlSource;
  readonly at: (string | number)[];
  /** Values whose templates may name roles, with their paths. */
  readonly values: readonly [unknown, (string | number)[]][];
}

/**
 * SKU roles of a scenario, fixture or baseline: its own and those of every fixture it uses must agree
 * (a name declared twice asks the same), refer to declared roles without cycles, and every
 * `${sku.NAME}` / `{$skus: {role}}` it writes must name one of them.
 */
function roleOwnerProblems(owner: RoleOwner, fixtures: ReadonlyMap<string, { doc: FixtureDoc }>): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const merged: Record<string, SkuRole> = { ...owner.own };
  const from = new Map<string, string>(Object.keys(owner.own).map((n) => [n, owner.what]));
  const seen = new Set<string>();
  const visit = (steps: readonly Step[]) => {
    for (const step of steps) {
      if (!('use' in step) || seen.has(step.use)) continue;
      seen.add(step.use);
      const fx = fixtures.get(step.use);
      if (!fx) continue;
      for (const [name, r] of Object.entries(fx.doc.skus ?? {})) {
        const prior = merged[name];
        if (prior !== undefined && !sameRole(prior, r)) {
          // Reported where the owner declares or pulls it in; a fixture's own clash is its own problem.
          problems.push(
            owner.source.problem(
              'PP_SKU_ROLE',
              `SKU role '${name}' of fixture '${step.use}' differs from the one of ${from.get(name)}: ${JSON.stringify(r)} vs ${JSON.stringify(prior)} (rename one)`,
              name in owner.own ? [...owner.at, 'skus', name] : owner.at,
            ),
          );
        } else if (prior === undefined) {
          merged[name] = r;
          from.set(name, `fixture '${step.use}'`);
        }
      }
      visit(fx.doc.steps);
    }
  };
  visit(owner.steps);
  for (const p of roleProblems(merged, true)) {
    const cycle = p.message.startsWith('roles name each other');
    if (
      !(p.role in owner.own) &&
      !(cycle && Object.keys(owner.own).some((n) => p.message.includes(`skus.${n} `) || p.message.endsWith(`skus.${n}`)))
    )
      continue;
    problems.push(
      owner.source.problem(
        'PP_SKU_ROLE',
        p.message,
        p.role in owner.own ? [...owner.at, 'skus', p.role, ...(p.field ? [p.field] : [])] : [...owner.at, 'skus'],
      ),
    );
  }
  for (const [value, path] of owner.values) {
    for (const ref of roleRefs(value, path)) {
      if (!(ref.role in merged)) {
        const known = Object.keys(merged);
        problems.push(
          owner.source.problem(
            'PP_SKU_ROLE',
            `SKU role '${ref.role}' is not declared by ${owner.what} or a fixture it uses (${known.length > 0 ? `known: ${known.join(', ')}` : "declare it under 'skus:'"})`,
            ref.path,
          ),
        );
      }
    }
  }
  return problems;
}

function usesPool(doc: unknown): boolean {
  return JSON.stringify(doc).includes('${pool[');
}
