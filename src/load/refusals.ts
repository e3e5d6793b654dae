/**
 * Refusals as a load run's gates read them: a code the profile expects (its `refusals`, sold-out codes)
 * is business as usual; another is an error of the run; a code a binding does not map
 * (`service:<CODE>`, or `http:<status>` for one told by its status alone; src/protocols/http-json/) is neither: counted apart and named in a notice, since
 * the user's binding, not the target, is what is incomplete.
 */
import type { OperationResult } from './types.js';

/** Refusals of `op` that count as errors: not expected, and not a code a binding does not map (those are counted apart). */
export function unexpectedRefusalsOf(op: OperationResult): number {
  let n = 0;
  for (const r of Object.values(op.refusalCodes)) if (!r.expected && r.unmapped !== true) n += r.count;
  return n;
}

/**
 * The refusal codes a binding does not map (`service:<CODE>`, `http:<status>`), per operation, that the profile did not
 * name as expected: `[operation, code, count]`, most first. A refusal the service meant as sold out or
 * over a limit cannot be told from one that is wrong until the binding maps it (answer.codes).
 */
export function unmappedRefusals(operations: Readonly<Record<string, OperationResult>>): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const [name, op] of Object.entries(operations))
    for (const [code, r] of Object.entries(op.refusalCodes)) if (r.unmapped === true && !r.expected) out.push([name, code, r.count]);
  return out.sort((a, b) => b[2] - a[2]);
}

/**
 * The notice a run's reports give when a binding left refusal codes unmapped (undefined when none):
 * which codes, on which operations, how they were counted, and what to do.
 */
export function unmappedNotice(operations: Readonly<Record<string, OperationResult>>): string | undefined {
  const found = unmappedRefusals(operations);
  if (found.length === 0) return undefined;
  const total = found.reduce((s, [, , n]) => s + n, 0);
  const list = found.map(([op, code, n]) => `${op}: ${code} ×${n.toLocaleString('en-US')}`).join(', ');
  return (
    `${total.toLocaleString('en-US')} ${total === 1 ? 'refusal' : 'refusals'} with a code the binding does not map (${list}): ` +
    'counted apart, neither an expected refusal nor an error of any SLO, never a success; ' +
    "map each code in the binding's answer.codes to the spec's error name so the run can judge it"
  );
}
