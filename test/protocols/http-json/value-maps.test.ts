/**
 * Enum value maps of a binding: the service's own names of a coupon's status read as the spec's on an
 * answer, the spec's sent as the service's on a request, one `maps:` entry serving both ways. A value
 * a map lacks is never passed through: an answer holding one is unreadable (naming the value), a call
 * needing one is not sent (naming the value); a map onto a value the spec's enum lacks is a load error
 * at its file:line:column.
 */
import { describe, expect, it } from 'vitest';
import { LoadError, formatProblem } from '../../../src/core/errors.js';
import { classify, readerFor } from '../../../src/engine/answer.js';
import { loadTargetConfig } from '../../../src/engine/targets/config.js';
import { adapterFor } from '../../../src/protocols/index.js';
import type { Endpoint, PrepareInput, ProtocolAdapter } from '../../../src/protocols/types.js';
import { SUITES } from '../../../src/scenario/suites.js';
import { REST_BINDING_FILE, restBindingText } from '../../helpers/rest-binding.js';
import { startRestCouponService } from '../../helpers/rest-coupon-service.js';

const TOKEN = 'map-token-0a7';
const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);

function bound(text: string = restBindingText()): { endpoint: Endpoint; adapter: ProtocolAdapter } {
  const target = loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: TOKEN }, text);
  const endpoint = target.endpoints['jd-coupon'];
  if (endpoint === undefined) throw new Error('no jd-coupon endpoint');
  return { endpoint, adapter: adapterFor('jos', endpoint) };
}

function input(endpoint: Endpoint, operation: string, app: Record<string, unknown>): PrepareInput {
  return { endpoint, operation, app, transport: {}, clockOffsetMs: 0, nowMs: NOW, nonce: '0'.repeat(32) };
}

