import type { Ajv } from 'ajv';
import { parseUtc8 } from '../core/time.js';

/** Digits after the decimal point of a number as JavaScript prints it (1e-7 has 7). */
export function decimalPlacesOf(n: number): number {
  const s = String(n);
  const exp = /e-(\d+)$/.exec(s);
  if (exp) {
    const mantissa = s.slice(0, s.indexOf('e'));
    const dot = mantissa.indexOf('.');
    return Number(exp[1]) + (dot < 0 ? 0 : mantissa.length - dot - 1);
  }
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Annotations a body schema node may carry: `rules` (rule ids a violation at or below the node breaks,
 * inherited down), `quote` (the seed's words), `by` (per-keyword `{rules?, acceptRules?}`: the rules of
 * the case breaking that keyword, and of its at-the-limit acceptance case), `appliesIf` (on a property:
 * a schema the object holding it must match for the field to have an effect; elsewhere the reference
 * ignores the field and the generator probes its limits only where it applies) and `noEffectRules` (the
 * rules of the case that a bad value where the field has no effect is accepted).
 */
export const ANNOTATION_KEYWORDS = ['rules', 'quote', 'by', 'appliesIf', 'noEffectRules'] as const;
const KEYWORD_TYPES: Record<(typeof ANNOTATION_KEYWORDS)[number], 'array' | 'object' | ('string' | 'array')[]> = {
  rules: 'array',
  quote: ['string', 'array'],
  by: 'object',
  appliesIf: 'object',
  noEffectRules: 'array',
};

/**
 * promoproof's JSON Schema keywords: `maxBytes` / `minBytes` (UTF-8 bytes of a string),
 * `decimalPlaces` (at most this many digits after the point), `datetime` (JOS `yyyy-MM-dd HH:mm:ss`).
 */
export function addPromoproofKeywords(ajv: Ajv): void {
  // Annotations of body schemas (specs/<api>/spec.yaml `body`): read by the case generator and the
  // sources test, never by validation.
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword, schemaType: KEYWORD_TYPES[keyword] });
  for (const [keyword, holds, word] of [
    ['maxBytes', (bytes: number, limit: number) => bytes <= limit, 'at most'],
    ['minBytes', (bytes: number, limit: number) => bytes >= limit, 'at least'],
  ] as const) {
    ajv.addKeyword({
      keyword,
      type: 'string',
      schemaType: 'number',
      errors: true,
      validate: function byteLimit(limit: number, data: string) {
        const bytes = utf8Bytes(data);
        if (holds(bytes, limit)) return true;
        (byteLimit as unknown as { errors: unknown[] }).errors = [
          { keyword, message: `must be ${word} ${limit} UTF-8 bytes (is ${bytes})`, params: { limit } },
        ];
        return false;
      },
    });
  }
  ajv.addKeyword({
    keyword: 'decimalPlaces',
    type: 'number',
    schemaType: 'number',
    errors: true,
    validate: function decimalPlaces(limit: number, data: number) {
      if (decimalPlacesOf(data) <= limit) return true;
      (decimalPlaces as unknown as { errors: unknown[] }).errors = [
        { keyword: 'decimalPlaces', message: `must have at most ${limit} decimal place(s)`, params: { limit } },
      ];
      return false;
    },
  });
  ajv.addKeyword({
    keyword: 'datetime',
    type: 'string',
    schemaType: 'boolean',
    errors: true,
    validate: function datetime(on: boolean, data: string) {
      if (!on || parseUtc8(data) !== undefined) return true;
      (datetime as unknown as { errors: unknown[] }).errors = [
        { keyword: 'datetime', message: 'must be a time as yyyy-MM-dd HH:mm:ss', params: {} },
      ];
      return false;
    },
  });
}
