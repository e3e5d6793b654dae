/**
 * The deliberate faults of the reference's Yoho gateway (gateway.ts, switched by `deps.fault`): each
 * one violation of one rule, so that a suite can show which of its checks catches it. Names are
 * `yoho-*`; a fault id the gateway does not know is ignored (it may be another API's).
 */

export const YOHO_FAULTS = {
  'yoho-sign-not-checked': {
    rule: 'UCP-REF-01',
    description: 'client_secret is not checked: any value is accepted, a missing one too (and client_type with it)',
  },
  'yoho-md5-wrong-salt': {
    rule: 'UCP-01',
    description: 'success md5 computed with the dev-branch salt 1313I923R4DFKJASDFKLAKDF; instead of the configured one',
  },
  'yoho-md5-reserialised': {
    rule: 'UCP-01',
    description:
      'success data written with one-space indentation, its md5 computed over the compact serialisation (bytes hashed are not bytes sent)',
  },
  'yoho-md5-missing': {
    rule: 'UCP-01',
    description: 'success answered without alg and md5',
  },
  'yoho-error-code-200': {
    rule: 'UCP-REF-03',
    description: 'refusals answered with code 200 and the error message (no alg, no md5)',
  },
  'yoho-signature-case-sensitive': {
    rule: 'UCP-REF-01',
    description: 'client_secret compared case-sensitively: the right signature in upper case is refused',
  },
  'yoho-key-appended': {
    rule: 'UCP-REF-01',
    description:
      'the private key appended after the sorted pairs instead of sorted among them as private_key=…: correctly signed calls are refused',
  },
  'yoho-get-refused': {
    rule: 'UCP-REF-04',
    description: 'only POST reaches the gateway: the parameters of a GET query are refused',
  },
  'yoho-client-type-ignored': {
    rule: 'UCP-REF-02',
    description: 'client_secret checked with the android key whatever client_type says (an unknown or missing client_type included)',
  },
} as const satisfies Record<string, { readonly rule: string; readonly description: string }>;

export type YohoFaultName = keyof typeof YOHO_FAULTS;

/** Whether `id` is a fault of the Yoho gateway (an API's fault list may hold others). */
export function isYohoFault(id: string | undefined): id is YohoFaultName {
  return id !== undefined && Object.hasOwn(YOHO_FAULTS, id);
}