function problemsOf(text: string): string[] {
  try {
    bound(text);
  } catch (e) {
    if (e instanceof LoadError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** One listed coupon of the service, its status as given. */
function listed(status: unknown) {
  return {
    items: [
      {
        couponNo: 'RC1',
        couponId: 1,
        activityId: 'act_1',
        userId: 7,
        title: 't',
        amount: '5.00',
        minSpend: '0.00',
        validFrom: NOW,
        validTo: NOW + 1000,
        claimedAt: NOW,
        status,
      },
    ],
    total: 1,
    page: 1,
    size: 20,
  };
}

describe('enum value maps', () => {
  const api = SUITES.get('jd-coupon')?.compiled();
  const classifyList = (adapter: ProtocolAdapter, endpoint: Endpoint, body: unknown) =>
    classify(
      { ok: true, status: 200, contentType: 'application/json', body: JSON.stringify(body), truncated: false },
      readerFor({
        adapter,
        ...(api ? { api } : {}),
        operation: 'promoproof.coupon.user.list',
        endpoint,
        level: 'must',
        maxBodyBytes: 1 << 20,
      }),
    );

  it('an answer reads the service status in the spec terms', () => {
    const { endpoint, adapter } = bound();
    for (const [service, spec] of [
      ['AVAILABLE', 'unused'],
      ['USED', 'used'],
      ['EXPIRED', 'expired'],
    ]) {
      const a = classifyList(adapter, endpoint, listed(service));
      expect(a.kind, service).toBe('success');
      expect(a.kind === 'success' ? (a.body as { coupons: { status: string }[] }).coupons[0]?.status : undefined).toBe(spec);
    }
  });

  it('a status the map lacks makes the answer unreadable, naming the value: never passed through', () => {
    const { endpoint, adapter } = bound();
    const a = classifyList(adapter, endpoint, listed('FROZEN'));
    expect(a).toMatchObject({ kind: 'malformed', problem: 'envelope' });
    expect(a.kind === 'malformed' ? a.reason : '').toMatch(/"FROZEN", a value the binding's map status does not have/);
    // The spec's own word is not the service's either: it is not let through as it is.
    expect(classifyList(adapter, endpoint, listed('unused')).kind).toBe('malformed');
  });

  it('a request sends the spec value as the service one, through the same map read backwards', () => {
    const { endpoint, adapter } = bound();
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.user.list', { uid: 7, status: 'expired' }));
    expect(wire.url).toBe('http://127.0.0.1:8700/users/7/coupons?status=EXPIRED');
  });

  it('a request value the map lacks is a call the binding cannot express, naming the value', async () => {
    const service = await startRestCouponService({ token: TOKEN });
    try {
      const { endpoint, adapter } = bound(restBindingText(service.origin));
      const sent = await adapter.send({
        ...input(endpoint, 'promoproof.coupon.user.list', { uid: 7, status: 'revoked' }),
        timeoutMs: 5000,
        maxBodyBytes: 1 << 20,
      });
      expect(sent.unsupported).toMatch(
        /cannot send status "revoked": its map status has no service value for it \(it maps unused, used, expired\)/,
      );
      expect(sent.outcome).toMatchObject({ ok: false, unsent: true });
      // Mapped, the service's own filter answers (it refuses the spec's word unmapped).
      const ok = await adapter.send({
        ...input(endpoint, 'promoproof.coupon.user.list', { uid: 7, status: 'unused' }),
        timeoutMs: 5000,
        maxBodyBytes: 1 << 20,
      });
      expect(ok.outcome).toMatchObject({ ok: true, status: 200 });
    } finally {
      await service.close();
    }
  });

  it('a load profile literal the map lacks is refused before the run; a template is judged when sent', () => {
    const { adapter } = bound();
    expect(adapter.unexpressed?.('promoproof.coupon.user.list', { uid: '${user}', status: 'revoked' })).toMatch(
      /cannot send status "revoked": its map status has no service value/,
    );
    expect(adapter.unexpressed?.('promoproof.coupon.user.list', { uid: '${user}', status: 'used' })).toBeUndefined();
    expect(adapter.unexpressed?.('promoproof.coupon.user.list', { uid: '${user}', status: '${status}' })).toBeUndefined();
  });

  it('numbers: a service status of 0/1/2 maps both ways (an inline map on the request)', () => {
    const text = restBindingText()
      .replace('status: { AVAILABLE: unused, USED: used, EXPIRED: expired }', 'status: { 0: unused, 1: used, 2: expired }')
      .replace('$map: status }', '$map: { unused: 0, used: 1, expired: 2 } }');
    const { endpoint, adapter } = bound(text);
    const a = classifyList(adapter, endpoint, listed(2));
    expect(a.kind === 'success' ? (a.body as { coupons: { status: string }[] }).coupons[0]?.status : a).toBe('expired');
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.user.list', { uid: 7, status: 'used' }));
    expect(wire.url).toBe('http://127.0.0.1:8700/users/7/coupons?status=1');
  });

  it('a named map read backwards in a JSON body: its keys are strings, $convert: number sends numbers', () => {
    const text = restBindingText()
      .replace('status: { AVAILABLE: unused, USED: used, EXPIRED: expired }', 'status: { 0: unused, 1: used, 2: expired }')
      .replace(
        'path: /users/${params.uid}/coupons',
        'path: /users/${params.uid}/coupons\n            body: { state: { $value: "${params.status}", $map: status, $convert: number }, raw: { $value: "${params.status}", $map: status } }',
      );
    const { endpoint, adapter } = bound(text);
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.user.list', { uid: 7, status: 'expired' }));
    expect(JSON.parse(wire.body ?? '')).toEqual({ state: 2, raw: '2' });
  });

  it('a map onto a value the spec enum lacks, a map not declared, a literal the map lacks: load errors at file:line:column', () => {
    const text = restBindingText()
      .replace(
        'status: { AVAILABLE: unused, USED: used, EXPIRED: expired }',
        'status: { AVAILABLE: unused, USED: spent, EXPIRED: expired }',
      )
      .replace('$map: status }', '$map: { unused: AVAILABLE, gone: EXPIRED } }');
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(
        new RegExp(`rest-coupon\\.yaml:${lineOf(text, 'USED: spent')}:\\d+: "spent" is not a value the spec has here .*PP_BINDING`),
      ),
      expect.stringMatching(
        new RegExp(`rest-coupon\\.yaml:${lineOf(text, 'gone: EXPIRED')}:\\d+: "gone" is not a value the spec has here`),
      ),
    ]);
    const undeclared = restBindingText().replace('status: { at: /status, map: status }', 'status: { at: /status, map: state }');
    expect(problemsOf(undeclared)[0]).toMatch(
      new RegExp(`rest-coupon\\.yaml:${lineOf(undeclared, 'map: state')}:\\d+: the binding has no map 'state'`),
    );
    const literal = restBindingText().replace('$value: "${params.status}", $map: status', '$value: revoked, $map: status');
    expect(problemsOf(literal)).toEqual([expect.stringMatching(/map status has no service value for "revoked".*PP_BINDING/)]);
  });

  it('a named map that reads two service values as one spec value cannot be sent backwards', () => {
    const text = restBindingText().replace(
      'status: { AVAILABLE: unused, USED: used, EXPIRED: expired }',
      'status: { AVAILABLE: unused, NEW: unused, USED: used, EXPIRED: expired }',
    );
    expect(problemsOf(text)).toEqual([expect.stringMatching(/reads both "AVAILABLE" and "NEW" as "unused": a request cannot choose/)]);
  });
});
