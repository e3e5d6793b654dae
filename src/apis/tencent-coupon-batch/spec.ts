/**
 * The two spec files of the Tencent 有数 coupon batch upload, loaded once and frozen:
 * specs/tencent-coupon-batch/spec.yaml (the body, its limits and their seed quotes) and
 * specs/tencent-data-api/protocol.yaml (query parameters, window, retcodes). Both are validated against
 * their schemas on load (parseSpec); a patched copy (faults) is not validated again.
 */
import { readFileSync } from 'node:fs';
import { relative as relativePath } from 'node:path';
import { parseSpec, SPECS_DIR, type SpecKind } from '../../spec/load.js';
import type { JsonSchema, Quote } from '../../spec/types.js';

/** The operation of this API, as its path under the protocol's pathPrefix. */
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
export const TENCENT_PROTOCOL_SPEC_FILE = 'tencent-data-api/protocol.yaml';

const cache = new Map<string, unknown>();

function load<T>(relative: string, kind: SpecKind): T {
  let value = cache.get(relative);
  if (value === undefined) {
    const file = SPECS_DIR + relative;
    value = deepFreeze(parseSpec(relativePath(process.cwd(), file) || file, readFileSync(file, 'utf8'), kind));
    cache.set(relative, value);
  }
  return value as T;
}

/** The coupon batch API spec, loaded and validated once per process, deep-frozen. */
export function loadCouponBatchSpec(): CouponBatchApiSpec {
  return load<CouponBatchApiSpec>(COUPON_BATCH_SPEC_FILE, 'api');
}

/** The data-api protocol spec, loaded and validated once per process, deep-frozen. */
export function loadTencentProtocol(): TencentProtocolSpec {
  return load<TencentProtocolSpec>(TENCENT_PROTOCOL_SPEC_FILE, 'protocol');
}

/** The add_coupon operation of the spec. */
export function addCouponOperation(spec: CouponBatchApiSpec = loadCouponBatchSpec()): BodyOperationSpec {
  return spec.operations[ADD_COUPON_OPERATION];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
