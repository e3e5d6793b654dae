import type { JosProtocolSpec, RuleSpec } from '../../spec/types.js';
import type { Transport } from '../../scenario/types.js';
import type { SystemProbe, SystemScenario } from '../types.js';

interface SysCase {
  readonly id: string;
  readonly title: string;
  readonly transport: Transport;
  readonly error?: string | readonly string[];
  readonly rules: readonly string[];
  /** Where the protocol spec declares what the case probes (a YAML path into protocol.yaml). */
  readonly declared: readonly (string | number)[];
}

/**
 * Negative (and edge-positive) signing and system-parameter cases from the protocol spec: each
 * required system parameter missing, unknown method, bad token and app key, wrong and stale
 * signatures, malformed timestamps, the skew window at −6:01, −5:59, +5:59, +6:01, both timestamp forms.
 */
export function systemScenarios(protocol: JosProtocolSpec, probe: SystemProbe, rules: ReadonlyMap<string, RuleSpec>): SystemScenario[] {
  const cases: SysCase[] = [];
  const param = (name: string) => ['systemParams', protocol.systemParams.findIndex((x) => x.name === name)];
  const form = (pattern: string) => ['timestampForms', (protocol.timestampForms ?? []).findIndex((f) => f.pattern === pattern)];
  for (const p of protocol.systemParams.filter((x) => x.required)) {
    // "Refused with a system error" (JOS-01): any error answer is conformant.
    cases.push({
      id: `missing-${p.name.replace(/_/g, '-')}`,
      title: `without ${p.name} → refused`,
      transport: { omit: [p.name], ...(p.name === 'sign' ? { signature: 'omit' } : {}) },
      error: 'any',
      rules: p.rules,
      declared: param(p.name),
    });
  }
  const skew = protocol.skewS;
  const mmss = (s: number) => `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  cases.push(
    {
      id: 'unknown-method',
      title: 'an unknown method → 15',
      transport: { set: { method: probe.operation.replace(/[^.]*$/, 'nope') } },
      error: '15',
      rules: ['JOS-07'],
      declared: param('method'),
    },
    {
      id: 'bad-app-key',
      title: 'an unknown app_key → 21',
      transport: { set: { app_key: 'promoproof-unknown-app' } },
      error: '21',
      rules: ['JOS-01'],
      declared: param('app_key'),
    },
    {
      id: 'bad-access-token',
      title: 'an unknown access_token → 19',
      transport: { set: { access_token: 'promoproof-unknown-token' } },
      error: '19',
      rules: ['JOS-08'],
      declared: param('access_token'),
    },
    {
      id: 'version-3',
      title: 'v = 3.0 → refused',
      transport: { set: { v: '3.0' } },
      error: 'any',
      rules: ['JOS-05'],
      declared: ['versions'],
    },
    {
      id: 'format-xml',
      title: 'format = xml → refused',
      transport: { set: { format: 'xml' } },
      error: 'any',
      rules: ['JOS-04'],
      declared: ['formats'],
    },
    {
      id: 'wrong-sign',
      title: 'a wrong sign → 12',
      transport: { signature: 'wrong' },
      error: '12',
      rules: ['JOS-06'],
      declared: param('sign'),
    },
    {
      id: 'wrong-secret',
      title: 'signed with another secret → 12',
      transport: { secret: 'wrong' },
      error: '12',
      rules: ['JOS-06'],
      declared: param('sign'),
    },
    {
      id: 'stale-sign',
      title: 'parameters added after signing → 12',
      transport: { signature: 'stale' },
      error: '12',
      rules: ['JOS-06'],
      declared: param('sign'),
    },
    // The current instant in other forms, so that only the form, not the time, can be refused.
    {
      id: 'timestamp-iso-t',
      title: 'timestamp now as yyyy-MM-ddTHH:mm:ss → refused',
      transport: { timestampForm: 'iso' },
      error: 'any',
      rules: ['JOS-02'],
      declared: ['timestampForms'],
    },
    {
      id: 'timestamp-epoch',
      title: 'timestamp now in epoch seconds → refused',
      transport: { timestampForm: 'epoch' },
      error: 'any',
      rules: ['JOS-02'],
      declared: ['timestampForms'],
    },
    {
      id: 'timestamp-slashes',
      title: 'timestamp now as yyyy/MM/dd HH:mm:ss → refused',
      transport: { timestampForm: 'slashes' },
      error: 'any',
      rules: ['JOS-02'],
      declared: ['timestampForms'],
    },
    {
      id: 'timestamp-offset-form',
      title: 'timestamp yyyy-MM-dd HH:mm:ss.SSS+0800 → accepted',
      transport: { timestampForm: 'offset' },
      rules: ['JOS-02'],
      declared: form('yyyy-MM-dd HH:mm:ss.SSS±hhmm'),
    },
    {
      id: 'timestamp-plain-form',
      title: 'timestamp yyyy-MM-dd HH:mm:ss → accepted',
      transport: { timestampForm: 'plain' },
      rules: ['JOS-02', 'JOS-09'],
      declared: form('yyyy-MM-dd HH:mm:ss'),
    },
  );
  for (const [sign, word] of [
    [-1, 'past'],
    [1, 'future'],
  ] as const) {
    cases.push({
      id: `skew-${word}-inside`,
      title: `timestamp ${mmss(skew - 1)} in the ${word} → accepted`,
      transport: { clockOffsetS: sign * (skew - 1) },
      rules: ['JOS-03'],
      declared: ['skewS'],
    });
    cases.push({
      id: `skew-${word}-outside`,
      title: `timestamp ${mmss(skew + 1)} in the ${word} → refused`,
      transport: { clockOffsetS: sign * (skew + 1) },
      error: '8',
      rules: ['JOS-03'],
      declared: ['skewS'],
    });
  }
  return cases.map((c) => ({
    doc: {
      id: `gen-jos-${c.id}`,
      title: `JOS: ${c.title}`,
      covers: c.rules,
      level: c.rules.every((r) => rules.get(r)?.level === 'must') ? 'must' : 'ref',
      tags: ['generated', 'protocol'],
      steps: [
        {
          call: probe.operation,
          params: { ...probe.params },
          transport: c.transport,
          ...(c.error !== undefined ? { expect: { error: c.error } } : {}),
        },
      ],
    },
    generated: { kind: 'protocol', operation: probe.operation, target: c.id.replace(/-(inside|outside)$/, '') },
    declared: c.declared,
  }));
}
