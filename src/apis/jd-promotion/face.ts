/**
 * The JD promotion service's reference face: the service over its store and catalogue, served by the
 * reference's JOS router, and its test control (JDP-REF-08).
 */
import { acceptedCredentials } from '../../protocols/jos/credentials.js';
import { createClock } from '../../reference/clock.js';
import type { Face } from '../types.js';
import { createCatalogue } from './catalogue.js';
import { enforcedSpec } from './enforced-spec.js';
import { PromotionService } from './service.js';
import type { ReferenceState } from './state.js';
import { createStore } from './store.js';
import { registerTestControl } from './test-control.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The JD promotion service's state (its service, store and business clock, the JOS credentials and protocol). */
    readonly promoproof: ReferenceState;
  }
}

export const promotionFace: Face = {
  mount: (app, ctx): ReferenceState => {
    const { api, protocol } = enforcedSpec(ctx.fault);
    const clock = createClock(ctx.now);
    const store = createStore();
    const service = new PromotionService({
      api,
      store,
      catalogue: createCatalogue(ctx.server.catalogue),
      clock,
      fault: ctx.fault,
      readings: ctx.readings,
    });
    const state: ReferenceState = {
      service,
      store,
      clock,
      credentials: acceptedCredentials(ctx.server.credentials),
      protocol,
      fault: ctx.fault,
    };
    if (ctx.testControl) registerTestControl(app, state);
    return state;
  },
  decorateAs: 'promoproof',
  josService: (state) => (state as ReferenceState).service,
  josProtocol: (fault) => enforcedSpec(fault).protocol,
};
