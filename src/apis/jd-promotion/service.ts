import type { CompiledApi, CompiledOperation } from '../../spec/compile.js';
import { normalizeValue } from '../../spec/normalize.js';
import { validateRequest } from '../../spec/validate-request.js';
import type { JosService } from '../../protocols/jos/gateway.js';
import { HANDLERS as ACTIVITY_MODE_HANDLERS } from './handlers/activity-mode.js';
import { err, type Handler, type HandlerContext, ok, P, type ServiceResult, type Values } from './handlers/common.js';
import { HANDLERS as ORDER_MODE_HANDLERS } from './handlers/order-modes.js';
import { HANDLERS as PROMOTION_HANDLERS } from './handlers/promotion.js';
import { HANDLERS as PROP_HANDLERS } from './handlers/props.js';
import { HANDLERS as SKU_HANDLERS } from './handlers/skus.js';
import { HANDLERS as STATUS_HANDLERS } from './handlers/status.js';
import type { Catalogue } from './catalogue.js';
import type { BusinessClock } from '../../reference/clock.js';
import { FaultCrash } from '../../reference/fault-crash.js';
import type { FaultName } from './fault-table.js';
import type { PromotionReadingId } from './readings.js';
import type { Promotion, PromotionStore } from './store.js';

export type { ServiceResult } from './handlers/common.js';

export interface ServiceDeps {
  readonly api: CompiledApi;
  readonly store: PromotionStore;
  readonly catalogue: Catalogue;
  readonly clock: BusinessClock;
  readonly fault: string | undefined;
  /** Readings the documents allow instead of our own choices (see readings.ts); none by default. */
  readonly readings?: ReadonlySet<string>;
}

/** The 16 methods of the JD seller promotion service over an in-memory store, behind the JOS gateway's interface. */
export class PromotionService implements JosService, HandlerContext {
  readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  describeError(code: string): { readonly zh: string; readonly en: string } | undefined {
    return this.deps.api.spec.errors[code];
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

  get readings(): ReadonlySet<string> {
    return this.deps.readings ?? NO_READINGS;
  }

  reads(reading: PromotionReadingId): boolean {
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

const NO_READINGS: ReadonlySet<string> = new Set();

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
function readRequest(op: CompiledOperation, raw: Values, readings: ReadonlySet<string>): Values {
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

// ------------------------------------------------------------------ the 16 methods, one module per concept

const HANDLERS = new Map<string, Handler>([
  ...PROMOTION_HANDLERS,
  ...ACTIVITY_MODE_HANDLERS,
  ...PROP_HANDLERS,
  ...SKU_HANDLERS,
  ...STATUS_HANDLERS,
  ...ORDER_MODE_HANDLERS,
]);
