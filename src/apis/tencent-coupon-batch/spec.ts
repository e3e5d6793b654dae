/**
 * The spec of the Tencent 有数 coupon batch upload, specs/tencent-coupon-batch/spec.yaml (the body,
 * its limits and their seed quotes), loaded once, validated against its schema and frozen; a patched
 * copy (faults) is not validated again. The protocol's spec is src/protocols/tencent-data-api/spec.ts.
 */
import { loadSpecFile } from '../../spec/load.js';
import type { JsonSchema } from '../../spec/types.js';
import { ADD_COUPON_OPERATION } from '../../protocols/tencent-data-api/spec.js';

export {
  ADD_COUPON_OPERATION,
  loadTencentProtocol,
  TENCENT_PROTOCOL_SPEC_FILE,
  type TencentProtocolSpec,
  type TencentQueryParamSpec,
  type TencentRetcodeSpec,
} from '../../protocols/tencent-data-api/spec.js';

/** An operation with a JSON body (the `body` form of api-spec.schema.json). */
export interface BodyOperationSpec {
  readonly title: string;
  readonly rules: readonly string[];
  /** Self-contained draft-07 schema with promoproof keywords and the annotations rules / quote / by / examples. */
  readonly body: JsonSchema;
  /** A valid body, the generator's baseline. */
  readonly example: Readonly<Record<string, unknown>>;
  /** Schema of a success's `data`. */
  readonly answer: { readonly schema: JsonSchema; readonly rules: readonly string[] };
}

/** specs/tencent-coupon-batch/spec.yaml. */
export interface CouponBatchApiSpec {
  readonly id: 'tencent-coupon-batch';
  readonly title: string;
  readonly protocol: 'tencent-data-api';
  readonly source: string;
  readonly timeZone: string;
  readonly errors: Readonly<Record<string, never>>;
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  readonly operations: Readonly<Record<typeof ADD_COUPON_OPERATION, BodyOperationSpec>>;
}

export const COUPON_BATCH_SPEC_FILE = 'tencent-coupon-batch/spec.yaml';

/** The coupon batch API spec, loaded and validated once per process, deep-frozen. */
export function loadCouponBatchSpec(): CouponBatchApiSpec {
  return loadSpecFile<CouponBatchApiSpec>(COUPON_BATCH_SPEC_FILE, 'api');
}

/** The add_coupon operation of the spec. */
export function addCouponOperation(spec: CouponBatchApiSpec = loadCouponBatchSpec()): BodyOperationSpec {
  return spec.operations[ADD_COUPON_OPERATION];
}
