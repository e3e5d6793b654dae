/**
 * The reference's non-zero retcodes of the Tencent data-api, by name. The document lists none
 * (PROTOCOLS.md §2d): these are ours (TCC-REF-05), their texts in specs/tencent-data-api/protocol.yaml
 * `retcodes` (a test keeps the two in step). A check of another target demands a non-zero retcode,
 * never one of these.
 */
import type { TencentProtocolSpec } from './spec.js';
import { errorEnvelope, type TencentEnvelope } from './envelope.js';

export const TENCENT_RETCODES = {
  missingParam: 40001,
  signAlgorithm: 40002,
  unknownAppId: 40003,
  badSignature: 40004,
  timestampWindow: 40005,
  nonceReused: 40006,
  timestampForm: 40007,
  nonceTooLong: 40008,
  unknownPath: 40400,
  methodNotAllowed: 40500,
  bodyUnreadable: 41001,
  bodyInvalid: 41002,
  internal: 50000,
} as const;

export type TencentRetcodeName = keyof typeof TENCENT_RETCODES;

/**
 * The error envelope of a retcode: `errmsg` is the code's English text from the protocol spec, then
 * `: <detail>` when given; `data` `{}` unless given.
 */
export function tencentError(
  protocol: TencentProtocolSpec,
  name: TencentRetcodeName,
  detail?: string,
  data?: Record<string, unknown>,
): TencentEnvelope {
  const code = TENCENT_RETCODES[name];
  const text = protocol.retcodes[String(code)]?.en ?? name;
  return errorEnvelope(code, detail ? `${text}: ${detail}` : text, data);
}
