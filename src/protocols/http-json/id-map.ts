/**
 * The ids a bound service assigns (its `activityId` for a batch the suite names by the external id it
 * uploaded), kept for a target's run: requests carry the service's id, answers are read back in the
 * suite's. One map per target config load, shared by every API of the target (the batch upload and the
 * claims are two APIs), so checks, storms and the audit see one set of names.
 */
export class IdMap {
  private readonly toServiceIds = new Map<string, Map<string, string>>();
  private readonly toSuiteIds = new Map<string, Map<string, string>>();

  /** Records that the service named the suite's `suiteId` of `kind` (`batch`) as `serviceId`. */
  learn(kind: string, suiteId: string, serviceId: string): void {
    kindMap(this.toServiceIds, kind).set(suiteId, serviceId);
    kindMap(this.toSuiteIds, kind).set(serviceId, suiteId);
  }

  /** The service's id of the suite's `suiteId`; the suite's own when none was learnt (an id the service never created: it says so). */
  toService(kind: string, suiteId: string): string {
    return this.toServiceIds.get(kind)?.get(suiteId) ?? suiteId;
  }

  /** The suite's id of the service's `serviceId`; the service's own when none was learnt (a record the run did not create). */
  toSuite(kind: string, serviceId: string): string {
    return this.toSuiteIds.get(kind)?.get(serviceId) ?? serviceId;
  }

  /** How many ids of `kind` are known. */
  size(kind: string): number {
    return this.toServiceIds.get(kind)?.size ?? 0;
  }

  /** Every id learnt, as plain data (a worker thread's copy of the map is made from it: src/protocols/http-json/threads.ts). */
  entries(): IdEntry[] {
    const out: IdEntry[] = [];
    for (const [kind, m] of this.toServiceIds) for (const [suiteId, serviceId] of m) out.push([kind, suiteId, serviceId]);
    return out;
  }

  /** Learns every entry (another map's `entries()`); an id learnt twice keeps the later service id. */
  learnAll(entries: readonly IdEntry[]): void {
    for (const [kind, suiteId, serviceId] of entries) this.learn(kind, suiteId, serviceId);
  }
}

/** One learnt id: its kind (`batch`), the suite's id and the service's. */
export type IdEntry = readonly [kind: string, suiteId: string, serviceId: string];

function kindMap(maps: Map<string, Map<string, string>>, kind: string): Map<string, string> {
  let m = maps.get(kind);
  if (m === undefined) {
    m = new Map();
    maps.set(kind, m);
  }
  return m;
}
