/**
 * Creating, reading and listing promotions: add, get, list (JDP-ADD, JDP-GET, JDP-LIST).
 */
import { parseJosTimestamp } from '../../../protocols/jos/timestamp.js';
import type { Promotion } from '../store.js';
import { err, type Handler, type HandlerContext, ok, P, page, s } from './common.js';

export function promotionVO(svc: HandlerContext, p: Promotion, inList = false): Record<string, string> {
  return {
    promo_id: s(p.id),
    name: p.name,
    type: s(p.type),
    bound: s(p.bound),
    begin_time: p.beginTime,
    end_time: p.endTime,
    member: inList && svc.is('list-omits-member') ? '' : s(p.member),
    slogan: svc.is('get-drops-slogan') ? '' : p.slogan,
    comment: p.comment,
    favor_mode: s(p.favorMode),
    status: s(svc.statusOf(p)),
  };
}

export const HANDLERS: readonly (readonly [string, Handler])[] = [
  [
    P + 'add',
    (svc, v) => {
      svc.sweepDrafts();
      const { store, clock } = svc.deps;
      const type = v['type'] as number;
      const beginTime = v['begin_time'] as string;
      const endTime = v['end_time'] as string;
      if ((svc.is('begin-must-be-future') || svc.reads('begin-in-past-refused')) && parseJosTimestamp(beginTime, false)! < clock.nowMs())
        return err('promo.beginTime.invalid', 'begin_time lies in the past');
      const p: Promotion = {
        id: store.nextPromotionId(),
        name: v['name'] as string,
        type,
        beginTime,
        endTime,
        beginMs: parseJosTimestamp(beginTime, false)!,
        endMs: parseJosTimestamp(endTime, false)!,
        bound: type === 10 && typeof v['bound'] === 'number' ? v['bound'] : null,
        member: v['member'] as number,
        slogan: (v['slogan'] as string | undefined) ?? '',
        comment: (v['comment'] as string | undefined) ?? '',
        favorMode: typeof v['favor_mode'] === 'number' && !svc.is('favor-mode-dropped') ? v['favor_mode'] : null,
        createdMs: clock.nowMs(),
        committed: false,
        status: null,
        reviewRoute: store.defaultReviewRoute,
        clockOffsetMs: 0,
        activityMode: undefined,
        props: [],
        skus: new Map(),
        orderModes: [],
        skuBatches: 0,
      };
      store.promotions.set(p.id, p);
      store.drafts.add(p.id);
      return ok(svc.is('add-answers-no-promo-id') ? { id: s(p.id) } : { promo_id: s(p.id) });
    },
  ],
  [P + 'get', (svc, _v, p) => ok({ promotion_v_o: promotionVO(svc, p!) })],
  [
    P + 'list',
    (svc, v) => {
      const type = v['type'] as number | undefined;
      const status = v['status'] as number | undefined;
      const begin = typeof v['begin_time'] === 'string' ? parseJosTimestamp(v['begin_time'], false) : undefined;
      const end = typeof v['end_time'] === 'string' ? parseJosTimestamp(v['end_time'], false) : undefined;
      const skuId = v['sku_id'] as number | undefined;
      const matches: Promotion[] = [];
      for (const p of svc.deps.store.promotions.values()) {
        if (!p.committed && !(svc.is('drafts-visible') && !svc.draftExpired(p))) continue;
        if (type !== undefined && p.type !== type) continue;
        if (begin !== undefined && p.beginMs < begin) continue;
        if (end !== undefined && p.endMs > end) continue;
        if (skuId !== undefined && !p.skus.has(skuId)) continue;
        if (status !== undefined) {
          const st = svc.statusOf(p);
          // 进行中 (8): in effect and within its window; answered as 5.
          const running = st === 5 && svc.now(p) >= p.beginMs && !svc.ended(p);
          if (status === 8 ? !running : st !== status) continue;
        }
        matches.push(p);
      }
      const items = page(matches, v);
      return ok({
        total_count: s(svc.is('list-total-of-page') ? items.length : matches.length),
        promotion_v_o_s: items.map((p) => ({ promotion_v_o: promotionVO(svc, p, true) })),
      });
    },
  ],
];
