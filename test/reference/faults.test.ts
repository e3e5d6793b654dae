import { describe, expect, it } from 'vitest';
import { buildJosParams, resign, toFormBody } from '../../src/protocols/jos/client.js';
import { successKey } from '../../src/protocols/jos/envelope.js';
import { formatJosTimestamp, formatJosTimestampWithOffset } from '../../src/protocols/jos/timestamp.js';
import { FAULTS, type FaultName } from '../../src/apis/jd-promotion/fault-table.js';
import { loadJosProtocol, loadRules } from '../../src/spec/load.js';
import { createTestClient, CREDS, DAY_MS, P, sku, ts, type Answer, type TestClient } from '../helpers/jos.js';

/** The probes' fixed real clock: 2026-11-23 10:00:00 UTC+8, a whole minute. */
const FIXED = Date.UTC(2026, 10, 23, 2, 0, 0);
const S = 1000;

/** True when the fault's rule is kept, false when it is broken. */
type Probe = (c: TestClient) => Promise<boolean>;

function client(fault?: FaultName): TestClient {
  return createTestClient({ now: () => FIXED, ...(fault === undefined ? {} : { fault }) });
}

// ------------------------------------------------------------------ answer helpers

const succeeded = (a: Answer): boolean => a.kind === 'success';
const refused = (a: Answer): boolean => a.kind === 'error';
/** Refused with one of `codes`. */
const refusedWith = (a: Answer, ...codes: string[]): boolean => a.kind === 'error' && codes.includes(a.code);

function body(a: Answer): Record<string, unknown> {
  if (a.kind !== 'success') throw new Error(`expected a success, got ${a.raw}`);
  return a.body;
}

function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}

function list(obj: unknown, key: string): unknown[] {
  const v = field(obj, key);
  return Array.isArray(v) ? v : [];
}

// ------------------------------------------------------------------ request helpers

/** A valid add's parameters: single-item, in effect from a minute ago for a week. */
function addFields(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: '优惠促销', type: 1, begin_time: ts(FIXED - 60 * S), end_time: ts(FIXED + 7 * DAY_MS), ...over };
}

/** A draft of the given promotion type (order-total drafts get bound 1). */
function draftOf(c: TestClient, type: 1 | 4 | 6 | 10 = 1): Promise<number> {
  return c.draft(type === 10 ? { type, bound: 1 } : { type });
}

/** Signed parameters of a list call at the fixed clock. */
function listParams(app: Record<string, unknown> | string = {}): Record<string, string> {
  return buildJosParams({ method: P + 'list', app, credentials: CREDS, timestampMs: FIXED });
}

/** Signed list parameters without `names` (re-signed, so only their absence is wrong). */
function listWithout(...names: string[]): Record<string, string> {
  const params = listParams();
  for (const n of names) delete params[n];
  return resign(params, CREDS.appSecret);
}

/** Signed list parameters padded with an extra `pad` parameter so the form body is exactly `bytes` long. */
function listBodyOf(bytes: number): Record<string, string> {
  const padded = (n: number) => resign({ ...listParams(), pad: 'x'.repeat(n) }, CREDS.appSecret);
  return padded(bytes - toFormBody(padded(1)).length + 1);
}

/** JD price text of catalogue SKU i: (10 + ⌊i/4⌋) yuan + (i % 4) × 0.1. */
function jdPrice(i: number): string {
  return `${10 + Math.floor(i / 4)}.${i % 4}`;
}

/** sku.add parameters for catalogue SKUs from … to-1, main SKUs at their JD price minus 1 yuan. */
function skuBatch(promoId: number, from: number, to: number): Record<string, unknown> {
  const idx = Array.from({ length: to - from }, (_, k) => from + k);
  return {
    promo_id: promoId,
    sku_ids: idx.map(sku),
    jd_prices: idx.map(jdPrice),
    promo_prices: idx.map((i) => `${9 + Math.floor(i / 4)}.${i % 4}`),
  };
}

/** A committed single-item promotion whose draft got the given activitymode.add calls; answers activitymode.get's rule. */
async function activityModeAfter(c: TestClient, calls: readonly Record<string, unknown>[]): Promise<unknown> {
  const id = await draftOf(c, 1);
  for (const call of calls) if (!succeeded(await c.call('activitymode.add', { promo_id: id, ...call }))) return undefined;
  if (!succeeded(await c.call('sku.add', skuBatch(id, 0, 1)))) return undefined;
  if (!succeeded(await c.call('commit', { promo_id: id }))) return undefined;
  return field(body(await c.call('activitymode.get', { promo_id: id })), 'activity_mode');
}

/** A gift promotion (main 50.0, one gift at `giftJd` given `giftNum` times) committed: answers commit. */
async function giftCommit(c: TestClient, giftJd: string, giftNum: number): Promise<Answer> {
  const id = await draftOf(c, 4);
  const added = await c.call('sku.add', {
    promo_id: id,
    sku_ids: [sku(40), sku(60)],
    jd_prices: ['50.0', giftJd],
    promo_prices: ['45.0', '1.0'],
    num: [1, giftNum],
    bind_type: [1, 2],
  });
  if (!succeeded(added)) throw new Error(`sku.add failed: ${added.raw}`);
  return c.call('commit', { promo_id: id });
}

/** get's status of a committed promotion. */
async function statusOf(c: TestClient, id: number): Promise<unknown> {
  return field(field(body(await c.call('get', { promo_id: id })), 'promotion_v_o'), 'status');
}

function sameRule(rule: unknown, expected: Record<string, string>): boolean {
  return Object.entries(expected).every(([k, v]) => field(rule, k) === v);
}

