import { describe, expect, it } from 'vitest';
import { josAdapter } from '../../src/protocols/jos/adapter.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { parseFormBody } from '../../src/reference/form-body.js';
import { buildServer } from '../../src/reference/server.js';

/** What the reference read form bodies with before: the WHATWG parser, then an object. */
const whatwg = (body: string) => Object.fromEntries(new URLSearchParams(body));

/** Own entries in order, and the prototype: what mergeParams and the Yoho gateway read of a parsed body. */
const shape = (o: Record<string, string>) => ({ entries: Object.entries(o), proto: Object.getPrototypeOf(o) as unknown });

describe('parseFormBody reads a form body exactly as Object.fromEntries(new URLSearchParams(body))', () => {
  it('on the cases where a hand-written parser goes wrong', () => {
    for (const body of [
      '',
      'a',
      'a=',
      '=b',
      '=',
      '&&a=1&&',
      'a=1&a=2&b=3&a=4',
      'a+b=c+d',
      'a=%2B&b=+',
      'a=1=2',
      '%61=%62',
      'a=%',
      'a=%2',
      'a=%zz',
      'a=%%41',
      'a=%E4%B8%AD',
      'a=%E4',
      'a=%FF',
      'a=%C0%AF',
      'a=%ED%A0%80',
      'a=%E4中',
      'a=中文&b=%E6%96%87',
      'a=😀',
      'a=\uD800',
      '__proto__=x',
      '__proto__=x&__proto__=y&constructor=z',
      'toString=1&hasOwnProperty=2',
      '2=b&1=a&x=c',
      'timestamp=2026-12-07+15%3A20%3A11&360buy_param_json=%7B%22uid%22%3A1%7D',
    ])
      expect(shape(parseFormBody(body)), JSON.stringify(body)).toEqual(shape(whatwg(body)));
  });

  it('on 20,000 random bodies of escapes, separators and multi-byte text', () => {
    const pieces = [
      'a',
      'b',
      '=',
      '&',
      '+',
      '%',
      '%2',
      '%2B',
      '%20',
      '%E4%B8%AD',
      '%E4',
      '%FF',
      '%C0%AF',
      '中',
      '😀',
      '\uDC00',
      '__proto__',
      ' ',
      '%zz',
    ];
    let seed = 20_261_207;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 20_000; i++) {
      let body = '';
      for (let n = Math.floor(next() * 12); n > 0; n--) body += pieces[Math.floor(next() * pieces.length)];
      expect(shape(parseFormBody(body)), JSON.stringify(body)).toEqual(shape(whatwg(body)));
    }
  });

  it('keeps __proto__ an own parameter: a body cannot change the object it is read into', () => {
    const params = parseFormBody('__proto__=polluted&method=x');
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.hasOwn(params, '__proto__')).toBe(true);
    expect(params['method']).toBe('x');
  });

  it('is what the JOS router reads a signed claim with: the reference answers it', async () => {
    const app = buildServer();
    try {
      const wire = josAdapter.prepare({
        endpoint: { url: 'http://127.0.0.1/routerjson', credentials: { ...DEFAULT_CREDENTIALS } },
        operation: 'promoproof.coupon.claim',
        app: { data_source_id: '101', batch_id: 'no-such-batch', uid: 7, request_id: '中 文+%' },
        transport: {},
        clockOffsetMs: 0,
        nowMs: Date.now(),
        nonce: '',
      });
      const res = await app.inject({ method: 'POST', url: '/routerjson', payload: wire.body ?? '', headers: wire.headers });
      // Signature, timestamp and parameters read back as sent: the business refusal, not a system error.
      expect(res.json()).toMatchObject({ error_response: { code: 'coupon.batch.not.exist' } });
    } finally {
      await app.close();
    }
  });
});
