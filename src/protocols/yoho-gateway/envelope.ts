/**
 * Answer envelopes of the Yoho gateway (PROTOCOLS.md §3b; seed user-coupon-api.zh.txt): a success is
 * `{"alg":"SALT_MD5","code":200,"data":…,"md5":…,"message":…}` (fastjson's alphabetical order) where
 *
 *     md5 = lower-case hex( MD5( SALT + ":" + <the exact bytes of data> ) )
 *
 * covers `data` only, as it is written in the answer (fastjson's compact output: no spaces, Chinese not
 * escaped); null data is written and hashed as `[]`. An error is `{"code":…,"message":…}` without
 * `alg` or `md5`. The salt is configuration: master's public one by default (the dev branch's differs).
 */
import { createHash } from 'node:crypto';
import type { DecodedAnswer } from '../types.js';

/** The salt of the gateway's master branch (ApiResponse.MD5_SALT), public. */
export const YOHO_MASTER_SALT = 'fd4ad5fcsa0de589af23234ks1923ks';
/** The salt of the dev branch (commit 3c06321), which a fork rewrote: public, for fault and preflight texts. */
export const YOHO_DEV_SALT = '1313I923R4DFKJASDFKLAKDF;';
export const YOHO_ALG = 'SALT_MD5';

/** The `md5` of a data text: the exact bytes the answer holds after `"data":`. */
export function yohoDataMd5(dataText: string, salt: string = YOHO_MASTER_SALT): string {
  return createHash('md5')
    .update(Buffer.from(`${salt}:${dataText}`, 'utf8'))
    .digest('hex');
}

/**
 * A success answer as text, keys in fastjson's order; `data` serialised once (compact) and hashed as
 * written. `null` or undefined data is `[]`. Message `操作成功` unless given.
 */
export function yohoSuccessText(data: unknown, message = '操作成功', code = 200, salt: string = YOHO_MASTER_SALT): string {
  const dataText = JSON.stringify(data ?? []);
  return `{"alg":"${YOHO_ALG}","code":${code},"data":${dataText},"md5":"${yohoDataMd5(dataText, salt)}","message":${JSON.stringify(message)}}`;
}

/** An error answer as text: `{"code":…,"message":…}`, no md5. */
export function yohoErrorText(code: number, message: string): string {
  return JSON.stringify({ code, message });
}

export type YohoAnswer =
  | {
      readonly kind: 'success';
      readonly code: number;
      readonly data: unknown;
      readonly md5Valid: boolean;
      /** The md5 the answer carries, as written. */
      readonly md5: string;
      /** MD5(salt + ":" + the text of data), lower-case hex. */
      readonly expectedMd5: string;
      readonly message: string;
    }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'malformed'; readonly reason: string };

/** A code as text: a JSON integer, or a string of one written canonically (`"200"`, not `"0200"` or `" 200"`); safe integers only. */
const CODE_TEXT = /^-?(0|[1-9][0-9]*)$/;

/**
 * Reads an answer from its text (the md5 is checked over the bytes of `data` as sent, so the text, not
 * a parsed value, is needed). See readYohoAnswer.
 */
export function decodeYohoAnswer(text: string, salt: string = YOHO_MASTER_SALT): YohoAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'answer is not JSON' };
  }
  return readYohoAnswer(json, text, salt);
}

/**
 * Reads a parsed answer, `raw` being the text it was parsed from. `code` is an integer or a string of
 * one. Code 200 is a success, which must carry `alg: "SALT_MD5"`, a string `md5` and `data`; the md5 is
 * computed over the exact text of `data` in `raw` (`md5Valid` says whether it matches, compared
 * case-insensitively). Any other code is an error, whatever else it carries: errors have no md5 and
 * are never judged by one. Anything else is malformed.
 */
