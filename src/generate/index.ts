import type { LoadedSuite } from '../scenario/load-suite.js';
import { planSuite } from '../scenario/plan.js';
import { SUITES } from '../scenario/suites.js';
import type { PlannedCheck } from '../scenario/types.js';
import { readFileSync } from 'node:fs';
import { parseYamlSource, type YamlSource } from '../core/yaml-source.js';
import { protocolAdapter } from '../protocols/index.js';
import { loadRules, SPECS_DIR } from '../spec/load.js';
import type { ApiDef } from '../apis/index.js';
import type { CompiledApi } from '../spec/compile.js';
import type { Json, SourcePos, GeneratedScenario } from '../scenario/types.js';
import type { RuleSpec } from '../spec/types.js';
import { freshen } from '../scenario/freshen.js';
import { generateBodyCases } from './body-cases.js';
import { baselineScenarios } from './cases.js';

/**
 * The checks the runner derives from the spec: boundary cases of every declared limit (from the
 * suite's baselines) and the protocol's signing and system-parameter cases. Planned like scenarios;
 * their source is the baseline (or the protocol spec) they come from.
 */
export function generateChecks(suite: LoadedSuite): PlannedCheck[] {
  const def = SUITES.get(suite.name);
  if (!def) return [];
  const api = def.compiled();
  const rules = new Map(loadRules().map((r) => [r.id, r]));
  const meta = new Map<string, PlannedCheck['generated']>();
  const scenarios = suite.baselines.flatMap(({ doc, pos }) =>
    baselineScenarios(api, doc, rules).map((s) => {
      meta.set(s.doc.id, s.generated);
      return { doc: s.doc, pos, rowPos: [] };
    }),
  );
  // JSON-body operations: the boundary cases of every limit of the body schema, from the spec's example.
  for (const s of bodyScenarios(def, api, rules)) {
    meta.set(s.doc.id, s.generated);
    scenarios.push({ doc: s.doc, pos: s.pos, rowPos: [] });
  }
  // The protocol's own cases, each pointing at the line of its spec that declares what it probes.
  const adapter = protocolAdapter(def.protocol);
  const source = specSource(adapter.specFile);
  // Check ids are unique across suites: the protocol's cases keep their ids (`gen-jos-…`) in the first
  // API of the protocol and carry the API's id in the others (`gen-jd-coupon-jos-…`).
  const firstOfProtocol = [...SUITES.values()].find((d) => d.protocol === def.protocol)?.id === def.id;
  for (const raw of adapter.systemScenarios(def.systemProbe, rules)) {
    const s = firstOfProtocol ? raw : { ...raw, doc: { ...raw.doc, id: raw.doc.id.replace(/^gen-/, `gen-${def.id}-`) } };
    meta.set(s.doc.id, s.generated);
    scenarios.push({ doc: s.doc, pos: source.locate(s.declared), rowPos: [] });
  }
  return planSuite({ ...suite, scenarios }).map((c) => ({ ...c, generated: meta.get(c.id)! }));
}

/**
 * The body cases of each JSON-body operation of `api`, each at the line of the spec that declares
 * the limit it probes. A top-level field named like an option of the API (`dataSourceId`) takes the
 * target's value (`${target.dataSourceId}`) unless the case probes that field itself.
 */
function bodyScenarios(def: ApiDef, api: CompiledApi, rules: ReadonlyMap<string, RuleSpec>): (GeneratedScenario & { pos: SourcePos })[] {
  const out: (GeneratedScenario & { pos: SourcePos })[] = [];
  const source = specSource(`${def.id}/spec.yaml`);
  for (const [name, op] of api.operations) {
    if (!op.body) continue;
    const short = name.replace(/^.*\//, '').replace(/_/g, '-');
    for (const c of generateBodyCases(op.body.schema, op.body.example as Json).cases) {
      const body = { ...(freshen(c.body as Json, def.freshPaths ?? [], c.path) as Record<string, Json>) };
      for (const option of Object.keys(def.options ?? {})) {
        if (option in body && c.path[0] !== option) body[option] = `\${target.${option}}`;
      }
      const schemaPath = c.path.flatMap((k) => (typeof k === 'number' ? ['items'] : ['properties', k]));
      out.push({
        doc: {
          id: `gen-${short}-${c.id}`,
          title: `${name}: ${c.title}`,
          covers: [...c.rules],
          level: c.rules.every((r) => rules.get(r)?.level === 'must') ? 'must' : 'ref',
          tags: ['generated', 'boundary'],
          steps: [{ call: name, params: body, ...(c.expect === 'refused' ? { expect: { error: 'any' } } : {}) }],
        },
        generated: { kind: c.keyword, operation: name, target: c.path.join('.') || '(body)' },
        pos: source.locate(['operations', name, 'body', ...schemaPath]),
      });
    }
  }
  return out;
}

const specYaml = new Map<string, YamlSource>();

/** A spec file (relative to specs/) parsed with positions, named as the reports name it (relative to the package). */
function specSource(specFile: string): YamlSource {
  let source = specYaml.get(specFile);
  if (!source) {
    source = parseYamlSource(`specs/${specFile}`, readFileSync(`${SPECS_DIR}${specFile}`, 'utf8'));
    specYaml.set(specFile, source);
  }
  return source;
}
