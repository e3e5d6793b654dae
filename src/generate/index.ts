import type { LoadedSuite } from '../scenario/load-suite.js';
import { planSuite } from '../scenario/plan.js';
import { SUITES } from '../scenario/suites.js';
import type { PlannedCheck } from '../scenario/types.js';
import { readFileSync } from 'node:fs';
import { parseYamlSource, type YamlSource } from '../scenario/yaml-source.js';
import { loadJosProtocol, loadRules, SPECS_DIR } from '../spec/load.js';
import { baselineScenarios } from './cases.js';
import { systemScenarios } from './system.js';

/**
 * The checks the runner derives from the spec: boundary cases of every declared limit (from the
 * suite's baselines) and the protocol's signing and system-parameter cases. Planned like scenarios;
 * their source is the baseline (or the protocol spec) they come from.
 */
export function generateChecks(suite: LoadedSuite): PlannedCheck[] {
  const def = SUITES.get(suite.name);
  if (!def) return [];
  const api = def.api();
  const rules = new Map(loadRules().map((r) => [r.id, r]));
  const meta = new Map<string, PlannedCheck['generated']>();
  const scenarios = suite.baselines.flatMap(({ doc, pos }) =>
    baselineScenarios(api, doc, rules).map((s) => {
      meta.set(s.doc.id, s.generated);
      return { doc: s.doc, pos, rowPos: [] };
    }),
  );
  if (def.protocol === 'jos') {
    // Each case points at the line of protocol.yaml that declares what it probes (the skew window, a parameter …).
    const source = protocolSource();
    for (const s of systemScenarios(loadJosProtocol(), rules)) {
      meta.set(s.doc.id, s.generated);
      scenarios.push({ doc: s.doc, pos: source.locate(s.declared), rowPos: [] });
    }
  }
  return planSuite({ ...suite, scenarios }).map((c) => ({ ...c, generated: meta.get(c.id)! }));
}

let protocolYaml: YamlSource | undefined;

/** protocol.yaml parsed with positions, named as the reports name it (relative to the package). */
function protocolSource(): YamlSource {
  protocolYaml ??= parseYamlSource('specs/jos/protocol.yaml', readFileSync(`${SPECS_DIR}jos/protocol.yaml`, 'utf8'));
  return protocolYaml;
}
