import type { FastifyInstance } from 'fastify';
import { TEST_CONTROL_PATH } from '../../core/test-control.js';
import { formatJosTimestamp } from '../../protocols/jos/timestamp.js';
import type { ReferenceState } from './state.js';
import type { ReviewRoute } from './store.js';

const MAX_SHIFT_S = 400 * 86_400;

/**
 * The test-control surface: move the business clock (all promotions, or one), route review (of
 * new promotions, or of one draft), force a status (a platform action such as force-suspend, 7),
 * reset. JSON in and out. Routes:
 *   GET  /__promoproof/info                      capabilities, fault, clock, counts
 *   POST /__promoproof/clock                     {advanceS}  the business clock of every promotion
 *   POST /__promoproof/review                    {route}     auto | manual | pending, for new promotions
 *   POST /__promoproof/promotions/:id/clock      {advanceS}  one promotion's clock
 *   POST /__promoproof/promotions/:id/review     {route}     one draft's route at commit
 *   POST /__promoproof/promotions/:id/status     {status}    force a status 1–7
 *   POST /__promoproof/reset                     clear every promotion, the clock and the route
 */
export function registerTestControl(app: FastifyInstance, state: ReferenceState): void {
  const { service, store, clock } = state;
  const clockBody = {
    type: 'object',
    required: ['advanceS'],
    additionalProperties: false,
    properties: { advanceS: { type: 'integer', minimum: -MAX_SHIFT_S, maximum: MAX_SHIFT_S } },
  } as const;
  const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
  const nowOf = (ms: number) => ({ nowMs: ms, now: formatJosTimestamp(ms) });
  const missing = (id: number) => ({ error: `no promotion ${id}` });

  app.get(`${TEST_CONTROL_PATH}/info`, async () => ({
    capabilities: ['test-control'],
    fault: state.fault ?? null,
    defaultReviewRoute: store.defaultReviewRoute,
    clockOffsetMs: clock.offsetMs(),
    ...nowOf(clock.nowMs()),
    promotions: store.promotions.size,
  }));

  app.post(`${TEST_CONTROL_PATH}/clock`, { schema: { body: clockBody } }, async (req) => {
    clock.advance((req.body as { advanceS: number }).advanceS * 1000);
    return { ...nowOf(clock.nowMs()), clockOffsetMs: clock.offsetMs() };
  });

  app.post(`${TEST_CONTROL_PATH}/promotions/:id/clock`, { schema: { params: idParams, body: clockBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const p = store.promotions.get(id);
    if (!p) return reply.code(404).send(missing(id));
    p.clockOffsetMs += (req.body as { advanceS: number }).advanceS * 1000;
    return { promo_id: id, ...nowOf(service.now(p)) };
  });

  const routeBody = {
    type: 'object',
    required: ['route'],
    additionalProperties: false,
    properties: { route: { enum: ['auto', 'manual', 'pending'] } },
  } as const;

  // Where new drafts go at commit, for every promotion created from now on.
  app.post(`${TEST_CONTROL_PATH}/review`, { schema: { body: routeBody } }, async (req) => {
    store.defaultReviewRoute = (req.body as { route: ReviewRoute }).route;
    return { route: store.defaultReviewRoute };
  });

  app.post(
    `${TEST_CONTROL_PATH}/promotions/:id/review`,
    {
      schema: {
        params: idParams,
        body: routeBody,
      },
    },
    async (req, reply) => {
      const id = (req.params as { id: number }).id;
      const p = store.promotions.get(id);
      if (!p) return reply.code(404).send(missing(id));
      if (p.committed) return reply.code(409).send({ error: `promotion ${id} is already committed` });
      p.reviewRoute = (req.body as { route: ReviewRoute }).route;
      return { promo_id: id, route: p.reviewRoute };
    },
  );

  app.post(
    `${TEST_CONTROL_PATH}/promotions/:id/status`,
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['status'],
          additionalProperties: false,
          properties: { status: { type: 'integer', minimum: 1, maximum: 7 } },
        },
      },
    },
    async (req, reply) => {
      const id = (req.params as { id: number }).id;
      const p = store.promotions.get(id);
      if (!p?.committed) return reply.code(404).send(missing(id));
      p.status = (req.body as { status: number }).status;
      return { promo_id: id, status: service.statusOf(p) };
    },
  );

  app.post(`${TEST_CONTROL_PATH}/reset`, async () => {
    store.promotions.clear();
    store.drafts.clear();
    store.defaultReviewRoute = 'auto';
    clock.advance(-clock.offsetMs());
    return { ok: true };
  });
}
