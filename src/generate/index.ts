import type { LoadedSuite } from '../scenario/load-suite.js';
import { planSuite } from '../scenario/plan.js';
import { SUITES } from '../scenario/suites.js';
import type { PlannedCheck } from '../scenario/types.js';
import { readFileSync } from 'node:fs';
import { parseYamlSource, type YamlSource } from '../scenario/yaml-source.js';
import { protocolAdapter } from '../protocols/index.js';
import { loadRules, SPECS_DIR } from '../spec/load.js';
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
  // The protocol's own cases, each pointing at the line of its spec that declares what it probes.
  const adapter = protocolAdapter(def.protocol);
  const source = protocolSource(adapter.specFile);
  for (const s of adapter.systemScenarios(def.systemProbe, rules)) {
    meta.set(s.doc.id, s.generated);
    scenarios.push({ doc: s.doc, pos: source.locate(s.declared), rowPos: [] });
  }
  return planSuite({ ...suite, scenarios }).map((c) => ({ ...c, generated: meta.get(c.id)! }));
}

const protocolYaml = new Map<string, YamlSource>();

/** A protocol spec parsed with positions, named as the reports name it (relative to the package). */
function protocolSource(specFile: string): YamlSource {
  let source = protocolYaml.get(specFile);
  if (!source) {
    source = parseYamlSource(`specs/${specFile}`, readFileSync(`${SPECS_DIR}${specFile}`, 'utf8'));
    protocolYaml.set(specFile, source);
  }
  return source;
}