/** An order-total draft's ordermode.add: `ok` must be accepted (on one draft) and `bad` refused with one of `codes` (on another). */
async function orderMode(c: TestClient, ok: Record<string, unknown>, bad: Record<string, unknown>, ...codes: string[]): Promise<boolean> {
  const good = await c.call('ordermode.add', { promo_id: await draftOf(c, 10), ...ok });
  const wrong = await c.call('ordermode.add', { promo_id: await draftOf(c, 10), ...bad });
  return succeeded(good) && refusedWith(wrong, ...codes);
}

async function setStatus(c: TestClient, id: number, status: number): Promise<void> {
  const r = await c.control(`promotions/${id}/status`, { status });
  if (r.status !== 200) throw new Error(`status control failed: ${JSON.stringify(r.json)}`);
}

async function advance(c: TestClient, id: number, seconds: number): Promise<void> {
  const r = await c.control(`promotions/${id}/clock`, { advanceS: seconds });
  if (r.status !== 200) throw new Error(`clock control failed: ${JSON.stringify(r.json)}`);
}

// ------------------------------------------------------------------ one probe per fault

const PROBES = {
  // ---------------------------------------------------------------- JOS transport
  'missing-version-accepted': async (c) => refusedWith(await c.call('list', {}, { v: null }), '4'),

  // The SDK form, read in its own offset: the same instant written in +0800 and in +0000 is accepted.
  'timestamp-offset-form-refused': async (c) =>
    succeeded(await c.call('list', {}, { timestampText: formatJosTimestampWithOffset(FIXED) })) &&
    succeeded(await c.call('list', {}, { timestampText: `${formatJosTimestamp(FIXED - 8 * 3600 * S)}.000+0000` })),

  'timestamp-any-form': async (c) =>
    refusedWith(await c.call('list', {}, { timestampText: ts(FIXED).replace(' ', 'T') }), '8') &&
    refusedWith(await c.call('list', {}, { timestampText: String(FIXED / S) }), '8'),

  // 6 min 30 s off either way is outside the 6-minute window.
  'skew-7-minutes': async (c) =>
    refusedWith(await c.call('list', {}, { timestampMs: FIXED - 390 * S }), '8') &&
    refusedWith(await c.call('list', {}, { timestampMs: FIXED + 390 * S }), '8'),

  // 5 min 30 s off either way is inside the 6-minute window.
  'skew-5-minutes': async (c) =>
    succeeded(await c.call('list', {}, { timestampMs: FIXED - 330 * S })) &&
    succeeded(await c.call('list', {}, { timestampMs: FIXED + 330 * S })),

  'format-not-checked': async (c) =>
    refusedWith(await c.call('list', {}, { format: 'xml' }), '6') && succeeded(await c.call('list', {}, { format: 'json' })),

  'version-not-checked': async (c) =>
    refusedWith(await c.call('list', {}, { v: '1.0' }), '5') && refusedWith(await c.call('list', {}, { v: '3.0' }), '5'),

  'app-key-not-checked': async (c) =>
    refusedWith(await c.call('list', {}, { credentials: { ...CREDS, appKey: '' } }), '20') &&
    refusedWith(await c.call('list', {}, { credentials: { ...CREDS, appKey: 'unknown-app-key' } }), '21'),

  'timestamp-optional': async (c) => refusedWith(await c.send(listWithout('timestamp')), '7'),

  'missing-method-defaults-to-list': async (c) => refusedWith(await c.send(listWithout('method')), '14'),

  'sign-optional': async (c) => {
    const unsigned = listParams();
    delete unsigned['sign'];
    return refusedWith(await c.send(unsigned), '11');
  },

  // Altered after signing and wrong in an earlier system parameter: the earlier parameter's code answers, not 12.
  'sign-checked-first': async (c) =>
    refusedWith(await c.send({ ...listParams(), method: P + 'nosuch' }), '15') &&
    refusedWith(await c.send({ ...listParams(), v: '3.0' }), '5') &&
    refusedWith(await c.send({ ...listParams(), timestamp: ts(FIXED - 3600 * S) }), '8'),

  'param-json-lenient': async (c) =>
    refusedWith(await c.call('list', '[1]'), '3') &&
    refusedWith(await c.call('list', '"page"'), '3') &&
    refusedWith(await c.call('list', '{page:1'), '3'),

  'param-json-empty-refused': async (c) => succeeded(await c.call('list', '{}')),

  // A body of exactly the limit is read, one byte more is system error 1.
  'body-limit-unbounded': async (c) => {
    const limit = loadJosProtocol().maxBodyBytes;
    return succeeded(await c.send(listBodyOf(limit))) && refusedWith(await c.send(listBodyOf(limit + 1)), '1');
  },

  // Undeclared parameters are ignored, an optional "" is absent (SDKs send both).
  'unknown-params-refused': async (c) =>
    succeeded(await c.call('list', { page: 1, favor_mode: '' })) && succeeded(await c.call('add', addFields({ nosuch: 'x' }))),
  'blank-optional-as-value': async (c) =>
    succeeded(await c.call('list', { page: 1, type: '' })) && succeeded(await c.call('add', addFields({ member: '', slogan: '' }))),

  // A number where a string is declared: the parameter's own code, inside the envelope with HTTP 200.
  'wrong-type-crashes': async (c) => {
    const a = await c.call('add', addFields({ name: 123 }));
    return a.status === 200 && refusedWith(a, 'promo.name.invalid');
  },

  // A missing required parameter is refused in the envelope, never a crash.
  'missing-param-crashes': async (c) => {
    const { name: _gone, ...rest } = addFields();
    const a = await c.call('add', rest);
    return a.status === 200 && refused(a);
  },

  'wrong-type-system-exception': async (c) =>
    refusedWith(await c.call('add', addFields({ name: 123 })), 'promo.name.invalid') &&
    refusedWith(await c.call('add', addFields({ member: 'gold' })), 'promo.member.invalid'),

  'sign-not-checked': async (c) => refusedWith(await c.send({ ...listParams(), sign: '0'.repeat(32) }), '12'),

  // Signed with an empty 360buy_param_json (left out of the sign base), then given one: the signature no longer matches.
  'sign-ignores-param-json': async (c) => {
    const altered = { ...listParams(''), '360buy_param_json': '{"page":2}' };
    return refusedWith(await c.send(altered), '12');
  },

  'unknown-method-accepted': async (c) => refusedWith(await c.call('nosuch.method', {}), '15'),

  'token-not-checked': async (c) =>
    refusedWith(await c.call('list', {}, { credentials: { ...CREDS, accessToken: '' } }), '18') &&
    refusedWith(await c.call('list', {}, { credentials: { ...CREDS, accessToken: 'unknown-token' } }), '19'),

  'envelope-unwrapped': async (c) => {
    const a = await c.call('list', {});
    const json: unknown = JSON.parse(a.raw);
    return field(field(json, successKey(P + 'list', '_responce')), 'code') === '0';
  },

  // ---------------------------------------------------------------- promotion lifecycle
  // Commit answers success.
  'commit-answers-without-success': async (c) => {
    const id = await draftOf(c, 1);
    if (!succeeded(await c.call('sku.add', skuBatch(id, 0, 1)))) return false;
    const a = await c.call('commit', { promo_id: id });
    return a.kind === 'success' && ['true', true].includes(field(a.body, 'success') as string | boolean);
  },

  // Reading methods answer inside <method>_responce too (the live spelling, JOS-REF-01).
  'reads-unwrapped': async (c) => {
    const a = await c.call('get', { promo_id: await c.promotion('single') });
    return a.kind === 'success' && a.raw.includes('"jingdong_seller_promotion_get_responce"');
  },

  'commit-keeps-last-batch': async (c) => {
    const id = await draftOf(c, 1);
    if (!succeeded(await c.call('sku.add', skuBatch(id, 0, 1)))) return false;
    if (!succeeded(await c.call('sku.add', skuBatch(id, 4, 5)))) return false;
    if (!succeeded(await c.call('commit', { promo_id: id }))) return false;
    return field(body(await c.call('sku.list', { promo_id: id })), 'total_count') === '2';
  },

  'drafts-visible': async (c) => {
    const id = await c.draft();
    return (
      refusedWith(await c.call('get', { promo_id: id }), 'promo.id.invalid') && field(body(await c.call('list', {})), 'total_count') === '0'
    );
  },

  // A draft lives 30 minutes: alive at 1799 s, gone at 1801 s.
  'drafts-never-expire': async (c) => {
    const id = await draftOf(c, 1);
    await advance(c, id, 1799);
    if (!succeeded(await c.call('sku.add', skuBatch(id, 0, 1)))) return false;
    await advance(c, id, 2);
    return (
      refusedWith(await c.call('sku.add', skuBatch(id, 4, 5)), 'promoId.invalid') &&
      refusedWith(await c.call('commit', { promo_id: id }), 'promo.id.invalid')
    );
  },

  // The document advises committing within 30 minutes: a draft is kept that long.
  'drafts-lost-early': async (c) => {
    const id = await draftOf(c, 1);
    await advance(c, id, 1700);
    return succeeded(await c.call('sku.add', skuBatch(id, 0, 1))) && succeeded(await c.call('commit', { promo_id: id }));
  },

  'review-route-ignored': async (c) =>
    (await statusOf(c, await c.promotion('single', { route: 'manual' }))) === '3' &&
    (await statusOf(c, await c.promotion('single', { route: 'pending' }))) === '2',

  // Automatic review approves at once: 4 before begin_time.
  'auto-review-leaves-pending': async (c) => (await statusOf(c, await c.promotion('single', { beginInMs: DAY_MS }))) === '4',

  // Approved an hour ahead of begin_time (4), in effect (5) once it has come.
  'approved-never-in-effect': async (c) => {
    const id = await c.promotion('single', { beginInMs: 3600 * S });
    if ((await statusOf(c, id)) !== '4') return false;
    await advance(c, id, 3600);
    return (await statusOf(c, id)) === '5';
  },

  // ---------------------------------------------------------------- add
  'name-limit-11': async (c) =>
    succeeded(await c.call('add', addFields({ name: '促'.repeat(10) }))) &&
    refusedWith(await c.call('add', addFields({ name: '促'.repeat(11) })), 'promo.name.invalid'),

  'type-2-accepted': async (c) =>
    succeeded(await c.call('add', addFields({ type: 4 }))) &&
    refusedWith(await c.call('add', addFields({ type: 2 })), 'promo.type.invalid'),

  // begin_time exactly 180 days ahead is accepted, one minute later is refused.
  'begin-181-days-ahead': async (c) => {
    const at = (begin: number) => c.call('add', addFields({ begin_time: ts(begin), end_time: ts(begin + DAY_MS) }));
    return succeeded(await at(FIXED + 180 * DAY_MS)) && refusedWith(await at(FIXED + 180 * DAY_MS + 60 * S), 'promo.beginTime.invalid');
  },

  'end-59s-after-begin': async (c) => {
    const begin = FIXED + 3600 * S;
    const gap = (seconds: number) => c.call('add', addFields({ begin_time: ts(begin), end_time: ts(begin + seconds * S) }));
    return succeeded(await gap(60)) && refusedWith(await gap(59), 'promo.endTime.invalid', 'promo.time.invalid');
  },

  // end_time equal to now is not later than now.
  'end-in-past-accepted': async (c) => {
    const end = (t: number) => c.call('add', addFields({ begin_time: ts(FIXED - 120 * S), end_time: ts(t) }));
    return (
      succeeded(await end(FIXED + S)) &&
      refusedWith(await end(FIXED), 'promo.endTime.invalid') &&
      refusedWith(await end(FIXED - 60 * S), 'promo.endTime.invalid')
    );
  },

  'window-181-days': async (c) => {
    const begin = FIXED + 3600 * S;
    const gap = (ms: number) => c.call('add', addFields({ begin_time: ts(begin), end_time: ts(begin + ms) }));
    return (
      succeeded(await gap(180 * DAY_MS)) && refusedWith(await gap(180 * DAY_MS + 60 * S), 'promo.time.invalid', 'promo.endTime.invalid')
    );
  },

  // No code is documented for a missing bound: any error answer keeps the rule.
  'bound-not-required': async (c) =>
    succeeded(await c.call('add', addFields({ type: 10, bound: 1 }))) && refused(await c.call('add', addFields({ type: 10 }))),

  'member-wrong-code': async (c) =>
    succeeded(await c.call('add', addFields({ member: 56 }))) &&
    refusedWith(await c.call('add', addFields({ member: 51 })), 'promo.member.invalid'),

  'slogan-limit-51': async (c) =>
    succeeded(await c.call('add', addFields({ slogan: '满'.repeat(50) }))) &&
    refusedWith(await c.call('add', addFields({ slogan: '满'.repeat(51) })), 'promo.slogan.invalid'),

  // 66 Chinese characters are 198 UTF-8 bytes, 67 are 201.
  'comment-counted-in-characters': async (c) =>
    succeeded(await c.call('add', addFields({ comment: '备'.repeat(66) }))) &&
    refusedWith(await c.call('add', addFields({ comment: '备'.repeat(67) })), 'promo.comment.invalid'),

  'add-answers-no-promo-id': async (c) => {
    const a = await c.call('add', addFields());
    return succeeded(a) && /^[1-9][0-9]*$/.test(String(field(body(a), 'promo_id') ?? ''));
  },

  'begin-must-be-future': async (c) =>
    succeeded(await c.call('add', addFields())) && succeeded(await c.call('add', addFields({ begin_time: ts(FIXED - DAY_MS) }))),

  'favor-mode-dropped': async (c) => {
    const id = await c.promotion('total', { fields: { favor_mode: 16 } });
    return field(field(body(await c.call('get', { promo_id: id })), 'promotion_v_o'), 'favor_mode') === '16';
  },

  // ---------------------------------------------------------------- activitymode
  'activitymode-any-type': async (c) =>
    succeeded(await c.call('activitymode.add', { promo_id: await draftOf(c, 4), per_min_num: 1 })) &&
    refusedWith(await c.call('activitymode.add', { promo_id: await draftOf(c, 6) }), 'promo.type.invalid') &&
    refusedWith(await c.call('activitymode.add', { promo_id: await draftOf(c, 10) }), 'promo.type.invalid'),

  'unknown-promo-wrong-code': async (c) => refusedWith(await c.call('activitymode.add', { promo_id: 99_999_999 }), 'promoId.invalid'),

  'num-bound-negative': async (c) => {
    const id = await draftOf(c, 1);
    return (
      succeeded(await c.call('activitymode.add', { promo_id: id, num_bound: 0 })) &&
      refusedWith(await c.call('activitymode.add', { promo_id: id, num_bound: -1 }), 'actvitymode.invalid', 'param.error')
    );
  },

  'freq-bound-ignored': async (c) =>
    sameRule(await activityModeAfter(c, [{ freq_bound: 1, per_max_num: 5, per_min_num: 2 }]), {
      freq_bound: '1',
      per_max_num: '1',
      per_min_num: '1',
    }),

  'gift-per-min-unbounded': async (c) => {
    const id = await draftOf(c, 4);
    return (
      succeeded(await c.call('activitymode.add', { promo_id: id, per_min_num: 10 })) &&
      refusedWith(await c.call('activitymode.add', { promo_id: id, per_min_num: 11 }), 'actvitymode.invalid', 'param.error')
    );
  },

  'activitymode-first-call-holds': async (c) =>
    sameRule(
      await activityModeAfter(c, [
        { num_bound: 5, per_max_num: 3 },
        { num_bound: 7, per_max_num: 4 },
      ]),
      { num_bound: '7', per_max_num: '4' },
    ),

  'activitymode-get-defaults': async (c) =>
    sameRule(await activityModeAfter(c, [{ num_bound: 5, freq_bound: 0, per_max_num: 3, per_min_num: 2 }]), {
      num_bound: '5',
      freq_bound: '0',
      per_max_num: '3',
      per_min_num: '2',
    }),

  // ---------------------------------------------------------------- prop
  'prop-any-promotion-type': async (c) =>
    succeeded(await c.call('prop.add', { promo_id: await draftOf(c, 1), type: [4], num: [20], used_way: [2] })) &&
    refusedWith(await c.call('prop.add', { promo_id: await draftOf(c, 4), type: [4], num: [20], used_way: [2] }), 'promo.type.invalid'),

  'prop-type-3-accepted': async (c) => {
    const id = await draftOf(c, 1);
    return refusedWith(await c.call('prop.add', { promo_id: id, type: [3], num: [20], used_way: [2] }), 'prop.type.invalid');
  },

  'prop-num-any': async (c) => {
    const id = await draftOf(c, 1);
    return (
      succeeded(await c.call('prop.add', { promo_id: id, type: [4], num: [20], used_way: [2] })) &&
      refusedWith(await c.call('prop.add', { promo_id: id, type: [4], num: [15], used_way: [2] }), 'prop.num.invalid')
    );
  },

  'prop-used-way-any': async (c) =>
    refusedWith(await c.call('prop.add', { promo_id: await draftOf(c, 1), type: [4], num: [20], used_way: [1] }), 'prop.usedWay.invalid'),

  'prop-first-add-holds': async (c) => {
    const id = await draftOf(c, 1);
    if (!succeeded(await c.call('prop.add', { promo_id: id, type: [4], num: [20], used_way: [2] }))) return false;
    if (!succeeded(await c.call('prop.add', { promo_id: id, type: [4], num: [30], used_way: [2] }))) return false;
    if (!succeeded(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'] }))) return false;
    if (!succeeded(await c.call('commit', { promo_id: id }))) return false;
    const props = list(body(await c.call('prop.list', { promo_id: id })), 'promo_prop_v_o_s');
    return props.length === 1 && field(props[0], 'type') === '4' && field(props[0], 'num') === '30';
  },

  // ---------------------------------------------------------------- sku
  // No code is tied to the per-call cap: any error keeps the rule.
  'sku-cap-101': async (c) => {
    const id = await draftOf(c, 1);
    return refused(await c.call('sku.add', skuBatch(id, 0, 101))) && succeeded(await c.call('sku.add', skuBatch(id, 0, 100)));
  },

  // Ten batches of 100 fill the promotion; the 1001st SKU is refused (any error).
  'promotion-cap-1001': async (c) => {
    const id = await draftOf(c, 1);
    for (let b = 0; b < 10; b++) if (!succeeded(await c.call('sku.add', skuBatch(id, b * 100, b * 100 + 100)))) return false;
    return refused(await c.call('sku.add', skuBatch(id, 1000, 1001)));
  },

  // SKUs of one product share one seq.
  'bundle-seq-per-sku': async (c) => {
    const id = await draftOf(c, 6);
    return refusedWith(
      await c.call('sku.add', {
        promo_id: id,
        sku_ids: [sku(40), sku(41)],
        jd_prices: [jdPrice(40), jdPrice(41)],
        promo_prices: ['1.0', '1.0'],
        seq: [1, 2],
      }),
      'sku.seq.invalid',
    );
  },

  'bundle-seq-8': async (c) => {
    const id = await draftOf(c, 6);
    const seq = (n: number) => c.call('sku.add', { ...skuBatch(id, 0, 1), seq: [n] });
    return succeeded(await seq(7)) && refusedWith(await seq(8), 'sku.seq.invalid', 'ware.num.invalid');
  },

  'gift-num-4': async (c) => {
    const id = await draftOf(c, 4);
    const gifts = (n: number) =>
      c.call('sku.add', {
        promo_id: id,
        sku_ids: [sku(40), sku(0)],
        jd_prices: ['50.0', '10.0'],
        promo_prices: ['45.0', '1.0'],
        num: [1, n],
        bind_type: [1, 2],
      });
    return succeeded(await gifts(3)) && refusedWith(await gifts(4), 'sku.num.invalid', 'gift.num.invalid');
  },

  // Gifts worth exactly the lowest main JD price (2 × 25.0 = 50.0) are not below it.
  'gift-price-unchecked': async (c) =>
    succeeded(await giftCommit(c, '25.0', 1)) && refusedWith(await giftCommit(c, '25.0', 2), 'gift.price.invalid'),

  // The gift total is Σ jd_price × num: 2 × 20.0 = 40.0 is below 50.0, 3 × 20.0 = 60.0 is not.
  'gift-total-counts-max-num': async (c) =>
    succeeded(await giftCommit(c, '20.0', 2)) && refusedWith(await giftCommit(c, '20.0', 3), 'gift.price.invalid'),

  'jd-price-two-decimals': async (c) => {
    const id = await draftOf(c, 1);
    const price = (jd: string) => c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: [jd], promo_prices: ['9.0'] });
    return succeeded(await price('10.0')) && refusedWith(await price('10.05'), 'sku.jdPrice.invalid');
  },

  'promo-price-not-below': async (c) => {
    const id = await draftOf(c, 1);
    const price = (promo: string) => c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: [promo] });
    return succeeded(await price('9.9')) && refusedWith(await price('10.0'), 'sku.promoPrice.invalid');
  },

  // A single-item SKU added without promo price (beside a prop) is listed at its jd price.
  'default-promo-price-empty': async (c) => {
    const id = await draftOf(c, 1);
    if (!succeeded(await c.call('prop.add', { promo_id: id, type: [4], num: [20], used_way: [2] }))) return false;
    if (!succeeded(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'] }))) return false;
    if (!succeeded(await c.call('commit', { promo_id: id }))) return false;
    const skus = list(body(await c.call('sku.list', { promo_id: id })), 'promo_sku_v_o_s');
    return skus.length === 1 && field(field(skus[0], 'promo_sku_v_o'), 'promo_price') === '10.0';
  },

  'bundle-promo-price-optional': async (c) => {
    const id = await draftOf(c, 6);
    return (
      refusedWith(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'], seq: [1] }), 'sku.promoPrice.invalid') &&
      succeeded(await c.call('sku.add', { ...skuBatch(id, 0, 1), seq: [1] }))
    );
  },

  'gift-return-price-optional': async (c) => {
    const id = await draftOf(c, 4);
    const gifts = { promo_id: id, sku_ids: [sku(40), sku(0)], jd_prices: ['50.0', '10.0'], num: [1, 1], bind_type: [1, 2] };
    return (
      refusedWith(await c.call('sku.add', gifts), 'sku.promoPrice.invalid') &&
      succeeded(await c.call('sku.add', { ...gifts, promo_prices: ['45.0', '1.0'] }))
    );
  },

  // SKUs without promo price need a prop: refused at commit without one (any error), committed with one.
  'single-without-price-or-prop': async (c) => {
    const bare = await draftOf(c, 1);
    if (!succeeded(await c.call('sku.add', { promo_id: bare, sku_ids: [sku(0)], jd_prices: ['10.0'] }))) return false;
    const propped = await draftOf(c, 1);
    if (!succeeded(await c.call('prop.add', { promo_id: propped, type: [4], num: [20], used_way: [2] }))) return false;
    if (!succeeded(await c.call('sku.add', { promo_id: propped, sku_ids: [sku(0)], jd_prices: ['10.0'] }))) return false;
    return refused(await c.call('commit', { promo_id: bare })) && succeeded(await c.call('commit', { promo_id: propped }));
  },

  // Gifts (bind_type 2) belong to gift and order-total promotions only; no code is tied to bind_type.
  'gift-bind-type-anywhere': async (c) => {
    const single = await draftOf(c, 1);
    const bundle = await draftOf(c, 6);
    return (
      refused(await c.call('sku.add', { ...skuBatch(single, 0, 1), bind_type: [2] })) &&
      refused(await c.call('sku.add', { ...skuBatch(bundle, 0, 1), seq: [1], bind_type: [2] })) &&
      succeeded(await c.call('sku.add', { ...skuBatch(await draftOf(c, 10), 0, 1), bind_type: [2] }))
    );
  },

  // The second sku.add of the same SKU replaces its entry.
  'sku-readd-keeps-first': async (c) => {
    const id = await draftOf(c, 1);
    if (!succeeded(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['9.0'] }))) return false;
    if (!succeeded(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['8.0'] }))) return false;
    if (!succeeded(await c.call('commit', { promo_id: id }))) return false;
    const skus = list(body(await c.call('sku.list', { promo_id: id })), 'promo_sku_v_o_s');
    return skus.length === 1 && field(field(skus[0], 'promo_sku_v_o'), 'promo_price') === '8.0';
  },

  // No code is tied to bind_type: any error keeps the rule.
  'bind-type-3-accepted': async (c) => {
    const id = await draftOf(c, 1);
    const bind = (n: number) => c.call('sku.add', { ...skuBatch(id, 0, 1), bind_type: [n] });
    return succeeded(await bind(1)) && refused(await bind(3));
  },

  'invalid-skus-kept': async (c) => {
    const a = await c.call('sku.add', {
      promo_id: await draftOf(c, 1),
      sku_ids: [sku(0), 99_999_999],
      jd_prices: ['10.0', '5.0'],
      promo_prices: ['9.0', '4.0'],
    });
    const ids = list(body(a), 'ids').map(String);
    return ids.length === 1 && ids[0] === String(sku(0));
  },

  // Dropped or refused, never answered back (无效的SKU会被剔除).
  'invalid-sku-ids-kept': async (c) => {
    const a = await c.call('sku.add', {
      promo_id: await draftOf(c, 1),
      sku_ids: [sku(0), 0],
      jd_prices: ['10.0', '5.0'],
      promo_prices: ['9.0', '4.0'],
    });
    return refused(a) || !list(body(a), 'ids').map(String).includes('0');
  },

  'sku-list-size-11': async (c) => {
    const id = await c.promotion('single');
    return (
      succeeded(await c.call('sku.list', { promo_id: id, size: 10 })) &&
      refusedWith(await c.call('sku.list', { promo_id: id, size: 11 }), 'param.error')
    );
  },

  // ---------------------------------------------------------------- commit and the status machine
  'commit-unknown-accepted': async (c) => refusedWith(await c.call('commit', { promo_id: 99_999_999 }), 'promo.id.invalid'),

  // An empty single-item draft, and a gift draft holding only a gift, have no main SKU.
  'commit-without-main-sku': async (c) => {
    const giftOnly = await draftOf(c, 4);
    const added = await c.call('sku.add', {
      promo_id: giftOnly,
      sku_ids: [sku(60)],
      jd_prices: ['25.0'],
      promo_prices: ['1.0'],
      num: [1],
      bind_type: [2],
    });
    return (
      succeeded(added) &&
      refusedWith(await c.call('commit', { promo_id: await draftOf(c, 1) }), 'promo.sku.invalid') &&
      refusedWith(await c.call('commit', { promo_id: giftOnly }), 'promo.sku.invalid')
    );
  },

  'order-total-without-rule': async (c) => {
    const id = await draftOf(c, 10);
    if (!succeeded(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'] }))) return false;
    if (!refusedWith(await c.call('commit', { promo_id: id }), 'param.null')) return false;
    if (!succeeded(await c.call('ordermode.add', { promo_id: id, favor_mode: 16, quota: [100], minus: [10] }))) return false;
    return succeeded(await c.call('commit', { promo_id: id }));
  },

  // In effect (5) cannot be reviewed; manual review (3) can.
  'check-any-status': async (c) =>
    refusedWith(await c.call('check', { promo_id: await c.promotion('single'), status: 4 }), 'promo.non.check') &&
    succeeded(await c.call('check', { promo_id: await c.promotion('single', { route: 'manual' }), status: 4 })),

  'check-status-5-accepted': async (c) => {
    const id = await c.promotion('single', { route: 'manual' });
    return (
      refusedWith(await c.call('check', { promo_id: id, status: 5 }), 'param.error') &&
      succeeded(await c.call('check', { promo_id: id, status: 1 }))
    );
  },

  // One second past end_time (7 days after the fixed now) every state change answers promo.end.
  'ended-still-mutable': async (c) => {
    const id = await c.promotion('single');
    await advance(c, id, 7 * 86_400 + 1);
    for (const [method, extra] of [
      ['check', { status: 4 }],
      ['suspend', {}],
      ['resume', {}],
      ['delete', {}],
    ] as const) {
      if (!refusedWith(await c.call(method, { promo_id: id, ...extra }), 'promo.end')) return false;
    }
    return true;
  },

  // Approved but not yet begun (4) cannot be suspended; in effect (5) can.
  'suspend-from-4': async (c) =>
    refusedWith(await c.call('suspend', { promo_id: await c.promotion('single', { beginInMs: DAY_MS }) }), 'promo.non.suspend') &&
    succeeded(await c.call('suspend', { promo_id: await c.promotion('single') })),

  // Force-suspended (7) cannot be resumed; suspended (6) can.
  'resume-from-7': async (c) => {
    const forced = await c.promotion('single');
    await setStatus(c, forced, 7);
    const paused = await c.promotion('single');
    if (!succeeded(await c.call('suspend', { promo_id: paused }))) return false;
    return (
      refusedWith(await c.call('resume', { promo_id: forced }), 'promo.non.delete') &&
      succeeded(await c.call('resume', { promo_id: paused }))
    );
  },

  // In effect (5) cannot be resumed; suspended (6) can.
  'resume-from-5': async (c) => {
    const running = await c.promotion('single');
    const paused = await c.promotion('single');
    if (!succeeded(await c.call('suspend', { promo_id: paused }))) return false;
    return (
      refusedWith(await c.call('resume', { promo_id: running }), 'promo.non.delete') &&
      succeeded(await c.call('resume', { promo_id: paused }))
    );
  },

  // Approved, not yet begun (4) cannot be deleted; in effect (5) can.
  'delete-from-4': async (c) =>
    refusedWith(await c.call('delete', { promo_id: await c.promotion('single', { beginInMs: DAY_MS }) }), 'promo.non.delete') &&
    succeeded(await c.call('delete', { promo_id: await c.promotion('single') })),

  // Manual review (3) cannot be deleted; not reviewed (2) can.
  'delete-from-3': async (c) =>
    refusedWith(await c.call('delete', { promo_id: await c.promotion('single', { route: 'manual' }) }), 'promo.non.delete') &&
    succeeded(await c.call('delete', { promo_id: await c.promotion('single', { route: 'pending' }) })),

  // ---------------------------------------------------------------- get, list
  'get-drops-slogan': async (c) => {
    const fields = { name: '满减促销', slogan: '全场满减', comment: '备注', member: 56 };
    const id = await c.promotion('single', { fields });
    const vo = field(body(await c.call('get', { promo_id: id })), 'promotion_v_o');
    return sameRule(vo, {
      promo_id: String(id),
      name: fields.name,
      type: '1',
      slogan: fields.slogan,
      comment: fields.comment,
      member: '56',
      status: '5',
    });
  },

  // 11 promotions in a fresh store: the first page holds 10, total_count says 11.
  'list-total-of-page': async (c) => {
    for (let i = 0; i < 11; i++) await c.promotion('single');
    const b = body(await c.call('list', { page: 1, size: 10 }));
    return field(b, 'total_count') === '11' && list(b, 'promotion_v_o_s').length === 10;
  },

  'list-omits-member': async (c) => {
    await c.promotion('single', { fields: { member: 56 } });
    const items = list(body(await c.call('list', {})), 'promotion_v_o_s');
    return items.length === 1 && field(field(items[0], 'promotion_v_o'), 'member') === '56';
  },

  // A filter outside its set may be refused or ignored, never crash the server.
  'list-bad-filter-crashes': async (c) => {
    const a = await c.call('list', { status: 9 });
    return a.status === 200 && a.kind !== 'malformed';
  },

  'sku-list-bad-filter-crashes': async (c) => {
    const a = await c.call('sku.list', { promo_id: await c.promotion('single'), bind_type: 3 });
    return a.status === 200 && a.kind !== 'malformed';
  },

  // ---------------------------------------------------------------- ordermode
  'ordermode-any-type': async (c) =>
    refusedWith(
      await c.call('ordermode.add', { promo_id: await draftOf(c, 1), favor_mode: 16, quota: [100], minus: [10] }),
      'promo.type.invalid',
    ),

  'favor-mode-7-accepted': async (c) =>
    orderMode(c, { favor_mode: 16, quota: [100], minus: [10] }, { favor_mode: 7, quota: [100], minus: [10] }, 'promo.favorMode.invalid'),

  // Buy 6 get ⌊6/3⌋ = 2 free at most.
  'mode6-rate-over-third': async (c) =>
    orderMode(
      c,
      { favor_mode: 6, quota: [6], rate: [2] },
      { favor_mode: 6, quota: [6], rate: [3] },
      'ordermode.rate.invalid',
      'ordermode.quota.invalid',
    ),

  'mode13-rate-6': async (c) =>
    orderMode(c, { favor_mode: 13, quota: [99.9], rate: [5] }, { favor_mode: 13, quota: [99.9], rate: [6] }, 'ordermode.rate.invalid'),

  'mode15-rate-10': async (c) =>
    orderMode(c, { favor_mode: 15, quota: [2], rate: [9.9] }, { favor_mode: 15, quota: [2], rate: [10] }, 'ordermode.rate.invalid'),

  // 80% of 100 is 80.
  'mode16-minus-over-80pct': async (c) =>
    orderMode(c, { favor_mode: 16, quota: [100], minus: [80] }, { favor_mode: 16, quota: [100], minus: [81] }, 'ordermode.minus.invalid'),

  // Spend M with plus but no gift cannot be committed.
  'mode16-commit-unchecked': async (c) => {
    const id = await draftOf(c, 10);
    if (!succeeded(await c.call('ordermode.add', { promo_id: id, favor_mode: 16, quota: [100], minus: [10], plus: [10] }))) return false;
    if (!succeeded(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: [jdPrice(0)] }))) return false;
    return refusedWith(await c.call('commit', { promo_id: id }), 'ordermode.plus.invalid');
  },

  // Spend M with a gift and no minus is committed.
  'mode16-minus-required': async (c) => {
    const id = await draftOf(c, 10);
    if (!succeeded(await c.call('ordermode.add', { promo_id: id, favor_mode: 16, quota: [1000] }))) return false;
    if (
      !succeeded(
        await c.call('sku.add', { promo_id: id, sku_ids: [sku(0), sku(8)], jd_prices: [jdPrice(0), jdPrice(8)], bind_type: [1, 2] }),
      )
    )
      return false;
    return succeeded(await c.call('commit', { promo_id: id }));
  },

  'link-unchecked': async (c) =>
    orderMode(
      c,
      { favor_mode: 16, quota: [100], minus: [10], link: 'http://mall.jd.com/test-1234.html' },
      { favor_mode: 16, quota: [100], minus: [10], link: 'mall.jd.com test-1234' },
      'ordermode.link.invalid',
    ),

  // http is a shop activity address too.
  'link-https-only': async (c) =>
    orderMode(
      c,
      { favor_mode: 16, quota: [100], minus: [10], link: 'http://mall.jd.com/test-1234.html' },
      { favor_mode: 16, quota: [100], minus: [10], link: 'ftp://mall.jd.com/test-1234.html' },
      'ordermode.link.invalid',
    ),

  // Shop activity pages live on other jd.com hosts too.
  'link-mall-host-only': async (c) =>
    orderMode(
      c,
      { favor_mode: 16, quota: [100], minus: [10], link: 'https://pro.jd.com/mall/active/test-1234/index.html' },
      { favor_mode: 16, quota: [100], minus: [10], link: 'https://mall.jd.com.example.com/test-1234.html' },
      'ordermode.link.invalid',
    ),

  'ordermode-list-empty': async (c) => {
    const modes = list(body(await c.call('ordermode.list', { promo_id: await c.promotion('total') })), 'promo_order_mode_v_os');
    return modes.length === 1 && sameRule(modes[0], { favor_mode: '16', quota: '100', minus: '10' });
  },
} satisfies Record<FaultName, Probe>;

