/**
 * Verification of a coupon against an order, in integer fen (CPN-03): scope, thresholds, the
 * deduction and its cap. Pure: the platform adds ownership, status, validity and stacking.
 */
import type { BatchTerms } from './terms.js';

/** One order line: a SKU (and its SPU, if the caller knows it), how many, the unit price in fen. */
export interface OrderLine {
  readonly skuId: string;
  readonly spuId?: string;
  readonly quantity: number;
  readonly priceFen: number;
}

export type Deduction =
  | {
      readonly ok: true;
      /** Σ quantity × price of the lines in the coupon's scope. */
      readonly eligibleFen: number;
      readonly eligibleQuantity: number;
      readonly deductionFen: number;
      /** The whole order's amount minus the deduction. */
      readonly payableFen: number;
      readonly orderFen: number;
    }
  | { readonly ok: false; readonly code: 'coupon.not.applicable' | 'coupon.threshold.unmet'; readonly message: string };

/** Deliberate errors of the arithmetic, for the reference's faults (none by default). */
export interface DeductionFaults {
  /** Every line is in scope (the SKU and SPU lists ignored). */
  readonly scopeIgnored?: boolean;
  /** max_discount_amount ignored. */
  readonly capIgnored?: boolean;
  /** The amount threshold met only above it (> instead of ≥). */
  readonly thresholdStrict?: boolean;
  /** The amount threshold not checked at all. */
  readonly thresholdIgnored?: boolean;
  /** The discount computed in floating point yuan from the eligible amount, rounded to the nearest fen. */
  readonly floatingPoint?: boolean;
  /**
   * The lines summed in floating point yuan (10 + 20 fen as 0.1 + 0.2 = 0.30000000000000004), the
   * discount taken as total − total × paid share and truncated to the fen: 2 fen for 3 at 9 折.
   */
  readonly floatingPointSum?: boolean;
  /** An amount coupon takes its whole amount off, even beyond the eligible lines (less than nothing to pay). */
  readonly amountBeyondEligible?: boolean;
  /** discount_coupon read as the share taken off, not the share paid ("7 折优惠" as 70 % off). */
  readonly shareTakenOff?: boolean;
}

/**
 * Readings the documents allow besides our own choices (this API's: src/apis/jd-coupon/readings.ts), none by
 * default: a platform behaving so is as conformant as ours.
 */
export interface DeductionReadings {
  /**
   * A coupon worth more than the eligible amount (after max_discount_amount) is refused
   * (`coupon.not.applicable`) instead of deducting the eligible amount: 避免出现多扣 forbids deducting
   * more than the order, not refusing such a coupon (our capping is CPN-REF-05).
   */
  readonly aboveEligibleRefused?: boolean;
}

/** What the arithmetic reads of a batch's terms (the load audit builds it from a coupon as a user's list shows it). */
export type DeductionTerms = Pick<
  BatchTerms,
  'subType' | 'amountFen' | 'paidShareBp' | 'minimumFen' | 'maxDiscountFen' | 'numberMinimum' | 'scope'
>;

export function inScope(terms: DeductionTerms, line: OrderLine): boolean {
  if (terms.scope.all) return true;
  return terms.scope.skuIds.has(line.skuId) || (line.spuId !== undefined && terms.scope.spuIds.has(line.spuId));
}

/**
 * The deduction of `terms` on `lines`. An amount coupon takes its amount off the eligible lines, at most
 * their amount; a discount coupon takes the share not paid, rounded down to the fen (never more than the
 * exact share: CPN-REF-05); either is capped by max_discount_amount. Thresholds (amount_minimum,
 * number_minimum) are met at their value (满 X: X itself qualifies). Under the `aboveEligibleRefused`
 * reading an amount coupon worth more than the eligible lines is refused instead.
 */
export function deduction(
  terms: DeductionTerms,
  lines: readonly OrderLine[],
  faults: DeductionFaults = {},
  readings: DeductionReadings = {},
): Deduction {
  const orderFen = lines.reduce((s, l) => s + l.quantity * l.priceFen, 0);
  const eligible = lines.filter((l) => faults.scopeIgnored || inScope(terms, l));
  if (eligible.length === 0) return { ok: false, code: 'coupon.not.applicable', message: 'no line of the order is in the coupon scope' };
  const eligibleFen = eligible.reduce((s, l) => s + l.quantity * l.priceFen, 0);
  const eligibleQuantity = eligible.reduce((s, l) => s + l.quantity, 0);
  const meets =
    faults.thresholdIgnored === true ||
    (faults.thresholdStrict ? eligibleFen > terms.minimumFen || terms.minimumFen === 0 : eligibleFen >= terms.minimumFen);
  if (!meets)
    return {
      ok: false,
      code: 'coupon.threshold.unmet',
      message: `eligible amount ${eligibleFen} fen below the minimum ${terms.minimumFen} fen`,
    };
  if (eligibleQuantity < terms.numberMinimum)
    return {
      ok: false,
      code: 'coupon.threshold.unmet',
      message: `eligible quantity ${eligibleQuantity} below the minimum ${terms.numberMinimum}`,
    };
  let off: number;
  if (terms.subType === 1 && terms.amountFen !== undefined) {
    const worth = Math.min(terms.amountFen, terms.maxDiscountFen ?? terms.amountFen);
    if (readings.aboveEligibleRefused && worth > eligibleFen)
      return {
        ok: false,
        code: 'coupon.not.applicable',
        message: `the coupon is worth ${worth} fen, more than the eligible amount ${eligibleFen} fen`,
      };
    off = faults.amountBeyondEligible ? terms.amountFen : Math.min(terms.amountFen, eligibleFen);
  } else if (terms.subType === 2 && terms.paidShareBp !== undefined) off = discountFen(eligible, eligibleFen, terms.paidShareBp, faults);
  else return { ok: false, code: 'coupon.not.applicable', message: `coupon sub type ${terms.subType} takes no amount off an order` };
  if (terms.maxDiscountFen !== undefined && !faults.capIgnored) off = Math.min(off, terms.maxDiscountFen);
  return { ok: true, eligibleFen, eligibleQuantity, deductionFen: off, payableFen: orderFen - off, orderFen };
}

/** A discount coupon's deduction: the share not paid of the eligible amount, rounded down to the fen (CPN-REF-05). */
function discountFen(eligible: readonly OrderLine[], eligibleFen: number, paidShareBp: number, faults: DeductionFaults): number {
  if (faults.floatingPointSum) {
    // The fault's arithmetic, as a shop computing in yuan doubles writes it: 0.3 − 0.27 comes out 0.02999…
    const totalYuan = eligible.reduce((s, l) => s + l.quantity * (l.priceFen / 100), 0);
    return Math.floor((totalYuan - totalYuan * (paidShareBp / 10_000)) * 100);
  }
  if (faults.floatingPoint) return Math.round((eligibleFen / 100) * (1 - paidShareBp / 10_000) * 100);
  if (faults.shareTakenOff) return Math.floor((eligibleFen * paidShareBp) / 10_000);
  return Math.floor((eligibleFen * (10_000 - paidShareBp)) / 10_000);
}
