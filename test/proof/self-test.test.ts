import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { planChecks } from '../../src/engine/conformance.js';
import { selfTest, type FaultVerdict, type SelfTestResult } from '../../src/engine/self-test.js';
import { namedFaults } from '../../src/reference/faults.js';
import type { PlannedCheck } from '../../src/scenario/types.js';

/**
 * The proof that the suite can fail (`npm run self-test`, not part of `npm test`): against the clean
 * reference every check passes; against each named fault and each spec mutation, the checks covering
 * its rules run, and it counts as caught only when one of them fails at a step that asserts (a failure
 * at a setup step proves nothing about the rule). What is not proven is pinned by name in
 * survivors.json — missed named faults (none expected), surviving mutations, checks never made to fail
 * at an asserting step — each with a reason. The test fails when an entry appears and when a pinned one
 * is gone, so the file stays true. `npm run self-test -- --update` (or PROMOPROOF_UPDATE_SURVIVORS=1)
 * rewrites it from the run, keeping the reasons of the entries that stay.
 */

const FILE = fileURLToPath(new URL('./survivors.json', import.meta.url));
const UPDATE = process.env['PROMOPROOF_UPDATE_SURVIVORS'] === '1';
const REGENERATE = 'npm run self-test -- --update';

type Section = 'missedFaults' | 'survivingMutations' | 'unproven';
const SECTIONS: readonly Section[] = ['missedFaults', 'survivingMutations', 'unproven'];
type Pinned = Record<Section, Record<string, string>>;

function readPinned(): Pinned {
  const empty: Pinned = { missedFaults: {}, survivingMutations: {}, unproven: {} };
  if (!existsSync(FILE)) return empty;
  const raw = JSON.parse(readFileSync(FILE, 'utf8')) as Partial<Pinned>;
  return { missedFaults: raw.missedFaults ?? {}, survivingMutations: raw.survivingMutations ?? {}, unproven: raw.unproven ?? {} };
}

/** A reason for an entry seen for the first time: the facts of the run (to be replaced by a real one). */
function verdictReason(v: FaultVerdict): string {
  const rules = v.rules.join(', ');
  if (v.setupFailures.length > 0)
    return `unexplained: ${v.setupFailures.length} of the ${v.checks} check(s) of ${rules} fail, only at setup steps (e.g. ${v.setupFailures[0]})`;
  return `unexplained: none of the ${v.checks} check(s) of ${rules} fails`;
}

function unprovenReason(c: PlannedCheck, verdicts: readonly FaultVerdict[]): string {
  const atSetup = verdicts.filter((v) => v.setupFailures.includes(c.id)).map((v) => v.fault);
  if (atSetup.length > 0) return `fails only at a setup step (under ${atSetup.slice(0, 3).join(', ')}${atSetup.length > 3 ? ', …' : ''})`;
  return `no fault or mutation of its rules (${c.rules.join(', ')}) makes it fail`;
}

function current(result: SelfTestResult, checks: readonly PlannedCheck[]): Record<Section, Map<string, () => string>> {
  const verdicts = [...result.faults, ...result.mutations];
  const byId = new Map(checks.map((c) => [c.id, c]));
  return {
    missedFaults: new Map(result.faultScore.missed.map((v) => [v.fault, () => verdictReason(v)])),
    survivingMutations: new Map(result.mutationScore.missed.map((v) => [v.fault, () => verdictReason(v)])),
    unproven: new Map(result.unproven.map((id) => [id, () => unprovenReason(byId.get(id)!, verdicts)])),
  };
}

function sorted(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('the proof that every suite can fail', () => {
  let checks: PlannedCheck[];
  let result: SelfTestResult;

  beforeAll(async () => {
    checks = planChecks({});
    result = await selfTest(checks, { parallel: 2 });
    const setupOnly = new Set([...result.faults, ...result.mutations].flatMap((v) => v.setupFailures));
    process.stdout.write(
      `self-test: faults ${result.faultScore.caught}/${result.faultScore.total} caught, spec mutations ${result.mutationScore.caught}/${result.mutationScore.total} caught, ` +
        `${checks.length - result.unproven.length} of ${checks.length} checks proven at an asserting step (${result.unproven.length} not), ` +
        `${setupOnly.size} check(s) failed at a setup step under some fault\n`,
    );
  }, 2_400_000);

  it('passes every check against the clean reference', () => {
    expect(result.clean.notPassed.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(result.clean.total).toBe(checks.length);
  });

  it('runs every named fault', () => {
    expect(result.faults.map((v) => v.fault).sort()).toEqual(
      namedFaults()
        .map((f) => f.id)
        .sort(),
    );
  });

  it(`pins the missed faults, surviving mutations and unproven checks in survivors.json (${REGENERATE})`, () => {
    const pinned = readPinned();
    const now = current(result, checks);
    if (UPDATE) {
      const out = {
        $comment: `Written by ${REGENERATE} from test/proof/self-test.test.ts, which fails when an entry appears or goes. Reasons of entries that stay are kept; replace an 'unexplained' one when you know why.`,
        ...Object.fromEntries(
          SECTIONS.map((s) => [s, Object.fromEntries(sorted(now[s].keys()).map((id) => [id, pinned[s][id] ?? now[s].get(id)!()]))]),
        ),
      };
      writeFileSync(FILE, `${JSON.stringify(out, null, 2)}\n`);
      for (const s of SECTIONS) process.stdout.write(`survivors.json ${s}: ${now[s].size}\n`);
      return;
    }
    // Every section's differences at once: what appeared (with the facts of the run) and what is gone.
    const differences: Record<string, { appeared: string[]; gone: string[] }> = {};
    for (const s of SECTIONS) {
      const pins = new Set(Object.keys(pinned[s]));
      const appeared = sorted([...now[s].keys()].filter((id) => !pins.has(id))).map((id) => `${id}: ${now[s].get(id)!()}`);
      const gone = sorted([...pins].filter((id) => !now[s].has(id)));
      if (appeared.length + gone.length > 0) differences[s] = { appeared, gone };
    }
    expect(differences, `the run differs from test/proof/survivors.json; if that is intended, run ${REGENERATE}`).toEqual({});
  });
});
