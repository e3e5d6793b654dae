/**
 * The operations of a load profile's mix that a target cannot be sent, found before anything is sent:
 * an API the target does not serve (a target config without `apis.<api>`), an operation its binding
 * does not map, or one a load run cannot send through it (ProtocolAdapter.unexpressed: a
 * parameter the binding neither reads nor ignores, a call sent as several requests, a create call whose
 * id the run would have to learn — creates belong in the setup, which learns them). A profile is a designed mix — its
 * shares, its SLOs over "errors" and its audit are the whole mix's — so a run that quietly left some of
 * it out would report figures under the profile's name that are not the profile's. The run is refused
 * instead, each operation named with why, and the user decides: map it in the binding, or run a copy of
 * the profile without it.
 */
import { APIS } from '../apis/index.js';
import { endpointOf, type Target } from '../engine/target.js';
import { adapterFor } from '../protocols/index.js';
import type { LoadProfileDoc } from './types.js';

/** One mix operation the target cannot be sent, and why. */
export interface UnsendableOperation {
  /** The mix entry's name (`coupon-list`). */
  readonly name: string;
  readonly api: string;
  readonly call: string;
  readonly reason: string;
}

/** The mix operations of `profile` that `target` cannot be sent (none: every one can), in the mix's order. */
export function unsendableOperations(profile: LoadProfileDoc, target: Target): UnsendableOperation[] {
  const out: UnsendableOperation[] = [];
  for (const doc of profile.mix) {
    const api = doc.api ?? profile.apis[0] ?? '';
    const def = APIS.get(api);
    // An unknown API is the profile's own problem, reported when it loads (PP_UNKNOWN_API).
    if (def === undefined) continue;
    const endpoint = endpointOf(target, api);
    const adapter = endpoint === undefined ? undefined : adapterFor(def.protocol, endpoint);
    const reason =
      endpoint === undefined
        ? `the target does not serve the API ${api} (its target config has no apis.${api})`
        : (adapter?.unserved?.(doc.call) ?? adapter?.unexpressed?.(doc.call, doc.params ?? {}));
    if (reason !== undefined) out.push({ name: doc.name, api, call: doc.call, reason });
  }
  return out;
}

/** The refusal of a run whose mix has unsendable operations: one line each, then what to do. */
export function unsendableMessage(profile: string, found: readonly UnsendableOperation[]): string {
  const lines = found.map((u) => `  - ${u.name} (${u.call}, ${u.api}): ${u.reason}`);
  return [
    `profile ${profile}: the target cannot be sent ${found.length === 1 ? 'one operation' : `${found.length} operations`} of its mix, so nothing was sent:`,
    ...lines,
    "A profile's shares, SLOs and audit are the whole mix's: map each operation in the target's binding, or run a copy of the profile without it.",
  ].join('\n');
}
