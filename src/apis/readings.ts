/**
 * Every API's readings in one view, in registry order (what `serve --list-readings` lists and
 * `--reading all` switches on): each API module declares its own (src/apis/<id>/readings.ts).
 */
import { APIS } from './index.js';
import type { ReadingDef } from './types.js';

/** A reading's id: unique across the registry (test/apis/registry.test.ts). */
export type ReadingId = string;

/** A reading with the API whose behaviour it changes (its suite proves it). */
export interface ApiReading extends ReadingDef {
  readonly api: string;
}

export const READINGS: Readonly<Record<ReadingId, ApiReading>> = Object.freeze(
  Object.fromEntries([...APIS.values()].flatMap((api) => Object.entries(api.readings).map(([id, r]) => [id, { ...r, api: api.id }]))),
);

export const ALL_READINGS: readonly ReadingId[] = Object.freeze(Object.keys(READINGS));

export function isReadingId(s: string): boolean {
  return Object.hasOwn(READINGS, s);
}
