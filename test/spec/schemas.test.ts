import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatProblem, LoadError, type LoadProblem } from '../../src/core/errors.js';
import { loadJosProtocol, loadPromotionSpec, loadRules, parseSpec, SPEC_SCHEMAS, SPECS_DIR, type SpecKind } from '../../src/spec/load.js';

/** The spec files promoproof loads, with the kind (and so the schema) each is validated as. */
const SPEC_FILES: readonly (readonly [string, SpecKind])[] = [
  ['jd-promotion/spec.yaml', 'api'],
  ['jos/protocol.yaml', 'protocol'],
  ['tencent-coupon-batch/spec.yaml', 'api'],
  ['tencent-data-api/protocol.yaml', 'protocol'],
  ['jd-coupon/spec.yaml', 'api'],
  ['yoho-user-coupon/spec.yaml', 'api'],
  ['yoho-gateway/protocol.yaml', 'protocol'],
  ['rules.yaml', 'rules'],
];

const text = (relative: string) => readFileSync(SPECS_DIR + relative, 'utf8');

/** The problems parseSpec reports for `yaml`, or [] when it loads. */
function problemsOf(file: string, yaml: string, kind: SpecKind): LoadProblem[] {
  try {
    parseSpec(file, yaml, kind);
    return [];
  } catch (e) {
    if (e instanceof LoadError) return [...e.problems];
    throw e;
  }
}

