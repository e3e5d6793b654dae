/**
 * specs/yoho-gateway/protocol.yaml: the gateway's path, system parameters, signature, client types,
 * answer md5 and refusals; loaded once, validated against its schema, frozen.
 */
import { loadSpecFile } from '../../spec/load.js';
import type { Quote } from '../../spec/types.js';

export const YOHO_PROTOCOL_SPEC_FILE = 'yoho-gateway/protocol.yaml';

/** A parameter every call carries besides the application's. */
export interface YohoSystemParamSpec {
  readonly name: string;
  readonly required: boolean;
  /** Whether client_secret covers it. */
  readonly signed: boolean;
  readonly rules: readonly string[];
  readonly source: string;
  readonly quote?: Quote;
}

/** A refusal of the gateway: HTTP 200, `{code, message}`, no alg or md5. */
export interface YohoErrorSpec {
  readonly code: number;
  /** The message; `<method>` stands for the method named. */
  readonly message: string;
  readonly when: string;
  /** False for the reference's own codes: a check never demands them from another target. */
  readonly documented: boolean;
  readonly rules: readonly string[];
  readonly source: string;
}

/** specs/yoho-gateway/protocol.yaml. */
export interface YohoProtocolSpec {
  readonly id: 'yoho-gateway';
  readonly title: string;
  readonly source: string;
  /** Where the reference serves the gateway, e.g. /gateway. */
  readonly path: string;
  readonly httpMethods: readonly ('GET' | 'POST')[];
  /** The app_version sent unless a step sets another. */
  readonly appVersion: string;
  readonly systemParams: readonly YohoSystemParamSpec[];
  readonly signature: {
    readonly param: string;
    readonly keyParam: string;
    readonly caseInsensitive: boolean;
    readonly unsigned: readonly string[];
    readonly rules: readonly string[];
    readonly source: string;
  };
  readonly clientTypes: { readonly names: readonly string[]; readonly rules: readonly string[]; readonly source: string };
  readonly md5: {
    readonly alg: string;
    /** The canonical (master-branch) salt, public. */
    readonly salt: string;
    readonly devSalt?: string;
    readonly rules: readonly string[];
    readonly source: string;
    readonly quote?: Quote;
  };
  readonly success: {
    readonly code: number;
    readonly message: string;
    readonly rules: readonly string[];
    readonly source: string;
    readonly quote?: Quote;
  };
  readonly errors: readonly YohoErrorSpec[];
}

/** The Yoho gateway protocol spec, loaded and validated once per process, deep-frozen. */
export function loadYohoProtocol(): YohoProtocolSpec {
  return loadSpecFile<YohoProtocolSpec>(YOHO_PROTOCOL_SPEC_FILE, 'protocol');
}
