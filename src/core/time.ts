/**
 * Times as the documents write them: China Standard Time (UTC+8), `yyyy-MM-dd HH:mm:ss`. Scenario
 * templates (`${now+1d}`), the JOS timestamp and the reference's stored times all use this form, so
 * it lives below them all; a protocol's other forms (the JOS SDK's `.SSS+0800`, Tencent's epoch
 * seconds) stay in that protocol's timestamp.ts.
 */

/** The documents' zone, minutes east of UTC. */
export const DOCUMENT_UTC_OFFSET_MIN = 8 * 60;

/**
 * The last texts formatUtc8 wrote, by epoch second (a slot per second, hashed): a claim answer writes
 * three times and every signed request one, mostly of the same few seconds, and a Date per text was a
 * measurable part of the reference's time per claim (`npm run bench -- reference`).
 */
const FORMAT_SLOTS = 16;
const formattedSecond = new Float64Array(FORMAT_SLOTS).fill(Number.NaN);
const formattedText: string[] = new Array<string>(FORMAT_SLOTS).fill('');

/**
 * The slot of an epoch second: its low 32 bits times the golden ratio's, top 4 bits. Not the second
 * modulo 16: 86,400 is a multiple of 16, so a coupon's valid_from and valid_to (midnights, or whole
 * days apart) took one slot and pushed each other out on every claim.
 */
const formatSlot = (second: number): number => Math.imul(second | 0, 0x9e3779b1) >>> 28;

/** Formats epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in UTC+8 (the milliseconds dropped). */
export function formatUtc8(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  const slot = formatSlot(second);
  if (formattedSecond[slot] === second) return formattedText[slot] ?? '';
  const d = new Date(second * 1000 + DOCUMENT_UTC_OFFSET_MIN * 60_000);
  const text = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  // NaN and ±Infinity have no slot (and write an invalid date's text every time, as they always did).
  if (!Number.isFinite(second)) return text;
  formattedSecond[slot] = second;
  formattedText[slot] = text;
  return text;
}

/** The last texts parseUtc8 read and what each read as (undefined: not a time), oldest replaced first. */
const PARSED_KEPT = 4;
const parsedText: string[] = new Array<string>(PARSED_KEPT).fill('');
const parsedMs: (number | undefined)[] = new Array<number | undefined>(PARSED_KEPT).fill(undefined);
let parsedNext = 0;

/**
 * Reads `yyyy-MM-dd HH:mm:ss` in UTC+8 as epoch milliseconds; undefined for any other text or an
 * impossible date. Read by hand, not by a regular expression: the reference reads one per request.
 */
export function parseUtc8(text: string): number | undefined {
  // What a request carried may be anything at run time (a parameter the spec no longer requires is absent).
  if (typeof text !== 'string' || text.length !== 19) return undefined;
  // Requests of one moment carry the same few texts (every JOS timestamp of this second): read once.
  for (let i = 0; i < PARSED_KEPT; i++) if (parsedText[i] === text) return parsedMs[i];
  const ms = readUtc8(text);
  parsedText[parsedNext] = text;
  parsedMs[parsedNext] = ms;
  parsedNext = (parsedNext + 1) % PARSED_KEPT;
  return ms;
}

/** parseUtc8 without its cache: `text` is a string of 19 code units. */
function readUtc8(text: string): number | undefined {
  for (const [at, sep] of SEPARATORS) if (text.charCodeAt(at) !== sep) return undefined;
  const y = digitsAt(text, 0, 4);
  const mo = digitsAt(text, 5, 2);
  const d = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2);
  const mi = digitsAt(text, 14, 2);
  const s = digitsAt(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return undefined;
  return epochOfWallTime({ y, mo, d, h, mi, s, ms: 0 }, DOCUMENT_UTC_OFFSET_MIN);
}

/** Where `yyyy-MM-dd HH:mm:ss` has its separators, and which (`-`, ` `, `:`). */
const SEPARATORS: readonly (readonly [number, number])[] = [
  [4, 0x2d],
  [7, 0x2d],
  [10, 0x20],
  [13, 0x3a],
  [16, 0x3a],
];

/** The number written by the `count` ASCII digits at `from`, or -1 when one is not an ASCII digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** A wall-clock reading: month 1–12, day of month, hours 0–23. */
export interface WallTime {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
  readonly ms: number;
}

/**
 * The epoch milliseconds of a wall-clock reading in a zone `offsetMin` east of UTC, or undefined for an
 * impossible one (2024-02-30, 24:00:00, minute 60): a date that would roll over is refused, not moved.
 */
export function epochOfWallTime(t: WallTime, offsetMin: number): number | undefined {
  if (t.mo < 1 || t.mo > 12 || t.d < 1 || t.h > 23 || t.mi > 59 || t.s > 59) return undefined;
  const utc = Date.UTC(t.y, t.mo - 1, t.d, t.h, t.mi, t.s, t.ms);
  const check = new Date(utc);
  if (check.getUTCDate() !== t.d || check.getUTCMonth() !== t.mo - 1) return undefined;
  return utc - offsetMin * 60_000;
}

/** Today's date in UTC+8 as `yyyy-MM-dd`. */
export function todayUtc8(nowMs: number = Date.now()): string {
  return new Date(nowMs + DOCUMENT_UTC_OFFSET_MIN * 60_000).toISOString().slice(0, 10);
}

function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
