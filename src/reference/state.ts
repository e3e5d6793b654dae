/**
 * What the reference keeps per instance, apart from the server that builds it (server.ts) so that the
 * test control (test-control.ts) reads it without importing the server: no cycle between the two.
 */
import type { JosCredentials } from '../protocols/jos/credentials.js';
import type { JosProtocolSpec } from '../spec/types.js';
import type { BusinessClock } from './clock.js';
import type { FaultId } from './faults.js';
import type { PromotionService } from '../apis/jd-promotion/service.js';
import type { PromotionStore } from '../apis/jd-promotion/store.js';

/** What the reference keeps per instance, for the test control and for tests. */
export interface ReferenceState {
  readonly service: PromotionService;
  readonly store: PromotionStore;
  readonly clock: BusinessClock;
  readonly credentials: JosCredentials;
  readonly protocol: JosProtocolSpec;
  readonly fault: FaultId | undefined;
}