export function readYohoAnswer(json: unknown, raw: string, salt: string = YOHO_MASTER_SALT): YohoAnswer {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { kind: 'malformed', reason: 'answer is not a JSON object' };
  const o = json as Record<string, unknown>;
  const code = o['code'];
  if (code === undefined) return { kind: 'malformed', reason: 'answer has no code' };
  const codeText = typeof code === 'number' && Number.isSafeInteger(code) ? String(code) : typeof code === 'string' ? code : undefined;
  if (codeText === undefined || !CODE_TEXT.test(codeText) || !Number.isSafeInteger(Number(codeText))) {
    return { kind: 'malformed', reason: `code is not an integer (got ${describe(code)})` };
  }
  const message = typeof o['message'] === 'string' ? o['message'] : '';
  if (codeText !== '200') return { kind: 'error', code: codeText, message };
  if (o['alg'] !== YOHO_ALG)
    return { kind: 'malformed', reason: `success answer (code 200) without alg ${YOHO_ALG} (got ${describe(o['alg'])})` };
  const md5 = o['md5'];
  if (typeof md5 !== 'string')
    return { kind: 'malformed', reason: `success answer (code 200) without an md5 string (got ${describe(md5)})` };
  const dataText = o['data'] === undefined ? undefined : topLevelValueText(raw, 'data');
  if (dataText === undefined) return { kind: 'malformed', reason: 'success answer (code 200) has no data' };
  const expectedMd5 = yohoDataMd5(dataText, salt);
  return { kind: 'success', code: 200, data: o['data'], md5Valid: expectedMd5 === md5.toLowerCase(), md5, expectedMd5, message };
}

/** Names a salt in a reason: the two public ones by branch, any other as it is (a salt is not a secret). */
export function describeYohoSalt(salt: string): string {
  if (salt === YOHO_MASTER_SALT) return `the master-branch salt ${JSON.stringify(salt)}`;
  if (salt === YOHO_DEV_SALT) return `the dev-branch salt ${JSON.stringify(salt)}`;
  return `the salt ${JSON.stringify(salt)}`;
}

/**
 * An answer of `operation` in the harness's terms (ProtocolAdapter.decode): a success only when its
 * md5 verifies over the exact bytes of `data` in `raw` with `salt` (UCP-01); a success whose md5 does
 * not is malformed, its reason naming both md5s. Errors are read by their code alone.
 */
export function decodeYoho(_operation: string, json: unknown, raw: string, salt: string): DecodedAnswer {
  const a = readYohoAnswer(json, raw, salt);
  if (a.kind === 'error') return { kind: 'error', code: a.code, message: a.message, body: json };
  if (a.kind === 'malformed') return a;
  if (!a.md5Valid) {
    return {
      kind: 'malformed',
      reason: `md5 ${JSON.stringify(a.md5)} does not cover data as sent: MD5(salt + ":" + data) is ${a.expectedMd5} with ${describeYohoSalt(salt)} (UCP-01)`,
    };
  }
  return { kind: 'success', body: a.data };
}

/** A short description of an unexpected value, for reasons. */
function describe(v: unknown): string {
  if (v === undefined) return 'none';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * The exact text of the value of top-level key `key` in a JSON object's text (undefined when absent or
 * the text is not an object): a scan that skips strings and nesting, so the bytes are the answer's own,
 * not a re-serialisation. A key given twice yields its last value, the one JSON.parse keeps.
 */
export function topLevelValueText(text: string, key: string): string | undefined {
  try {
    return scanTopLevel(text, key);
  } catch {
    // A key that is not a JSON string (JSON.parse of it threw): not an object's text.
    return undefined;
  }
}

function scanTopLevel(text: string, key: string): string | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && JSON_WS.has(text.charCodeAt(i))) i++;
  };
  const skipString = (): string => {
    const start = i;
    i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = () => {
    if (text[i] === '"') return void skipString();
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      while (i < n) {
        const ch = text[i];
        if (ch === '"') {
          skipString();
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        if (ch === '}' || ch === ']') depth--;
        i++;
        if (depth === 0) return;
      }
      return;
    }
    while (i < n && !/[,}\]\s]/.test(text[i] as string)) i++;
  };
  ws();
  if (text[i] !== '{') return undefined;
  i++;
  ws();
  if (text[i] === '}') return undefined;
  let found: string | undefined;
  for (;;) {
    if (text[i] !== '"') return found;
    const name = skipString();
    ws();
    if (text[i] !== ':') return found;
    i++;
    ws();
    const start = i;
    skipValue();
    if (name === key) found = text.slice(start, i);
    ws();
    if (text[i] !== ',') return found;
    i++;
    ws();
  }
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
const JSON_WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
