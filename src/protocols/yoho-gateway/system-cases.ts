import type { Json, Step, Transport } from '../../scenario/types.js';
import type { RuleSpec } from '../../spec/types.js';
import type { SystemProbe, SystemScenario } from '../types.js';
import type { YohoTransport } from './send.js';
import type { YohoProtocolSpec } from './spec.js';

interface SysCase {
  readonly id: string;
  readonly title: string;
  readonly transport: YohoTransport;
  readonly refused: boolean;
  readonly rules: readonly string[];
  /** Where protocol.yaml declares what the case probes. */
  readonly declared: readonly (string | number)[];
}

/**
 * The gateway's own cases from its spec, each one call of the API's probe: signed correctly, and with
 * the signature in upper case (compared case-insensitively) → accepted; a wrong signature, another
 * private key, client_secret left out, a parameter altered after signing → refused (UCP-REF-01);
 * client_type left out, or one without a key → refused (UCP-REF-02; the call is signed with our key,
 * so a gateway that picks no key by client_type accepts it); the call as GET → accepted (UCP-REF-04).
 * A refusal is any error: the codes of the gateway's exceptions are its source's, not the seed's.
 * All rules are ours (ref): the seed documents the answers, not the gateway.
 */
export function yohoSystemScenarios(
  protocol: YohoProtocolSpec,
  probe: SystemProbe,
  rules: ReadonlyMap<string, RuleSpec>,
): SystemScenario[] {
  const param = (name: string) => ['systemParams', protocol.systemParams.findIndex((p) => p.name === name)];
  const altered = alteration(probe);
  const cases: SysCase[] = [
    {
      id: 'signed',
      title: 'signed correctly → accepted',
      transport: {},
      refused: false,
      rules: ['UCP-REF-01'],
      declared: param('client_secret'),
    },
    {
      id: 'wrong-signature',
      title: 'a client_secret of other bytes → refused',
      transport: { signature: 'wrong' },
      refused: true,
      rules: ['UCP-REF-01'],
      declared: ['signature'],
    },
    {
      id: 'wrong-private-key',
      title: 'signed with another private key → refused',
      transport: { secret: 'wrong' },
      refused: true,
      rules: ['UCP-REF-01'],
      declared: ['signature', 'keyParam'],
    },
    {
      id: 'missing-client-secret',
      title: 'without client_secret → refused',
      transport: { omit: ['client_secret'] },
      refused: true,
      rules: ['UCP-REF-01'],
      declared: param('client_secret'),
    },
    {
      id: 'altered-after-signing',
      title: `${altered.name} changed after signing → refused`,
      transport: { alter: { [altered.name]: altered.value } },
      refused: true,
      rules: ['UCP-REF-01'],
      declared: ['signature'],
    },
    {
      id: 'upper-case-signature',
      title: 'client_secret in upper case → accepted (compared case-insensitively)',
      transport: { signature: 'upper-case' },
      refused: false,
      rules: ['UCP-REF-01'],
      declared: ['signature', 'caseInsensitive'],
    },
    {
      id: 'missing-client-type',
      title: 'without client_type (signed with our key) → refused',
      transport: { omit: ['client_type'] },
      refused: true,
      rules: ['UCP-REF-02'],
      declared: param('client_type'),
    },
    {
      id: 'unknown-client-type',
      title: 'a client_type without a key (signed with our key) → refused',
      transport: { set: { client_type: 'promoproof-unknown' } },
      refused: true,
      rules: ['UCP-REF-02'],
      declared: ['clientTypes'],
    },
    {
      id: 'get',
      title: 'the parameters in the query of a GET → accepted',
      transport: { httpMethod: 'GET' },
      refused: false,
      rules: ['UCP-REF-04'],
      declared: ['httpMethods'],
    },
  ];
  return cases.map((c) => ({
    doc: {
      id: `gen-yoho-${c.id}`,
      title: `Yoho gateway: ${c.title}`,
      covers: [...c.rules],
      level: c.rules.every((r) => rules.get(r)?.level === 'must') ? 'must' : 'ref',
      tags: ['generated', 'protocol'],
      steps: [
        {
          call: probe.operation,
          params: { ...probe.params },
          // `upper-case` is a Yoho value of `signature` the shared Transport type does not list yet (see send.ts).
          transport: c.transport as Transport,
          ...(c.refused ? { expect: { error: 'any' } } : {}),
        } satisfies Step,
      ],
    },
    generated: { kind: 'protocol', operation: probe.operation, target: c.id },
    declared: c.declared,
  }));
}

/**
 * The parameter the altered-after-signing case changes, and to what: `uid` one higher when the probe
 * sends a numeric one (a call the service would still answer, so only the signature can refuse it),
 * else `app_version` (signed, and no service reads it).
 */
function alteration(probe: SystemProbe): { readonly name: string; readonly value: string } {
  const uid: Json | undefined = probe.params['uid'];
  const n = typeof uid === 'number' ? uid : typeof uid === 'string' && /^[0-9]{1,15}$/.test(uid) ? Number(uid) : undefined;
  if (n !== undefined && Number.isSafeInteger(n)) return { name: 'uid', value: String(n + 1) };
  return { name: 'app_version', value: '5.0.1' };
}
