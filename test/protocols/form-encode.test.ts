import { describe, expect, it } from 'vitest';
import { formBody, formEncode } from '../../src/protocols/form-request.js';
import { toFormBody } from '../../src/protocols/jos/client.js';

/**
 * The form encoder every JOS and Yoho request is built with writes what URLSearchParams writes, byte
 * for byte (a signature is checked over the decoded values, but a body that decoded differently would
 * be another request): every ASCII character, multi-byte UTF-8, the characters encodeURIComponent
 * leaves alone but the form serializer escapes, and a lone surrogate.
 */
const serializer = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('formEncode / formBody', () => {
  it('writes every ASCII character as URLSearchParams does', () => {
    for (let c = 0; c < 128; c++) {
      const text = `a${String.fromCharCode(c)}b`;
      expect(formEncode(text), `char ${c}`).toBe(serializer({ '': text }).slice(1));
    }
  });

  it('writes the characters encodeURIComponent keeps but the form escapes, spaces as +', () => {
    expect(formEncode("a b!'()~*-._")).toBe('a+b%21%27%28%29%7E*-._');
  });

  it('writes UTF-8, an astral character and a lone surrogate as URLSearchParams does', () => {
    for (const text of ['券已领完', '压测券 满100减5', '😀', 'x\uD800y', '\uDC00', '%20+&=', ''])
      expect(formEncode(text), JSON.stringify(text)).toBe(serializer({ '': text }).slice(1));
  });

  it('keeps a plain parameter as it is, without copying work', () => {
    expect(formEncode('360buy_param_json')).toBe('360buy_param_json');
    expect(formEncode('0A1B2C3D4E5F')).toBe('0A1B2C3D4E5F');
  });

  it('writes a whole signed JOS parameter set as URLSearchParams did, in the parameters’ order', () => {
    const params = {
      method: 'promoproof.coupon.claim',
      app_key: 'testkey',
      timestamp: '2024-05-01 10:00:00',
      access_token: 'tok en!',
      v: '2.0',
      '360buy_param_json': JSON.stringify({ uid: 1, name: '券 (满减)', note: "it's ~50%" }),
      sign: 'ABCDEF0123',
    };
    expect(formBody(params)).toBe(serializer(params));
    expect(toFormBody(params)).toBe(serializer(params));
    expect(formBody({})).toBe('');
  });

  it('keeps a `__proto__` parameter that is the object’s own, as Object.entries does', () => {
    const params = Object.fromEntries([
      ['__proto__', 'x y'],
      ['a', '1'],
    ]) as Record<string, string>;
    expect(formBody(params)).toBe(new URLSearchParams(Object.entries(params)).toString());
  });
});
