import { LOAD_DEFAULTS } from '../../src/load/run-load.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../../src/cli/exit-codes.js';
import { LoadError, type LoadProblem } from '../../src/core/errors.js';
import { LOAD_PROFILES_DIR, listProfiles, loadProfile, parseDuration, parseProfile, parseSlo } from '../../src/load/profile.js';

const BUNDLED = ['claim-storm', 'mixed-sale-day', 'promotion-read', 'verify-steady'];

const dir = mkdtempSync(join(tmpdir(), 'pp-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Line and column (1-based) of the first occurrence of `needle` in `text` at or after line `from`. */
function where(text: string, needle: string, from = 1): [number, number] {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    const c = lines[i]?.indexOf(needle) ?? -1;
    if (c >= 0) return [i + 1, c + 1];
  }
  throw new Error(`no ${needle} in the text`);
}

/** The problems parseProfile reports for `text` (as file `name`.yaml), or [] when it loads. */
function problemsOf(text: string, name = 'p'): LoadProblem[] {
  try {
    parseProfile(`load/${name}.yaml`, text);
    return [];
  } catch (e) {
    if (e instanceof LoadError) return [...e.problems];
    throw e;
  }
}

const at = (p: LoadProblem) => [p.code, p.pos.line, p.pos.column];

/** A valid profile named `p` whose parts can be replaced (each a YAML block at the top level). */
function profile(parts: Partial<Record<'apis' | 'vars' | 'setup' | 'users' | 'mix' | 'phases' | 'slo' | 'extra', string>> = {}): string {
  return `profile: p
title: a test profile
description: |
  What a test asks.
  More words.
${parts.apis ?? 'apis: [jd-coupon, tencent-coupon-batch]'}
${parts.vars ?? 'vars: { batch: "pp-${fresh.name}" }'}
${
  parts.setup ??
  `setup:
  - call: order/add_coupon
    api: tencent-coupon-batch
    params:
      dataSourceId: "\${target.dataSourceId}"
      coupons: [{ external_coupon_id: "\${batch}", coupon_name: 券, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 5, store_count: 10 }]`
}
${parts.users ?? 'users: { count: 100 }'}
${
  parts.mix ??
  `mix:
  - name: claim
    call: promoproof.coupon.claim
    weight: 1
    params: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}", uid: "\${user}", request_id: "\${requestId}" }
    refusals: [coupon.stock.empty, coupon.user.limit]
    soldOut: [coupon.stock.empty]
    stock: 10`
}
${parts.phases ?? 'phases:\n  - { phase: steady, duration: 2s, rate: 10 }'}
${parts.slo ?? 'slo: [claim.p99<200ms, errors<1%]'}
${parts.extra ?? ''}
`;
}

