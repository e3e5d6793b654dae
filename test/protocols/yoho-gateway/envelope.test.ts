import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeYoho,
  decodeYohoAnswer,
  describeYohoSalt,
  readYohoAnswer,
  topLevelValueText,
  YOHO_DEV_SALT,
  YOHO_MASTER_SALT,
  yohoDataMd5,
  yohoErrorText,
  yohoSuccessText,
} from '../../../src/protocols/yoho-gateway/envelope.js';

const DEV_SALT = '1313I923R4DFKJASDFKLAKDF;';
const decode = (raw: string, salt: string = YOHO_MASTER_SALT) => decodeYoho('app.coupons.total', JSON.parse(raw), raw, salt);

describe('yoho-gateway SALT_MD5 answers (PROTOCOLS.md §3b)', () => {
  it('hashes data with the salt byte-exact (the vectors, both salts)', () => {
    expect(yohoDataMd5('{"total":3}')).toBe('2ecbb045dd3dd270113c7c4fbbd1687b');
    expect(yohoDataMd5('[]')).toBe('6d729d4b35f10fc73531210bd7ecff91');
    expect(yohoDataMd5('{"total":3}', DEV_SALT)).toBe('3d72d7e1c3b6a3474200f95f2a779934');
    expect(yohoDataMd5('[]', DEV_SALT)).toBe('693386c92ed4d99245e0e11e06484994');
    expect(YOHO_MASTER_SALT).toBe('fd4ad5fcsa0de589af23234ks1923ks');
    expect(YOHO_DEV_SALT).toBe(DEV_SALT);
  });

  it('writes a success in fastjson order, null data as [], and reads it back with a valid md5', () => {
    const text = yohoSuccessText({ total: 3 }, 'coupons total');
    expect(text).toBe(
      '{"alg":"SALT_MD5","code":200,"data":{"total":3},"md5":"2ecbb045dd3dd270113c7c4fbbd1687b","message":"coupons total"}',
    );
    expect(yohoSuccessText(null)).toContain('"data":[],"md5":"6d729d4b35f10fc73531210bd7ecff91","message":"操作成功"');
    expect(yohoSuccessText(undefined)).toBe(yohoSuccessText(null));
    expect(decodeYohoAnswer(text)).toEqual({
      kind: 'success',
      code: 200,
      data: { total: 3 },
      md5Valid: true,
      md5: '2ecbb045dd3dd270113c7c4fbbd1687b',
      expectedMd5: '2ecbb045dd3dd270113c7c4fbbd1687b',
      message: 'coupons total',
    });
  });

  it('checks the md5 over the bytes as sent: re-serialised data (a space, another key order) does not verify', () => {
    const spaced = '{"alg":"SALT_MD5","code":200,"data":{"total": 3},"md5":"2ecbb045dd3dd270113c7c4fbbd1687b","message":"x"}';
    expect(decodeYohoAnswer(spaced)).toMatchObject({ kind: 'success', md5Valid: false, expectedMd5: yohoDataMd5('{"total": 3}') });
    const reordered = `{"alg":"SALT_MD5","code":200,"data":{"b":1,"a":2},"md5":"${yohoDataMd5('{"a":2,"b":1}')}","message":"x"}`;
    expect(decodeYohoAnswer(reordered)).toMatchObject({ kind: 'success', md5Valid: false });
    const wrongSalt = yohoSuccessText({ total: 3 }, 'x', 200, DEV_SALT);
    expect(decodeYohoAnswer(wrongSalt)).toMatchObject({ kind: 'success', md5Valid: false });
    expect(decodeYohoAnswer(wrongSalt, DEV_SALT)).toMatchObject({ kind: 'success', md5Valid: true });
    // Whitespace around the value is not part of it; an upper-case md5 is the same hex.
    const padded =
      '{ "alg" : "SALT_MD5" , "code" : 200 , "data" :\n {"total":3} \t, "md5" : "2ECBB045DD3DD270113C7C4FBBD1687B", "message" : "" }';
    expect(decodeYohoAnswer(padded)).toMatchObject({ kind: 'success', md5Valid: true });
  });

  it('reads Chinese, escapes and nesting in data exactly', () => {
    const data = { list: [{ name: '满100减10', note: 'a "q" \\ b', nested: { x: [1, { y: '}' }] } }] };
    const text = yohoSuccessText(data);
    expect(decodeYohoAnswer(text)).toMatchObject({ kind: 'success', md5Valid: true, data });
    expect(topLevelValueText(text, 'data')).toBe(JSON.stringify(data));
    expect(topLevelValueText('{"a":"data","data":true}', 'data')).toBe('true');
    expect(topLevelValueText('{"a":1}', 'data')).toBeUndefined();
  });

  it('reads errors by their code alone, and names what is malformed', () => {
    expect(decodeYohoAnswer(yohoErrorText(500, '数据验证错误.'))).toEqual({ kind: 'error', code: '500', message: '数据验证错误.' });
    // An error is never judged by an md5, whatever it carries.
    expect(decodeYohoAnswer('{"alg":"SALT_MD5","code":411,"data":[],"md5":"nope","message":"none"}')).toEqual({
      kind: 'error',
      code: '411',
      message: 'none',
    });
    expect(decodeYohoAnswer('{"code":"201","message":7}')).toEqual({ kind: 'error', code: '201', message: '' });
    expect(decodeYohoAnswer('not json')).toEqual({ kind: 'malformed', reason: 'answer is not JSON' });
    expect(decodeYohoAnswer('[1]')).toEqual({ kind: 'malformed', reason: 'answer is not a JSON object' });
    expect(decodeYohoAnswer('null')).toEqual({ kind: 'malformed', reason: 'answer is not a JSON object' });
    expect(decodeYohoAnswer('{"message":"x"}')).toEqual({ kind: 'malformed', reason: 'answer has no code' });
    expect(decodeYohoAnswer('{"code":"0200"}')).toEqual({ kind: 'malformed', reason: 'code is not an integer (got string "0200")' });
    expect(decodeYohoAnswer('{"code":2.5}')).toEqual({ kind: 'malformed', reason: 'code is not an integer (got number 2.5)' });
    expect(decodeYohoAnswer('{"code":true}')).toEqual({ kind: 'malformed', reason: 'code is not an integer (got boolean true)' });
    expect(decodeYohoAnswer('{"code":null}')).toEqual({ kind: 'malformed', reason: 'code is not an integer (got null)' });
    expect(decodeYohoAnswer('{"code":[200]}')).toEqual({ kind: 'malformed', reason: 'code is not an integer (got an array)' });
    expect(decodeYohoAnswer('{"code":{}}')).toEqual({ kind: 'malformed', reason: 'code is not an integer (got an object)' });
    expect(decodeYohoAnswer(`{"code":"${'9'.repeat(50)}"}`)).toEqual({
      kind: 'malformed',
      reason: `code is not an integer (got string "${'9'.repeat(40)}…")`,
    });
    expect(decodeYohoAnswer('{"code":200,"data":[]}')).toEqual({
      kind: 'malformed',
      reason: 'success answer (code 200) without alg SALT_MD5 (got none)',
    });
    expect(decodeYohoAnswer('{"alg":"MD5","code":200,"data":[]}')).toMatchObject({ reason: expect.stringContaining('got string "MD5"') });
    expect(decodeYohoAnswer('{"alg":"SALT_MD5","code":200,"data":[]}')).toEqual({
      kind: 'malformed',
      reason: 'success answer (code 200) without an md5 string (got none)',
    });
    expect(decodeYohoAnswer('{"alg":"SALT_MD5","code":200,"md5":"x"}')).toEqual({
      kind: 'malformed',
      reason: 'success answer (code 200) has no data',
    });
  });

  it('names the salts: the two public ones by branch, another as it is', () => {
    expect(describeYohoSalt(YOHO_MASTER_SALT)).toBe(`the master-branch salt "${YOHO_MASTER_SALT}"`);
    expect(describeYohoSalt(DEV_SALT)).toBe(`the dev-branch salt "${DEV_SALT}"`);
    expect(describeYohoSalt('s')).toBe('the salt "s"');
  });
});

