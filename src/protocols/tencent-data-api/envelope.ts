/**
 * Answer envelopes of the Tencent 有数 data-api (PROTOCOLS.md §2c; seed tencent-add-coupon-api.zh.txt,
 * "应答体结构"): `{"retcode": <integer>, "errmsg": <string>, "data": <object>}`, `retcode` 0 = success.
 *
 * The document lists no non-zero retcode (PROTOCOLS.md §2d): the codes the reference answers with are
 * ours, chosen elsewhere; this module only builds and reads the envelope.
 */

export interface TencentEnvelope {
  readonly retcode: number;
  readonly errmsg: string;
  readonly data: Record<string, unknown>;
}

/** The retcode of success, the only one the document gives. */
export const SUCCESS_RETCODE = 0;

/** A success answer, keys in the document's order; `data` is `{}` unless given, as in the document's example. */
export function successEnvelope(data: Record<string, unknown> = {}): TencentEnvelope {
  return { retcode: SUCCESS_RETCODE, errmsg: '', data };
}

/**
 * An error answer: a non-zero integer `retcode`, the reason in `errmsg`, `data` `{}` unless given
 * (the shape PROTOCOLS.md §2d proposes). Throws a RangeError for retcode 0 or a non-integer, which
 * would not read back as an error.
 */
export function errorEnvelope(retcode: number, errmsg: string, data: Record<string, unknown> = {}): TencentEnvelope {
  if (!Number.isSafeInteger(retcode) || retcode === SUCCESS_RETCODE) {
    throw new RangeError(`an error retcode is a non-zero integer, got ${retcode}`);
  }
  return { retcode, errmsg, data };
}

/** A decoded answer, in terms free of this protocol: success with its data, an error with its code, or neither. */
export type TencentAnswer =
  | { readonly kind: 'success'; readonly data: Record<string, unknown> }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Reads a parsed JSON answer. Malformed (with the reason): anything but a JSON object; `retcode`
 * absent, or not an integer (the string `"0"` included: the document types it integer); `errmsg`
 * present but not a string; on success, `data` absent or not an object. An absent `errmsg` reads as
 * `''`; the `data` of an error is not read. Other keys are ignored.
 */
export function decodeAnswer(json: unknown): TencentAnswer {
  if (!isObject(json)) return { kind: 'malformed', reason: 'answer is not a JSON object' };
  const retcode = json['retcode'];
  if (retcode === undefined) return { kind: 'malformed', reason: 'answer has no retcode' };
  if (typeof retcode !== 'number' || !Number.isSafeInteger(retcode)) {
    return { kind: 'malformed', reason: `retcode is not an integer (got ${describe(retcode)})` };
  }
  const errmsg = json['errmsg'];
  if (errmsg !== undefined && typeof errmsg !== 'string') {
    return { kind: 'malformed', reason: `errmsg is not a string (got ${describe(errmsg)})` };
  }
  if (retcode !== SUCCESS_RETCODE) return { kind: 'error', code: String(retcode), message: errmsg ?? '' };
  const data = json['data'];
  if (data === undefined) return { kind: 'malformed', reason: 'success answer has no data' };
  if (!isObject(data)) return { kind: 'malformed', reason: `data is not an object (got ${describe(data)})` };
  return { kind: 'success', data };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A short description of an unexpected value, for reasons. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
