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

/** The salt of the gateway's master branch (ApiResponse.MD5_SALT), public. */
export const YOHO_MASTER_SALT = 'fd4ad5fcsa0de589af23234ks1923ks';
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
  | { readonly kind: 'success'; readonly code: number; readonly data: unknown; readonly md5Valid: boolean; readonly message: string }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Reads an answer from its text (the md5 is checked over the bytes of `data` as sent, so the text, not
 * a parsed value, is needed). Success: `alg` SALT_MD5 with `md5` and `data`, or code 200; the md5 must
 * match. Error: a code other than 200 without `md5`. Anything else is malformed.
 */
export function decodeYohoAnswer(text: string, salt: string = YOHO_MASTER_SALT): YohoAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'answer is not JSON' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { kind: 'malformed', reason: 'answer is not a JSON object' };
  const o = json as Record<string, unknown>;
  const code = o['code'];
  if (typeof code !== 'number' || !Number.isInteger(code)) return { kind: 'malformed', reason: 'code is not an integer' };
  const message = typeof o['message'] === 'string' ? o['message'] : '';
  if (o['md5'] === undefined && code !== 200) return { kind: 'error', code: String(code), message };
  if (o['alg'] !== YOHO_ALG) return { kind: 'malformed', reason: `alg is not ${YOHO_ALG}` };
  if (typeof o['md5'] !== 'string') return { kind: 'malformed', reason: 'md5 is not a string' };
  const dataText = topLevelValueText(text, 'data');
  if (dataText === undefined) return { kind: 'malformed', reason: 'answer has no data' };
  return { kind: 'success', code, data: o['data'], md5Valid: yohoDataMd5(dataText, salt) === o['md5'].toLowerCase(), message };
}

/**
 * The exact text of the value of top-level key `key` in a JSON object's text (undefined when absent):
 * a scan that skips strings and nesting, so the bytes are the answer's own, not a re-serialisation.
 */
export function topLevelValueText(text: string, key: string): string | undefined {
  let i = text.indexOf('{');
  if (i < 0) return undefined;
  i++;
  const n = text.length;
  const ws = () => {
    while (i < n && /\s/.test(text[i] as string)) i++;
  };
  const skipString = (): string => {
    const start = i;
    i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = () => {
    ws();
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
  for (;;) {
    ws();
    if (i >= n || text[i] !== '"') return undefined;
    const name = skipString();
    ws();
    if (text[i] !== ':') return undefined;
    i++;
    ws();
    const start = i;
    skipValue();
    if (name === key) return text.slice(start, i);
    ws();
    if (text[i] !== ',') return undefined;
    i++;
  }
}