describe('decodeYoho (ProtocolAdapter.decode with a salt)', () => {
  it('a success whose md5 verifies is its data', () => {
    expect(decode(yohoSuccessText({ total: 47 }, 'coupons total'))).toEqual({ kind: 'success', body: { total: 47 } });
    expect(decode(yohoSuccessText(null))).toEqual({ kind: 'success', body: [] });
    expect(decode(yohoSuccessText({ total: 1 }, 'x', 200, 'own-salt'), 'own-salt')).toEqual({ kind: 'success', body: { total: 1 } });
  });

  it('a numeric-string code 200 is a success too', () => {
    const raw = `{"alg":"SALT_MD5","code":"200","data":[],"md5":"${yohoDataMd5('[]')}","message":"操作成功"}`;
    expect(decode(raw)).toEqual({ kind: 'success', body: [] });
  });

  it('data [] and data null are hashed as written', () => {
    expect(decode(`{"alg":"SALT_MD5","code":200,"data":[],"md5":"6d729d4b35f10fc73531210bd7ecff91","message":""}`)).toEqual({
      kind: 'success',
      body: [],
    });
    // Java writes null data as []: a target that writes null must hash "null" for its md5 to verify.
    expect(decode(`{"alg":"SALT_MD5","code":200,"data":null,"md5":"${yohoDataMd5('null')}","message":""}`)).toEqual({
      kind: 'success',
      body: null,
    });
    expect(decode(`{"alg":"SALT_MD5","code":200,"data":null,"md5":"${yohoDataMd5('[]')}","message":""}`)).toMatchObject({
      kind: 'malformed',
    });
  });

  it('Chinese text in data is hashed as its UTF-8 bytes, unescaped as sent (an escaped form is other bytes)', () => {
    const data = { couponName: '12月生日券:VIP专享满299减80(' };
    const text = JSON.stringify(data);
    const utf8 = createHash('md5')
      .update(Buffer.from(`${YOHO_MASTER_SALT}:${text}`, 'utf8'))
      .digest('hex');
    expect(yohoDataMd5(text)).toBe(utf8);
    // Latin-1 (one byte per code unit) would hash otherwise.
    expect(
      createHash('md5')
        .update(Buffer.from(`${YOHO_MASTER_SALT}:${text}`, 'latin1'))
        .digest('hex'),
    ).not.toBe(utf8);
    expect(decode(yohoSuccessText(data))).toEqual({ kind: 'success', body: data });
    const escaped = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(JSON.parse(escaped)).toEqual(data);
    const raw = `{"alg":"SALT_MD5","code":200,"data":${escaped},"md5":"${utf8}","message":""}`;
    expect(decode(raw)).toMatchObject({ kind: 'malformed' });
  });

  it('an md5 that does not cover data is malformed, naming both md5s and the salt (UCP-01)', () => {
    const raw = yohoSuccessText({ total: 3 }, 'x', 200, DEV_SALT);
    const d = decode(raw);
    expect(d).toEqual({
      kind: 'malformed',
      reason: `md5 "3d72d7e1c3b6a3474200f95f2a779934" does not cover data as sent: MD5(salt + ":" + data) is 2ecbb045dd3dd270113c7c4fbbd1687b with the master-branch salt "${YOHO_MASTER_SALT}" (UCP-01)`,
    });
    expect(decode(raw, DEV_SALT)).toEqual({ kind: 'success', body: { total: 3 } });
  });

  it('an error carries its code as text, its message and the whole body, md5 or not', () => {
    const raw = '{"code":411,"message":"您没有可领取的生日券哦"}';
    expect(decode(raw)).toEqual({ kind: 'error', code: '411', message: '您没有可领取的生日券哦', body: JSON.parse(raw) });
    expect(decode('{"code":"500","message":"数据验证错误.","md5":"x"}')).toMatchObject({ kind: 'error', code: '500' });
    expect(decode('{"code":-1}')).toMatchObject({ kind: 'error', code: '-1', message: '' });
  });

  it('a success without alg or md5 is malformed, as is a body without a code', () => {
    expect(decode('{"code":200,"data":{"total":3},"message":"x"}')).toMatchObject({
      kind: 'malformed',
      reason: expect.stringContaining('alg'),
    });
    expect(decode('{"alg":"SALT_MD5","code":200,"data":{"total":3},"message":"x"}')).toMatchObject({
      kind: 'malformed',
      reason: expect.stringContaining('md5'),
    });
    expect(decode('{"retcode":0,"data":{}}')).toEqual({ kind: 'malformed', reason: 'answer has no code' });
    expect(decode('"ok"')).toEqual({ kind: 'malformed', reason: 'answer is not a JSON object' });
  });

  it('data given twice: the md5 is checked over the value JSON.parse keeps (the last)', () => {
    const good = JSON.stringify({ total: 1 });
    const raw = `{"alg":"SALT_MD5","code":200,"data":{"total":999},"data":${good},"md5":"${yohoDataMd5(good)}","message":""}`;
    expect(decode(raw)).toEqual({ kind: 'success', body: { total: 1 } });
    const bad = `{"alg":"SALT_MD5","code":200,"data":${good},"data":{"total":999},"md5":"${yohoDataMd5(good)}","message":""}`;
    expect(decode(bad)).toMatchObject({ kind: 'malformed' });
  });
});

