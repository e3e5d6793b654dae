import { describe, expect, it } from 'vitest';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { formatProblem, LoadError, type LoadProblem } from '../../src/core/errors.js';

const FILE = '/configs/target.yaml';

/** The problems loading `text` reports, each as `line:column message` (the load must fail). */
function problems(text: string, env: Record<string, string | undefined> = {}): LoadProblem[] {
  try {
    loadTargetConfig(FILE, env, text);
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return [...(e as LoadError).problems];
  }
  throw new Error('expected a LoadError');
}

const at = (p: LoadProblem) => `${p.pos.line}:${p.pos.column}`;

const SHORT = `url: https://shop.test.example/routerjson
credentials:
  jos:
    appKey: k
    appSecret: s
    accessToken: t
`;

const TENCENT = `apis:
  tencent-coupon-batch:
    url: https://test.zhls.qq.com
    credentials:
      appId: my-app-id
      appSecret: \${env:YOUSHU_APP_SECRET}
    options:
      dataSourceId: "10086"
`;

describe('loadTargetConfig: the forms', () => {
  it('the short form (url + credentials.jos) is the jd-promotion endpoint', () => {
    const t = loadTargetConfig(FILE, {}, SHORT);
    expect(t.endpoints).toEqual({
      'jd-promotion': { url: 'https://shop.test.example/routerjson', credentials: { appKey: 'k', appSecret: 's', accessToken: 't' } },
    });
    expect(t.embedded).toBe(false);
    expect(t.capabilities).toEqual([]);
    expect(t.skus).toEqual([]);
    expect(t).not.toHaveProperty('testControlUrl');
  });

  it('apis.tencent-coupon-batch gives that endpoint, the secret resolved from the environment, its options', () => {
    const t = loadTargetConfig(FILE, { YOUSHU_APP_SECRET: 'from-env-secret' }, TENCENT);
    expect(Object.keys(t.endpoints)).toEqual(['tencent-coupon-batch']);
    expect(t.endpoints['tencent-coupon-batch']).toEqual({
      url: 'https://test.zhls.qq.com',
      credentials: { appId: 'my-app-id', appSecret: 'from-env-secret' },
      options: { dataSourceId: '10086' },
    });
  });

  it('${env:…} is resolved inside a longer string, in the url and in options too', () => {
    const text = `apis:
  tencent-coupon-batch:
    url: https://\${env:HOST}
    credentials: { appId: "id-\${env:ID}", appSecret: "\${env:SECRET}" }
    options: { dataSourceId: "\${env:DS}" }
`;
    const t = loadTargetConfig(FILE, { HOST: 'zhls.test', ID: '7', SECRET: 'sec', DS: '88' }, text);
    expect(t.endpoints['tencent-coupon-batch']).toEqual({
      url: 'https://zhls.test',
      credentials: { appId: 'id-7', appSecret: 'sec' },
      options: { dataSourceId: '88' },
    });
  });

  it('both forms together give both endpoints; the first URL names the test-control base', () => {
    const t = loadTargetConfig(FILE, { YOUSHU_APP_SECRET: 'x' }, `${SHORT}capabilities: [test-control]\n${TENCENT}`);
    expect(Object.keys(t.endpoints).sort()).toEqual(['jd-promotion', 'tencent-coupon-batch']);
    expect(t.endpoints['jd-promotion']?.url).toBe('https://shop.test.example/routerjson');
    expect(t.endpoints['tencent-coupon-batch']?.credentials).toEqual({ appId: 'my-app-id', appSecret: 'x' });
    expect(t.capabilities).toEqual(['test-control']);
    expect(t.testControlUrl).toBe('https://shop.test.example/__promoproof');
  });

  it('apis.jd-promotion is the long form of the short one', () => {
    const t = loadTargetConfig(
      FILE,
      {},
      `apis:
  jd-promotion:
    url: https://shop.test.example/routerjson
    credentials: { appKey: k, appSecret: s, accessToken: t }
`,
    );
    expect(t.endpoints).toEqual(loadTargetConfig(FILE, {}, SHORT).endpoints);
  });
});

