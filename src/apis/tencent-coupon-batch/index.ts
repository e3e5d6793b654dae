/**
 * The Tencent 有数 coupon batch upload (卡券信息添加/更新), reference face: its specs, body validation,
 * store, service, faults and test control. `mountTencentCouponBatch` puts all of it, with the
 * data-api gateway, on a fastify instance.
 */
import type { FastifyInstance } from 'fastify';
import { TENCENT_TEST_CREDENTIALS, type TencentCredentials } from '../../protocols/tencent-data-api/credentials.js';
import { registerTencentGateway, type TencentGatewayOptions } from '../../protocols/tencent-data-api/gateway.js';
import { isTencentFault, isTencentMutation, type TencentBodyFault, tencentProtocolFor } from './faults.js';
import { type CouponBatchService, createCouponBatchService } from './service.js';
import { loadTencentProtocol } from './spec.js';
import { type CouponBatchStore, createCouponBatchStore } from './store.js';
import { registerCouponBatchTestControl } from './test-control.js';

export {
  TENCENT_FAULTS,
  isTencentFault,
  isTencentMutation,
  tencentFault,
  tencentProtocolFor,
  type MutableTencentProtocol,
  type TencentBodyFault,
  type TencentFaultDef,
  type TencentFaultId,
  type TencentFaultLayer,
} from './faults.js';
export type { SchemaNode } from './schema-node.js';
export { type BodyMutation, bodyMutations, bodyMutationsById, TENCENT_MUTATION_PREFIX, type TencentMutationId } from './spec-mutations.js';
export {
  type CouponAction,
  type CouponBatchService,
  type CouponBatchServiceDeps,
  createCouponBatchService,
  MAX_IN_ERRMSG,
  MAX_LISTED,
  type ServiceAnswer,
} from './service.js';
export {
  ADD_COUPON_OPERATION,
  addCouponOperation,
  type BodyOperationSpec,
  COUPON_BATCH_SPEC_FILE,
  type CouponBatchApiSpec,
  loadCouponBatchSpec,
  loadTencentProtocol,
  TENCENT_PROTOCOL_SPEC_FILE,
  type TencentProtocolSpec,
  type TencentQueryParamSpec,
  type TencentRetcodeSpec,
} from './spec.js';
export { type CouponBatchStore, createCouponBatchStore, type StoredCoupon, type UpsertInput } from './store.js';
export { COUPON_BATCH_CONTROL_PATH, type CouponBatchControlDeps, registerCouponBatchTestControl } from './test-control.js';
export {
  type BodyProblem,
  type BodyValidation,
  type BodyValidationOptions,
  type CouponBatchBody,
  type CouponInput,
  createBodyAjv,
  validateCouponBatchBody,
} from './validate.js';

export interface MountOptions {
  /** The test credentials by default. */
  readonly credentials?: TencentCredentials;
  /** Real clock, epoch ms; Date.now by default. */
  readonly now?: () => number;
  /** A fault of TENCENT_FAULTS or a body mutation (`spec:tcc:…`); a name of another API's faults is ignored. */
  readonly fault?: string;
  /** Register the test-control routes (the gateway's and the store's). */
  readonly testControl?: boolean;
  /** A store to share (the coupon platform claims from it); a new one by default. */
  readonly store?: CouponBatchStore;
  /**
   * Validate a field where it has no effect for the coupon's sub type too (the reading
   * `coupon-no-effect-fields-validated`); by default such a field is ignored (TCC-REF-16).
   */
  readonly noEffectValidated?: boolean;
  /** Rewrites a success into another shape the documents allow (the answer-shape readings, src/reference/answer-shapes.ts). */
  readonly reshapeSuccess?: TencentGatewayOptions['reshapeSuccess'];
}

/** What was mounted, for the test control and the coupon platform. */
export interface MountedCouponBatch {
  readonly store: CouponBatchStore;
  readonly service: CouponBatchService;
  readonly fault: TencentBodyFault | undefined;
}

/** Mounts the gateway, the service and (with `testControl`) the control routes on `app`. */
export function mountTencentCouponBatch(app: FastifyInstance, options: MountOptions = {}): MountedCouponBatch {
  const now = options.now ?? Date.now;
  const fault = isTencentFault(options.fault) || isTencentMutation(options.fault) ? options.fault : undefined;
  const store = options.store ?? createCouponBatchStore(now);
  // A fault of a protocol choice (the window, the nonce length) runs on a patched copy of the spec.
  const protocol = tencentProtocolFor(loadTencentProtocol(), fault);
  const service = createCouponBatchService({ store, protocol, fault, ...(options.noEffectValidated ? { noEffectValidated: true } : {}) });
  registerTencentGateway(app, {
    service,
    credentials: options.credentials ?? TENCENT_TEST_CREDENTIALS,
    now,
    protocol,
    ...(fault ? { fault } : {}),
    ...(options.testControl ? { testControl: true } : {}),
    ...(options.reshapeSuccess ? { reshapeSuccess: options.reshapeSuccess } : {}),
  });
  if (options.testControl) registerCouponBatchTestControl(app, { store });
  return { store, service, fault };
}
