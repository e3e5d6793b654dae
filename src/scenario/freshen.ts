import type { Json } from './types.js';

/** A path into a JSON body; `[]` stands for every item of an array. */
export type FreshPath = readonly string[];

/** The template every fresh value is: unique per check and run (src/engine/execute-check.ts, fresh.name). */
export const FRESH_ID = 'pp-${fresh.name}';

/**
 * `body` with the value at each of `paths` replaced by a fresh id, so that runs on a shared target never
 * touch each other's records (or a real one with the document's example id). A path equal to `except`
 * (the field a case probes, written with `[]` for indices) is left as it is. Pure.
 */
export function freshen(body: Json, paths: readonly FreshPath[], except?: readonly (string | number)[]): Json {
  const probed = except?.map((k) => (typeof k === 'number' ? '[]' : k)).join('.');
  let out = body;
  for (const path of paths) if (path.join('.') !== probed) out = replaceAt(out, path);
  return out;
}

function replaceAt(value: Json, path: FreshPath): Json {
  if (path.length === 0) return value === undefined ? value : FRESH_ID;
  const [head, ...rest] = path;
  if (head === '[]') return Array.isArray(value) ? value.map((v) => replaceAt(v, rest)) : value;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || head === undefined || !(head in value)) return value;
  return { ...value, [head]: replaceAt(value[head] as Json, rest) };
}