describe('the bundled profiles', () => {
  it('are the four ready profiles, each with a title and a one-line summary', () => {
    const list = listProfiles();
    expect(list.map((p) => p.name)).toEqual(BUNDLED);
    for (const p of list) {
      expect(p.title.length, p.name).toBeGreaterThan(0);
      expect(p.summary, p.name).toMatch(/\?$/); // each says, in its first line, the question it answers
      expect(p.summary).not.toContain('\n');
    }
  });

  it.each(BUNDLED)('%s loads by name, frozen, from scenarios/load/, and names the schema on its first line', (name) => {
    const cwd = resolve(LOAD_PROFILES_DIR, '../..');
    const { doc, file } = loadProfile(name, cwd);
    expect(file).toBe(`scenarios/load/${name}.yaml`);
    expect(doc.profile).toBe(name);
    expect(Object.isFrozen(doc)).toBe(true);
    expect(Object.isFrozen(doc.mix[0])).toBe(true);
    const text = readFileSync(join(LOAD_PROFILES_DIR, `${name}.yaml`), 'utf8');
    const named = /^# yaml-language-server: \$schema=(\S+)$/.exec(text.split('\n')[0] ?? '')?.[1];
    expect(named).toBe('../../specs/schema/load-profile.schema.json');
    expect(existsSync(resolve(LOAD_PROFILES_DIR, named ?? ''))).toBe(true);
    // The same file by path, as the CLI takes it.
    expect(loadProfile(`./scenarios/load/${name}.yaml`, cwd).doc).toEqual(doc);
  });

  it('keep the default run short and its users and request ids fresh', () => {
    for (const name of BUNDLED) {
      const { doc } = loadProfile(name);
      const seconds = doc.phases.reduce((s, p) => s + ('duration' in p ? (parseDuration(p.duration) ?? 0) / 1000 : 0), 0);
      expect(seconds, name).toBeLessThanOrEqual(25);
      for (const p of doc.phases) if ('rate' in p) expect(p.rate, name).toBeLessThanOrEqual(500);
      // A uid of a fixed number would meet the per-user limits of earlier runs.
      expect(doc.vars?.['userBase'], name).toBeUndefined();
      for (const o of doc.mix) if (o.call === 'promoproof.coupon.claim') expect(o.params?.['request_id'], name).toBe('${requestId}');
    }
  });

  it('claim-storm storms a stock far below demand, starting with a spike of claims', () => {
    const { doc } = loadProfile('claim-storm');
    const claim = doc.mix.find((o) => o.name === 'claim');
    expect(claim?.stock).toBe('${stock}');
    const stock = Number(doc.vars?.['stock']);
    const spike = doc.phases[0];
    const demand = doc.phases.reduce(
      (n, p) => n + (p.phase === 'spike' ? p.requests : 'rate' in p ? ((parseDuration(p.duration) ?? 0) / 1000) * p.rate : 0),
      0,
    );
    expect(spike).toMatchObject({ phase: 'spike', operation: 'claim' });
    expect(demand).toBeGreaterThanOrEqual(10 * stock);
    expect(claim?.soldOut).toEqual(['coupon.stock.empty']);
    expect(claim?.refusals).toEqual(['coupon.stock.empty', 'coupon.user.limit']);
    // A spike opens as many connections as it has requests (run-load.ts, up to spikeConnectionsMax): all of it goes out.
    expect(spike?.phase === 'spike' ? spike.requests : 0).toBeLessThanOrEqual(LOAD_DEFAULTS.spikeConnectionsMax);
  });
});

