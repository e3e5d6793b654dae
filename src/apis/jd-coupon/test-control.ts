/**
 * Test control of the coupon platform (JSON in and out; off unless asked for), so expiry, daily limits
 * and the 365-day birthday rule are reachable without waiting (CPN-REF-12):
 *   GET  /__promoproof/coupon-platform/info                  the business clock's offset
 *   POST /__promoproof/coupon-platform/clock   {advanceS, uid?}   moves the business clock forward: one user's
 *        (so concurrent checks of other users are not disturbed), or the whole platform's
 *   POST /__promoproof/coupon-platform/profile {uid, birthday? | birthdayInDays?, vipLevel?, newUser?}   sets a user's
 *        profile (birthdayInDays: the platform's today plus that many days, so a scenario can say "today")
 *   POST /__promoproof/coupon-platform/reset                  forgets every coupon, profile and the clock offset
 * The JOS and Yoho request checks always use the real clock.
 */
import type { FastifyInstance } from 'fastify';
import { TEST_CONTROL_PATH } from '../../core/test-control.js';
import type { BusinessClock } from '../../reference/clock.js';
import { birthdayMonth, type CouponPlatform } from '../coupon-platform/platform.js';

export const COUPON_PLATFORM_CONTROL_PATH = `${TEST_CONTROL_PATH}/coupon-platform`;

const MAX_ADVANCE_S = 10 * 366 * 86_400;

export function registerCouponPlatformTestControl(app: FastifyInstance, deps: { platform: CouponPlatform; clock: BusinessClock }): void {
  const { platform, clock } = deps;
  const base = COUPON_PLATFORM_CONTROL_PATH;
  const body = (raw: unknown): Record<string, unknown> =>
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  app.get(`${base}/info`, async () => ({ clockOffsetS: Math.round(clock.offsetMs() / 1000), nowMs: clock.nowMs() }));
  app.post(`${base}/clock`, async (req, reply) => {
    const b = body(req.body);
    const s = Number(b['advanceS']);
    if (!Number.isSafeInteger(s) || s < 0 || s > MAX_ADVANCE_S)
      return reply.code(400).send({ error: `advanceS must be an integer 0…${MAX_ADVANCE_S}` });
    if (b['uid'] !== undefined) {
      const uid = Number(b['uid']);
      if (!Number.isSafeInteger(uid) || uid < 1) return reply.code(400).send({ error: 'uid must be a positive integer' });
      platform.advanceUser(uid, s * 1000);
      return { uid, clockOffsetS: Math.round((platform.now(uid) - platform.now()) / 1000 + clock.offsetMs() / 1000) };
    }
    clock.advance(s * 1000);
    return { clockOffsetS: Math.round(clock.offsetMs() / 1000) };
  });
  app.post(`${base}/profile`, async (req, reply) => {
    const b = body(req.body);
    const uid = Number(b['uid']);
    if (!Number.isSafeInteger(uid) || uid < 1) return reply.code(400).send({ error: 'uid must be a positive integer' });
    const inDays = b['birthdayInDays'] === null ? undefined : b['birthdayInDays'];
    if (inDays !== undefined && (!Number.isSafeInteger(inDays) || Math.abs(inDays as number) > 3660))
      return reply.code(400).send({ error: 'birthdayInDays must be an integer of at most 3660 either way' });
    const birthday = inDays === undefined ? b['birthday'] : platform.dateInDays(inDays as number, uid);
    if (birthday !== undefined && (typeof birthday !== 'string' || birthdayMonth(birthday) === undefined))
      return reply.code(400).send({ error: 'birthday must be MM-DD or YYYY-MM-DD' });
    const vip = b['vipLevel'] === undefined ? 0 : Number(b['vipLevel']);
    if (!Number.isSafeInteger(vip) || vip < 0) return reply.code(400).send({ error: 'vipLevel must be a non-negative integer' });
    const newUser = b['newUser'];
    if (newUser !== undefined && typeof newUser !== 'boolean') return reply.code(400).send({ error: 'newUser must be a boolean' });
    platform.setProfile(uid, {
      vipLevel: vip,
      ...(typeof birthday === 'string' ? { birthday } : {}),
      ...(newUser === undefined ? {} : { newUser }),
    });
    return { uid, profile: platform.profile(uid) };
  });
  app.post(`${base}/reset`, async () => {
    platform.reset();
    clock.advance(-clock.offsetMs());
    return { reset: true };
  });
}
