import { stepOf, tidy } from '../spec/steps.js';
import type { JsonSchema } from '../spec/types.js';
import type { Json } from '../scenario/types.js';

/** One derived value: on the accepted side of a limit (`valid`) or one step beyond it. */
export interface ValueCase {
  readonly label: string;
  /** A literal, or a scenario constructor ({$text: …}) the runner expands. */
  readonly value: Json;
  readonly valid: boolean;
  /** The JSON Schema keyword the case probes (selects the spec's per-keyword error code). */
  readonly keyword: string;
}

const num = (s: JsonSchema, k: string): number | undefined => (typeof s[k] === 'number' ? (s[k] as number) : undefined);

/**
 * Values on both sides of each limit a scalar schema declares: lengths in characters (ASCII and CJK),
 * UTF-8 bytes with multibyte characters, enums, ranges (inclusive and exclusive), multiples, decimal
 * places, the JOS datetime form, and a value of the wrong type. Pure: derived from the schema alone.
 */
export function scalarCases(s: JsonSchema): ValueCase[] {
  const out: ValueCase[] = [];
  const type = s['type'];
  if (type === 'string' && Array.isArray(s['enum'])) {
    const members = s['enum'] as string[];
    for (const v of members) out.push({ label: `member ${v}`, value: v, valid: true, keyword: 'enum' });
    // Not a member, whatever the members look like.
    const outside = members.includes('not-a-member') ? `${members.join('|')}|` : 'not-a-member';
    out.push({ label: `${outside}, outside the enum`, value: outside, valid: false, keyword: 'enum' });
    return out;
  }
  if (type === 'string') {
    const max = num(s, 'maxLength');
    const min = num(s, 'minLength');
    // Under a pattern, generic filler text would break the pattern, not the length: such limits need hand-written cases.
    const free = s['pattern'] === undefined;
    if (max !== undefined && free) {
      out.push({ label: `${max} ASCII characters`, value: { $text: { length: max, char: 'a' } }, valid: true, keyword: 'maxLength' });
      out.push({
        label: `${max + 1} ASCII characters`,
        value: { $text: { length: max + 1, char: 'a' } },
        valid: false,
        keyword: 'maxLength',
      });
      out.push({ label: `${max} Chinese characters`, value: { $text: { length: max, char: '促' } }, valid: true, keyword: 'maxLength' });
      out.push({
        label: `${max + 1} Chinese characters`,
        value: { $text: { length: max + 1, char: '促' } },
        valid: false,
        keyword: 'maxLength',
      });
    }
    if (min !== undefined && min > 0)
      out.push({ label: `${min - 1} characters`, value: { $text: { length: min - 1, char: 'a' } }, valid: false, keyword: 'minLength' });
    const maxBytes = num(s, 'maxBytes');
    if (maxBytes !== undefined && free) {
      out.push({
        label: `${maxBytes} UTF-8 bytes of Chinese`,
        value: { $text: { bytes: maxBytes, char: '备' } },
        valid: true,
        keyword: 'maxBytes',
      });
      out.push({
        label: `${maxBytes + 1} UTF-8 bytes of Chinese`,
        value: { $text: { bytes: maxBytes + 1, char: '备' } },
        valid: false,
        keyword: 'maxBytes',
      });
      out.push({
        label: `${maxBytes} ASCII characters`,
        value: { $text: { length: maxBytes, char: 'a' } },
        valid: true,
        keyword: 'maxBytes',
      });
    }
    if (s['datetime'] === true) {
      out.push({ label: 'a date with slashes', value: '2026/11/23 10:00:00', valid: false, keyword: 'datetime' });
      out.push({ label: 'an impossible date', value: '2026-02-30 10:00:00', valid: false, keyword: 'datetime' });
      out.push({ label: 'a date without time', value: '2026-11-23', valid: false, keyword: 'datetime' });
    }
    return out;
  }
  if (type !== 'integer' && type !== 'number') return out;
  const step = stepOf(s);
  const enumValues = Array.isArray(s['enum']) ? (s['enum'] as number[]) : undefined;
  if (enumValues) {
    for (const v of enumValues) out.push({ label: `member ${v}`, value: v, valid: true, keyword: 'enum' });
    const outside = Math.max(...enumValues) + 1;
    out.push({ label: `${outside}, outside the enum`, value: outside, valid: false, keyword: 'enum' });
    out.push({ label: 'a word instead of a number', value: 'abc', valid: false, keyword: 'type' });
    return out;
  }
  const min = num(s, 'minimum');
  const max = num(s, 'maximum');
  const xmin = num(s, 'exclusiveMinimum');
  const xmax = num(s, 'exclusiveMaximum');
  const multiple = num(s, 'multipleOf');
  if (min !== undefined) {
    if (multiple === undefined || min % multiple === 0)
      out.push({ label: `${min}, the minimum`, value: min, valid: true, keyword: 'minimum' });
    out.push({ label: `${tidy(min - step)}, below the minimum`, value: tidy(min - step), valid: false, keyword: 'minimum' });
  }
  if (max !== undefined) {
    out.push({ label: `${max}, the maximum`, value: max, valid: true, keyword: 'maximum' });
    out.push({ label: `${tidy(max + step)}, above the maximum`, value: tidy(max + step), valid: false, keyword: 'maximum' });
  }
  if (xmin !== undefined) {
    out.push({ label: `${tidy(xmin + step)}, just above ${xmin}`, value: tidy(xmin + step), valid: true, keyword: 'exclusiveMinimum' });
    out.push({ label: `${xmin}, not above ${xmin}`, value: xmin, valid: false, keyword: 'exclusiveMinimum' });
  }
  if (xmax !== undefined) {
    out.push({ label: `${tidy(xmax - step)}, just below ${xmax}`, value: tidy(xmax - step), valid: true, keyword: 'exclusiveMaximum' });
    out.push({ label: `${xmax}, not below ${xmax}`, value: xmax, valid: false, keyword: 'exclusiveMaximum' });
  }
  if (multiple !== undefined) {
    const base = Math.max(multiple, min ?? multiple);
    const first = Math.ceil(base / multiple) * multiple;
    out.push({ label: `${first}, a multiple of ${multiple}`, value: first, valid: true, keyword: 'multipleOf' });
    out.push({
      label: `${first + multiple / 2}, not a multiple of ${multiple}`,
      value: first + multiple / 2,
      valid: false,
      keyword: 'multipleOf',
    });
    // A multiple below the minimum, so only the minimum can refuse it.
    if (min !== undefined && first - multiple < min)
      out.push({ label: `${first - multiple}, a multiple below the minimum`, value: first - multiple, valid: false, keyword: 'minimum' });
  }
  const places = num(s, 'decimalPlaces');
  if (places !== undefined) {
    // A value inside the range with exactly `places` decimals, and one with one more.
    const lo = min ?? (xmin !== undefined ? xmin + 10 ** -places : 1);
    const hi = max ?? (xmax !== undefined ? xmax - 10 ** -places : lo + 10);
    const mid = Math.floor(((lo + hi) / 2) * 10 ** places) / 10 ** places + 10 ** -places;
    const ok = tidy(Math.min(mid, hi));
    out.push({ label: `${ok.toFixed(places)}, ${places} decimal place(s)`, value: ok, valid: true, keyword: 'decimalPlaces' });
    const bad = tidy(ok - 10 ** -(places + 1) * 5);
    out.push({ label: `${bad}, ${places + 1} decimal places`, value: bad, valid: false, keyword: 'decimalPlaces' });
  }
  if (type === 'integer' && places === undefined)
    out.push({ label: 'a fraction for an integer', value: tidy((min ?? max ?? 1) + 0.5), valid: false, keyword: 'type' });
  out.push({ label: 'a word instead of a number', value: 'abc', valid: false, keyword: 'type' });
  return out;
}

/**
 * The cases of an id the target's fixtures define (a SKU id, a ware id): a schema limit says which ids
 * are well-formed, not which exist, so the accepted side is one id of the fixtures (`own`, the
 * baseline's; else the first fixture SKU's), standing for the first accepted limit. A target may refuse
 * an id it does not have (JDP-SKU-09), so the schema's own minimum is never sent as a valid id; the
 * refused side (not an id at all) stays as derived.
 */
export function withFixtureIds(cases: readonly ValueCase[], fixture: 'sku' | 'ware', own: Json | undefined): ValueCase[] {
  const value = own ?? (fixture === 'sku' ? '${sku[0]}' : '${sku[0].ware}');
  const what = fixture === 'sku' ? 'SKU' : 'ware';
  const first = cases.find((c) => c.valid);
  return cases.flatMap((c) => (!c.valid ? [c] : c === first ? [{ ...c, label: `a fixture ${what} id, not ${c.label}`, value }] : []));
}
