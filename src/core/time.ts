/**
 * Times as the documents write them: China Standard Time (UTC+8), `yyyy-MM-dd HH:mm:ss`. Scenario
 * templates (`${now+1d}`), the JOS timestamp and the reference's stored times all use this form, so
 * it lives below them all; a protocol's other forms (the JOS SDK's `.SSS+0800`, Tencent's epoch
 * seconds) stay in that protocol's timestamp.ts.
 */

/** The documents' zone, minutes east of UTC. */
export const DOCUMENT_UTC_OFFSET_MIN = 8 * 60;

const PLAIN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Formats epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in UTC+8 (the milliseconds dropped). */
export function formatUtc8(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000 + DOCUMENT_UTC_OFFSET_MIN * 60_000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** Reads `yyyy-MM-dd HH:mm:ss` in UTC+8 as epoch milliseconds; undefined for any other text or an impossible date. */
export function parseUtc8(text: string): number | undefined {
  const m = PLAIN.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  return epochOfWallTime({ y, mo, d, h, mi, s, ms: 0 }, DOCUMENT_UTC_OFFSET_MIN);
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