/** 1-based line of the first line of `yaml` that contains `needle`. */
function lineOf(yaml: string, needle: string): number {
  const i = yaml.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${needle}`);
  return i + 1;
}

/** `yaml` with its first occurrence of `from` replaced (which must exist). */
function edit(yaml: string, from: string, to: string): string {
  if (!yaml.includes(from)) throw new Error(`no ${from} to replace`);
  return yaml.replace(from, to);
}

describe('spec schemas', () => {
  it('every schema file is a draft-07 JSON Schema (the validators skip that check for a fast start)', () => {
    const ajv = new Ajv({ strict: false });
    const dir = `${SPECS_DIR}schema/`;
    const names = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
    for (const name of Object.values(SPEC_SCHEMAS)) expect(names).toContain(name);
    for (const name of names) {
      const schema = JSON.parse(readFileSync(dir + name, 'utf8')) as { $schema?: string; $id?: string };
      expect(ajv.validateSchema(schema), `${name}: ${ajv.errorsText()}`).toBe(true);
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.$id).toBeDefined();
    }
    for (const name of Object.values(SPEC_SCHEMAS)) {
      const schema = JSON.parse(readFileSync(dir + name, 'utf8')) as { $id?: string };
      expect(schema.$id).toBe(`https://promoproof.dev/schema/${name}`);
    }
  });

  it('the shipped specs validate', () => {
    for (const [file, kind] of SPEC_FILES) expect(problemsOf(file, text(file), kind).map(formatProblem)).toEqual([]);
    expect(() => [loadPromotionSpec(), loadJosProtocol(), loadRules()]).not.toThrow();
  });

  it('the $schema comment at the top of each spec file names the schema it is validated against', () => {
    const yamls = readdirSync(SPECS_DIR, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('sources'))
      .map((f) => f.split('\\').join('/'))
      .sort();
    expect(yamls).toEqual(SPEC_FILES.map(([f]) => f).sort());
    for (const [file, kind] of SPEC_FILES) {
      const first = text(file).split('\n')[0];
      const named = /^# yaml-language-server: \$schema=(\S+)$/.exec(first ?? '')?.[1];
      expect(named, `${file}: first line ${first}`).toBeDefined();
      const target = resolve(dirname(join(SPECS_DIR, file)), named ?? '');
      expect(existsSync(target), `${file} names ${named}`).toBe(true);
      expect(target).toBe(resolve(SPECS_DIR, 'schema', SPEC_SCHEMAS[kind]));
    }
  });

  it('reports a typo in a key, a wrong type and a missing key of the API spec together, each at its line', () => {
    const file = 'specs/jd-promotion/spec.yaml';
    let yaml = text('jd-promotion/spec.yaml');
    yaml = edit(yaml, 'timeZone: "+08:00"', 'timeZone: 8');
    yaml = edit(yaml, '        example: 优惠促销\n', '        exmaple: 优惠促销\n');
    yaml = edit(yaml, '        error: promo.name.invalid\n', '');
    const problems = problemsOf(file, yaml, 'api');
    const param = lineOf(yaml, '      - name: name');
    expect(problems.map(formatProblem)).toEqual([
      `${file}:${lineOf(yaml, 'timeZone: 8')}:11: timeZone: must be string [PP_SCHEMA]`,
      `${file}:${param}:9: operations.jingdong.seller.promotion.add.params.0: missing 'error' [PP_SCHEMA]`,
      `${file}:${lineOf(yaml, 'exmaple:')}:9: operations.jingdong.seller.promotion.add.params.0: unknown key 'exmaple'; did you mean 'example'? [PP_SCHEMA]`,
    ]);
    expect(() => parseSpec(file, yaml, 'api')).toThrow(LoadError);
  });

  it('reports the three kinds of problem in the protocol spec and the rules too', () => {
    let protocol = text('jos/protocol.yaml');
    protocol = edit(protocol, 'maxBodyBytes: 1048576', 'maxBodyBytes: "1048576"');
    protocol = edit(protocol, 'path: /routerjson\n', '');
    protocol = edit(protocol, 'quotes:\n  skewS:', 'quotes:\n  skew:');
    expect(problemsOf('p.yaml', protocol, 'protocol').map(formatProblem)).toEqual([
      `p.yaml:4:1: the file: missing 'path' [PP_SCHEMA]`,
      `p.yaml:${lineOf(protocol, '  skew:')}:3: quotes: unknown key 'skew'; did you mean 'skewS'? [PP_SCHEMA]`,
      `p.yaml:${lineOf(protocol, 'maxBodyBytes:')}:15: maxBodyBytes: must be integer [PP_SCHEMA]`,
    ]);

    let rules = text('rules.yaml');
    rules = edit(rules, '    level: must\n', '    level: should\n');
    rules = edit(rules, '    section: JOS transport', '    sectoin: JOS transport');
    expect(problemsOf('r.yaml', rules, 'rules').map((p) => `${p.pos.line}: ${p.message}`)).toEqual([
      `${lineOf(rules, '  - id: JOS-01')}: rules.0: missing 'section'`,
      `${lineOf(rules, 'level: should')}: rules.0.level: must be one of "must", "ref"`,
      `${lineOf(rules, 'sectoin:')}: rules.0: unknown key 'sectoin'; did you mean 'section'?`,
    ]);
  });

  it('checks relations by kind, variant conditions and parameter patches', () => {
    const yaml = (extra: string) =>
      edit(text('jd-promotion/spec.yaml'), '    relations:\n      - kind: minGap\n', `    relations:\n${extra}      - kind: minGap\n`);
    const messages = (extra: string) =>
      problemsOf('s.yaml', yaml(extra), 'api').map((p) => p.message.replace(/^operations\.[^ ]*?\.add\./, ''));
    expect(messages('      - { kind: sameLength, fields: [a, b], seconds: 1, error: x, rules: [JDP-ADD-01] }\n')).toEqual([
      "relations.0: unknown key 'seconds'",
    ]);
    expect(messages('      - { kind: withinFromNow, field: a, error: x, rules: [JDP-ADD-01] }\n')).toEqual([
      "relations.0: missing 'seconds'",
    ]);
    expect(messages('      - { kind: minGapp, error: x, rules: [jdp-add-01] }\n')).toEqual([
      'relations.0.kind: must be one of "minGap", "maxGap", "afterNow", "withinFromNow", "sameLength", "lessThanEach", "atMostFractionEach", "promotionBound"',
      'relations.0.rules.0: must match pattern "^[A-Z]+-[A-Z0-9]+(-[A-Z0-9]+)*$"',
    ]);

    const variant = (body: string) =>
      problemsOf('s.yaml', edit(text('jd-promotion/spec.yaml'), '      - when: { param: type, in: [10] }\n', body), 'api').map(
        (p) => p.message,
      );
    expect(variant('      - when: { parm: type, in: [10] }\n')).toEqual([
      "operations.jingdong.seller.promotion.add.variants.0.when: missing 'param'",
      "operations.jingdong.seller.promotion.add.variants.0.when: unknown key 'parm'; did you mean 'param'?",
    ]);
    expect(variant('      - when: { promotionType: [4], in: [10] }\n')).toEqual([
      "operations.jingdong.seller.promotion.add.variants.0.when: unknown key 'in'",
    ]);
    const patched = edit(
      text('jd-promotion/spec.yaml'),
      '          bound:\n',
      '          bound:\n            name: b\n            accept: anything\n',
    );
    expect(problemsOf('s.yaml', patched, 'api').map((p) => p.message)).toEqual([
      'operations.jingdong.seller.promotion.add.variants.0.params.bound.name: not allowed here',
      'operations.jingdong.seller.promotion.add.variants.0.params.bound.accept: must be one of "any"',
    ]);
  });

  it('answers syntax errors of a spec file with their line', () => {
    expect(problemsOf('x.yaml', 'id: jos\nid: jos\n', 'protocol')).toMatchObject([{ code: 'PP_YAML_SYNTAX', pos: { line: 2 } }]);
  });
});
