import { describe, expect, it } from 'vitest';
import { decodeAnswer, errorEnvelope, SUCCESS_RETCODE, successEnvelope } from '../../../src/protocols/tencent-data-api/envelope.js';

describe('tencent-data-api envelopes (PROTOCOLS.md §2c)', () => {
  it("builds the document's success answer, keys in its order", () => {
    expect(SUCCESS_RETCODE).toBe(0);
    const ok = successEnvelope();
    expect(JSON.stringify(ok)).toBe('{"retcode":0,"errmsg":"","data":{}}');
    expect(successEnvelope({ n: 1 })).toEqual({ retcode: 0, errmsg: '', data: { n: 1 } });
  });

  it('builds an error answer with a non-zero integer retcode', () => {
    expect(JSON.stringify(errorEnvelope(40001, '签名错误'))).toBe('{"retcode":40001,"errmsg":"签名错误","data":{}}');
    expect(errorEnvelope(-1, 'x', { detail: 'y' })).toEqual({ retcode: -1, errmsg: 'x', data: { detail: 'y' } });
  });

  it.each([0, -0, 1.5, Number.NaN, 2 ** 53])('refuses to build an error with retcode %d', (retcode) => {
    expect(() => errorEnvelope(retcode, 'x')).toThrow(RangeError);
  });

  it('reads back what it builds', () => {
    expect(decodeAnswer(successEnvelope({ a: 1 }))).toEqual({ kind: 'success', data: { a: 1 } });
    expect(decodeAnswer(errorEnvelope(7, 'bad'))).toEqual({ kind: 'error', code: '7', message: 'bad' });
  });
});

describe('decodeAnswer', () => {
  it("reads the document's example as success", () => {
    expect(decodeAnswer(JSON.parse('{"retcode": 0, "errmsg": "", "data": {}}'))).toEqual({ kind: 'success', data: {} });
  });

  it('calls retcode 0 success whatever errmsg says, and errmsg may be absent', () => {
    expect(decodeAnswer({ retcode: 0, errmsg: 'ok', data: { id: '1' } })).toEqual({ kind: 'success', data: { id: '1' } });
    expect(decodeAnswer({ retcode: 0, data: {} })).toEqual({ kind: 'success', data: {} });
    expect(decodeAnswer({ retcode: -0, data: {}, extra: true })).toEqual({ kind: 'success', data: {} });
  });

  it('reads a non-zero retcode as an error, code as text, data not read', () => {
    expect(decodeAnswer({ retcode: 10001, errmsg: 'invalid signature', data: {} })).toEqual({
      kind: 'error',
      code: '10001',
      message: 'invalid signature',
    });
    expect(decodeAnswer({ retcode: -1, errmsg: '系统错误' })).toEqual({ kind: 'error', code: '-1', message: '系统错误' });
    expect(decodeAnswer({ retcode: 2, data: null })).toEqual({ kind: 'error', code: '2', message: '' });
  });

  it.each([null, 'text', 42, true, [1, 2], []])('calls %j malformed: not an object', (json) => {
    expect(decodeAnswer(json)).toEqual({ kind: 'malformed', reason: 'answer is not a JSON object' });
  });

  it('calls an answer without retcode malformed', () => {
    expect(decodeAnswer({})).toEqual({ kind: 'malformed', reason: 'answer has no retcode' });
    expect(decodeAnswer({ code: 0, errmsg: '', data: {} })).toEqual({ kind: 'malformed', reason: 'answer has no retcode' });
  });

  it.each([
    ['0', 'string "0"'],
    ['a string well over twenty characters', 'string "a string well over t…"'],
    [1.5, 'number 1.5'],
    [2 ** 53, 'number 9007199254740992'],
    [null, 'null'],
    [true, 'boolean true'],
    [[0], 'an array'],
    [{ value: 0 }, 'an object'],
  ])('calls retcode %j malformed: not an integer', (retcode, got) => {
    expect(decodeAnswer({ retcode, errmsg: '', data: {} })).toEqual({
      kind: 'malformed',
      reason: `retcode is not an integer (got ${got})`,
    });
  });

  it.each([
    [null, 'null'],
    [0, 'number 0'],
    [['e'], 'an array'],
  ])('calls errmsg %j malformed, on success and on error alike', (errmsg, got) => {
    const reason = `errmsg is not a string (got ${got})`;
    expect(decodeAnswer({ retcode: 0, errmsg, data: {} })).toEqual({ kind: 'malformed', reason });
    expect(decodeAnswer({ retcode: 3, errmsg, data: {} })).toEqual({ kind: 'malformed', reason });
  });

  it('calls a success without data malformed', () => {
    expect(decodeAnswer({ retcode: 0, errmsg: '' })).toEqual({ kind: 'malformed', reason: 'success answer has no data' });
  });

  it.each([
    [null, 'null'],
    [[], 'an array'],
    ['{}', 'string "{}"'],
    [1, 'number 1'],
  ])('calls a success with data %j malformed', (data, got) => {
    expect(decodeAnswer({ retcode: 0, errmsg: '', data })).toEqual({ kind: 'malformed', reason: `data is not an object (got ${got})` });
  });
});
