/**
 * What every handler of the JD promotion service shares: the context a handler runs in (the service,
 * seen through this interface so that handlers do not import the class), the answers, and the way
 * numbers are written (as strings, like the document's examples, JOS-10).
 */
import type { JosServiceResult } from '../../../protocols/jos/gateway.js';
import type { CompiledApi } from '../../../spec/compile.js';
import type { BusinessClock } from '../../../reference/clock.js';
import type { FaultName } from '../fault-table.js';
import type { Catalogue } from '../catalogue.js';
import type { PromotionReadingId } from '../readings.js';
import type { Promotion, PromotionStore } from '../store.js';

/** What a method answers: the inner object of a success, or a business error code. */
export type ServiceResult = JosServiceResult;

export type Values = Readonly<Record<string, unknown>>;

/** The method prefix of the service. */
export const P = 'jingdong.seller.promotion.';

/** What a handler may use of the service (src/apis/jd-promotion/service.ts implements it). */
export interface HandlerContext {
  readonly deps: {
    readonly api: CompiledApi;
    readonly store: PromotionStore;
    readonly catalogue: Catalogue;
    readonly clock: BusinessClock;
  };
  is(fault: FaultName): boolean;
  reads(reading: PromotionReadingId): boolean;
  now(p: Promotion): number;
  lookup(id: number): Promotion | undefined;
  draftExpired(p: Promotion): boolean;
  statusOf(p: Promotion): number;
  ended(p: Promotion): boolean;
  sweepDrafts(budget?: number): void;
  forget(id: number): void;
}

/** One method: its validated values and, for methods on a promotion, that promotion (found in the state the spec asks). */
export type Handler = (svc: HandlerContext, v: Values, p: Promotion | undefined) => ServiceResult;

export function ok(body: Record<string, unknown>): ServiceResult {
  return { ok: true, body };
}

export function err(code: string, message?: string): ServiceResult {
  return message === undefined ? { ok: false, code } : { ok: false, code, message };
}

// ------------------------------------------------------------------ answers: numbers as strings, like the document's examples (JOS-10)

export function s(v: number | string | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

export function page<T>(items: readonly T[], v: Values): T[] {
  const pageNo = v['page'] as number;
  const size = v['size'] as number;
  return items.slice((pageNo - 1) * size, pageNo * size);
}

export function nums(v: Values, key: string): number[] | undefined {
  const a = v[key];
  return Array.isArray(a) ? (a as number[]) : undefined;
}

// ------------------------------------------------------------------ transitions from the spec (JDP-CHECK/SUSP/RES/DEL)
