import { describe, expect, it } from 'vitest';
import {
  decodeYohoAnswer,
  topLevelValueText,
  YOHO_MASTER_SALT,
  yohoDataMd5,
  yohoErrorText,
  yohoSuccessText,
} from '../../../src/protocols/yoho-gateway/envelope.js';

const DEV_SALT = '1313I923R4DFKJASDFKLAKDF;';

describe('yoho-gateway SALT_MD5 answers (PROTOCOLS.md §3b)', () => {
  it('hashes data with the salt byte-exact (the vectors, both salts)', () => {
    expect(yohoDataMd5('{"total":3}')).toBe('2ecbb045dd3dd270113c7c4fbbd1687b');
    expect(yohoDataMd5('[]')).toBe('6d729d4b35f10fc73531210bd7ecff91');
    expect(yohoDataMd5('{"total":3}', DEV_SALT)).toBe('3d72d7e1c3b6a3474200f95f2a779934');
    expect(yohoDataMd5('[]', DEV_SALT)).toBe('693386c92ed4d99245e0e11e06484994');
    expect(YOHO_MASTER_SALT).toBe('fd4ad5fcsa0de589af23234ks1923ks');
  });

  it('writes a success in fastjson order, null data as [], and reads it back with a valid md5', () => {
    const text = yohoSuccessText({ total: 3 }, 'coupons total');
    expect(text).toBe(
      '{"alg":"SALT_MD5","code":200,"data":{"total":3},"md5":"2ecbb045dd3dd270113c7c4fbbd1687b","message":"coupons total"}',
    );
    expect(yohoSuccessText(null)).toContain('"data":[],"md5":"6d729d4b35f10fc73531210bd7ecff91","message":"操作成功"');
    expect(decodeYohoAnswer(text)).toEqual({ kind: 'success', code: 200, data: { total: 3 }, md5Valid: true, message: 'coupons total' });
  });

  it('checks the md5 over the bytes as sent: re-serialised data (a space, another key order) does not verify', () => {
    const spaced = '{"alg":"SALT_MD5","code":200,"data":{"total": 3},"md5":"2ecbb045dd3dd270113c7c4fbbd1687b","message":"x"}';
    expect(decodeYohoAnswer(spaced)).toMatchObject({ kind: 'success', md5Valid: false });
    const wrongSalt = yohoSuccessText({ total: 3 }, 'x', 200, DEV_SALT);
    expect(decodeYohoAnswer(wrongSalt)).toMatchObject({ kind: 'success', md5Valid: false });
    expect(decodeYohoAnswer(wrongSalt, DEV_SALT)).toMatchObject({ kind: 'success', md5Valid: true });
  });

  it('reads Chinese, escapes and nesting in data exactly', () => {
    const data = { list: [{ name: '满100减10', note: 'a "q" \\ b', nested: { x: [1, { y: '}' }] } }] };
    const text = yohoSuccessText(data);
    expect(decodeYohoAnswer(text)).toMatchObject({ kind: 'success', md5Valid: true, data });
    expect(topLevelValueText(text, 'data')).toBe(JSON.stringify(data));
    expect(topLevelValueText('{"a":"data","data":true}', 'data')).toBe('true');
    expect(topLevelValueText('{"a":1}', 'data')).toBeUndefined();
  });

  it('reads errors without md5, and names what is malformed', () => {
    expect(decodeYohoAnswer(yohoErrorText(500, '数据验证错误.'))).toEqual({ kind: 'error', code: '500', message: '数据验证错误.' });
    expect(decodeYohoAnswer('not json')).toEqual({ kind: 'malformed', reason: 'answer is not JSON' });
    expect(decodeYohoAnswer('[1]')).toEqual({ kind: 'malformed', reason: 'answer is not a JSON object' });
    expect(decodeYohoAnswer('{"code":"200"}')).toEqual({ kind: 'malformed', reason: 'code is not an integer' });
    expect(decodeYohoAnswer('{"code":200,"data":[]}')).toEqual({ kind: 'malformed', reason: 'alg is not SALT_MD5' });
    expect(decodeYohoAnswer('{"alg":"SALT_MD5","code":200,"data":[]}')).toEqual({ kind: 'malformed', reason: 'md5 is not a string' });
    expect(decodeYohoAnswer('{"alg":"SALT_MD5","code":200,"md5":"x"}')).toEqual({ kind: 'malformed', reason: 'answer has no data' });
  });
});
