/**
 * The units a value is written in, on each side, and the binding's conversion between them. The
 * spec's unit is read from its names and words (`_fen`, a `yyyy-MM-dd HH:mm:ss` time, 单位元, 毫秒);
 * the service's only from what its schema says of itself (format `date-time`, a description naming
 * yuan, 元, milliseconds, seconds). Where either side is silent, no conversion is guessed: the draft
 * asks the user to confirm the unit.
 */
import type { Conversion } from '../protocols/http-json/convert.js';

export type Unit = 'fen' | 'yuan' | 'ms' | 's' | 'utc8' | 'iso';

const TIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$';

/** The spec side's unit of a field or parameter named `name` with `schema` (and the spec's own words in `text`). */
export function specUnit(name: string, schema: Readonly<Record<string, unknown>>, text: string): Unit | undefined {
  if (/_fen$/.test(name)) return 'fen';
  const ref = schema['$ref'];
  if (ref === '#/definitions/time' || schema['pattern'] === TIME_PATTERN) return 'utc8';
  if (/单位元|单位:元|\(元\)/.test(text)) return 'yuan';
  if (/毫秒/.test(text)) return 'ms';
  if (/秒/.test(text)) return 's';
  return undefined;
}

/** The service side's unit, from its schema's own words (`text`: description, title, format, lower-case). */
export function serviceUnit(text: string): Unit | undefined {
  if (/\bdate-time\b|iso ?8601|rfc ?3339/.test(text)) return 'iso';
  if (/\byuan\b|元|\brmb\b|\bcny\b/.test(text)) return 'yuan';
  if (/\bfen\b|\bcents?\b|分/.test(text)) return 'fen';
  if (/milli|\bms\b|毫秒/.test(text)) return 'ms';
  if (/\bseconds?\b|秒/.test(text)) return 's';
  return undefined;
}

/** Whether a name is one of money or time, whose unit a draft must not assume. */
export function unitMatters(name: string): boolean {
  return /amount|price|fen|yuan|spend|minimum|discount|deduction|paid|payable|eligible|time|_at$|At$|from|to$|seconds|valid/i.test(name);
}

const REQUEST: Readonly<Record<string, readonly Conversion[]>> = {
  'fen>yuan': ['fen-to-yuan'],
  'yuan>fen': ['yuan-to-fen'],
  'yuan>yuan': [],
  'fen>fen': [],
  'utc8>ms': ['utc8-to-ms'],
  'utc8>iso': ['utc8-to-iso'],
  'utc8>s': ['utc8-to-ms', 'ms-to-s'],
  'ms>ms': [],
  's>s': [],
  's>ms': ['s-to-ms'],
  'ms>s': ['ms-to-s'],
  'ms>iso': ['ms-to-utc8', 'utc8-to-iso'],
};

/**
 * The conversions from a value in unit `from` to one in `to`, or undefined when the binding has none
 * (src/protocols/http-json/convert.ts) or either unit is unknown.
 */
export function conversion(from: Unit | undefined, to: Unit | undefined): readonly Conversion[] | undefined {
  if (from === undefined || to === undefined) return undefined;
  if (from === to) return [];
  return REQUEST[`${from}>${to}`] ?? ANSWER[`${from}>${to}`];
}

const ANSWER: Readonly<Record<string, readonly Conversion[]>> = {
  'ms>utc8': ['ms-to-utc8'],
  'iso>utc8': ['iso-to-utc8'],
  's>utc8': ['s-to-ms', 'ms-to-utc8'],
  'iso>ms': ['iso-to-utc8', 'utc8-to-ms'],
};
