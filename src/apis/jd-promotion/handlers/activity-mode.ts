import { type Handler, ok, P, s } from './common.js';

export const HANDLERS: readonly (readonly [string, Handler])[] = [
  [
    P + 'activitymode.add',
    (svc, v, p) => {
      const promo = p!;
      if (promo.activityMode && svc.is('activitymode-first-call-holds')) return ok({ id: s(promo.activityMode.id) });
      const freq = v['freq_bound'] as number;
      const one = freq === 1 && !svc.is('freq-bound-ignored');
      promo.activityMode = {
        id: svc.deps.store.nextRuleId(),
        numBound: v['num_bound'] as number,
        freqBound: freq,
        perMaxNum: one ? 1 : (v['per_max_num'] as number),
        perMinNum: one ? 1 : (v['per_min_num'] as number),
      };
      return ok({ id: s(promo.activityMode.id) });
    },
  ],
  [
    P + 'activitymode.get',
    (svc, _v, p) => {
      const promo = p!;
      const m =
        svc.is('activitymode-get-defaults') && promo.activityMode
          ? { ...promo.activityMode, numBound: 0, freqBound: 0, perMaxNum: 0, perMinNum: 0 }
          : promo.activityMode;
      return ok({
        activity_mode: m
          ? {
              id: s(m.id),
              promo_id: s(promo.id),
              num_bound: s(m.numBound),
              freq_bound: s(m.freqBound),
              per_max_num: s(m.perMaxNum),
              per_min_num: s(m.perMinNum),
            }
          : null,
      });
    },
  ],
];
