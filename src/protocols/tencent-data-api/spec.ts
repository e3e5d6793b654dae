/**
 * specs/tencent-data-api/protocol.yaml: the query parameters every data-api call carries, the window,
 * the nonce length and the reference's retcodes; loaded once, validated against its schema, frozen.
 */
import { loadSpecFile } from '../../spec/load.js';
import type { Quote } from '../../spec/types.js';

export const TENCENT_PROTOCOL_SPEC_FILE = 'tencent-data-api/protocol.yaml';

/** The one operation of the data-api the reference serves (卡券信息添加/更新), as its path under pathPrefix. */
export const ADD_COUPON_OPERATION = 'order/add_coupon';

/** A query parameter every data-api call carries. */
export interface TencentQueryParamSpec {
  readonly name: string;
  readonly required: boolean;
  readonly rules: readonly string[];
  readonly quote?: Quote;
}

/** A non-zero retcode of the reference (all ours: the document lists none). */
export interface TencentRetcodeSpec {
  readonly zh: string;
  readonly en: string;
  /** Always false today: a check never demands the code from another target. */
  readonly documented: boolean;
  readonly rules: readonly string[];
}

/** specs/tencent-data-api/protocol.yaml. */
export interface TencentProtocolSpec {
  readonly id: 'tencent-data-api';
  readonly title: string;
  readonly source: string;
  /** Every operation is POST `<pathPrefix>/<operation>`, e.g. `/data-api/v1`. */
  readonly pathPrefix: string;
  /** Accepted clock difference, whole seconds either way (TCC-REF-01). */
  readonly skewS: number;
  /** Longest nonce accepted, characters (TCC-REF-03). */
  readonly nonceMaxLength: number;
  readonly signAlgorithms: readonly string[];
  readonly queryParams: readonly TencentQueryParamSpec[];
  /** Largest body read, bytes. */
  readonly maxBodyBytes: number;
  /** Keyed by the retcode as a decimal string. */
  readonly retcodes: Readonly<Record<string, TencentRetcodeSpec>>;
}

/** The data-api protocol spec, loaded and validated once per process, deep-frozen. */
export function loadTencentProtocol(): TencentProtocolSpec {
  return loadSpecFile<TencentProtocolSpec>(TENCENT_PROTOCOL_SPEC_FILE, 'protocol');
}
