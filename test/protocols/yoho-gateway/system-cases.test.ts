import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yohoAdapter } from '../../../src/protocols/yoho-gateway/adapter.js';
import { YOHO_TEST_CREDENTIALS } from '../../../src/protocols/yoho-gateway/credentials.js';
import { decodeYoho } from '../../../src/protocols/yoho-gateway/envelope.js';
import { YOHO_FAULTS } from '../../../src/protocols/yoho-gateway/faults.js';
import { sendYoho } from '../../../src/protocols/yoho-gateway/send.js';
import { loadYohoProtocol } from '../../../src/protocols/yoho-gateway/spec.js';
import { yohoSystemScenarios } from '../../../src/protocols/yoho-gateway/system-cases.js';
import type { SystemScenario } from '../../../src/protocols/types.js';
import type { CallStep } from '../../../src/scenario/types.js';
import { SPECS_DIR } from '../../../src/spec/load.js';
import type { RuleSpec } from '../../../src/spec/types.js';
import { deps, PROBE, startYohoServer, type YohoTestServer } from './fixtures.js';

const rule = (id: string, level: 'must' | 'ref'): [string, RuleSpec] => [
  id,
  { id, level, section: 'x', source: 'promoproof', text: 'x' } as RuleSpec,
];
const RULES = new Map([
  rule('UCP-REF-01', 'ref'),
  rule('UCP-REF-02', 'ref'),
  rule('UCP-REF-03', 'ref'),
  rule('UCP-REF-04', 'ref'),
  rule('UCP-01', 'must'),
]);
const probe = { operation: PROBE.operation, params: { ...PROBE.params } };
const cases = () => yohoSystemScenarios(loadYohoProtocol(), probe, RULES);
const stepOf = (s: SystemScenario): CallStep => {
  const step = s.doc.steps[0];
  if (!step || !('call' in step)) throw new Error(`${s.doc.id}: no call step`);
  return step;
};

describe('yohoSystemScenarios: the cases', () => {
  it('are the nine gateway cases, one probe call each, tagged and levelled from the rules', () => {
    const all = cases();
    expect(all.map((c) => c.doc.id)).toEqual([
      'gen-yoho-signed',
      'gen-yoho-wrong-signature',
      'gen-yoho-wrong-private-key',
      'gen-yoho-missing-client-secret',
      'gen-yoho-altered-after-signing',
      'gen-yoho-upper-case-signature',
      'gen-yoho-missing-client-type',
      'gen-yoho-unknown-client-type',
      'gen-yoho-get',
    ]);
    for (const c of all) {
      expect(c.doc.tags).toEqual(['generated', 'protocol']);
      expect(c.doc.level, c.doc.id).toBe('ref');
      expect(c.doc.title).toMatch(/^Yoho gateway: /);
      expect(c.doc.covers?.length).toBe(1);
      expect(c.generated).toEqual({ kind: 'protocol', operation: 'app.coupons.total', target: c.doc.id.replace('gen-yoho-', '') });
      expect(c.doc.steps).toHaveLength(1);
      const step = stepOf(c);
      expect(step.call).toBe('app.coupons.total');
      expect(step.params).toEqual(probe.params);
    }
    const refused = all.filter((c) => stepOf(c).expect !== undefined).map((c) => c.doc.id.replace('gen-yoho-', ''));
    expect(refused).toEqual([
      'wrong-signature',
      'wrong-private-key',
      'missing-client-secret',
      'altered-after-signing',
      'missing-client-type',
      'unknown-client-type',
    ]);
    for (const c of all) if (stepOf(c).expect !== undefined) expect(stepOf(c).expect).toEqual({ error: 'any' });
    expect(Object.fromEntries(all.map((c) => [c.doc.id.replace('gen-yoho-', ''), c.doc.covers?.[0]]))).toMatchObject({
      signed: 'UCP-REF-01',
      'upper-case-signature': 'UCP-REF-01',
      'unknown-client-type': 'UCP-REF-02',
      'missing-client-type': 'UCP-REF-02',
      get: 'UCP-REF-04',
    });
  });

  it('are must only when every rule they cover is (none today), ref when a rule is unknown', () => {
    const allMust = new Map([...RULES].map(([id, r]) => [id, { ...r, level: 'must' as const }]));
    expect(yohoSystemScenarios(loadYohoProtocol(), probe, allMust).every((c) => c.doc.level === 'must')).toBe(true);
    expect(yohoSystemScenarios(loadYohoProtocol(), probe, new Map()).every((c) => c.doc.level === 'ref')).toBe(true);
  });

  it('alter uid one higher when the probe sends a numeric uid, else app_version', () => {
    const alter = (params: Record<string, string | number>) =>
      stepOf(
        yohoSystemScenarios(loadYohoProtocol(), { operation: 'app.x', params }, RULES).find(
          (c) => c.doc.id === 'gen-yoho-altered-after-signing',
        ) as SystemScenario,
      ).transport?.alter;
    expect(alter({ uid: 7893817 })).toEqual({ uid: '7893818' });
    expect(alter({ uid: '41' })).toEqual({ uid: '42' });
    expect(alter({ uid: '${fresh.int}' })).toEqual({ app_version: '5.0.1' });
    expect(alter({ uid: 1.5 })).toEqual({ app_version: '5.0.1' });
    expect(alter({})).toEqual({ app_version: '5.0.1' });
  });

  it('point into specs/yoho-gateway/protocol.yaml at what they probe', () => {
    const doc = parseDocument(readFileSync(`${SPECS_DIR}yoho-gateway/protocol.yaml`, 'utf8'));
    for (const c of cases()) {
      expect(
        c.declared.every((k) => k !== -1),
        c.doc.id,
      ).toBe(true);
      expect(doc.getIn(c.declared, true), `${c.doc.id}: ${c.declared.join('.')}`).toBeDefined();
    }
    expect(cases().find((c) => c.doc.id === 'gen-yoho-missing-client-type')?.declared).toEqual(['systemParams', 2]);
  });

  it('are what the adapter generates', () => {
    expect(yohoAdapter.systemScenarios(probe, RULES)).toEqual(cases());
  });
});

