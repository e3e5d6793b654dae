/**
 * Request signing of the Tencent 有数 data-api (`tencent-data-api`), PROTOCOLS.md §2a–§2b.
 *
 * Every call carries five query parameters — `app_id`, `nonce`, `sign`, `timestamp`, `signature` — and
 * a JSON body that is **not** signed (nor is the path). `sign` is not a signature: it names the
 * algorithm, and the only one there is is `sha256` ("目前只支持 sha256"). The signature is
 *
 *     signature = lower-case hex( HMAC-SHA256( key = app_secret,
 *                   msg = "app_id=" + app_id + "&nonce=" + nonce + "&sign=" + sign + "&timestamp=" + timestamp ) )
 *
 * with exactly these four fields in this fixed (alphabetical) order, joined by `&` and `=`, values raw
 * (no URL-encoding: "不需要对value进行url encode"), key and message as UTF-8 bytes. The vendor's own
 * prose says "hex(sha256(conStr))", but its test vector reproduces only as HMAC keyed with the
 * secret (PROTOCOLS.md §2b), so HMAC it is.
 *
 * Not documented, so not enforced here (they will be `ref` rules of ours, not the vendor's): any
 * timestamp window, any nonce rule (uniqueness, replay, charset; PROTOCOLS.md §2a quotes "≤ 32 chars"
 * from the doc table, the seed only says "随机字符串"), and every non-zero `retcode` (PROTOCOLS.md §2d).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatTencentTimestamp } from './timestamp.js';

/** The value of `sign`: the algorithm's name, the only one the platform supports (PROTOCOLS.md §2a). */
export const TENCENT_SIGN_ALGORITHM = 'sha256';

/** Path of the coupon batch upload ("卡券信息添加/更新"), appended to `https://zhls.qq.com` or `https://test.zhls.qq.com`. */
export const ADD_COUPON_PATH = '/data-api/v1/order/add_coupon';

/** The four signed fields, as the text that travels (a timestamp is signed as it is written, byte for byte). */
export interface TencentSignFields {
  readonly app_id: string;
  readonly nonce: string;
  readonly timestamp: string;
  /** The algorithm name as sent; `sha256` unless given (a verifier passes on what it received). */
  readonly sign?: string;
}

/**
 * The query of a signed request, keys in the document's order: `app_id, nonce, sign, timestamp, signature`.
 * (A type alias, not an interface, so that it is also a TencentIncomingQuery.)
 */
export type TencentSignedQuery = {
  readonly app_id: string;
  readonly nonce: string;
  readonly sign: string;
  readonly timestamp: string;
  readonly signature: string;
};

/** The string that is signed: `app_id=…&nonce=…&sign=…&timestamp=…`, values raw (PROTOCOLS.md §2b). */
export function tencentSignBase(fields: TencentSignFields): string {
  return `app_id=${fields.app_id}&nonce=${fields.nonce}&sign=${fields.sign ?? TENCENT_SIGN_ALGORITHM}&timestamp=${fields.timestamp}`;
}

/** Lower-case hex HMAC-SHA256 of the sign base under `appSecret`, both taken as UTF-8 (PROTOCOLS.md §2b). */
export function tencentSign(fields: TencentSignFields, appSecret: string): string {
  return createHmac('sha256', Buffer.from(appSecret, 'utf8'))
    .update(Buffer.from(tencentSignBase(fields), 'utf8'))
    .digest('hex');
}

/**
 * Whether `signature` is the signature of `fields` under `appSecret`, compared in constant time.
 * The comparison is exact: the document's signatures are lower-case hex, and whether the platform
 * also takes upper case is not known (PROTOCOLS.md §2b gives only lower-case examples), so refusing
 * upper case is our choice (TCC-REF-15), never demanded of another target at must level.
 */
