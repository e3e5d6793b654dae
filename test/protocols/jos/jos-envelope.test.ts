import { describe, expect, it } from 'vitest';
import { decodeAnswer, errorEnvelope, successEnvelope, successKey, successKeyMisspelt } from '../../../src/protocols/jos/envelope.js';

const M = 'jingdong.seller.promotion.list';

describe('JOS success keys (JOS-09, PROTOCOLS.md §1d)', () => {
  it('spells the key as the document shows, or as the live gateway sends it', () => {
    expect(successKey(M)).toBe('jingdong_seller_promotion_list_response');
    expect(successKey(M, '_responce')).toBe('jingdong_seller_promotion_list_responce');
    expect(successKeyMisspelt(M)).toBe('jingdong_seller_promotion_list_responce');
    expect(successEnvelope(M, { total_count: 0 }, '_responce')).toEqual({
      jingdong_seller_promotion_list_responce: { code: '0', total_count: 0 },
    });
    expect(errorEnvelope('19', '无效access_token', 'Invalid access_token')).toEqual({
      error_response: { code: '19', zh_desc: '无效access_token', en_desc: 'Invalid access_token' },
    });
  });

  it('spells the key of any method, beyond the ones it keeps made (a fault answers unknown methods)', () => {
    for (let i = 0; i < 600; i++) {
      const method = `x.unknown.m${i}`;
      expect(successKey(method)).toBe(`x_unknown_m${i}_response`);
      expect(successKey(method, '_responce')).toBe(`x_unknown_m${i}_responce`);
    }
    expect(successKey(M)).toBe('jingdong_seller_promotion_list_response');
    expect(successKey('a..b.')).toBe('a__b__response');
  });
});

describe('decodeAnswer', () => {
  it('reads a success under either spelling, the live one too', () => {
    for (const key of ['jingdong_seller_promotion_list_response', 'jingdong_seller_promotion_list_responce']) {
      expect(decodeAnswer(M, { [key]: { code: '0', total_count: '3' } })).toEqual({
        kind: 'success',
        key,
        body: { code: '0', total_count: '3' },
      });
    }
    // No inner code, or a numeric 0, is a success too.
    expect(decodeAnswer(M, { jingdong_seller_promotion_list_responce: { total_count: 1 } }).kind).toBe('success');
    expect(decodeAnswer(M, { jingdong_seller_promotion_list_response: { code: 0 } }).kind).toBe('success');
    expect(decodeAnswer(M, { jingdong_seller_promotion_list_response: { code: null } }).kind).toBe('success');
  });

  it('reads error_response with its code and message, numeric codes as text', () => {
    expect(decodeAnswer(M, { error_response: { code: 19, zh_desc: '无效access_token', en_desc: 'Invalid access_token' } })).toMatchObject({
      kind: 'error',
      code: '19',
      message: '无效access_token',
      via: 'error_response',
    });
    expect(decodeAnswer(M, { error_response: { code: '12', en_desc: 'Invalid Signature' } })).toMatchObject({
      message: 'Invalid Signature',
    });
    expect(decodeAnswer(M, { error_response: { code: '12' } })).toMatchObject({ kind: 'error', message: '' });
  });

  it('reads a non-zero inner code as a business error (the Go SDK reading), with whichever description it has', () => {
    expect(decodeAnswer(M, { jingdong_seller_promotion_list_responce: { code: '3', error_description: 'bad page' } })).toMatchObject({
      kind: 'error',
      code: '3',
      message: 'bad page',
      via: 'inner_code',
    });
    expect(decodeAnswer(M, { jingdong_seller_promotion_list_response: { code: 7, zh_desc: '失败' } })).toMatchObject({
      code: '7',
      message: '失败',
    });
    expect(decodeAnswer(M, { jingdong_seller_promotion_list_response: { code: 7, en_desc: 'failed' } })).toMatchObject({
      message: 'failed',
    });
    expect(decodeAnswer(M, { jingdong_seller_promotion_list_response: { code: 7 } })).toMatchObject({ message: '' });
  });

  it('calls anything else malformed, saying what it got', () => {
    for (const json of [null, 'text', 42, [1, 2]])
      expect(decodeAnswer(M, json)).toEqual({ kind: 'malformed', reason: 'answer is not a JSON object' });
    expect(decodeAnswer(M, { error_response: 'nope' })).toEqual({ kind: 'malformed', reason: 'error_response is not an object' });
    expect(decodeAnswer(M, { error_response: null })).toEqual({ kind: 'malformed', reason: 'error_response is not an object' });
    expect(decodeAnswer(M, { error_response: { zh_desc: 'x' } })).toEqual({ kind: 'malformed', reason: 'error_response has no code' });
    for (const inner of [null, 'yes', [1]]) {
      expect(decodeAnswer(M, { jingdong_seller_promotion_list_responce: inner })).toEqual({
        kind: 'malformed',
        reason: 'jingdong_seller_promotion_list_responce is not an object',
      });
    }
    const other = decodeAnswer(M, { jingdong_seller_promotion_get_response: {}, a: 1, b: 2, c: 3, d: 4, e: 5 });
    expect(other).toEqual({
      kind: 'malformed',
      reason:
        'expected jingdong_seller_promotion_list_response (or jingdong_seller_promotion_list_responce) or error_response, got keys [jingdong_seller_promotion_get_response, a, b, c, d]',
    });
  });
});
