import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APIS, SHORT_FORM_API } from '../../src/apis/index.js';
import { CHECK_DEFAULTS } from '../../src/engine/defaults.js';
import { PROTOCOLS } from '../../src/protocols/index.js';
import { namedFaults } from '../../src/reference/faults.js';
import { SCENARIOS_DIR } from '../../src/scenario/suites.js';
import { loadRules, SPECS_DIR } from '../../src/spec/load.js';

/** The registries stay whole: adding an API or a protocol is one folder plus one entry, and nothing is left half-wired. */
describe('the API and protocol registries', () => {
  it('every API names a registered protocol, has its spec, its scenarios and rules of its prefixes', () => {
    const rules = loadRules();
    for (const api of APIS.values()) {
      expect(PROTOCOLS.has(api.protocol), api.id).toBe(true);
      expect(existsSync(`${SPECS_DIR}${api.id}/spec.yaml`), api.id).toBe(true);
      expect(existsSync(`${SCENARIOS_DIR}/${api.id}`), api.id).toBe(true);
      expect(api.compiled().spec.protocol, api.id).toBe(api.protocol);
      for (const prefix of api.rulePrefixes)
        expect(
          rules.some((r) => r.id.startsWith(prefix)),
          `${api.id} ${prefix}`,
        ).toBe(true);
      expect(api.compiled().operations.has(api.systemProbe.operation), api.id).toBe(true);
    }
  });

  it('every protocol has its spec file and transport fields', () => {
    for (const p of PROTOCOLS.values()) {
      expect(existsSync(`${SPECS_DIR}${p.specFile}`), p.id).toBe(true);
      expect(p.transportFields.length, p.id).toBeGreaterThan(0);
      expect(
        p.credentialFields.every((f) => p.testCredentials[f] !== undefined),
        p.id,
      ).toBe(true);
    }
  });

  it('a run without --suite runs every API, and the short form names one of them', () => {
    expect([...CHECK_DEFAULTS.suites]).toEqual([...APIS.keys()]);
    expect(APIS.has(SHORT_FORM_API)).toBe(true);
  });

  it('every named fault belongs to a registered API', () => {
    for (const f of namedFaults()) expect(APIS.has(f.api), f.id).toBe(true);
  });
});
