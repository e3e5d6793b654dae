import type { OrderMode } from '../store.js';
import { type Handler, nums, ok, P, s } from './common.js';

export const HANDLERS: readonly (readonly [string, Handler])[] = [
  [
    P + 'ordermode.add',
    (svc, v, p) => {
      const promo = p!;
      const favorMode = v['favor_mode'] as number;
      const quota = nums(v, 'quota')!;
      const rate = nums(v, 'rate');
      const plus = nums(v, 'plus')?.[0];
      const minus = nums(v, 'minus')?.[0];
      const link = v['link'] as string | undefined;
      promo.orderModes = quota.map((q, i): OrderMode => ({ favorMode, quota: q, rate: rate?.[i], plus, minus, link }));
      return ok({ ids: promo.orderModes.map(() => s(svc.deps.store.nextRuleId())) });
    },
  ],
  [
    P + 'ordermode.list',
    (svc, _v, p) => {
      const promo = p!;
      const modes = svc.is('ordermode-list-empty') ? [] : promo.orderModes;
      return ok({
        promo_order_mode_v_os: modes.map((m) => ({
          promo_id: s(promo.id),
          favor_mode: s(m.favorMode),
          quota: s(m.quota),
          rate: s(m.rate),
          plus: s(m.plus),
          minus: s(m.minus),
          link: m.link ?? '',
        })),
      });
    },
  ],
];