describe('a malformed profile', () => {
  it('reports every schema problem at once, each at its file:line:column', () => {
    const text = profile({
      users: 'users: { count: 0, choise: zipf }',
      setup: 'setup:\n  - use: some-fixture\n  - control: { action: review, promo: 1, route: auto }',
      phases:
        'phases:\n  - { phase: steady, duration: 30, rate: 10 }\n  - { phase: burst, requests: 5 }\n  - { phase: steady, duration: 1.5s, rate: 10 }',
    });
    const problems = problemsOf(text);
    expect(problems.map(at)).toEqual([
      ['PP_SCHEMA', ...where(text, 'use: some')],
      ['PP_SCHEMA', ...where(text, 'control: {')],
      ['PP_SCHEMA', ...where(text, '0, choise')],
      ['PP_SCHEMA', ...where(text, 'choise')],
      ['PP_SCHEMA', ...where(text, '30, rate')],
      ['PP_SCHEMA', ...where(text, 'burst')],
      ['PP_SCHEMA', ...where(text, '1.5s')],
    ]);
    const messages = problems.map((p) => p.message);
    expect(messages[0]).toContain('uses no fixtures');
    expect(messages[1]).toContain('no test-control steps');
    expect(messages[2]).toBe('users.count: must be >= 1');
    expect(messages[3]).toBe("users: unknown key 'choise'; did you mean 'choice'?");
    expect(messages[4]).toBe('phases.0.duration: must be string');
    expect(messages[5]).toContain('phases.1.phase: must be one of');
    expect(messages[6]).toContain('must be a duration with units');
    // The LoadError's text is one line per problem, file:line:column first.
    const e = (() => {
      try {
        parseProfile('load/p.yaml', text);
      } catch (err) {
        return err as LoadError;
      }
    })();
    expect(e?.message.split('\n')[0]).toBe(`load/p.yaml:${where(text, 'use: some').join(':')}: ${messages[0]} [PP_SCHEMA]`);
  });

  it('reports YAML syntax at its place', () => {
    expect(problemsOf('profile: p\ntitle: [unclosed\n').map((p) => p.code)).toContain('PP_YAML_SYNTAX');
  });

  it('reports every problem of meaning at once: APIs, operations, codes, names, phases, SLOs, variables', () => {
    const text = profile({
      apis: 'apis: [jd-coupon, tencent-coupon-batc]',
      setup: 'setup:\n  - call: promoproof.coupon.clam\n    params: { batch_id: "${bach}" }',
      mix: `mix:
  - name: claim
    call: promoproof.coupon.claim
    weight: 1
    params: { uid: "\${usr}", data_source_id: "\${target.dataSource}", x: "\${sku.gift}" }
    refusals: [coupon.stock.empty, coupon.sold.out]
    soldOut: [coupon.user.limit]
    stock: "\${stok}"
  - name: claim
    api: yoho-user-coupon
    call: app.coupons.total
    weight: 1`,
      phases: `phases:
  - { phase: steady, duration: 0s, rate: 10 }
  - { phase: ramp, duration: 1s, from: 0, to: 0 }
  - { phase: spike, requests: 10, operation: clam }
  - { phase: warm-up, duration: 1m, rate: 5 }`,
      slo: 'slo: [clam.p99<200ms, p95<1s, errors<1, p99<1]',
    });
    const problems = problemsOf(text);
    const mixAt = where(text, 'mix:')[0];
    expect(problems.map(at)).toEqual([
      ['PP_UNKNOWN_API', ...where(text, 'tencent-coupon-batc')],
      ['PP_UNKNOWN_OPERATION', ...where(text, 'promoproof.coupon.clam')],
      ['PP_TEMPLATE', ...where(text, '"${bach}"')],
      ['PP_TEMPLATE', ...where(text, '"${usr}"')],
      ['PP_TEMPLATE', ...where(text, '"${target.dataSource}"')],
      ['PP_TEMPLATE', ...where(text, '"${sku.gift}"')],
      ['PP_UNKNOWN_CODE', ...where(text, 'coupon.sold.out')],
      ['PP_PROFILE', ...where(text, 'coupon.user.limit')],
      ['PP_TEMPLATE', ...where(text, '"${stok}"')],
      ['PP_DUPLICATE_ID', ...where(text, 'claim', mixAt + 8)],
      ['PP_UNKNOWN_API', ...where(text, 'yoho-user-coupon')],
      ['PP_PROFILE', ...where(text, '0s')],
      ['PP_PROFILE', ...where(text, '{ phase: ramp')],
      ['PP_PROFILE', ...where(text, 'clam }')],
      ['PP_PROFILE', ...where(text, 'warm-up')],
      ['PP_PROFILE', ...where(text, 'clam.p99')],
      ['PP_PROFILE', ...where(text, 'p95')],
      ['PP_PROFILE', ...where(text, 'errors<1')],
      ['PP_PROFILE', ...where(text, 'p99<1]')],
    ]);
    const m = problems.map((p) => p.message);
    expect(m[0]).toContain("did you mean 'tencent-coupon-batch'?");
    expect(m[1]).toBe("unknown operation 'promoproof.coupon.clam' of jd-coupon; did you mean 'promoproof.coupon.claim'?");
    expect(m[2]).toContain("unknown variable 'bach'; did you mean 'batch'?");
    expect(m[3]).toContain("unknown variable 'usr'; did you mean 'user'?");
    expect(m[4]).toContain("unknown target value 'dataSource'; did you mean 'dataSourceId'?");
    expect(m[5]).toContain('declares no SKU roles');
    expect(m[6]).toContain("'coupon.sold.out' is neither an error of promoproof.coupon.claim");
    expect(m[7]).toContain("sold-out code 'coupon.user.limit' is not among the operation's refusals");
    expect(m[9]).toBe("operation name 'claim' is also the name of mix entry 1");
    expect(m[10]).toContain("API 'yoho-user-coupon' is not in the profile's apis");
    expect(m[13]).toContain("the spike's operation 'clam' is not in the mix; did you mean 'claim'?");
    expect(m[15]).toContain("names operation 'clam', which the mix does not have");
    expect(m[16]).toContain("unknown metric 'p95'");
    expect(m[17]).toContain('errors is a percentage');
    expect(m[18]).toContain('a latency needs a time unit');
  });

  it('names the API a mix operation or setup step calls when promoproof has no such API', () => {
    const text = profile({
      mix: 'mix:\n  - { name: claim, api: jd-coupons, call: promoproof.coupon.claim, weight: 1 }',
      slo: 'slo: []',
    });
    expect(problemsOf(text).map((p) => [p.code, p.message])).toEqual([
      ['PP_UNKNOWN_API', "unknown API 'jd-coupons'; did you mean 'jd-coupon'?"],
    ]);
  });

  it("takes a protocol's own codes as refusals, and an operation's; `any`; and nothing else", () => {
    const yoho = profile({
      apis: 'apis: [yoho-user-coupon]',
      vars: 'vars: {}',
      setup: '',
      mix: 'mix:\n  - { name: total, call: app.coupons.total, weight: 1, params: { uid: "${user}", type: notuse }, refusals: ["400", "500", "401"] }',
      slo: '',
    });
    expect(problemsOf(yoho).map((p) => [p.code, p.pos.line, p.pos.column, p.message])).toEqual([
      [
        'PP_UNKNOWN_CODE',
        ...where(yoho, '"401"'),
        expect.stringMatching(/^'401' is neither an error of app\.coupons\.total \(400\) nor a code of protocol yoho-gateway/),
      ],
    ]);
    const jos = profile({
      mix: 'mix:\n  - { name: claim, call: promoproof.coupon.claim, weight: 1, refusals: ["12", coupon.user.limit, "40001"] }',
      slo: '',
    });
    expect(problemsOf(jos).map((p) => p.message)).toEqual([
      expect.stringContaining("'40001' is neither an error of promoproof.coupon.claim"),
    ]);
    const tencent = profile({
      mix: 'mix:\n  - { name: upload, api: tencent-coupon-batch, call: order/add_coupon, weight: 1, refusals: ["40006"] }\n  - { name: any, call: promoproof.coupon.claim, weight: 1, refusals: any }',
      slo: '',
    });
    expect(problemsOf(tencent)).toEqual([]);
  });

  it('lets the mix read the vars, the setup captures, the target values and the per-request variables', () => {
    const text = profile({
      setup: `setup:
  - parallel:
      times: 2
      call: promoproof.coupon.claim
      params: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}", uid: 7, request_id: "\${batch}-\${index}" }
    capture: { codes: "successes[*].coupon.coupon_code" }`,
      mix: `mix:
  - name: verify
    call: promoproof.coupon.verify
    weight: 1
    params: { uid: 7, coupon_code: { $cycle: "\${codes}" }, order_lines: [{ sku_id: "\${sku[0]}", quantity: 1, price_fen: 100 }], stacked: "\${index}", x: "\${user}-\${requestId}-\${now+1m}" }`,
      slo: '',
    });
    expect(problemsOf(text)).toEqual([]);
    // A capture is seen by the steps after it only, and `${index}` only in a parallel step.
    const early = profile({
      setup:
        'setup:\n  - call: promoproof.coupon.statistics\n    params: { batch_id: "${later}-${index}" }\n  - call: promoproof.coupon.statistics\n    capture: { later: statistics.issued }',
      slo: '',
    });
    expect(problemsOf(early).map((p) => p.message.split(' (')[0])).toEqual(["unknown variable 'later'", "unknown variable 'index'"]);
  });

  it('is named as its file', () => {
    expect(problemsOf(profile(), 'other').map((p) => [p.code, p.pos.line, p.message])).toEqual([
      ['PP_PROFILE', 1, "profile 'p' in file other.yaml: a profile is named as its file"],
    ]);
  });

  it('measures something: a profile of warm-ups only is refused', () => {
    const text = profile({ phases: 'phases:\n  - { phase: warm-up, duration: 2s, rate: 10 }' });
    expect(problemsOf(text).map((p) => p.message)).toEqual(['every phase is a warm-up: nothing would be measured']);
  });
});

