import type { CompiledApi, CompiledOperation } from '../spec/compile.js';
import { normalizeValue } from '../spec/normalize.js';
import { validateRequest, type Leniency } from '../spec/validate-request.js';
import { fenToYuan, yuanToFen as toCents } from '../util/money.js';
import { parseJosTimestamp } from '../protocols/jos/timestamp.js';
import type { Catalogue } from './catalogue.js';
import type { BusinessClock } from './clock.js';
import type { FaultId, FaultName } from './faults.js';
import type { ReadingId } from './readings.js';
import type { OrderMode, PromoSku, Promotion, PromotionStore } from './store.js';

/** What a method answers: the inner object of a success, or a business error code. */
export type ServiceResult = (
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly code: string; readonly message?: string }
) & {
  /** What the request sent that was left out (undeclared, or optional `""`): for the log (JOS-REF-04). */
  readonly notes?: Leniency;
};

export interface ServiceDeps {
  readonly api: CompiledApi;
  readonly store: PromotionStore;
  readonly catalogue: Catalogue;
  readonly clock: BusinessClock;
  readonly fault: FaultId | undefined;
  /** Readings the documents allow instead of our own choices (see readings.ts); none by default. */
  readonly readings?: ReadonlySet<ReadingId>;
}

type Values = Readonly<Record<string, unknown>>;
type Handler = (svc: PromotionService, v: Values, p: Promotion | undefined) => ServiceResult;

const P = 'jingdong.seller.promotion.';

/** Thrown only under the wrong-type-crashes fault: the server answers a bare HTTP 500, as a crashing handler would. */
export class FaultCrash extends Error {}

/** The 16 methods of the JD seller promotion service over an in-memory store. */
export class PromotionService {
  readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  has(method: string): boolean {
    return HANDLERS.has(method) && this.deps.api.operations.has(method);
  }

  /** Validates `raw` application parameters with the spec, checks the promotion's state, then runs the method. */
  call(method: string, raw: Values): ServiceResult {
    const notes: { ignored: readonly string[]; blank: readonly string[] } = { ignored: [], blank: [] };
    const result = this.dispatch(method, raw, notes);
    return notes.ignored.length > 0 || notes.blank.length > 0 ? { ...result, notes } : result;
  }

  private dispatch(method: string, raw: Values, notes: { ignored: readonly string[]; blank: readonly string[] }): ServiceResult {
    const op = this.deps.api.operations.get(method);
    const handler = HANDLERS.get(method);
    if (!op || !handler) return err('system.exception', `no handler for ${method}`);
    const promoIdParam = op.paramNames.has('promo_id') ? normalizeValue('int', raw['promo_id']) : undefined;
    const peeked = typeof promoIdParam === 'number' ? this.lookup(promoIdParam) : undefined;
    const crashOnBadFilter =
      (method === P + 'list' && this.is('list-bad-filter-crashes')) ||
      (method === P + 'sku.list' && this.is('sku-list-bad-filter-crashes'));
    if (crashOnBadFilter && outOfSetFilters(op, raw).length > 0) {
      throw new FaultCrash('a filter outside its value set');
    }
    const checked = validateRequest(op, this.readings.size > 0 ? readRequest(op, raw, this.readings) : raw, {
      nowMs: peeked ? this.now(peeked) : this.deps.clock.nowMs(),
      promotionType: peeked?.type,
      promotionBound: peeked ? peeked.bound : undefined,
      refuseUnknown: this.reads('strict-params') || this.is('unknown-params-refused'),
      emptyIsValue: this.reads('strict-params') || this.is('blank-optional-as-value'),
      ...(this.is('wrong-type-system-exception') ? { typeErrorCode: 'system.exception' } : {}),
      ...(this.reads('wrong-type-generic') ? { typeErrorCode: 'param.error' } : {}),
      ...(this.reads('missing-param-generic') ? { missingCode: 'param.error' } : {}),
      noEffectIgnored: this.reads('no-effect-fields-ignored'),
      refLimitsOff: this.reads('own-limits-off'),
      ...(this.reads('unequal-tiers-accepted') ? { skipRelationRules: ['JDP-REF-05'] } : {}),
    });
    notes.ignored = checked.ignored;
    notes.blank = checked.blank;
    if (!checked.ok) {
      if (checked.violation.keyword === 'type' && this.is('wrong-type-crashes')) throw new FaultCrash(checked.violation.message);
      if (checked.violation.empty && this.is('missing-param-crashes')) throw new FaultCrash(checked.violation.message);
      return err(checked.violation.error, checked.violation.message);
    }
    const values = checked.values;
    let promo: Promotion | undefined;
    const need = op.spec.promotion;
    if (need) {
      promo = peeked;
      const visible = promo !== undefined && (need.state === 'draft' ? !promo.committed : promo.committed || this.is('drafts-visible'));
      if (!visible) {
        if (method === P + 'commit' && this.is('commit-unknown-accepted')) return ok({ success: true });
        if (need.state === 'draft' && this.is('unknown-promo-wrong-code')) return err('param.error', 'unknown promotion');
        return err(need.unknown, `promotion ${String(values['promo_id'])} is not a ${need.state}`);
      }
      const types = op.spec.promotionTypes;
      if (types && promo && !types.in.includes(promo.type)) {
        return err(types.error, `${method} is for promotion types ${types.in.join(', ')}, not ${promo.type}`);
      }
    }
    return handler(this, values, promo);
  }