export function tencentSignatureMatches(fields: TencentSignFields, appSecret: string, signature: string): boolean {
  const expected = Buffer.from(tencentSign(fields, appSecret), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface TencentQueryInput {
  readonly appId: string;
  readonly appSecret: string;
  /** Random by default: 32 lower-case hex characters (ShopeX sends 32 characters, PROTOCOLS.md §2b). */
  readonly nonce?: string;
  /** Epoch ms of the timestamp, sent in whole seconds; now by default. */
  readonly timestampMs?: number;
  /** A literal timestamp text, overriding timestampMs (for malformed-timestamp cases); signed as it is. */
  readonly timestampText?: string;
}

/** The signed query of a request (PROTOCOLS.md §2a): `app_id, nonce, sign=sha256, timestamp, signature`. */
export function buildTencentQuery(input: TencentQueryInput): TencentSignedQuery {
  const fields = {
    app_id: input.appId,
    nonce: input.nonce ?? randomBytes(16).toString('hex'),
    sign: TENCENT_SIGN_ALGORITHM,
    timestamp: input.timestampText ?? formatTencentTimestamp(input.timestampMs ?? Date.now()),
  };
  return { ...fields, signature: tencentSign(fields, input.appSecret) };
}

/** Re-signs after a deliberate change (another nonce, a stale timestamp), for negative cases that must still be signed. */
export function resignTencentQuery(query: Omit<TencentSignedQuery, 'signature'>, appSecret: string): TencentSignedQuery {
  const fields = { app_id: query.app_id, nonce: query.nonce, sign: query.sign, timestamp: query.timestamp };
  return { ...fields, signature: tencentSign(fields, appSecret) };
}

/**
 * Path and query of `POST /data-api/v1/order/add_coupon?app_id&nonce&sign&timestamp&signature`, the
 * values URL-encoded for transport (they are signed raw; a server decodes them before verifying).
 */
export function addCouponPath(query: TencentSignedQuery): string {
  const qs = new URLSearchParams([
    ['app_id', query.app_id],
    ['nonce', query.nonce],
    ['sign', query.sign],
    ['timestamp', query.timestamp],
    ['signature', query.signature],
  ]);
  return `${ADD_COUPON_PATH}?${qs.toString()}`;
}

/** The five query parameters, in the order a verifier looks for them. */
export const TENCENT_QUERY_PARAMS = ['app_id', 'nonce', 'sign', 'timestamp', 'signature'] as const;
export type TencentQueryParam = (typeof TENCENT_QUERY_PARAMS)[number];

/** A decoded query as a server framework hands it over: a repeated parameter comes as an array. */
export type TencentIncomingQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Why a query does not verify; protocol facts only, the retcode that answers each is the reference's choice. */
export type TencentVerifyResult =
  | { readonly ok: true; readonly fields: Required<TencentSignFields> }
  | { readonly ok: false; readonly problem: 'missing'; readonly param: TencentQueryParam }
  | { readonly ok: false; readonly problem: 'repeated'; readonly param: TencentQueryParam }
  | { readonly ok: false; readonly problem: 'unsupported_sign'; readonly sign: string }
  | { readonly ok: false; readonly problem: 'bad_signature' };

/**
 * The reference's check of a decoded query: each of the five parameters present once, `sign` exactly
 * `sha256` (the only algorithm, PROTOCOLS.md §2a; case-sensitive, as nothing says otherwise), and the
 * signature matching in constant time. The timestamp is signed as sent and not read here; its form,
 * window and the nonce are other rules (see the head of this file).
 */
export function verifyTencentQuery(query: TencentIncomingQuery, appSecret: string): TencentVerifyResult {
  const values: string[] = [];
  for (const param of TENCENT_QUERY_PARAMS) {
    const value = query[param];
    if (value === undefined) return { ok: false, problem: 'missing', param };
    if (typeof value !== 'string') return { ok: false, problem: 'repeated', param };
    values.push(value);
  }
  // One string per entry of TENCENT_QUERY_PARAMS, in its order (the loop above returns otherwise).
  const [app_id, nonce, sign, timestamp, signature] = values as [string, string, string, string, string];
  if (sign !== TENCENT_SIGN_ALGORITHM) return { ok: false, problem: 'unsupported_sign', sign };
  const fields = { app_id, nonce, sign, timestamp };
  if (!tencentSignatureMatches(fields, appSecret, signature)) return { ok: false, problem: 'bad_signature' };
  return { ok: true, fields };
}
