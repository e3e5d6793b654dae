import { fenToYuan, yuanToFen as toCents } from '../../../core/money.js';
import type { Promotion } from '../store.js';
import { err, type Handler, type HandlerContext, ok, P, type ServiceResult } from './common.js';

export function transition(svc: HandlerContext, method: string, p: Promotion, to: (from: number) => number | 'deleted'): ServiceResult {
  const t = svc.deps.api.spec.transitions[method];
  if (!t) return err('system.exception', `no transition for ${method}`);
  if (svc.ended(p) && !svc.is('ended-still-mutable')) return err('promo.end', `promotion ${p.id} ended at ${p.endTime}`);
  const from = svc.statusOf(p);
  const anyStatus = method === P + 'check' && svc.is('check-any-status');
  if (!anyStatus && !t.from.includes(from)) return err(t.refused, `not allowed from status ${from}`);
  const next = to(from);
  if (next === 'deleted') svc.forget(p.id);
  else {
    p.status = next;
    svc.statusOf(p);
  }
  return ok({ count: '1' });
}

function commit(svc: HandlerContext, p: Promotion): ServiceResult {
  const problem = commitProblem(svc, p);
  if (problem) return problem;
  p.committed = true;
  svc.deps.store.drafts.delete(p.id);
  const route = svc.is('review-route-ignored')
    ? 'auto'
    : svc.reads('review-by-hand') && p.reviewRoute === 'auto'
      ? 'manual'
      : p.reviewRoute;
  p.status = route === 'manual' ? 3 : route === 'pending' ? 2 : svc.is('auto-review-leaves-pending') ? 2 : 4;
  svc.statusOf(p);
  return ok({ success: true });
}

function commitProblem(svc: HandlerContext, p: Promotion): ServiceResult | undefined {
  const skus = [...p.skus.values()];
  const mains = skus.filter((k) => k.bindType === 1);
  const gifts = skus.filter((k) => k.bindType === 2);
  const needsMain = p.type !== 10 || p.bound !== 2;
  if (needsMain && mains.length === 0 && !svc.is('commit-without-main-sku'))
    return err('promo.sku.invalid', 'the promotion has no main SKU');
  switch (p.type) {
    case 1:
      if (p.props.length === 0 && mains.some((k) => k.promoPriceFen === undefined) && !svc.is('single-without-price-or-prop')) {
        return err('param.null', 'SKUs without promo price need a prop (促销道具)');
      }
      return undefined;
    case 4: {
      const limit = svc.deps.api.spec.limits['giftSkusPerPromotion'];
      if (gifts.length < (limit?.min ?? 1) || gifts.length > (limit?.max ?? 5))
        return err(
          limit?.error ?? 'gift.num.invalid',
          `a gift promotion needs ${limit?.min ?? 1}–${limit?.max ?? 5} gift SKUs, has ${gifts.length}`,
        );
      if (svc.is('gift-price-unchecked')) return undefined;
      const giftTotal = gifts.reduce((sum, k) => sum + k.jdPriceFen * (svc.is('gift-total-counts-max-num') ? 3 : (k.num ?? 1)), 0);
      const lowestMain = Math.min(...mains.map((k) => k.jdPriceFen));
      if (giftTotal >= lowestMain)
        return err(
          'gift.price.invalid',
          `gift total ${fenToYuan(giftTotal)} is not below the lowest main JD price ${fenToYuan(lowestMain)}`,
        );
      return undefined;
    }
    case 6: {
      const products = new Set(skus.map((k) => k.wareId)).size;
      if (products < 2) return err('ware.num.invalid', `a bundle needs at least 2 products, has ${products}`);
      return undefined;
    }
    case 10: {
      const mode = p.orderModes[0];
      if (!mode)
        return svc.is('order-total-without-rule')
          ? undefined
          : err('param.null', 'an order-total promotion needs an order rule (ordermode.add)');
      if (mode.favorMode !== 16 || svc.is('mode16-commit-unchecked')) return undefined;
      if (mode.plus !== undefined && gifts.length === 0) return err('ordermode.plus.invalid', 'a plus amount needs a gift SKU');
      if (mode.minus === undefined && (gifts.length === 0 || svc.is('mode16-minus-required')))
        return err('ordermode.minus.invalid', 'spend-M needs a minus amount or a gift SKU');
      const quotaFen = toCents(mode.quota);
      const plusFen = mode.plus === undefined ? 0 : toCents(mode.plus);
      const bad = gifts.find((k) => !(k.jdPriceFen > plusFen && k.jdPriceFen < quotaFen));
      if (bad)
        return err('gift.price.invalid', `gift ${bad.skuId} JD price ${fenToYuan(bad.jdPriceFen)} must be above plus and below quota`);
      return undefined;
    }
    default:
      return undefined;
  }
}

export const HANDLERS: readonly (readonly [string, Handler])[] = [
  [
    P + 'commit',
    (svc, _v, p) => {
      const r = commit(svc, p!);
      return r.ok && svc.is('commit-answers-without-success') ? ok({}) : r;
    },
  ],
  [P + 'check', (svc, v, p) => transition(svc, P + 'check', p!, () => v['status'] as number)],
  [P + 'suspend', (svc, _v, p) => transition(svc, P + 'suspend', p!, () => 6)],
  [P + 'resume', (svc, _v, p) => transition(svc, P + 'resume', p!, () => 5)],
  [P + 'delete', (svc, _v, p) => transition(svc, P + 'delete', p!, () => 'deleted')],
];
