/** JOS timestamps are China Standard Time (UTC+8) unless the sender states another offset. */
export const JOS_UTC_OFFSET_MIN = 8 * 60;

const PLAIN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-])(\d{2})(\d{2})$/;

/**
 * Parses `yyyy-MM-dd HH:mm:ss` (read in UTC+8) or, when `allowOffsetForm`, the SDK form
 * `yyyy-MM-dd HH:mm:ss.SSS±hhmm` (read in its own offset). Returns epoch milliseconds, or
 * `undefined` for any other text or an impossible date (2024-02-30, 24:00:00).
 */
export function parseJosTimestamp(text: string, allowOffsetForm = true): number | undefined {
  let m = PLAIN.exec(text);
  let ms = 0;
  let offsetMin = JOS_UTC_OFFSET_MIN;
  if (!m) {
    if (!allowOffsetForm) return undefined;
    m = WITH_OFFSET.exec(text);
    if (!m) return undefined;
    ms = Number(m[7]);
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 14 || om > 59) return undefined;
    offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(utc);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined;
  return utc - offsetMin * 60_000;
}

/** Formats epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in UTC+8. */
export function formatJosTimestamp(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000 + JOS_UTC_OFFSET_MIN * 60_000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** Formats epoch milliseconds in the newer SDK form `yyyy-MM-dd HH:mm:ss.SSS+0800`. */
export function formatJosTimestampWithOffset(epochMs: number): string {
  const msPart = String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0');
  return `${formatJosTimestamp(epochMs)}.${msPart}+0800`;
}

function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
