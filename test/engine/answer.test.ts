import { describe, expect, it } from 'vitest';
import { jdCouponApiCompiled } from '../../src/apis/jd-coupon/spec.js';
import { type AnswerOutcome, classify, describeClassified, isLost, readerFor } from '../../src/engine/answer.js';
import { josAdapter } from '../../src/protocols/jos/adapter.js';
import { decodedOf } from '../../src/protocols/types.js';

/**
 * The one classifier (src/engine/answer.ts) on JOS answers of the coupon statistics, whose answer schema
 * has a documented part (the counts CPN-04 names) and parts of ours (the rates, other counts).
 */

const STATS = 'promoproof.coupon.statistics';
const LIMIT = 65_536;
const api = jdCouponApiCompiled();
const reader = (level: 'must' | 'ref' | 'none', expectedStatus?: number) =>
  readerFor({
    adapter: josAdapter,
    api,
    operation: STATS,
    level,
    maxBodyBytes: LIMIT,
    ...(expectedStatus !== undefined ? { expectedStatus } : {}),
  });

const answer = (status: number, body: string, over: Partial<Extract<AnswerOutcome, { ok: true }>> = {}): AnswerOutcome => ({
  ok: true,
  status,
  contentType: 'application/json;charset=utf-8',
  body,
  truncated: false,
  ...over,
});
const success = (inner: Record<string, unknown>) => JSON.stringify({ promoproof_coupon_statistics_response: { code: '0', ...inner } });
const refusal = (code: string, zh: string) => JSON.stringify({ error_response: { code, zh_desc: zh, en_desc: 'x' } });

/** Every count CPN-04 names; its rate in a shape that is not ours (a fraction), and two counts of ours left out. */
const STATISTICS = { data_source_id: '1', batch_id: 'b', issued: 3, claimed: 2, used: 1, use_rate: '33%' };

