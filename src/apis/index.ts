/**
 * The API registry: one entry per documented API, each with its wire protocol, its compiled spec,
 * the rule ids it reports coverage of, and the harmless call its protocol's system cases make. A
 * suite is the API's folder under scenarios/. Adding an API is one folder (src/apis/<id>/ for the
 * reference, specs/<id>/spec.yaml, scenarios/<id>/) plus one entry here. Data only: the reference
 * services are mounted by src/reference/server.ts.
 */
import { promotionApiCompiled, type CompiledApi } from '../spec/compile.js';
import type { SystemProbe } from '../protocols/types.js';

export interface ApiDef {
  /** The API's id: its spec folder, its scenarios folder (the suite's name) and its key in a target. */
  readonly id: string;
  readonly title: string;
  /** The protocol its operations are called through (src/protocols/index.ts). */
  readonly protocol: string;
  readonly compiled: () => CompiledApi;
  /** The rule-id prefixes whose coverage its suite reports. */
  readonly rulePrefixes: readonly string[];
  /** The call the protocol's system cases make: read-only, documented, valid. */
  readonly systemProbe: SystemProbe;
}

export const APIS: ReadonlyMap<string, ApiDef> = new Map<string, ApiDef>([
  [
    'jd-promotion',
    {
      id: 'jd-promotion',
      title: 'JD seller promotion service',
      protocol: 'jos',
      compiled: promotionApiCompiled,
      rulePrefixes: ['JOS-', 'JDP-'],
      systemProbe: { operation: 'jingdong.seller.promotion.list', params: {} },
    },
  ],
]);
