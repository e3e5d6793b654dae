/**
 * Text helpers shared by the reporters. Report text can come from a hostile server (response bodies,
 * error messages), so every reporter passes untrusted text through `sanitizeText` before escaping it
 * for its own format.
 */

/**
 * Characters that must not reach a terminal, a document or an XML file as they are: C0 controls other
 * than tab and line feed, DEL, C1 controls, bidirectional overrides and isolates (Trojan Source),
 * the line and paragraph separators, and the XML non-characters U+FFFE and U+FFFF.
 */
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;

/** A UTF-16 surrogate that is not part of a pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes untrusted text safe to display anywhere: line endings become `\n`, unsafe characters become
 * visible escapes such as `\x00` or `\u202e` (so the reader sees that the server sent them), and lone
 * surrogates become U+FFFD. The result contains only characters legal in XML 1.0.
 */
export function sanitizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(UNSAFE_CHARS, (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
}

/** `sanitizeText`, then every run of whitespace (line breaks included) collapsed into one space. */
export function oneLine(text: string): string {
  return sanitizeText(text).replace(/\s+/g, ' ').trim();
}

/** A piece of text cut to a limit. */
export interface Cut {
  readonly text: string;
  /** What was left out: code units for `cutText`, lines for `firstLines`. */
  readonly omitted: number;
}

/** Cuts `text` to at most `max` characters (UTF-16 code units), never inside a surrogate pair. */
export function cutText(text: string, max: number): Cut {
  if (text.length <= max) return { text, omitted: 0 };
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), omitted: text.length - end };
}

/** Cuts `text` to its first `max` lines. `omitted` counts the lines left out. */
export function firstLines(text: string, max: number): Cut {
  const lines = text.split('\n');
  if (lines.length <= max) return { text, omitted: 0 };
  return { text: lines.slice(0, max).join('\n'), omitted: lines.length - max };
}

/** Milliseconds as seconds with three decimals, e.g. `1.234`; negative or non-finite input gives `0.000`. */
export function formatSeconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

/** Milliseconds for people: `850 ms`, `1.23 s`, `2 min 03 s`. */
export function formatDuration(ms: number): string {
  const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(2)} s`;
  const totalSeconds = Math.round(value / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** `1 check`, `2 checks`. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
