/**
 * Times of the Tencent 有数 data-api (PROTOCOLS.md §2a; seed tencent-add-coupon-api.zh.txt).
 *
 * - The `timestamp` query parameter is Unix time in **seconds** ("请求时间戳(秒级)", example `1569232087`;
 *   ShopeX sends PHP `time()`, PROTOCOLS.md §2b), written as a decimal integer. It is signed as the
 *   text sent, so a verifier signs the received text and parses it only to judge its age.
 * - Body times (`start_time`, `end_time`, `show_start_time`, `show_end_time`) are Unix time in
 *   **milliseconds**, sent as JSON strings (example `"1572395131732"`).
 *
 * No timezone is involved. The document gives no window for the request timestamp (PROTOCOLS.md §2d):
 * none is enforced here; a window is a `ref` rule of ours, decided elsewhere. Nor is a digit count:
 * a milliseconds value sent as `timestamp` parses as seconds (a date some 50 000 years ahead) and is
 * left to that window to refuse.
 */

/** ASCII digits only: no sign, space, decimal point, exponent, or non-ASCII digit. Leading zeros are read, not refused. */
const DIGITS = /^[0-9]+$/;

/** Formats epoch ms as the `timestamp` query value: whole seconds, rounded down. */
export function formatTencentTimestamp(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs < 0) throw new RangeError(`not an epoch time in ms: ${epochMs}`);
  return String(Math.floor(epochMs / 1000));
}

/**
 * Reads a `timestamp` query value (decimal seconds) as epoch ms, or `undefined` if it is not a
 * non-negative decimal integer whose milliseconds are a safe integer.
 */
export function parseTencentTimestamp(text: string): number | undefined {
  const seconds = parseDigits(text);
  return seconds !== undefined && Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
}

/** Formats epoch ms as a body time (`start_time` …): decimal milliseconds, rounded down. */
export function formatTencentMillis(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs < 0) throw new RangeError(`not an epoch time in ms: ${epochMs}`);
  return String(Math.floor(epochMs));
}

/** Reads a body time (decimal milliseconds) as epoch ms, or `undefined` if it is not a non-negative safe decimal integer. */
export function parseTencentMillis(text: string): number | undefined {
  return parseDigits(text);
}

function parseDigits(text: string): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
