/** JOS answer envelopes (PROTOCOLS.md §1d, RULES.md JOS-09). */

/**
 * How the suffix of a success key is spelt: `_response` as the document shows (JOS-09), `_responce`
 * as JD's live gateway sends it (captured bodies and the Go SDK's struct tags, PROTOCOLS.md §1d).
 * Readers accept both; the reference answers the live spelling unless told otherwise (JOS-REF-04).
 */
export type SuccessSuffix = '_response' | '_responce';
export const SUCCESS_SUFFIXES: readonly SuccessSuffix[] = ['_responce', '_response'];
export const LIVE_SUCCESS_SUFFIX: SuccessSuffix = '_responce';

/** Success keys already made, by suffix and method: every answer of the reference and every read of one makes one. */
const successKeys: Record<SuccessSuffix, Map<string, string>> = { _response: new Map(), _responce: new Map() };
/** How many keys are kept per suffix: the methods of the specs are far fewer; unknown methods (a fault answers them) are not kept beyond. */
const SUCCESS_KEYS_KEPT = 256;

/** Key of a success answer: dots become underscores, then the suffix (`_response` by default, the document's). */
export function successKey(method: string, suffix: SuccessSuffix = '_response'): string {
  const made: Map<string, string> | undefined = successKeys[suffix];
  let key = made?.get(method);
  if (key === undefined) {
    key = `${method.replaceAll('.', '_')}${suffix}`;
    if (made !== undefined && made.size < SUCCESS_KEYS_KEPT) made.set(method, key);
  }
  return key;
}

/** The live gateway's key (`_responce`); readers accept both. */
export function successKeyMisspelt(method: string): string {
  return successKey(method, '_responce');
}

export interface JosErrorBody {
  readonly code: string;
  readonly zh_desc: string;
  readonly en_desc: string;
}

export function errorEnvelope(code: string, zh: string, en: string): { error_response: JosErrorBody } {
  return { error_response: { code, zh_desc: zh, en_desc: en } };
}

export function successEnvelope(
  method: string,
  body: Record<string, unknown>,
  suffix: SuccessSuffix = '_response',
): Record<string, unknown> {
  return { [successKey(method, suffix)]: { code: '0', ...body } };
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
  return {
    kind: 'malformed',
    reason: `expected ${successKey(method)} (or ${successKeyMisspelt(method)}) or error_response, got keys [${keys}]`,
  };
}
