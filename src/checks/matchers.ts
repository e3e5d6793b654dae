import type { Json, Matcher } from '../scenario/types.js';

/** The result every check gives: what was expected, what was given, whether it holds. */
export interface CheckOutcome {
  readonly passed: boolean;
  readonly expected: string;
  readonly given: string;
}

type Op = (actual: Json | undefined, expected: Json) => boolean;

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** A number from a JSON number or a numeric string (numbers may come back as strings, JOS-10). */
export function asNumber(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMERIC.test(v.trim())) return Number(v);
  return undefined;
}

/** Equality that treats "5" and 5 alike (JOS-10) and compares arrays and objects deeply. */
export function looseEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined && (typeof a === 'number' || typeof b === 'number')) return na === nb;
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => looseEqual(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => looseEqual(a[k], b[k]));
  }
  return false;
}

const compare =
  (pred: (x: number, y: number) => boolean): Op =>
  (a, e) => {
    const x = asNumber(a);
    const y = asNumber(e);
    return x !== undefined && y !== undefined && pred(x, y);
  };

/** Matcher operators by name: adding one is one entry here (and one in the scenario schema). */
export const MATCHERS: Readonly<Record<string, Op>> = {
  eq: (a, e) => looseEqual(a, e),
  ne: (a, e) => !looseEqual(a, e),
  gt: compare((x, y) => x > y),
  gte: compare((x, y) => x >= y),
  lt: compare((x, y) => x < y),
  lte: compare((x, y) => x <= y),
  in: (a, e) => Array.isArray(e) && e.some((x) => looseEqual(a, x)),
  match: (a, e) => typeof e === 'string' && a !== undefined && a !== null && typeof a !== 'object' && new RegExp(e).test(String(a)),
  exists: (a, e) => (a !== undefined) === (e === true),
  length: (a, e) => (Array.isArray(a) || typeof a === 'string') && looseEqual(a.length, e),
  excludes: (a, e) =>
    Array.isArray(a) &&
    !a.some(
      (x) =>
        looseEqual(x, e) || (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.values(x).some((v) => looseEqual(v, e))),
    ),
};

/** Values at a path: `a.b`, `a[0]`, `a[*].b` (every item), `a.length`. `found` is false when any branch is missing. */
export function resolvePath(root: Json | undefined, path: string): { readonly values: (Json | undefined)[]; readonly wildcard: boolean } {
  const segments = path.match(/[^.[\]]+|\[(\d+|\*)\]/g) ?? [];
  let current: (Json | undefined)[] = [root];
  let wildcard = false;
  for (const raw of segments) {
    const seg = raw.startsWith('[') ? raw.slice(1, -1) : raw;
    const next: (Json | undefined)[] = [];
    for (const v of current) {
      if (seg === '*') {
        wildcard = true;
        if (Array.isArray(v)) next.push(...v);
      } else if (Array.isArray(v)) {
        next.push(seg === 'length' ? v.length : /^\d+$/.test(seg) ? v[Number(seg)] : undefined);
      } else if (v !== null && typeof v === 'object') {
        next.push(v[seg]);
      } else next.push(undefined);
    }
    current = next;
  }
  return { values: current, wildcard };
}

function show(v: Json | undefined): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

/** A matcher's operators with their operands: a literal means `eq`. */
export function matcherOps(matcher: Matcher): [string, Json][] {
  return matcher !== null && typeof matcher === 'object' ? (Object.entries(matcher) as [string, Json][]) : [['eq', matcher]];
}

/** `40` for a literal, `gte 38, lte 40` for comparisons. */
export function describeMatcher(matcher: Matcher): string {
  if (matcher === null || typeof matcher !== 'object') return show(matcher);
  return matcherOps(matcher)
    .map(([op, e]) => `${op} ${show(e)}`)
    .join(', ');
}

/** Whether one value (a count, …) meets a matcher; an unknown operator is named. */
export function matchesValue(actual: Json | undefined, matcher: Matcher): { readonly passed: boolean; readonly unknown?: string } {
  for (const [op, e] of matcherOps(matcher)) {
    const fn = MATCHERS[op];
    if (!fn) return { passed: false, unknown: op };
    if (!fn(actual, e)) return { passed: false };
  }
  return { passed: true };
}

/** Evaluates one field matcher against an answer body. A literal means `eq`. */
export function checkField(body: Json | undefined, path: string, matcher: Matcher): CheckOutcome {
  const ops = matcherOps(matcher);
  const { values, wildcard } = resolvePath(body, path);
  const expected = ops.map(([op, e]) => `${op} ${show(e)}`).join(', ');
  for (const [op, e] of ops) {
    const fn = MATCHERS[op];
    if (!fn) return { passed: false, expected: `${path} ${expected}`, given: `unknown matcher '${op}'` };
    const badAt = values.findIndex((v) => !fn(v, e));
    if (badAt >= 0) {
      const given = wildcard ? `${show(values[badAt])} at item ${badAt} of ${values.length}` : show(values[0]);
      return { passed: false, expected: `${path} ${expected}`, given: `${path} = ${given}` };
    }
  }
  return { passed: true, expected: `${path} ${expected}`, given: wildcard ? `${values.length} item(s)` : show(values[0]) };
}
