import { type Handler, nums, ok, P, s } from './common.js';

export const HANDLERS: readonly (readonly [string, Handler])[] = [
  [
    P + 'prop.add',
    (svc, v, p) => {
      const promo = p!;
      const types = nums(v, 'type')!;
      const values = nums(v, 'num')!;
      const ways = nums(v, 'used_way')!;
      const ids: string[] = [];
      // Entries without a partner in the other arrays are dropped (arrays of unequal length, a reading).
      types.slice(0, Math.min(types.length, values.length, ways.length)).forEach((type, i) => {
        const prop = { type, num: values[i]!, usedWay: ways[i]! };
        const at = promo.props.findIndex((x) => x.type === type);
        if (at >= 0 && !svc.is('prop-first-add-holds')) promo.props[at] = prop;
        else promo.props.push(prop);
        ids.push(s(svc.deps.store.nextRuleId()));
      });
      return ok({ ids });
    },
  ],
  [
    P + 'prop.list',
    (_svc, _v, p) =>
      ok({ promo_prop_v_o_s: p!.props.map((x) => ({ promo_id: s(p!.id), type: s(x.type), num: s(x.num), used_way: s(x.usedWay) })) }),
  ],
];