describe('loadProfile', () => {
  it('a missing file is a usage error naming the file as given (exit 2), not a stack trace', () => {
    const e = (() => {
      try {
        loadProfile('./nowhere/storm.yaml', dir);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.usage);
    expect((e as CliError).code).toBe('PP_PATH');
    expect((e as CliError).message).toBe("cannot read load profile file './nowhere/storm.yaml': no such file");
  });

  it('an unknown name lists the known ones, with a near miss', () => {
    const e = (() => {
      try {
        loadProfile('claim-strom', dir);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.usage);
    expect((e as CliError).message).toBe(
      `no load profile 'claim-strom'; did you mean 'claim-storm'? (known: ${BUNDLED.join(', ')}; or give a file: ./my-profile.yaml)`,
    );
  });

  it('loads a file by path and shows it relative to cwd in every problem', () => {
    const file = join(dir, 'profiles', 'mine.yaml');
    const text = profile().replace('profile: p', 'profile: mine');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    expect(loadProfile('profiles/mine.yaml', dir)).toMatchObject({ file: 'profiles/mine.yaml', doc: { profile: 'mine' } });
    writeFileSync(file, text.replace('rate: 10', 'rate: -1'));
    const e = (() => {
      try {
        loadProfile('profiles/mine.yaml', dir);
      } catch (err) {
        return err as LoadError;
      }
    })();
    expect(e).toBeInstanceOf(LoadError);
    expect(e?.problems.map((p) => `${p.pos.file}:${p.pos.line}`)).toEqual([`profiles/mine.yaml:${where(text, 'rate: 10')[0]}`]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
    ['0s', 0],
    ['90s', 90_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', '1.5s', '30 s', ' 30s', '2s1m', '1ms30s', 's', 'm', '-1s', '1d', '30sec', '1m1m'])("'%s' does not parse", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseSlo', () => {
  it.each([
    ['claim.p99<200ms', { operation: 'claim', metric: 'p99', op: '<', value: 200 }],
    ['p50 <= 20ms', { metric: 'p50', op: '<=', value: 20 }],
    ['max<2s', { metric: 'max', op: '<', value: 2000 }],
    ['coupon-list.p999<1.5s', { operation: 'coupon-list', metric: 'p999', op: '<', value: 1500 }],
    ['p90<250us', { metric: 'p90', op: '<', value: 0.25 }],
    ['errors<0.1%', { metric: 'errors', op: '<', value: 0.001 }],
    ['claim.achieved>=99%', { operation: 'claim', metric: 'achieved', op: '>=', value: 0.99 }],
    ['achieved > 100%', { metric: 'achieved', op: '>', value: 1 }],
  ])('%s', (text, slo) => {
    expect(parseSlo(text)).toEqual(slo);
  });

  it.each([
    ['p95<1s', "unknown metric 'p95'"],
    ['p99<200', 'a latency needs a time unit'],
    ['p99<20%', 'a latency needs a time unit'],
    ['errors<1', 'errors is a percentage'],
    ['errors<1ms', 'errors is a percentage'],
    ['achieved>=101%', 'at most 100%'],
    ['p99=200ms', 'is not an SLO'],
    ['claim p99<200ms', 'is not an SLO'],
    ['Claim.p99<1s', 'is not an SLO'],
    ['p99<-1ms', 'is not an SLO'],
    ['', 'is not an SLO'],
  ])("'%s' is refused: %s", (text, reason) => {
    expect(() => parseSlo(text)).toThrow(reason);
  });
});
