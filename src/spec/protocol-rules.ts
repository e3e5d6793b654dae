/**
 * The rules a protocol's own spec names (specs/<protocol>/protocol.yaml: its envelope, signature,
 * system parameters, its gateway's refusals). A check covering one of them judges that wire format, so
 * it can be judged only where that protocol is spoken, never through a binding of another shape.
 */
import { loadSpecFile } from './load.js';

const cache = new Map<string, ReadonlySet<string>>();

/** Every rule id listed under a `rules:` key anywhere in the protocol spec `specFile` (relative to specs/), once per process. */
export function protocolRuleIds(specFile: string): ReadonlySet<string> {
  let found = cache.get(specFile);
  if (found === undefined) {
    const ids = new Set<string>();
    collect(loadSpecFile<unknown>(specFile, 'protocol'), ids);
    found = ids;
    cache.set(specFile, found);
  }
  return found;
}

function collect(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) for (const x of node) collect(x, into);
  else if (node !== null && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === 'rules' && Array.isArray(v)) for (const id of v) if (typeof id === 'string') into.add(id);
      collect(v, into);
    }
}
