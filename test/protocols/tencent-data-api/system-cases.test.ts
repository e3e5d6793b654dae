import { describe, expect, it } from 'vitest';
import { loadTencentProtocol } from '../../../src/apis/tencent-coupon-batch/index.js';
import { tencentSystemScenarios } from '../../../src/protocols/tencent-data-api/system-cases.js';
import type { SystemScenario } from '../../../src/protocols/types.js';
import type { CallStep } from '../../../src/scenario/types.js';
import { loadRules } from '../../../src/spec/load.js';

const RULES = new Map(loadRules().map((r) => [r.id, r] as const));
const PROBE = { operation: 'order/add_coupon', params: { dataSourceId: '77', coupons: [] } };
const cases = () => tencentSystemScenarios(loadTencentProtocol(), PROBE, RULES);
const byId = (id: string): SystemScenario => {
  const c = cases().find((x) => x.doc.id === `gen-tencent-${id}`);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};
const stepOf = (s: SystemScenario): CallStep => {
  const step = s.doc.steps[0];
  if (!step || !('call' in step)) throw new Error(`${s.doc.id}: no call step`);
  return step;
};

describe('tencentSystemScenarios: near misses of the signature', () => {
  it('the right signature with its last digit changed, and cut one digit short: refused at must level (TCC-01)', () => {
    for (const [id, signature] of [
      ['signature-last-digit-changed', 'last-digit-changed'],
      ['signature-truncated', 'truncated'],
    ] as const) {
      const c = byId(id);
      expect(c.doc.level, id).toBe('must');
      expect(c.doc.covers).toEqual(['TCC-01']);
      expect(stepOf(c).transport).toEqual({ signature });
      expect(stepOf(c).expect).toEqual({ error: 'any' });
      expect(c.declared).toEqual(['queryParams', 4]);
      expect(c.generated).toEqual({ kind: 'protocol', operation: 'order/add_coupon', target: id });
    }
  });

  it('the right signature in upper case: refused only at ref level, as the seed fixes no case (TCC-REF-15)', () => {
    const c = byId('signature-upper-case');
    expect(RULES.get('TCC-REF-15')?.level).toBe('ref');
    expect(c.doc.level).toBe('ref');
    expect(c.doc.covers).toEqual(['TCC-REF-15']);
    expect(stepOf(c).transport).toEqual({ signature: 'upper-case' });
    expect(stepOf(c).expect).toEqual({ error: 'any' });
  });

  it('no must case sends a signature that differs from the right one in case only', () => {
    for (const c of cases().filter((x) => x.doc.level === 'must')) {
      for (const step of c.doc.steps) if ('call' in step) expect(step.transport?.signature, c.doc.id).not.toBe('upper-case');
    }
  });

  it('every case probes the one operation with its parameters, ids unique', () => {
    const all = cases();
    expect(new Set(all.map((c) => c.doc.id)).size).toBe(all.length);
    for (const c of all) {
      expect(c.doc.tags).toEqual(['generated', 'protocol']);
      for (const step of c.doc.steps) {
        if (!('call' in step)) throw new Error(`${c.doc.id}: not a call`);
        expect(step.call).toBe('order/add_coupon');
        expect(step.params).toEqual(PROBE.params);
      }
    }
  });
});
