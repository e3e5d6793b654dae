import type { Json, Step, Transport } from '../../scenario/types.js';
import type { RuleSpec } from '../../spec/types.js';
import type { SystemProbe, SystemScenario } from '../types.js';
import type { TencentProtocolSpec } from './spec.js';

interface SysCase {
  readonly id: string;
  readonly title: string;
  /** One call, or several sharing `vars` (a nonce used twice). */
  readonly steps: readonly { readonly transport: Transport; readonly refused: boolean }[];
  readonly vars?: Readonly<Record<string, Json>>;
  readonly rules: readonly string[];
  /** Where protocol.yaml declares what the case probes. */
  readonly declared: readonly (string | number)[];
}

/**
 * The data-api's own cases from its spec: each query parameter left out, a wrong signature, the right
 * one with its last digit changed or cut short, another secret, a parameter altered after signing,
 * another `sign` algorithm, an unknown `app_id`, the body not signed (must, TCC-01); the right signature
 * in upper case, the window at ±(skewS − 1) and ±(skewS + 1), a millisecond timestamp, a nonce used
 * twice and one over its length (ours, TCC-REF-*). A refusal is any non-zero retcode: the
 * document lists none (TCC-13), so no case demands a particular one.
 */
export function tencentSystemScenarios(
  protocol: TencentProtocolSpec,
  probe: SystemProbe,
  rules: ReadonlyMap<string, RuleSpec>,
): SystemScenario[] {
  const param = (name: string) => ['queryParams', protocol.queryParams.findIndex((p) => p.name === name)];
  const one = (transport: Transport, refused: boolean) => [{ transport, refused }];
  const cases: SysCase[] = [];
  for (const p of protocol.queryParams.filter((x) => x.required)) {
    cases.push({
      id: `missing-${p.name.replace(/_/g, '-')}`,
      title: `without ${p.name} → refused`,
      steps: one({ omit: [p.name] }, true),
      rules: p.rules,
      declared: param(p.name),
    });
  }
  cases.push(
    {
      id: 'wrong-signature',
      title: 'a signature of other bytes → refused',
      steps: one({ signature: 'wrong' }, true),
      rules: ['TCC-01'],
      declared: param('signature'),
    },
    // Near misses, for a server that compares by prefix or only the first characters (TCC-01: what
    // is sent is not the 签名结果). The changed last digit is a digit (0, or 1 for a 0), so it differs
    // in more than case: a server comparing case-insensitively still refuses it, as it must.
    {
      id: 'signature-last-digit-changed',
      title: 'the right signature with its last hex digit changed → refused',
      steps: one({ signature: 'last-digit-changed' }, true),
      rules: ['TCC-01'],
      declared: param('signature'),
    },
    {
      id: 'signature-truncated',
      title: 'the right signature without its last hex digit (63 of 64) → refused',
      steps: one({ signature: 'truncated' }, true),
      rules: ['TCC-01'],
      declared: param('signature'),
    },
    // The seed fixes no case: its only signature (签名结果) is lower-case hex, and nothing says an
    // upper-case one is another. A platform that accepts A–F for a–f is as conformant, so refusing the
    // right signature in upper case is our choice (TCC-REF-15), checked at ref level only.
    {
      id: 'signature-upper-case',
      title: 'the right signature in upper-case hex → refused (compared exactly, ours)',
      steps: one({ signature: 'upper-case' }, true),
      rules: ['TCC-REF-15'],
      declared: param('signature'),
    },
    {
      id: 'wrong-secret',
      title: 'signed with another secret → refused',
      steps: one({ secret: 'wrong' }, true),
      rules: ['TCC-01'],
      declared: param('signature'),
    },
    {
      id: 'altered-after-signing',
      title: 'nonce changed after signing → refused',
      steps: one({ alter: { nonce: 'pp${fresh.name}altered' } }, true),
      rules: ['TCC-01'],
      declared: param('signature'),
    },
    {
      id: 'sign-md5',
      title: 'sign = md5 (signed so) → refused',
      steps: one({ set: { sign: 'md5' } }, true),
      rules: ['TCC-01'],
      declared: ['signAlgorithms'],
    },
    {
      id: 'unknown-app-id',
      title: 'an app_id not allocated (signed with our secret) → refused',
      steps: one({ set: { app_id: 'promoproof-unknown-app' } }, true),
      rules: ['TCC-01'],
      declared: param('app_id'),
    },
    {
      id: 'body-not-signed',
      title: 'the signature covers the query only: a body it was not computed over → accepted',
      steps: one({ signature: 'stale' }, false),
      rules: ['TCC-01'],
      declared: param('signature'),
    },
    {
      id: 'timestamp-millis',
      title: 'timestamp now in milliseconds → refused',
      steps: one({ timestampForm: 'millis' }, true),
      rules: ['TCC-REF-10'],
      declared: param('timestamp'),
    },
    {
      id: 'nonce-replayed',
      title: 'the same nonce twice within the window → the second refused',
      vars: { nonce: 'pp${fresh.name}${fresh.int}' },
      steps: [
        { transport: { set: { nonce: '${nonce}' } }, refused: false },
        { transport: { set: { nonce: '${nonce}' } }, refused: true },
      ],
      rules: ['TCC-REF-02'],
      declared: param('nonce'),
    },
    {
      id: 'nonce-at-length',
      title: `a nonce of ${protocol.nonceMaxLength} characters → accepted`,
      vars: { nonce: { $text: { bytes: protocol.nonceMaxLength, unique: true } } },
      steps: one({ set: { nonce: '${nonce}' } }, false),
      rules: ['TCC-REF-03'],
      declared: ['nonceMaxLength'],
    },
    {
      id: 'nonce-over-length',
      title: `a nonce of ${protocol.nonceMaxLength + 1} characters → refused`,
      vars: { nonce: { $text: { bytes: protocol.nonceMaxLength + 1, unique: true } } },
      steps: one({ set: { nonce: '${nonce}' } }, true),
      rules: ['TCC-REF-03'],
      declared: ['nonceMaxLength'],
    },
  );
  const skew = protocol.skewS;
  for (const [sign, word] of [
    [-1, 'past'],
    [1, 'future'],
  ] as const) {
    cases.push({
      id: `skew-${word}-inside`,
      title: `timestamp ${skew - 1} s in the ${word} → accepted`,
      steps: one({ clockOffsetS: sign * (skew - 1) }, false),
      rules: ['TCC-REF-01'],
      declared: ['skewS'],
    });
    cases.push({
      id: `skew-${word}-outside`,
      title: `timestamp ${skew + 1} s in the ${word} → refused`,
      steps: one({ clockOffsetS: sign * (skew + 1) }, true),
      rules: ['TCC-REF-01'],
      declared: ['skewS'],
    });
  }
  return cases.map((c) => ({
    doc: {
      id: `gen-tencent-${c.id}`,
      title: `Tencent data-api: ${c.title}`,
      covers: c.rules,
      level: c.rules.every((r) => rules.get(r)?.level === 'must') ? 'must' : 'ref',
      tags: ['generated', 'protocol'],
      ...(c.vars ? { vars: c.vars } : {}),
      steps: c.steps.map(
        (s): Step => ({
          call: probe.operation,
          params: { ...probe.params },
          transport: s.transport,
          ...(s.refused ? { expect: { error: 'any' } } : {}),
        }),
      ),
    },
    generated: { kind: 'protocol', operation: probe.operation, target: c.id.replace(/-(inside|outside)$/, '') },
    declared: c.declared,
  }));
}
