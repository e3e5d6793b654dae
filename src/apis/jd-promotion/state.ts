/**
 * What the JD promotion service's face keeps per reference instance (`app.promoproof`, and
 * `app.faces['jd-promotion']`), apart from the face that builds it so that the test control
 * (test-control.ts) reads it without importing the face: no cycle between the two.
 */
import type { JosCredentials } from '../../protocols/jos/credentials.js';
import type { BusinessClock } from '../../reference/clock.js';
import type { JosProtocolSpec } from '../../spec/types.js';
import type { PromotionService } from './service.js';
import type { PromotionStore } from './store.js';

/** What the reference keeps of the JD promotion service, for the test control and for tests. */
export interface ReferenceState {
  readonly service: PromotionService;
  readonly store: PromotionStore;
  readonly clock: BusinessClock;
  /** The JOS credentials the reference's router accepts. */
  readonly credentials: JosCredentials;
  /** The JOS protocol as enforced under the fault. */
  readonly protocol: JosProtocolSpec;
  readonly fault: string | undefined;
}
