import { DOCUMENT_UTC_OFFSET_MIN, epochOfWallTime, formatUtc8, parseUtc8 } from '../../core/time.js';

/** JOS timestamps are China Standard Time (UTC+8), the documents' zone, unless the sender states another offset. */
export const JOS_UTC_OFFSET_MIN = DOCUMENT_UTC_OFFSET_MIN;

const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-])(\d{2})(\d{2})$/;

/**
 * Parses `yyyy-MM-dd HH:mm:ss` (read in UTC+8) or, when `allowOffsetForm`, the SDK form
 * `yyyy-MM-dd HH:mm:ss.SSS±hhmm` (read in its own offset). Returns epoch milliseconds, or
 * `undefined` for any other text or an impossible date (2024-02-30, 24:00:00).
 */
export function parseJosTimestamp(text: string, allowOffsetForm = true): number | undefined {
  const plain = parseUtc8(text);
  if (plain !== undefined || !allowOffsetForm) return plain;
  const m = WITH_OFFSET.exec(text);
  if (!m) return undefined;
  const oh = Number(m[9]);
  const om = Number(m[10]);
  if (oh > 14 || om > 59) return undefined;
  const offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  const [y, mo, d, h, mi, s, ms] = [m[1], m[2], m[3], m[4], m[5], m[6], m[7]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return epochOfWallTime({ y, mo, d, h, mi, s, ms }, offsetMin);
}

/** Formats epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in UTC+8 (the documents' form: core/time.ts). */
export const formatJosTimestamp: (epochMs: number) => string = formatUtc8;

/** Formats epoch milliseconds in the newer SDK form `yyyy-MM-dd HH:mm:ss.SSS+0800`. */
export function formatJosTimestampWithOffset(epochMs: number): string {
  const msPart = String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0');
  return `${formatJosTimestamp(epochMs)}.${msPart}+0800`;
}