describe('loadTargetConfig: problems, all at once, each with file:line:column naming the field', () => {
  it('an unknown API id', () => {
    const ps = problems(`apis:
  tencent-coupons:
    url: https://x.example
    credentials: { appId: a, appSecret: b }
`);
    expect(ps).toHaveLength(1);
    expect(ps[0]?.message).toContain(`unknown API 'tencent-coupons'`);
    expect(ps[0]?.message).toContain('tencent-coupon-batch');
    expect(ps[0]?.pos.file).toBe(FILE);
    // The entry of that API (its key's line, or the first line of its body).
    expect([2, 3]).toContain(ps[0]?.pos.line);
  });

  it('a Tencent endpoint without appSecret, at its credentials', () => {
    const ps = problems(`apis:
  tencent-coupon-batch:
    url: https://x.example
    credentials:
      appId: a
    options: { dataSourceId: "1" }
`);
    expect(ps.map((p) => p.message)).toEqual(['tencent-data-api credentials need appSecret']);
    expect(ps[0]?.pos.line).toBe(5);
    expect(ps[0]?.pointer).toBe('/apis/tencent-coupon-batch/credentials');
  });

  it('a credential field the protocol does not have (appKey under tencent), at that field', () => {
    const ps = problems(`apis:
  tencent-coupon-batch:
    url: https://x.example
    credentials:
      appId: a
      appSecret: b
      appKey: k
    options: { dataSourceId: "1" }
`);
    expect(ps).toHaveLength(1);
    expect(ps[0]?.message).toBe(`tencent-data-api credentials have no field 'appKey' (they are appId, appSecret)`);
    expect(at(ps[0] as LoadProblem)).toBe('7:15');
    expect(ps[0]?.pointer).toBe('/apis/tencent-coupon-batch/credentials/appKey');
  });

  it('a missing options.dataSourceId names the option and what it is', () => {
    const ps = problems(`apis:
  tencent-coupon-batch:
    url: https://x.example
    credentials: { appId: a, appSecret: b }
`);
    expect(ps).toHaveLength(1);
    expect(ps[0]?.message).toContain(`API 'tencent-coupon-batch' needs options.dataSourceId`);
    expect(ps[0]?.message).toContain('数据源id');
    expect([2, 3]).toContain(ps[0]?.pos.line);
  });

  it('an unknown option, at that option', () => {
    const ps = problems(`apis:
  tencent-coupon-batch:
    url: https://x.example
    credentials: { appId: a, appSecret: b }
    options:
      dataSourceId: "1"
      region: cn
`);
    expect(ps.map((p) => p.message)).toEqual([`API 'tencent-coupon-batch' has no option 'region'`]);
    expect(at(ps[0] as LoadProblem)).toBe('7:15');
  });

  it('an unset (or empty) environment variable, at the value using it', () => {
    const ps = problems(TENCENT, {});
    expect(ps.map((p) => p.message)).toEqual(['environment variable YOUSHU_APP_SECRET is not set']);
    expect(at(ps[0] as LoadProblem)).toBe('6:18');
    expect(ps[0]?.pointer).toBe('/apis/tencent-coupon-batch/credentials/appSecret');
    expect(problems(TENCENT, { YOUSHU_APP_SECRET: '' }).map((p) => p.message)).toEqual([
      'environment variable YOUSHU_APP_SECRET is not set',
    ]);
  });

  it('the same API in the short form and in apis', () => {
    const ps = problems(`${SHORT}apis:
  jd-promotion:
    url: https://other.example/routerjson
    credentials: { appKey: k, appSecret: s, accessToken: t }
`);
    expect(ps).toHaveLength(1);
    expect(ps[0]?.message).toContain(`API 'jd-promotion' is given twice`);
    // The apis entry (its key's line, or the first line of its body), not the short form's.
    expect([8, 9]).toContain(ps[0]?.pos.line);
    expect(ps[0]?.pointer).toBe('/apis/jd-promotion');
  });

  it('reports every problem of the file at once, in one error whose message has file:line:column for each', () => {
    const text = `${SHORT}apis:
  jd-promotion:
    url: https://other.example/routerjson
    credentials: { appKey: k, appSecret: s, accessToken: t }
  nope:
    url: https://x.example
    credentials: { a: b }
  tencent-coupon-batch:
    url: https://x.example
    credentials:
      appId: \${env:NO_SUCH_VAR}
      appKey: k
    options:
      region: cn
`;
    let error: LoadError | undefined;
    try {
      loadTargetConfig(FILE, {}, text);
    } catch (e) {
      error = e as LoadError;
    }
    expect(error).toBeInstanceOf(LoadError);
    const messages = error?.problems.map((p) => p.message) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`API 'jd-promotion' is given twice`),
        expect.stringContaining(`unknown API 'nope'`),
        'tencent-data-api credentials need appSecret',
        'environment variable NO_SUCH_VAR is not set',
        `tencent-data-api credentials have no field 'appKey' (they are appId, appSecret)`,
        expect.stringContaining('needs options.dataSourceId'),
        `API 'tencent-coupon-batch' has no option 'region'`,
      ]),
    );
    expect(messages).toHaveLength(7);
    for (const p of error?.problems ?? []) {
      expect(p.code).toBe('PP_SCHEMA');
      expect(p.pos.file).toBe(FILE);
      expect(p.pos.line).toBeGreaterThan(7);
      expect(error?.message).toContain(formatProblem(p));
      expect(formatProblem(p)).toMatch(/^\/configs\/target\.yaml:\d+:\d+: /);
    }
    // The env problem sits on the line of appId, the unknown field on appKey's, the option on region's.
    const line = (m: string) => error?.problems.find((p) => p.message.includes(m))?.pos.line;
    expect(line('NO_SUCH_VAR')).toBe(17);
    expect(line(`no field 'appKey'`)).toBe(18);
    expect(line(`no option 'region'`)).toBe(20);
  });

  it('a schema violation (a non-http url) fails before any of these', () => {
    const ps = problems(`apis:
  tencent-coupon-batch:
    url: ftp://x.example
    credentials: { appId: a, appSecret: b }
    options: { dataSourceId: "1" }
`);
    expect(ps.length).toBeGreaterThan(0);
    expect(ps.every((p) => p.code === 'PP_SCHEMA')).toBe(true);
    expect(ps.some((p) => p.pos.line === 3)).toBe(true);
  });
});