  is(fault: FaultName): boolean {
    return this.deps.fault === fault;
  }

  get readings(): ReadonlySet<ReadingId> {
    return this.deps.readings ?? NO_READINGS;
  }

  reads(reading: ReadingId): boolean {
    return this.readings.has(reading);
  }

  /** This promotion's business time: the business clock plus its own test-control shift. */
  now(p: Promotion): number {
    return this.deps.clock.nowMs() + p.clockOffsetMs;
  }

  /** A promotion by id, or undefined; drafts older than the draft lifetime are cleared here (JDP-FLOW-03). */
  lookup(id: number): Promotion | undefined {
    const p = this.deps.store.promotions.get(id);
    if (!p) return undefined;
    if (!p.committed && this.draftExpired(p)) {
      this.forget(id);
      return undefined;
    }
    return p;
  }

  draftExpired(p: Promotion): boolean {
    if (this.is('drafts-never-expire') || this.reads('drafts-kept')) return false;
    const lifetimeS = this.deps.api.spec.limits['draftLifetimeS']?.value ?? 1800;
    return this.now(p) - p.createdMs > lifetimeS * 1000;
  }

  /** Effective status: approved (4) becomes in effect (5) once begin_time has come (JDP-REF-01). */
  statusOf(p: Promotion): number {
    if (p.status === null) return 2;
    if (p.status === 4 && this.now(p) >= p.beginMs && !this.is('approved-never-in-effect')) p.status = 5;
    return p.status;
  }

  ended(p: Promotion): boolean {
    return this.now(p) > p.endMs;
  }

  /**
   * Clears expired drafts, oldest first, a few per call (each add sweeps), so a storm of abandoned
   * drafts does not pile up in memory. Stops at the first draft still alive.
   */
  sweepDrafts(budget = 8): void {
    const { store } = this.deps;
    let seen = 0;
    for (const id of store.drafts) {
      if (seen++ >= budget) break;
      const p = store.promotions.get(id);
      if (p && !p.committed && !this.draftExpired(p)) break;
      this.forget(id);
    }
  }

  /** Removes a promotion (deleted, or an expired draft). */
  forget(id: number): void {
    this.deps.store.promotions.delete(id);
    this.deps.store.drafts.delete(id);
  }
}

const NO_READINGS: ReadonlySet<ReadingId> = new Set();

