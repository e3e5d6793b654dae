/** JOS answer envelopes (PROTOCOLS.md §1d, RULES.md JOS-09). */

/** Key of a success answer: dots become underscores, `_response` appended. */
export function successKey(method: string): string {
  return `${method.replace(/\./g, '_')}_response`;
}

/** JD's live gateway spells the suffix `_responce`; readers accept both. */
export function successKeyMisspelt(method: string): string {
  return `${method.replace(/\./g, '_')}_responce`;
}

export interface JosErrorBody {
  readonly code: string;
  readonly zh_desc: string;
  readonly en_desc: string;
}

export function errorEnvelope(code: string, zh: string, en: string): { error_response: JosErrorBody } {
  return { error_response: { code, zh_desc: zh, en_desc: en } };
}

export function successEnvelope(method: string, body: Record<string, unknown>): Record<string, unknown> {
  return { [successKey(method)]: { code: '0', ...body } };
}

/** A decoded answer: success with its inner object, an error with its code, or something that is neither. */
export type JosAnswer =
  | { readonly kind: 'success'; readonly key: string; readonly body: Record<string, unknown> }
  | {
      readonly kind: 'error';
      readonly code: string;
      readonly message: string;
      readonly via: 'error_response' | 'inner_code';
      /** The object the error came in (error_response, or the inner answer). */
      readonly body: Record<string, unknown>;
    }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Reads a parsed JSON answer for `method`. Accepts `_response` and `_responce`; an inner object whose
 * `code` is present and not "0" is a business error too (the Go SDK's reading).
 */
export function decodeAnswer(method: string, json: unknown): JosAnswer {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { kind: 'malformed', reason: 'answer is not a JSON object' };
  }
  const obj = json as Record<string, unknown>;
  const err = obj['error_response'];
  if (err !== undefined) {
    if (err === null || typeof err !== 'object') return { kind: 'malformed', reason: 'error_response is not an object' };
    const e = err as Record<string, unknown>;
    if (e['code'] === undefined || e['code'] === null) return { kind: 'malformed', reason: 'error_response has no code' };
    return { kind: 'error', code: String(e['code']), message: String(e['zh_desc'] ?? e['en_desc'] ?? ''), via: 'error_response', body: e };
  }
  for (const key of [successKey(method), successKeyMisspelt(method)]) {
    const inner = obj[key];
    if (inner === undefined) continue;
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
      return { kind: 'malformed', reason: `${key} is not an object` };
    }
    const body = inner as Record<string, unknown>;
    const code = body['code'];
    if (code !== undefined && code !== null && String(code) !== '0') {
      const msg = body['error_description'] ?? body['zh_desc'] ?? body['en_desc'] ?? '';
      return { kind: 'error', code: String(code), message: String(msg), via: 'inner_code', body };
    }
    return { kind: 'success', key, body };
  }
  const keys = Object.keys(obj).slice(0, 5).join(', ');
  return { kind: 'malformed', reason: `expected ${successKey(method)} or error_response, got keys [${keys}]` };
}