describe('classify', () => {
  it('a success envelope whose data matches the schema is a success, with the data', () => {
    const a = classify(
      answer(200, success({ statistics: { ...STATISTICS, expired: 0, revoked: 0, use_rate: { numerator: 1, denominator: 3 } } })),
      reader('ref'),
    );
    expect(a).toMatchObject({ kind: 'success', body: { statistics: { issued: 3 } } });
    expect(describeClassified(a)).toBe('success');
  });

  it('an error envelope below 500 is a refusal, with its code, message and body, whatever the 4xx', () => {
    for (const status of [200, 400, 404]) {
      const a = classify(answer(status, refusal('coupon.batch.unknown', '批次不存在')), reader('must'));
      expect(a, String(status)).toEqual({
        kind: 'refusal',
        code: 'coupon.batch.unknown',
        message: '批次不存在',
        body: { code: 'coupon.batch.unknown', zh_desc: '批次不存在', en_desc: 'x' },
      });
    }
    expect(describeClassified(classify(answer(200, refusal('7', 'no')), reader('must')))).toBe('error 7 (no)');
  });

  it('HTTP 5xx with a documented error code is a server error, never a refusal: the code is kept for diagnostics', () => {
    const a = classify(answer(503, refusal('coupon.stock.empty', '库存不足')), reader('must'));
    expect(a).toMatchObject({ kind: 'server-error', status: 503, said: 'error coupon.stock.empty (库存不足)' });
    expect(decodedOf(a)).toMatchObject({ kind: 'error', code: 'coupon.stock.empty' });
    expect(describeClassified(a)).toBe('HTTP 503 with error coupon.stock.empty (库存不足): a server error is never a conformant answer');
    // A well-formed success under a 5xx is no success either.
    expect(classify(answer(500, success({ statistics: STATISTICS })), reader('must'))).toMatchObject({
      kind: 'server-error',
      said: 'a success body',
    });
  });

  it('a 5xx the step asks for by its status is read by its body', () => {
    expect(classify(answer(503, refusal('66', 'down')), reader('must', 503))).toMatchObject({ kind: 'refusal', code: '66' });
    expect(classify(answer(500, refusal('66', 'down')), reader('must', 503))).toMatchObject({ kind: 'server-error' });
  });

  it('a non-JSON 5xx is a server error (not "malformed: not JSON"), naming the type and the start of the body', () => {
    const a = classify(answer(502, '<h1>Bad Gateway</h1>', { contentType: 'text/html' }), reader('must'));
    expect(a).toEqual({ kind: 'server-error', status: 502, said: 'a body that is not JSON (text/html): "<h1>Bad Gateway</h1>"' });
    expect(decodedOf(a)).toBeUndefined();
  });

  it('a non-JSON answer below 500 is malformed, not-json, quoting at most 120 characters', () => {
    const a = classify(answer(200, `<html>${'x'.repeat(500)}`, { contentType: '' }), reader('must'));
    expect(a).toMatchObject({ kind: 'malformed', problem: 'not-json' });
    expect(a.kind === 'malformed' && a.reason).toBe(`HTTP 200 with a body that is not JSON (no content type): "<html>${'x'.repeat(114)}"`);
    expect(classify(answer(200, ''), reader('must'))).toMatchObject({ kind: 'malformed', problem: 'not-json' });
  });

  it('a body cut off at the limit is malformed (cut-off) below 500, a server error at 5xx, even when the cut part parses', () => {
    const cut = answer(200, success({ statistics: STATISTICS }), { truncated: true });
    expect(classify(cut, reader('must'))).toEqual({
      kind: 'malformed',
      problem: 'cut-off',
      reason: `HTTP 200 with an answer larger than ${LIMIT} bytes`,
    });
    expect(classify(answer(500, success({ statistics: STATISTICS }), { truncated: true }), reader('must'))).toEqual({
      kind: 'server-error',
      status: 500,
      said: `an answer larger than ${LIMIT} bytes`,
    });
  });

  it('JSON outside the envelope is malformed (envelope), in the protocol’s own words', () => {
    const a = classify(answer(200, '{"hello":1}'), reader('must'));
    expect(a).toMatchObject({ kind: 'malformed', problem: 'envelope' });
    expect(describeClassified(a)).toMatch(/^a malformed answer: expected promoproof_coupon_statistics_response .* got keys \[hello\]$/);
    expect(decodedOf(a)).toMatchObject({ kind: 'malformed' });
    expect(classify(answer(200, 'null'), reader('must'))).toMatchObject({ kind: 'malformed', reason: 'answer is not a JSON object' });
  });

  it('a success breaking the documented part of the schema is malformed at both levels, naming the first violation', () => {
    const { claimed: _left, ...statistics } = STATISTICS;
    for (const level of ['must', 'ref'] as const) {
      const a = classify(answer(200, success({ statistics })), reader(level));
      expect(a, level).toMatchObject({ kind: 'malformed', problem: 'schema' });
      if (a.kind !== 'malformed') continue;
      expect(a.violation).toMatch(/claimed/);
      expect(a.reason).toBe(`a success not matching the spec schema of ${STATS}: ${a.violation}`);
    }
  });

  it('a success breaking only a part of ours passes a must reader and is malformed to a ref reader', () => {
    const body = answer(200, success({ statistics: STATISTICS }));
    expect(classify(body, reader('must'))).toMatchObject({ kind: 'success' });
    expect(classify(body, reader('ref'))).toMatchObject({ kind: 'malformed', problem: 'schema' });
    // Without a schema (a step that expects an error), any success is a success.
    const { claimed: _left, ...broken } = STATISTICS;
    expect(classify(answer(200, success({ statistics: broken })), reader('none'))).toMatchObject({ kind: 'success' });
  });

  it('no answer: a failure that sent nothing is transport; a reset, a timeout or a stopped run is unknown (the target may have acted)', () => {
    const refused = classify(
      { ok: false, kind: 'network', unsent: true, reason: 'connection refused by 127.0.0.1:9 (ECONNREFUSED) after 1 ms' },
      reader('must'),
    );
    const reset = classify(
      { ok: false, kind: 'network', unsent: false, reason: 'connection reset by 127.0.0.1:9 (ECONNRESET)' },
      reader('must'),
    );
    expect(reset).toMatchObject({ kind: 'unknown' });
    expect(refused).toEqual({ kind: 'transport', reason: 'connection refused by 127.0.0.1:9 (ECONNREFUSED) after 1 ms' });
    const late = classify(
      { ok: false, kind: 'timeout', reason: 'no complete answer within 500 ms from 127.0.0.1:9 (timeout)' },
      reader('must'),
    );
    expect(late).toMatchObject({ kind: 'unknown' });
    expect(classify({ ok: false, kind: 'aborted', reason: 'run stopped' }, reader('must'))).toEqual({
      kind: 'unknown',
      reason: 'run stopped',
    });
    expect([refused, late].every(isLost)).toBe(true);
    expect(describeClassified(late)).toBe('transport failure (no complete answer within 500 ms from 127.0.0.1:9 (timeout))');
    expect(decodedOf(refused)).toBeUndefined();
  });

  it('reads the envelope under the target’s own name of the operation', () => {
    const endpoint = { url: 'http://127.0.0.1:1/routerjson', credentials: {}, methods: { [STATS]: 'shop.stats' } };
    const own = readerFor({ adapter: josAdapter, api, operation: STATS, endpoint, level: 'must', maxBodyBytes: LIMIT });
    expect(own.wireOperation).toBe('shop.stats');
    const body = JSON.stringify({ shop_stats_response: { code: '0', statistics: STATISTICS } });
    expect(classify(answer(200, body), own)).toMatchObject({ kind: 'success' });
    expect(classify(answer(200, success({ statistics: STATISTICS })), own)).toMatchObject({ kind: 'malformed', problem: 'envelope' });
  });
});
