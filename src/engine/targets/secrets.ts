import { APIS } from '../../apis/index.js';
import { adapterFor, protocolAdapter } from '../../protocols/index.js';
import type { Target } from '../target.js';

/**
 * Every value no report or log may hold, over all endpoints of `target` (each protocol says which of
 * its credentials are secret); undefined is the embedded reference, with every protocol's test credentials.
 */
export function targetSecrets(target: Target | undefined): string[] {
  const out = new Set<string>();
  const endpoints = target
    ? Object.entries(target.endpoints).map(([api, e]) => [api, e.credentials] as const)
    : [...APIS.values()].map((a) => [a.id, protocolAdapter(a.protocol).testCredentials] as const);
  for (const [api, credentials] of endpoints) {
    const def = APIS.get(api);
    if (!def) continue;
    // A bound endpoint's adapter (every credential secret) where it has one.
    for (const v of adapterFor(def.protocol, target?.endpoints[api]).secretValues(credentials)) if (v !== '') out.add(v);
  }
  return [...out];
}
