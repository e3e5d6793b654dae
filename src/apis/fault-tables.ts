/** Helpers that turn an API's tables of named faults into what its module exports (src/apis/types.ts ApiFaults). */
import type { NamedFault } from './types.js';

/** A row of a table of named faults: the rule it breaks, and any further rules it breaks too. */
export interface FaultRow {
  readonly rule: string;
  readonly description: string;
  readonly alsoBreaks?: readonly string[];
}

/** The named faults of tables, in their order. */
export function listFaults(tables: readonly Readonly<Record<string, Pick<FaultRow, 'rule' | 'description'>>>[]): readonly NamedFault[] {
  return tables.flatMap((t) => Object.entries(t).map(([id, f]) => ({ id, rule: f.rule, description: f.description })));
}

/** The rules a named fault of the tables breaks (its rule, then its `alsoBreaks`); none for an id they lack. */
export function faultRulesIn(tables: readonly Readonly<Record<string, FaultRow>>[]): (id: string) => readonly string[] {
  return (id) => {
    for (const t of tables) {
      const f = Object.hasOwn(t, id) ? t[id] : undefined;
      if (f) return [f.rule, ...(f.alsoBreaks ?? [])];
    }
    return [];
  };
}