describe('topLevelValueText', () => {
  it('finds top-level keys only, whatever the nesting and strings hold', () => {
    expect(topLevelValueText('{"x":{"data":1},"data":2}', 'data')).toBe('2');
    expect(topLevelValueText('{"x":["data",{"data":[1]}]}', 'data')).toBeUndefined();
    expect(topLevelValueText('{"x":"\\"data\\":3","data":"a\\"b"}', 'data')).toBe('"a\\"b"');
    expect(topLevelValueText('{"d\\u0061ta":[1, 2]}', 'data')).toBe('[1, 2]');
    expect(topLevelValueText('{"data":-1.5e3}', 'data')).toBe('-1.5e3');
    expect(topLevelValueText('  {"data":null}  ', 'data')).toBe('null');
  });

  it('is undefined for text that is not an object, and never throws', () => {
    expect(topLevelValueText('', 'data')).toBeUndefined();
    expect(topLevelValueText('[{"data":1}]', 'data')).toBeUndefined();
    expect(topLevelValueText('{}', 'data')).toBeUndefined();
    expect(topLevelValueText('{"data"', 'data')).toBeUndefined();
    expect(topLevelValueText('{"da', 'data')).toBeUndefined();
    expect(topLevelValueText('{"a":"\\x"', 'data')).toBeUndefined();
    expect(topLevelValueText('{"data" 1}', 'data')).toBeUndefined();
    expect(topLevelValueText('{"data":1 "b":2}', 'data')).toBe('1');
    expect(topLevelValueText('{"data":[1,2', 'data')).toBe('[1,2');
    expect(topLevelValueText('{1:2}', 'data')).toBeUndefined();
  });

  it('reads what readYohoAnswer reads (the raw text and the parsed value given apart)', () => {
    const raw = yohoSuccessText({ total: 3 });
    expect(readYohoAnswer(JSON.parse(raw), raw)).toMatchObject({ kind: 'success', md5Valid: true });
    // A parsed value without data is malformed whatever the text says.
    expect(readYohoAnswer({ alg: 'SALT_MD5', code: 200, md5: 'x' }, raw)).toMatchObject({ kind: 'malformed' });
  });
});
