/**
 * A target whose operations have its own names (a target config's `methods`): calls go out under them
 * and their answers are read under them. The target here is the reference behind a proxy that knows
 * only its own names (the reference runs without checking signatures, since the proxy renames a signed
 * parameter).
 */
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer } from '../../src/reference/server.js';
import { LoadError } from '../../src/core/errors.js';

const OURS = 'promoproof.coupon.user.list';
const THEIRS = 'shop.coupon.mine';

let reference: FastifyInstance;
let proxy: Server;
let url: string;
const seen: string[] = [];

beforeAll(async () => {
  reference = buildServer({ fault: 'sign-not-checked' });
  await reference.ready();
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', async () => {
      const form = new URLSearchParams(body);
      const method = form.get('method') ?? '';
      seen.push(method);
      // Only its own name: the spec's is unknown here.
      if (method === OURS) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error_response: { code: '15', zh_desc: '不存在的方法名' } }));
        return;
      }
      if (method === THEIRS) form.set('method', OURS);
      const a = await reference.inject({
        method: 'POST',
        url: '/routerjson',
        payload: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(a.body.replace('promoproof_coupon_user_list_responce', 'shop_coupon_mine_responce'));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/routerjson`;
});
afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await reference.close();
});

const config = (methods: string) => `apis:
  jd-coupon:
    url: ${url}
    credentials: { appKey: ${DEFAULT_CREDENTIALS.appKey}, appSecret: ${DEFAULT_CREDENTIALS.appSecret}, accessToken: ${DEFAULT_CREDENTIALS.accessToken} }
    ${methods}
`;

describe("a target's own method names", () => {
  it('calls go out under the target name and their answers are read under it', async () => {
    const target = loadTargetConfig('shop.yaml', {}, config(`methods: { ${OURS}: ${THEIRS} }`));
    expect(target.endpoints['jd-coupon']?.methods).toEqual({ [OURS]: THEIRS });
    const checks = planChecks({ suites: ['jd-coupon'] }).filter((c) => c.id === 'cpn-list-defaults');
    expect(checks).toHaveLength(1);
    seen.length = 0;
    const report = await runConformance({ target, checks });
    expect(report.results.map((r) => `${r.id} ${r.status} ${r.message}`)).toEqual(['cpn-list-defaults passed ']);
    // (Besides the runner's clock probes, which name no method.)
    expect(seen.filter((m) => m !== '')).toEqual([THEIRS]);
    // Without the mapping the same check fails: the target does not know the spec's name.
    const plain = await runConformance({ target: loadTargetConfig('shop.yaml', {}, config('')), checks });
    expect(plain.results[0]?.status).toBe('failed');
    expect(plain.results[0]?.message).toContain('error 15');
  });

  it('a name the API does not have is a problem of the file, at its line', () => {
    let problem = '';
    try {
      loadTargetConfig('shop.yaml', {}, config('methods: { promoproof.coupon.clam: shop.take }'));
    } catch (e) {
      problem = e instanceof LoadError ? e.problems.map((p) => `${p.pos.line}: ${p.message}`).join('\n') : String(e);
    }
    expect(problem).toBe("5: API 'jd-coupon' has no operation 'promoproof.coupon.clam'; did you mean 'promoproof.coupon.claim'?");
  });
});
