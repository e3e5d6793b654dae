import { afterEach, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/scenario/load-suite.js';
import { planSuite } from '../../src/scenario/plan.js';
import { suiteProblems, tmpSuite } from '../helpers/tmp-suite.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const problemsOf = (files: Record<string, string>) =>
  suiteProblems(files, (c) => {
    cleanup = c;
  });

const GOOD = `suite: jd-promotion
scenarios:
  - id: one
    title: list answers
    covers: [JDP-LIST-01]
    level: must
    steps:
      - call: jingdong.seller.promotion.list
        params: { page: 1 }
`;

describe('loading scenarios: every problem names file, line and column', () => {
  it('loads a good file', () => {
    expect(problemsOf({ 'a.yaml': GOOD })).toEqual([]);
  });

  it('reports YAML syntax errors at their position', () => {
    const [p] = problemsOf({ 'bad.yaml': 'suite: jd-promotion\nscenarios:\n  - id: x\n    title: [unclosed\n' });
    expect(p).toMatchObject({ code: 'PP_YAML_SYNTAX', pos: { file: 'jd-promotion/bad.yaml' } });
    expect(p!.pos.line).toBeGreaterThanOrEqual(4);
  });

  it('reports duplicate keys', () => {
    const [p] = problemsOf({ 'dup.yaml': 'suite: jd-promotion\nsuite: jd-promotion\n' });
    expect(p).toMatchObject({ code: 'PP_YAML_SYNTAX', pos: { line: 2, column: 1 } });
  });

  it('reports an unknown key at the key, with the schema path', () => {
    const text = GOOD.replace('        params: { page: 1 }', '        parms: { page: 1 }');
    const [p] = problemsOf({ 'a.yaml': text });
    expect(p).toMatchObject({ code: 'PP_SCHEMA', pos: { line: 9, column: 9 }, pointer: '/scenarios/0/steps/0' });
    expect(p!.message).toContain("unknown key 'parms'; did you mean 'params'?");
  });

  it("reports an unknown key of a scenario at the key's own line, not at its '- id:' line, with a hint", () => {
    const text = GOOD.replace('    level: must\n', '    level: must\n    requries: [test-control]\n');
    const [p] = problemsOf({ 'a.yaml': text });
    expect(p).toMatchObject({ code: 'PP_SCHEMA', pos: { file: 'jd-promotion/a.yaml', line: 7, column: 5 }, pointer: '/scenarios/0' });
    expect(p!.message).toContain("unknown key 'requries'; did you mean 'requires'?");
  });

  it("reports a misspelt step key at its line, with a hint: expct → 'expect'", () => {
    const text = GOOD.replace('        params: { page: 1 }\n', '        params: { page: 1 }\n        expct: { success: true }\n');
    const [p] = problemsOf({ 'a.yaml': text });
    expect(p).toMatchObject({ code: 'PP_SCHEMA', pos: { line: 10, column: 9 }, pointer: '/scenarios/0/steps/0' });
    expect(p!.message).toContain("unknown key 'expct'; did you mean 'expect'?");
  });

  it('gives no hint for a key far from every known key', () => {
    const [p] = problemsOf({ 'a.yaml': GOOD.replace('    level: must\n', '    level: must\n    zzzzzzzz: 1\n') });
    expect(p).toMatchObject({ code: 'PP_SCHEMA', pos: { line: 7, column: 5 } });
    expect(p!.message).toContain("unknown key 'zzzzzzzz'");
    expect(p!.message).not.toContain('did you mean');
  });

  it('hints at the nearest operation name for a near miss', () => {
    const [p] = problemsOf({ 'a.yaml': GOOD.replace('promotion.list', 'promotion.lsit') });
    expect(p).toMatchObject({ code: 'PP_UNKNOWN_OPERATION', pos: { line: 8, column: 15 } });
    expect(p!.message).toBe("unknown operation 'jingdong.seller.promotion.lsit'; did you mean 'jingdong.seller.promotion.list'?");
    const [far] = problemsOf({ 'a.yaml': GOOD.replace('promotion.list', 'promotion.frobnicate') });
    expect(far!.message).toBe("unknown operation 'jingdong.seller.promotion.frobnicate'");
  });

  it('reports a bad level value at the value', () => {
    const [p] = problemsOf({ 'a.yaml': GOOD.replace('level: must', 'level: should') });
    expect(p).toMatchObject({ code: 'PP_SCHEMA', pos: { line: 6, column: 12 } });
    expect(p!.message).toContain('must be one of "must", "ref"');
  });

  it('reports unknown rule ids, operations and fixtures, each at its place', () => {
    const text = `suite: jd-promotion
scenarios:
  - id: one
    title: t
    covers: [JDP-ADD-01, JDP-NOPE-99]
    level: must
    steps:
      - call: jingdong.seller.promotion.nope
      - use: no-such-fixture
`;
    const problems = problemsOf({ 'a.yaml': text });
    expect(problems.map((p) => [p.code, p.pos.line, p.pos.column])).toEqual([
      ['PP_UNKNOWN_RULE', 5, 26],
      ['PP_UNKNOWN_OPERATION', 8, 15],
      ['PP_UNKNOWN_FIXTURE', 9, 14],
    ]);
  });

  it('reports malformed templates and constructors', () => {
    const text = GOOD.replace('params: { page: 1 }', 'params: { page: "${now+5x}", name: { $text: { length: -1 } }, x: "${unclosed" }');
    const problems = problemsOf({ 'a.yaml': text });
    expect(problems.map((p) => p.code)).toEqual(['PP_TEMPLATE', 'PP_TEMPLATE', 'PP_TEMPLATE']);
    expect(problems[0]!.message).toContain('bad duration');
    expect(problems[0]!.pos).toMatchObject({ line: 9, column: 25 });
  });

  it('reports duplicate scenario ids across files, and control steps without the capability', () => {
    const control = `suite: jd-promotion
scenarios:
  - id: one
    title: t
    covers: [JDP-FLOW-03]
    level: must
    steps:
      - control: { action: promotion-clock, promo: 1, advanceS: 60 }
`;
    const problems = problemsOf({ 'a.yaml': GOOD, 'b.yaml': control });
    expect(problems.map((p) => p.code).sort()).toEqual(['PP_CAPABILITY', 'PP_DUPLICATE_ID']);
    expect(problems.find((p) => p.code === 'PP_DUPLICATE_ID')!.message).toContain('jd-promotion/a.yaml:3');
  });

  it('reports pool SKUs used without requiring the sku-pool capability', () => {
    const text = GOOD.replace('params: { page: 1 }', 'params: { sku_id: "${pool[3]}" }');
    const [p] = problemsOf({ 'a.yaml': text });
    expect(p).toMatchObject({ code: 'PP_CAPABILITY', pos: { line: 3, column: 5 } });
    expect(problemsOf({ 'a.yaml': text.replace('level: must', 'level: must\n    requires: [sku-pool]') })).toEqual([]);
  });

  it('reports a file whose suite differs from its folder', () => {
    const [p] = problemsOf({ 'a.yaml': GOOD.replace('suite: jd-promotion', 'suite: other') });
    expect(p).toMatchObject({ code: 'PP_SUITE_MISMATCH', pos: { line: 1, column: 8 } });
  });

  it('formats problems as file:line:column: message [code]', () => {
    const s = tmpSuite({ 'a.yaml': GOOD.replace('level: must', 'level: should') });
    cleanup = s.cleanup;
    expect(() => loadSuite('jd-promotion', s.root, s.root)).toThrow(/^jd-promotion\/a\.yaml:6:12: scenarios\.0\.level: must be one of/);
  });
});

describe('planning', () => {
  it('expands tables into one check per row with the row as variables and its own line', () => {
    const text = `suite: jd-promotion
fixtures:
  mk:
    params: { t: 1 }
    steps:
      - call: jingdong.seller.promotion.add
        params: { name: x, type: "\${t}", begin_time: "\${now}", end_time: "\${now+1d}" }
        capture: { id: promo_id }
    outputs: { promo: "\${id}" }
scenarios:
  - id: rows
    title: t
    covers: [JDP-ADD-02]
    level: must
    vars: { a: 1 }
    table:
      - { name: first, t: 1 }
      - { t: 4 }
    steps:
      - use: mk
        with: { t: "\${t}" }
        capture: { p: promo }
      - call: jingdong.seller.promotion.get
        params: { promo_id: "\${p}" }
`;
    const s = tmpSuite({ 'a.yaml': text });
    cleanup = s.cleanup;
    const checks = planSuite(loadSuite('jd-promotion', s.root, s.root));
    expect(checks.map((c) => c.id)).toEqual(['rows[first]', 'rows[2]']);
    expect(checks[0]!.vars).toEqual({ a: 1, name: 'first', t: 1 });
    expect(checks[1]!.source).toEqual({ file: 'jd-promotion/a.yaml', line: 18 });
    expect(checks[0]!.steps.map((st) => st.kind)).toEqual(['enter', 'call', 'leave', 'call']);
  });
});
