import { sanitizeText } from './text.js';

const MARKUP_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values
 * (`& < > " '`), after `sanitizeText` has made control characters visible.
 */
export function escapeHtml(text: string): string {
  return sanitizeText(text).replace(/[&<>"']/g, (c) => MARKUP_ENTITIES[c] ?? c);
}

/**
 * Escapes text for XML 1.0 character data. Characters XML 1.0 forbids (controls other than tab,
 * line feed and carriage return, lone surrogates, U+FFFE, U+FFFF) never reach the output: they are
 * shown as visible escapes such as `\x00`.
 */
export function escapeXmlText(text: string): string {
  return sanitizeText(text).replace(/[&<>"']/g, (c) => MARKUP_ENTITIES[c] ?? c);
}

/**
 * Escapes text for a double-quoted XML 1.0 attribute value. Tab and line feed are written as character
 * references so that attribute-value normalisation keeps them.
 */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
