/**
 * `promoproof bind --openapi`'s draft, from the test REST service's own OpenAPI document
 * (test/fixtures/openapi/rest-coupon.openapi.yaml): each spec operation goes to the right method and
 * path, the draft loads as a target config once the user has done what its TODOs ask (and not
 * before), a document lacking an operation leaves a TODO rather than a guess, and — the draft
 * completed — the life cycle's checks pass against the service it was drafted from.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { APIS } from '../../src/apis/index.js';
import { type Draft, type DraftApi, draftBinding } from '../../src/bind/draft.js';
import { readOpenApi } from '../../src/bind/openapi.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { LoadError } from '../../src/core/errors.js';
import { startRestCouponService } from '../helpers/rest-coupon-service.js';

const OPENAPI = new URL('../fixtures/openapi/rest-coupon.openapi.yaml', import.meta.url).pathname;
const ENV = { REST_COUPON_SERVICE_TOKEN: 'rest-token-draft-51f0' };

function apis(...ids: string[]): DraftApi[] {
  return ids.map((id) => {
    const def = APIS.get(id);
    if (def === undefined) throw new Error(id);
    return { compiled: def.compiled(), ...(def.options !== undefined ? { options: def.options } : {}) };
  });
}

async function draftOf(file: string): Promise<Draft> {
  return draftBinding(await readOpenApi(file), {
    apis: apis('tencent-coupon-batch', 'jd-coupon'),
    schemaRef: '../../specs/schema/target-config.schema.json',
    source: 'rest-coupon.openapi.yaml',
  });
}

type Config = { apis: Record<string, { url: string; options?: Record<string, string>; binding: Binding }> };
type Binding = { answer: Record<string, unknown>; operations: Record<string, Record<string, unknown>>; maps?: unknown };

let draft: Draft;
beforeAll(async () => {
  draft = await draftOf(OPENAPI);
});

describe("the draft from the test service's OpenAPI document", () => {
  it('binds each operation the service has to its method and path, saying what it matched on', () => {
    const found = Object.fromEntries(draft.matches.map((m) => [m.operation, m.service && `${m.service.method} ${m.service.path}`]));
    expect(found).toEqual({
      'order/add_coupon': 'POST /activities',
      'promoproof.coupon.claim': 'POST /activities/{activityId}/claims',
      'promoproof.coupon.user.list': 'GET /users/{userId}/coupons',
      'promoproof.coupon.verify': 'POST /coupons/{couponNo}/verify',
      'promoproof.coupon.redeem': 'POST /coupons/{couponNo}/redeem',
      'promoproof.coupon.statistics': 'GET /activities/{activityId}/stats',
      // The service has neither: a TODO each, never a guess.
      'promoproof.coupon.issue': undefined,
      'promoproof.coupon.revoke': undefined,
    });
    const claim = draft.matches.find((m) => m.operation === 'promoproof.coupon.claim');
    expect(claim?.on).toEqual(
      expect.arrayContaining(["operationId word 'claim'", 'uid ~ userId (synonym)', 'batch_id ~ activityId (synonym)']),
    );
    expect(draft.yaml).toMatch(/# TODO: promoproof\.coupon\.revoke .*no operation of the document names its action 'revoke'/);
  });

  it('drafts the requests: path parameters, query, body, lists of objects and conversions the schema states', () => {
    const ops = (draft.config as Config).apis['jd-coupon']?.binding.operations ?? {};
    expect(ops['promoproof.coupon.claim']?.['request']).toEqual({
      method: 'POST',
      path: '/activities/${params.batch_id}/claims',
      body: { userId: '${params.uid}', requestId: '${params.request_id}' },
    });
    expect(ops['promoproof.coupon.user.list']?.['request']).toMatchObject({
      method: 'GET',
      path: '/users/${params.uid}/coupons',
      query: { status: '${params.status}', page: '${params.page}', size: '${params.page_size}' },
    });
    // Yuan because the service's Money schema says so ("An amount in yuan"); fen from the spec's name.
    expect(ops['promoproof.coupon.verify']?.['request']).toMatchObject({
      body: {
        items: {
          $each: '${params.order_lines}',
          $item: { sku: '${item.sku_id}', qty: '${item.quantity}', unitPrice: { $value: '${item.price_fen}', $convert: 'fen-to-yuan' } },
        },
      },
    });
    expect(ops['promoproof.coupon.redeem']?.['request']).toMatchObject({ body: { orderNo: '${params.order_code}' } });
  });

  it('drafts the answers: the error location, fields by pointer, conversions the schema states, the ids the service assigns', () => {
    const config = draft.config as Config;
    const jd = config.apis['jd-coupon']?.binding;
    expect(jd?.answer).toEqual({ success: { status: [200, 201] }, error: { code: '/error/code', message: '/error/message' } });
    expect(config.apis['tencent-coupon-batch']?.binding.operations['order/add_coupon']).toMatchObject({
      each: '/coupons',
      creates: { id: 'batch', from: 'external_coupon_id', at: '/activityId' },
    });
    const claim = jd?.operations['promoproof.coupon.claim'];
    expect(claim?.['ids']).toEqual({ batch_id: 'batch' });
    expect(claim?.['answer']).toMatchObject({
      fields: {
        coupon: {
          object: '/coupon',
          item: {
            coupon_code: '/couponNo',
            batch_id: { at: '/activityId', id: 'batch' },
            amount_fen: { at: '/amount', convert: 'yuan-to-fen' },
            acquired_time: { at: '/claimedAt', convert: 'ms-to-utc8' },
            used_time: { at: '/usedAt', convert: 'iso-to-utc8' },
          },
        },
      },
    });
    expect(jd?.operations['promoproof.coupon.user.list']?.['answer']).toMatchObject({
      fields: { coupons: { list: '/items' }, page_size: '/size' },
    });
    expect(jd?.operations['promoproof.coupon.statistics']?.['answer']).toMatchObject({ fields: { 'statistics.claimed': '/claimed' } });
  });

  it('says every guess is one, and leaves what it cannot know as TODOs: codes, units not stated, fields and parameters not found', () => {
    const lines = draft.yaml.split('\n');
    // Every value drafted from a match carries its reason and "confirm".
    for (const line of lines.filter((l) => /\$\{(params|item)\./.test(l) && !l.includes('$each') && !l.includes('$value')))
      expect(line, line).toMatch(/# .*confirm$/);
    expect(draft.yaml).toMatch(/# TODO: codes: map each of the service's codes .* SOLD_OUT, LIMIT_REACHED/);
    expect(draft.yaml).not.toMatch(/^\s+codes:/m);
    // The schema says nothing of minSpend's unit on the spec's side (amount_minimum): asked, not assumed.
    expect(draft.yaml).toMatch(/# TODO: confirm the unit of the service's 'minSpend'/);
    expect(draft.yaml).toMatch(/# TODO: required by the spec, not found in the answer: data_source_id, sub_type, via/);
    expect(draft.yaml).toMatch(/# TODO: parameter data_source_id is not bound/);
    expect(draft.yaml).toMatch(
      /# TODO: the service's values of 'status' \(AVAILABLE, USED, EXPIRED\) are not the spec's status \(unused, used, expired, revoked\)/,
    );
    expect(draft.yaml).toMatch(/# TODO: dataSourceId: the data source/);
    expect(draft.todos).toBe((draft.yaml.match(/TODO:/g) ?? []).length);
  });

  it('names secrets as ${env:…} placeholders, never values, and writes the $schema modeline', () => {
    expect(draft.yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=../../specs/schema/target-config.schema.json');
    expect((draft.config as { apis: Record<string, { credentials: unknown }> }).apis['jd-coupon']?.credentials).toEqual({
      token: '${env:REST_COUPON_SERVICE_TOKEN}',
    });
  });

  it('parses back to exactly the config --json prints, under YAML 1.2 and 1.1 alike', () => {
    expect(parse(draft.yaml)).toEqual(draft.config);
    expect(parse(draft.yaml, { version: '1.1' })).toEqual(draft.config);
  });
});

describe('loading the draft', () => {
  it('refuses the draft as drafted for what only the user knows (options.dataSourceId), and nothing else', () => {
    let error: unknown;
    try {
      loadTargetConfig('draft.yaml', ENV, draft.yaml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LoadError);
    const problems = (error as LoadError).problems.map((p) => `${p.code} ${p.message}`);
    expect(problems).toEqual([expect.stringMatching(/^PP_SCHEMA API 'tencent-coupon-batch' needs options\.dataSourceId/)]);
  });

  it('loads without a binding problem once options.dataSourceId is given (the one edit)', () => {
    const text = draft.yaml.replace('options: {}', 'options: { dataSourceId: "101" }');
    const target = loadTargetConfig('draft.yaml', ENV, text);
    expect(Object.keys(target.endpoints).sort()).toEqual(['jd-coupon', 'tencent-coupon-batch']);
  });
});

describe('a document lacking an operation', () => {
  it('leaves a TODO for it and binds the others as before: redeem is not guessed onto verify', async () => {
    const doc = parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, unknown> };
    delete doc.paths['/coupons/{couponNo}/redeem'];
    const file = join(mkdtempSync(join(tmpdir(), 'pp-bind-')), 'no-redeem.yaml');
    writeFileSync(file, stringify(doc));
    const lacking = await draftOf(file);
    const redeem = lacking.matches.find((m) => m.operation === 'promoproof.coupon.redeem');
    expect(redeem?.service).toBeUndefined();
    expect(redeem?.todos).toEqual([expect.stringMatching(/no operation of the document names its action 'redeem'/)]);
    expect(lacking.matches.find((m) => m.operation === 'promoproof.coupon.verify')?.service?.path).toBe('/coupons/{couponNo}/verify');
    expect(lacking.yaml).not.toMatch(/^\s+promoproof\.coupon\.redeem:/m);
  });
});

describe('the draft completed as its TODOs ask, against the service it was drafted from', () => {
  const TOKEN = ENV.REST_COUPON_SERVICE_TOKEN;
  let service: { origin: string; close: () => Promise<void> };
  beforeAll(async () => {
    service = await startRestCouponService({ token: TOKEN });
  });
  afterAll(async () => {
    await service.close();
  });

  /** The user's edits, one per TODO the life cycle's checks need, on the drafted config. */
  function completed(origin: string): string {
    const config = structuredClone(draft.config) as Config;
    const tencent = config.apis['tencent-coupon-batch'];
    const jd = config.apis['jd-coupon'];
    if (tencent === undefined || jd === undefined) throw new Error('the draft lacks an API');
    tencent.url = origin;
    jd.url = origin;
    tencent.options = { dataSourceId: '101' }; // TODO: dataSourceId
    const add = tencent.binding.operations['order/add_coupon'] ?? {};
    // TODO: kind / issuer, no parameter matched: the service's one kind and issuer, so no other sub type or type is sent as them.
    Object.assign((add['request'] as { body: Record<string, unknown> }).body, {
      issuer: { $value: '${params.coupon_type}', $map: { '1': 'MERCHANT' } },
      kind: { $value: '${params.coupon_sub_type}', $map: { '1': 'CASH' } },
    });
    jd.binding.answer['codes'] = { SOLD_OUT: 'coupon.stock.empty', LIMIT_REACHED: 'coupon.user.limit', ALREADY_USED: 'coupon.used' }; // TODO: codes
    jd.binding.maps = { status: { AVAILABLE: 'unused', USED: 'used', EXPIRED: 'expired' } }; // TODO: the service's values of 'status' …
    const constants = {
      data_source_id: { value: '101' }, // TODO: required … not found
      sub_type: { value: 1 },
      via: { value: 'claim' },
      status: { at: '/status', map: 'status' },
    };
    const claim = jd.binding.operations['promoproof.coupon.claim'] ?? {};
    claim['ignore'] = ['data_source_id']; // TODO: parameter data_source_id is not bound
    const coupon = (claim['answer'] as { fields: { coupon: { item: Record<string, unknown> } } }).fields.coupon.item;
    Object.assign(coupon, constants);
    const list = jd.binding.operations['promoproof.coupon.user.list'] ?? {};
    (list['request'] as { query: Record<string, unknown> }).query['status'] = { $value: '${params.status}', $map: 'status' };
    Object.assign((list['answer'] as { fields: { coupons: { item: Record<string, unknown> } } }).fields.coupons.item, constants);
    return stringify(config);
  }

  it('passes the claim, list, stock, per-user, verification and redeem-once checks', async () => {
    const target = {
      ...loadTargetConfig('draft.yaml', ENV, completed(service.origin)),
      clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
    };
    const ids = ['cpn-claim-then-list', 'cpn-stock', 'cpn-per-user-limit', 'cpn-verify-above-eligible', 'cpn-redeem-once'];
    const checks = planChecks({ suites: ['jd-coupon'], generated: false }).filter((c) => ids.includes(c.id));
    expect(checks.map((c) => c.id).sort()).toEqual([...ids].sort());
    const report = await runConformance({ target, checks });
    expect(report.results.map((r) => `${r.id} ${r.status}${r.status === 'passed' ? '' : `: ${r.message}`}`).sort()).toEqual(
      ids.map((id) => `${id} passed`).sort(),
    );
  }, 30_000);
});
