import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/reference/server.js';
import { createTestClient, DAY_MS, outcome } from '../helpers/jos.js';

describe('test control (JDP-REF-08)', () => {
  it('is absent unless asked for', async () => {
    const app = buildServer();
    expect((await app.inject({ method: 'GET', url: '/__promoproof/info' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/__promoproof/clock', payload: { advanceS: 60 } })).statusCode).toBe(404);
  });

  it('routes every new promotion to manual review, then back to automatic', async () => {
    const c = createTestClient();
    expect((await c.control('review', { route: 'manual' })).json).toEqual({ route: 'manual' });
    const manual = await c.promotion();
    const get = async (id: number) => {
      const a = await c.call('get', { promo_id: id });
      return a.kind === 'success' ? (a.body['promotion_v_o'] as Record<string, string>)['status'] : outcome(a);
    };
    expect(await get(manual)).toBe('3');
    await c.control('review', { route: 'auto' });
    expect(await get(await c.promotion())).toBe('5');
    expect((await c.control('info')).json).toMatchObject({ defaultReviewRoute: 'auto', capabilities: ['test-control'] });
  });

  it('moves the business clock and answers the new time in UTC+8', async () => {
    const c = createTestClient({ now: () => Date.UTC(2026, 10, 23, 2, 0, 0) });
    expect((await c.control('clock', { advanceS: 3600 })).json).toMatchObject({ now: '2026-11-23 11:00:00', clockOffsetMs: 3_600_000 });
    // Beginning half an hour from the real clock, it is already in effect on the moved business clock.
    const later = await c.promotion('single', { beginInMs: 30 * 60_000, endInMs: DAY_MS });
    const a = await c.call('get', { promo_id: later });
    expect(a.kind === 'success' && (a.body['promotion_v_o'] as Record<string, string>)['status']).toBe('5');
  });

  it('refuses malformed bodies with 400, unknown promotions with 404, committed drafts with 409', async () => {
    const c = createTestClient();
    expect((await c.control('clock', { advanceS: 'soon' })).status).toBe(400);
    expect((await c.control('review', { route: 'sideways' })).status).toBe(400);
    expect((await c.control('promotions/999/clock', { advanceS: 1 })).status).toBe(404);
    const id = await c.promotion();
    expect((await c.control(`promotions/${id}/review`, { route: 'manual' })).status).toBe(409);
    expect((await c.control(`promotions/${id}/status`, { status: 8 })).status).toBe(400);
    expect((await c.control(`promotions/${id}/status`, { status: 7 })).json).toEqual({ promo_id: id, status: 7 });
  });

  it('resets every promotion, the clock and the route', async () => {
    const c = createTestClient();
    await c.promotion();
    await c.control('clock', { advanceS: 100 });
    await c.control('review', { route: 'pending' });
    await c.control('reset', {});
    expect((await c.control('info')).json).toMatchObject({ promotions: 0, clockOffsetMs: 0, defaultReviewRoute: 'auto' });
  });
});
