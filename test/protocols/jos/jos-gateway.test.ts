import { describe, expect, it } from 'vitest';
import { buildJosParams } from '../../../src/protocols/jos/client.js';
import { DEFAULT_CREDENTIALS } from '../../../src/protocols/jos/credentials.js';
import { type GatewayDeps, handleJos, type JosService, type JosServiceResult } from '../../../src/protocols/jos/gateway.js';
import { loadJosProtocol } from '../../../src/spec/load.js';

const NOW = Date.UTC(2026, 11, 8, 0, 0, 0);
const METHOD = 'promoproof.test.echo';

/** A service of one method answering `result`, synchronously or through a promise. */
function service(result: JosServiceResult, async: boolean): JosService {
  return {
    has: (method) => method === METHOD,
    call: () => (async ? Promise.resolve(result) : result),
    describeError: (code) => (code === 'test.refused' ? { zh: '拒绝', en: 'Refused' } : undefined),
  };
}

function deps(s: JosService): GatewayDeps {
  return { protocol: loadJosProtocol(), credentials: DEFAULT_CREDENTIALS, service: s, fault: undefined, realNow: () => NOW };
}

const request = () => buildJosParams({ method: METHOD, app: { uid: 1 }, credentials: DEFAULT_CREDENTIALS, timestampMs: NOW });

describe('JOS gateway: the answer of a service', () => {
  it('is there when handleJos returns, without a promise, when the service answers synchronously (every claim)', () => {
    const ok = handleJos(deps(service({ ok: true, body: { n: 1 } }, false)), request());
    expect(ok).not.toBeInstanceOf(Promise);
    expect(ok).toEqual({ promoproof_test_echo_responce: { code: '0', n: 1 } });
    const refused = handleJos(deps(service({ ok: false, code: 'test.refused', message: 'no stock' }, false)), request());
    expect(refused).toEqual({ error_response: { code: 'test.refused', zh_desc: '拒绝', en_desc: 'Refused: no stock' } });
  });

  it('comes through a promise, the same, when the service answers through one', async () => {
    const ok = handleJos(deps(service({ ok: true, body: { n: 1 } }, true)), request());
    expect(ok).toBeInstanceOf(Promise);
    expect(await ok).toEqual({ promoproof_test_echo_responce: { code: '0', n: 1 } });
  });

  it('describes a refusal with what was left out, or the code alone when the service has no words for it', () => {
    const notes = { ignored: ['#promo_id', 'x'], blank: [] };
    expect(handleJos(deps(service({ ok: false, code: 'test.refused', message: 'no stock', notes }, false)), request())).toEqual({
      error_response: {
        code: 'test.refused',
        zh_desc: '拒绝（已忽略未声明的参数：#promo_id、x）',
        en_desc: 'Refused: no stock; ignored undeclared #promo_id, x',
      },
    });
    expect(handleJos(deps(service({ ok: false, code: 'test.refused', notes }, false)), request())).toEqual({
      error_response: {
        code: 'test.refused',
        zh_desc: '拒绝（已忽略未声明的参数：#promo_id、x）',
        en_desc: 'Refused: ignored undeclared #promo_id, x',
      },
    });
    expect(handleJos(deps(service({ ok: false, code: 'test.other' }, false)), request())).toEqual({
      error_response: { code: 'test.other', zh_desc: 'test.other', en_desc: 'test.other' },
    });
  });

  it('is never reached by a request the gateway refuses first (a wrong signature: system error 12)', () => {
    const answer = handleJos(deps(service({ ok: true, body: {} }, false)), { ...request(), sign: '0'.repeat(32) });
    expect(answer).toHaveProperty('error_response.code', '12');
  });
});
