/**
 * The value conversions a binding declares where a service writes a value otherwise than the spec
 * (yuan against integer fen, milliseconds against seconds, epoch time against `yyyy-MM-dd HH:mm:ss`
 * in UTC+8, a number sent as a string). Each is exact or refuses: a value it cannot convert throws a
 * ConversionError, which the request side reports and the answer side reads as a malformed answer.
 */
import { formatUtc8, parseUtc8 } from '../../core/time.js';

/** The names a binding may write under `convert:` (one, or a list applied in order). */
export const CONVERSIONS = [
  'yuan-to-fen',
  'fen-to-yuan',
  's-to-ms',
  'ms-to-s',
  'utc8-to-ms',
  'ms-to-utc8',
  'utc8-to-iso',
  'iso-to-utc8',
  'string',
  'number',
] as const;

export type Conversion = (typeof CONVERSIONS)[number];

/** A value a conversion cannot take (`"12.345" is not yuan with at most two decimals`). */
export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}

const YUAN = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** Yuan (a number or a decimal string, at most two decimals) to integer fen, read from the text: never a float product. */
function yuanToFenExact(v: unknown): number {
  const text = typeof v === 'number' ? String(v) : v;
  const m = typeof text === 'string' ? YUAN.exec(text.trim()) : null;
  if (m === null) throw new ConversionError(`${JSON.stringify(v)} is not an amount in yuan with at most two decimals`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -fen : fen;
}

/** Integer fen to yuan as a decimal string with two decimals (1895 → "18.95", 10 → "0.10"): exact, where a float would not be. */
function fenToYuanText(v: unknown): string {
  const fen = integer(v, 'fen');
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function integer(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ConversionError(`${JSON.stringify(v)} is not an integer (${what})`);
  return n;
}

function utc8(v: unknown): number {
  const ms = typeof v === 'string' ? parseUtc8(v) : undefined;
  if (ms === undefined) throw new ConversionError(`${JSON.stringify(v)} is not a time as yyyy-MM-dd HH:mm:ss`);
  return ms;
}

function iso(v: unknown): number {
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) throw new ConversionError(`${JSON.stringify(v)} is not an ISO 8601 time`);
  return ms;
}

const APPLY: Readonly<Record<Conversion, (v: unknown) => unknown>> = {
  'yuan-to-fen': yuanToFenExact,
  'fen-to-yuan': fenToYuanText,
  's-to-ms': (v) => integer(v, 'seconds') * 1000,
  'ms-to-s': (v) => Math.floor(integer(v, 'milliseconds') / 1000),
  'utc8-to-ms': utc8,
  'ms-to-utc8': (v) => formatUtc8(integer(v, 'milliseconds')),
  'utc8-to-iso': (v) => new Date(utc8(v)).toISOString(),
  'iso-to-utc8': (v) => formatUtc8(iso(v)),
  string: (v) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)),
  number: (v) => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new ConversionError(`${JSON.stringify(v)} is not a number`);
    return n;
  },
};

/** Applies `conversions` in order; throws a ConversionError for a value one of them cannot take. */
export function convert(value: unknown, conversions: readonly Conversion[]): unknown {
  let v = value;
  for (const c of conversions) v = APPLY[c](v);
  return v;
}
