/**
 * `promoproof bind --openapi`: the command around the draft (test/bind/draft.test.ts) — where the
 * draft goes, what it prints for machines, its exit codes for a document that cannot be used (the file
 * and the parser's words, never a stack trace), the security schemes it can and cannot draft, and no
 * secret in anything it writes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const OPENAPI = new URL('../fixtures/openapi/rest-coupon.openapi.yaml', import.meta.url).pathname;
const SECRET = 'bearer-secret-9d2a61';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pp-bind-cli-'));
});

/** A minimal OpenAPI 3.1 document: one claim operation under the security scheme given. */
function tinyDocument(scheme: Record<string, unknown>): string {
  return JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'Tiny Coupons', version: '1' },
    servers: [{ url: '/relative' }],
    security: [{ main: [] }],
    components: { securitySchemes: { main: scheme } },
    paths: {
      '/batches/{batchId}/claim': {
        post: {
          operationId: 'claimCoupon',
          parameters: [{ name: 'batchId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { uid: { type: 'integer' } } } } } },
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  });
}

function noStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toContain('PP_INTERNAL');
}

describe('promoproof bind --openapi', () => {
  it('prints the draft on stdout, and a summary line on stderr', async () => {
    const r = await cli(['bind', '--openapi', OPENAPI, '--api', 'jd-coupon']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# yaml-language-server: \$schema=\S*specs\/schema\/target-config\.schema\.json\n/);
    expect(r.stdout).toContain('promoproof.coupon.claim: # confirm');
    expect(r.stdout).not.toContain('tencent-coupon-batch:');
    expect(r.stderr).toMatch(/^promoproof bind: 5 of 7 operations matched, \d+ TODOs to complete\. A draft: confirm every guess/);
  });

  it('--out writes the file with a $schema modeline that resolves from where it is, --url sets the origin', async () => {
    const out = join(dir, 'nested', 'rest.yaml');
    const r = await cli(['bind', '--openapi', OPENAPI, '--out', out, '--url', 'http://127.0.0.1:9001/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote ${out}`);
    const text = readFileSync(out, 'utf8');
    const ref = /\$schema=(\S+)/.exec(text)?.[1] ?? '';
    expect(existsSync(resolve(dirname(out), ref))).toBe(true);
    expect(text).toMatch(/^ {4}url: http:\/\/127\.0\.0\.1:9001$/m);
    expect(text).not.toContain('8700');
  });

  it('--json prints the draft and the match table', async () => {
    const r = await cli(['bind', '--openapi', OPENAPI, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      draft: { apis: Record<string, unknown> };
      matches: { api: string; operation: string; service?: { operationId?: string }; on: string[]; todos: string[] }[];
      todos: number;
    };
    expect(Object.keys(json.draft.apis)).toEqual(['tencent-coupon-batch', 'jd-coupon']);
    const ids = Object.fromEntries(json.matches.map((m) => [m.operation, m.service?.operationId]));
    expect(ids).toMatchObject({
      'order/add_coupon': 'createActivity',
      'promoproof.coupon.claim': 'claimCoupon',
      'promoproof.coupon.user.list': 'listUserCoupons',
      'promoproof.coupon.verify': 'verifyCoupon',
      'promoproof.coupon.redeem': 'redeemCoupon',
      'promoproof.coupon.statistics': 'getActivityStats',
    });
    expect(json.todos).toBeGreaterThan(0);
  });

  it('writes no secret: the token is an ${env:…} placeholder even when the variable is set', async () => {
    const env = { REST_COUPON_SERVICE_TOKEN: SECRET, PROMOPROOF_ACCESS_TOKEN: SECRET };
    const out = join(dir, 'secret.yaml');
    for (const args of [[], ['--json'], ['--out', out]]) {
      const r = await cli(['bind', '--openapi', OPENAPI, ...args], { env });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toMatch(/^ {6}token: \$\{env:REST_COUPON_SERVICE_TOKEN\}$/m);
  });

  it('drafts an API key header scheme as api-key, and any other scheme as none with a TODO (OpenAPI 3.1)', async () => {
    const apiKey = join(dir, 'api-key.json');
    writeFileSync(apiKey, tinyDocument({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }));
    const a = await cli(['bind', '--openapi', apiKey, '--api', 'jd-coupon']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(
      /auth: # security scheme 'main' \(apiKey in header X-Api-Key\); confirm\n\s+kind: api-key\n\s+header: X-Api-Key\n/,
    );
    expect(a.stdout).toMatch(/^ {6}apiKey: \$\{env:TINY_COUPONS_API_KEY\}$/m);
    // A relative server URL is no origin: a placeholder and a TODO.
    expect(a.stdout).toMatch(/url: http:\/\/127\.0\.0\.1:8080 # TODO: the service origin/);
    const oauth = join(dir, 'oauth.json');
    writeFileSync(
      oauth,
      tinyDocument({ type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.example/token', scopes: {} } } }),
    );
    const o = await cli(['bind', '--openapi', oauth, '--api', 'jd-coupon']);
    expect(o.code).toBe(0);
    expect(o.stdout).toMatch(
      /# TODO: security scheme 'main' \(oauth2\) is not one a draft can write: none drafted.*\n\s+auth:\n\s+kind: none\n/,
    );
  });
});

describe('promoproof bind: documents it cannot use, and usage errors (exit 2)', () => {
  it('a missing document: exit 2 naming the file [PP_PATH]', async () => {
    const r = await cli(['bind', '--openapi', 'no/such/openapi.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read OpenAPI file 'no\/such\/openapi\.yaml': no such file \[PP_PATH\]\n$/);
    noStack(r.stderr);
  });

  it("an invalid document: exit 2 naming the file, with the parser's message [PP_OPENAPI]", async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, 'openapi: 3.0.3\ninfo: { title: Broken }\npaths:\n  /x:\n    get:\n      responses: { "200": {} }\n');
    const r = await cli(['bind', '--openapi', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: not a usable OpenAPI document:`);
    expect(r.stderr).toMatch(/version|description/);
    expect(r.stderr).toMatch(/\[PP_OPENAPI\]\n$/);
    noStack(r.stderr);
    const notYaml = join(dir, 'not-yaml.yaml');
    writeFileSync(notYaml, 'openapi: [3.0\n  : :\n');
    const y = await cli(['bind', '--openapi', notYaml]);
    expect(y.code).toBe(2);
    expect(y.stderr).toContain(notYaml);
    noStack(y.stderr);
  });

  it('a $ref to a URL is not fetched: the document is refused, naming the reference', async () => {
    const file = join(dir, 'remote-ref.json');
    const schema = { $ref: 'http://127.0.0.1:9/schemas.yaml#/Coupon' };
    const response = { description: 'ok', content: { 'application/json': { schema } } };
    writeFileSync(
      file,
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 'Remote', version: '1' },
        paths: { '/c': { get: { responses: { '200': response } } } },
      }),
    );
    const r = await cli(['bind', '--openapi', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unable to resolve \$ref pointer "http:\/\/127\.0\.0\.1:9\/schemas\.yaml" \[PP_OPENAPI\]\n$/);
  });

  it('a Swagger 2 document: refused, saying so', async () => {
    const file = join(dir, 'swagger.json');
    writeFileSync(
      file,
      JSON.stringify({
        swagger: '2.0',
        info: { title: 'Old', version: '1' },
        paths: { '/c': { get: { responses: { '200': { description: 'ok' } } } } },
      }),
    );
    const r = await cli(['bind', '--openapi', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /a Swagger 2\.0 document; promoproof bind reads OpenAPI 3\.0 and 3\.1 only \(convert it first.*\[PP_OPENAPI\]\n$/,
    );
    noStack(r.stderr);
  });

  it('no --openapi, an unknown --api, a --url that is no origin: usage errors', async () => {
    expect((await cli(['bind'])).stderr).toMatch(/--openapi FILE is required.*\[PP_USAGE\]/);
    const api = await cli(['bind', '--openapi', OPENAPI, '--api', 'jd-nothing']);
    expect(api.code).toBe(2);
    expect(api.stderr).toMatch(/--api: no API 'jd-nothing' \(known: .*jd-coupon/);
    expect((await cli(['bind', '--openapi', OPENAPI, '--url', 'localhost:80'])).code).toBe(2);
  });

  it('--help says what it does', async () => {
    const r = await cli(['bind', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: promoproof bind --openapi FILE/);
    expect(r.stdout).toContain('TODO');
    expect((await cli(['--help'])).stdout).toMatch(/\n {2}bind {3}draft a binding of a coupon service from its OpenAPI 3 document/);
  });
});