const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

describe('reference faults: each breaks its rule, and only under the fault', () => {
  it('has exactly one probe per fault', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...FAULT_NAMES].sort());
  });

  it('ties every fault to a rule of specs/rules.yaml', () => {
    const ids = new Set(loadRules().map((r) => r.id));
    const wrong = FAULT_NAMES.filter((f) => !ids.has(FAULTS[f].rule)).map((f) => `${f} → ${FAULTS[f].rule}`);
    expect(wrong).toEqual([]);
  });

  // JOS-10 is the harness's side (answers may carry numbers as strings): no reference fault breaks it.
  it('breaks every `must` rule of the JOS and JDP families but JOS-10 by at least one fault', () => {
    const broken = new Set<string>(FAULT_NAMES.map((f) => FAULTS[f].rule));
    const unbroken = loadRules()
      .filter((r) => r.level === 'must' && /^(JOS|JDP)-/.test(r.id) && r.id !== 'JOS-10' && !broken.has(r.id))
      .map((r) => r.id);
    expect(unbroken).toEqual([]);
  });

  it('keeps a correctly signed call working under every fault but the unwrapped envelopes', async () => {
    const broken: string[] = [];
    for (const fault of FAULT_NAMES.filter((f) => f !== 'envelope-unwrapped' && f !== 'reads-unwrapped')) {
      const a = await client(fault).call('list', { page: 1 });
      if (!succeeded(a)) broken.push(`${fault}: ${a.raw}`);
    }
    expect(broken).toEqual([]);
  });

  it.each(FAULT_NAMES)('%s', async (fault) => {
    const probe: Probe = PROBES[fault];
    expect(await probe(client()), `the reference keeps ${FAULTS[fault].rule} without faults`).toBe(true);
    expect(await probe(client(fault)), `fault ${fault} breaks ${FAULTS[fault].rule}`).toBe(false);
  });

  it('answers a bare HTTP 500 under wrong-type-crashes, as a crashing handler would', async () => {
    const a = await client('wrong-type-crashes').call('add', addFields({ name: 123 }));
    expect(a.status).toBe(500);
    expect(() => JSON.parse(a.raw) as unknown).toThrow();
  });
});