/** The query filters of a request whose value lies outside their value set. */
function outOfSetFilters(op: CompiledOperation, raw: Values): string[] {
  return op.params
    .filter(
      (p) =>
        p.spec.filter &&
        raw[p.spec.name] !== undefined &&
        raw[p.spec.name] !== null &&
        !p.validate(normalizeValue(p.spec.type, raw[p.spec.name])),
    )
    .map((p) => p.spec.name);
}

/**
 * The request as a reading that drops what it may drop sees it: filters outside their value set
 * left out (an unfiltered page), invalid items removed with their parallel entries ("无效的SKU会被剔除").
 */
function readRequest(op: CompiledOperation, raw: Values, readings: ReadonlySet<ReadingId>): Values {
  const out: Record<string, unknown> = { ...raw };
  if (readings.has('filters-ignored')) for (const name of outOfSetFilters(op, raw)) delete out[name];
  for (const p of op.params) {
    const v = raw[p.spec.name];
    if (v === undefined || v === null) continue;
    if (p.spec.invalidItems && readings.has('invalid-skus-dropped')) {
      const items = normalizeValue(p.spec.type, v);
      if (!Array.isArray(items)) continue;
      const bad = new Set(items.flatMap((x, i) => (p.validate([x]) ? [] : [i])));
      if (bad.size === 0) continue;
      const group = (op.spec.relations ?? []).find((r) => r.kind === 'sameLength' && r.fields.includes(p.spec.name));
      for (const name of group && group.kind === 'sameLength' ? group.fields : [p.spec.name]) {
        const param = op.params.find((x) => x.spec.name === name);
        const arr = param && raw[name] !== undefined && raw[name] !== null ? normalizeValue(param.spec.type, raw[name]) : undefined;
        if (Array.isArray(arr)) out[name] = arr.filter((_x, i) => !bad.has(i));
      }
    }
  }
  return out;
}

function ok(body: Record<string, unknown>): ServiceResult {
  return { ok: true, body };
}

function err(code: string, message?: string): ServiceResult {
  return message === undefined ? { ok: false, code } : { ok: false, code, message };
}

// ------------------------------------------------------------------ answers: numbers as strings, like the document's examples (JOS-10)

function s(v: number | string | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

function promotionVO(svc: PromotionService, p: Promotion, inList = false): Record<string, string> {
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

function skuVO(svc: PromotionService, p: Promotion, k: PromoSku): Record<string, string> {
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

function page<T>(items: readonly T[], v: Values): T[] {
  const pageNo = v['page'] as number;
  const size = v['size'] as number;
  return items.slice((pageNo - 1) * size, pageNo * size);
}

function nums(v: Values, key: string): number[] | undefined {
  const a = v[key];
  return Array.isArray(a) ? (a as number[]) : undefined;
}

// ------------------------------------------------------------------ transitions from the spec (JDP-CHECK/SUSP/RES/DEL)

function transition(svc: PromotionService, method: string, p: Promotion, to: (from: number) => number | 'deleted'): ServiceResult {
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

// ------------------------------------------------------------------ the 16 methods

const HANDLERS = new Map<string, Handler>([
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
  [P + 'sku.add', (svc, v, p) => addSkus(svc, v, p!)],
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
  [
    P + 'prop.list',
    (_svc, _v, p) =>
      ok({ promo_prop_v_o_s: p!.props.map((x) => ({ promo_id: s(p!.id), type: s(x.type), num: s(x.num), used_way: s(x.usedWay) })) }),
  ],
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
]);

// ------------------------------------------------------------------ sku.add (JDP-SKU-01 … 09)

function addSkus(svc: PromotionService, v: Values, p: Promotion): ServiceResult {
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

function commit(svc: PromotionService, p: Promotion): ServiceResult {
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

function commitProblem(svc: PromotionService, p: Promotion): ServiceResult | undefined {
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
