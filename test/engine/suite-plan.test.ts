import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planChecks } from '../../src/engine/conformance.js';
import type { PlannedStep } from '../../src/scenario/types.js';
import { loadRules } from '../../src/spec/load.js';

/** The fast guards of the proof that the suite can fail; the self-test itself is `npm run self-test`. */
const asserting = (s: PlannedStep) => (s.kind === 'call' || s.kind === 'control' || s.kind === 'parallel') && s.asserts;

describe('the planned jd-promotion suite', () => {
  const checks = planChecks({});

  it('covers every JOS and JDP rule, must and ref', () => {
    const covered = new Set(checks.flatMap((c) => c.rules));
    const families = loadRules().filter((r) => /^(JOS|JDP)-/.test(r.id));
    expect(families.filter((r) => !covered.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('points each generated protocol case at the protocol.yaml line that declares what it probes', () => {
    const lines = readFileSync(new URL('../../specs/jos/protocol.yaml', import.meta.url), 'utf8').split('\n');
    const at = (id: string) => {
      const c = checks.find((x) => x.id === id);
      expect(c?.source.file, id).toBe('specs/jos/protocol.yaml');
      return lines[(c?.source.line ?? 0) - 1] ?? '';
    };
    expect(at('gen-jos-skew-past-outside')).toMatch(/^skewS: 360/);
    expect(at('gen-jos-skew-future-inside')).toMatch(/^skewS: 360/);
    expect(at('gen-jos-missing-app-key')).toContain('name: app_key');
    expect(at('gen-jos-wrong-sign')).toContain('name: sign,');
    expect(at('gen-jos-version-3')).toMatch(/^versions:/);
    expect(at('gen-jos-timestamp-offset-form')).toContain('yyyy-MM-dd HH:mm:ss.SSS±hhmm');
    expect(checks.filter((c) => c.source.file === 'specs/jos/protocol.yaml' && c.source.line === 1).map((c) => c.id)).toEqual([]);
  });

  it('gives every check at least one step that asserts (a check asserting nothing cannot be proven)', () => {
    expect(checks.filter((c) => !c.steps.some(asserting)).map((c) => `${c.id} (${c.source.file}:${c.source.line})`)).toEqual([]);
  });

  it('asserts in a generated case only at its final, generated step (the baseline setup never asserts)', () => {
    const generated = checks.filter((c) => c.generated);
    expect(generated.length).toBeGreaterThan(0);
    const wrong = generated.filter((c) => {
      const at = c.steps.flatMap((s, i) => (asserting(s) ? [i] : []));
      return at.length !== 1 || at[0] !== c.steps.length - 1;
    });
    expect(wrong.map((c) => c.id)).toEqual([]);
  });
});
