import { fenToYuan, yuanToFen as toCents } from '../../../core/money.js';
import type { PromoSku, Promotion } from '../store.js';
import { err, type Handler, type HandlerContext, nums, ok, P, page, s, type ServiceResult, type Values } from './common.js';

export function skuVO(svc: HandlerContext, p: Promotion, k: PromoSku): Record<string, string> {
  const promoPrice = k.promoPriceFen ?? (p.type === 1 && !svc.is('default-promo-price-empty') ? k.jdPriceFen : undefined);
  return {
    ware_id: s(k.wareId),
    item_num: k.itemNum,
    sku_id: s(k.skuId),
    sku_name: k.skuName,
    promo_id: s(p.id),
    jd_price: fenToYuan(k.jdPriceFen),
    promo_price: promoPrice === undefined ? '' : fenToYuan(promoPrice),
    seq: s(k.seq),
    num: s(k.num),
    bind_type: s(k.bindType),
  };
}

// ------------------------------------------------------------------ sku.add (JDP-SKU-01 … 09)

export function addSkus(svc: HandlerContext, v: Values, p: Promotion): ServiceResult {
  const { catalogue, api } = svc.deps;
  const skuIds = nums(v, 'sku_ids')!;
  const jd = nums(v, 'jd_prices')!;
  const promoPrices = nums(v, 'promo_prices');
  const seqs = nums(v, 'seq');
  const giftNums = nums(v, 'num');
  const binds = nums(v, 'bind_type');
  const batch = new Map<number, PromoSku>();
  for (let i = 0; i < skuIds.length; i++) {
    const skuId = skuIds[i]!;
    if (jd[i] === undefined) continue; // no jd price to go with it (arrays of unequal length, a reading)
    const bindType = binds?.[i] ?? 1;
    if (bindType === 2 && p.type !== 4 && p.type !== 10 && !svc.is('gift-bind-type-anywhere'))
      return err('param.error', `bind_type 2 (gift) is for gift and order-total promotions, not type ${p.type}`);
    const promoPrice = promoPrices?.[i];
    if (p.type === 6 && promoPrice === undefined && !svc.is('bundle-promo-price-optional'))
      return err('sku.promoPrice.invalid', 'bundles need promo_prices');
    if (p.type === 6 && seqs?.[i] === undefined) return err('sku.seq.invalid', 'bundles need seq');
    if (p.type === 4 && bindType === 2) {
      if (promoPrice === undefined && !svc.is('gift-return-price-optional'))
        return err('sku.promoPrice.invalid', 'gift SKUs need promo_prices (the return price)');
      if (giftNums?.[i] === undefined) return err('sku.num.invalid', 'gift SKUs need num');
    }
    const known = catalogue.get(skuId);
    if (!known && svc.reads('unknown-skus-refused')) return err('sku.skuId.invalid', `SKU ${skuId} is not in the seller's catalogue`);
    if (!known && !svc.is('invalid-skus-kept') && !svc.is('invalid-sku-ids-kept')) continue; // 无效的SKU会被剔除 (JDP-SKU-09)
    batch.set(skuId, {
      skuId,
      wareId: known?.wareId ?? 0,
      skuName: known?.name ?? '',
      itemNum: known?.itemNum ?? '',
      jdPriceFen: toCents(jd[i]!),
      promoPriceFen: promoPrice === undefined ? undefined : toCents(promoPrice),
      seq: p.type === 6 ? seqs?.[i] : undefined,
      num: p.type === 4 && bindType === 2 ? giftNums?.[i] : undefined,
      bindType,
    });
  }
  const replaceAll = svc.is('commit-keeps-last-batch');
  const merged = new Map(replaceAll ? [] : p.skus);
  for (const [id, k] of batch) if (!(svc.is('sku-readd-keeps-first') && merged.has(id))) merged.set(id, k);

  const cap = api.spec.limits['skusPerPromotion'];
  if (cap?.value !== undefined && merged.size > cap.value) {
    return err(cap.error ?? 'promo.sku.invalid', `a promotion holds at most ${cap.value} SKUs (would hold ${merged.size})`);
  }
  if (p.type === 6) {
    const bundle = api.spec.limits['bundleProducts'];
    const products = new Set([...merged.values()].map((k) => k.wareId)).size;
    if (bundle?.max !== undefined && products > bundle.max)
      return err(bundle.error ?? 'sku.seq.invalid', `a bundle has at most ${bundle.max} products (would have ${products})`);
    // Same product, same seq; different products, different seq: so seq 1–7 bounds a bundle to 7 products.
    const seqOfWare = new Map<number, number>();
    const wareOfSeq = new Map<number, number>();
    for (const k of merged.values()) {
      const seq = k.seq!;
      const sameWareOtherSeq = (seqOfWare.get(k.wareId) ?? seq) !== seq && !svc.is('bundle-seq-per-sku');
      if (sameWareOtherSeq || (wareOfSeq.get(seq) ?? k.wareId) !== k.wareId) {
        return err('sku.seq.invalid', `SKUs of product ${k.wareId} must share one seq, and products must not share a seq`);
      }
      seqOfWare.set(k.wareId, seq);
      wareOfSeq.set(seq, k.wareId);
    }
  }
  if (p.type === 4 && !svc.reads('gift-count-at-commit')) {
    const gifts = [...merged.values()].filter((k) => k.bindType === 2).length;
    const limit = api.spec.limits['giftSkusPerPromotion'];
    const max = limit?.max ?? 5;
    if (gifts > max) return err(limit?.error ?? 'gift.num.invalid', `a gift promotion has at most ${max} gift SKUs (would have ${gifts})`);
  }
  p.skus = merged;
  p.skuBatches++;
  return ok({ ids: [...batch.keys()].map((id) => s(id)) });
}

// ------------------------------------------------------------------ commit (JDP-COMMIT-01, JDP-SKU-05, JDP-REF-04)

export const HANDLERS: readonly (readonly [string, Handler])[] = [
  [P + 'sku.add', (svc, v, p) => addSkus(svc, v, p!)],
  [
    P + 'sku.list',
    (svc, v, p) => {
      const promo = p!;
      const ware = v['ware_id'] as number | undefined;
      const sku = v['sku_id'] as number | undefined;
      const bind = v['bind_type'] as number | undefined;
      const all = [...promo.skus.values()].filter(
        (k) =>
          (ware === undefined || k.wareId === ware) &&
          (sku === undefined || k.skuId === sku) &&
          (bind === undefined || k.bindType === bind),
      );
      return ok({ total_count: s(all.length), promo_sku_v_o_s: page(all, v).map((k) => ({ promo_sku_v_o: skuVO(svc, promo, k) })) });
    },
  ],
];