describe('yohoSystemScenarios against the reference gateway core', () => {
  let server: YohoTestServer;
  beforeAll(async () => {
    server = await startYohoServer();
  });
  afterAll(() => server.close());

  /** The ids of the cases whose expectation the gateway (with `fault`) does not meet. */
  async function failing(fault?: string): Promise<string[]> {
    server.deps = deps(fault);
    const out: string[] = [];
    for (const c of cases()) {
      const step = stepOf(c);
      const ex = await sendYoho({
        endpoint: { url: `${server.origin}/gateway`, credentials: { ...YOHO_TEST_CREDENTIALS } },
        operation: step.call,
        app: step.params ?? {},
        transport: step.transport ?? {},
        clockOffsetMs: 0,
        timeoutMs: 5000,
        maxBodyBytes: 1 << 20,
      });
      if (!ex.outcome.ok) throw new Error(ex.outcome.reason);
      const answer = decodeYoho(step.call, JSON.parse(ex.outcome.body), ex.outcome.body, YOHO_TEST_CREDENTIALS.salt);
      const wanted = step.expect === undefined ? 'success' : 'error';
      if (answer.kind !== wanted) out.push(c.doc.id.replace('gen-yoho-', ''));
    }
    return out;
  }

  it('every case holds against the gateway without a fault', async () => {
    expect(await failing()).toEqual([]);
  });

  it('yoho-sign-not-checked and yoho-client-type-ignored each fail cases of their rule', async () => {
    expect(await failing('yoho-sign-not-checked')).toEqual([
      'wrong-signature',
      'wrong-private-key',
      'missing-client-secret',
      'altered-after-signing',
      'missing-client-type',
      'unknown-client-type',
    ]);
    expect(await failing('yoho-client-type-ignored')).toEqual(['missing-client-type', 'unknown-client-type']);
  });

  it('the envelope faults fail the accepted cases (md5) or the refused ones (code 200)', async () => {
    for (const f of ['yoho-md5-wrong-salt', 'yoho-md5-reserialised', 'yoho-md5-missing']) {
      expect(await failing(f), f).toEqual(['signed', 'upper-case-signature', 'get']);
    }
    expect(await failing('yoho-error-code-200')).toEqual([
      'wrong-signature',
      'wrong-private-key',
      'missing-client-secret',
      'altered-after-signing',
      'missing-client-type',
      'unknown-client-type',
    ]);
    expect(Object.keys(YOHO_FAULTS)).toHaveLength(9);
  });

  it('the signature faults fail the accepting cases they name', async () => {
    expect(await failing('yoho-signature-case-sensitive')).toEqual(['upper-case-signature']);
    // Correctly signed calls are refused: every accepting case fails.
    expect(await failing('yoho-key-appended')).toEqual(['signed', 'upper-case-signature', 'get']);
    expect(await failing('yoho-get-refused')).toEqual(['get']);
  });
});
