import { describe, expect, it } from 'vitest';
import type { BatchTerms } from '../../../src/apis/coupon-platform/terms.js';
import { deduction, type OrderLine } from '../../../src/apis/coupon-platform/verify.js';

const base: BatchTerms = {
  dataSourceId: '101',
  batchId: 'B',
  version: 1,
  name: 'x',
  subType: 1,
  amountFen: 2000,
  minimumFen: 0,
  numberMinimum: 0,
  scope: { all: true },
  validity: { kind: 'none' },
  stackable: false,
  available: true,
  birthday: false,
};
const line = (priceFen: number, quantity = 1, skuId = 'A', spuId?: string): OrderLine => ({
  skuId,
  quantity,
  priceFen,
  ...(spuId ? { spuId } : {}),
});
const off = (t: Partial<BatchTerms>, lines: OrderLine[], faults = {}) => {
  const d = deduction({ ...base, ...t }, lines, faults);
  return d.ok ? d.deductionFen : d.code;
};

describe('the deduction, in integer fen (CPN-03, CPN-REF-05)', () => {
  it('an amount coupon takes its amount, at most the eligible amount', () => {
    expect(off({}, [line(10000)])).toBe(2000);
    expect(off({}, [line(1500)])).toBe(1500);
  });

  it('a coupon worth more than the eligible amount: capped (ours), refused (a reading), never beyond (the fault)', () => {
    const fifty = { amountFen: 5000 };
    expect(deduction({ ...base, ...fifty }, [line(3000)])).toMatchObject({ ok: true, deductionFen: 3000, payableFen: 0 });
    const refusing = { aboveEligibleRefused: true };
    expect(deduction({ ...base, ...fifty }, [line(3000)], {}, refusing)).toMatchObject({ ok: false, code: 'coupon.not.applicable' });
    // Worth is after max_discount_amount: capped at 20 yuan, it fits a 30-yuan order and is taken.
    expect(deduction({ ...base, ...fifty, maxDiscountFen: 2000 }, [line(3000)], {}, refusing)).toMatchObject({
      ok: true,
      deductionFen: 2000,
    });
    expect(deduction({ ...base, ...fifty }, [line(5000)], {}, refusing)).toMatchObject({ ok: true, deductionFen: 5000, payableFen: 0 });
    expect(deduction({ ...base, ...fifty }, [line(3000)], { amountBeyondEligible: true })).toMatchObject({
      deductionFen: 5000,
      payableFen: -2000,
    });
  });

  it('discount_coupon is the share paid; read as the share taken off (the fault) it deducts the rest', () => {
    expect(off({ subType: 2, paidShareBp: 9999 }, [line(1_000_000)], { shareTakenOff: true })).toBe(999_900);
    expect(off({ subType: 2, paidShareBp: 7000 }, [line(1000)], { shareTakenOff: true })).toBe(700);
  });

  it('thresholds are met at their value, not below', () => {
    expect(off({ minimumFen: 10000 }, [line(10000)])).toBe(2000);
    expect(off({ minimumFen: 10000 }, [line(9999)])).toBe('coupon.threshold.unmet');
    expect(off({ minimumFen: 10000 }, [line(10000)], { thresholdStrict: true })).toBe('coupon.threshold.unmet');
    expect(off({ numberMinimum: 3 }, [line(100, 2), line(100, 1)])).toBe(300);
    expect(off({ numberMinimum: 3 }, [line(100, 2)])).toBe('coupon.threshold.unmet');
  });

  it('a discount coupon takes the share not paid, rounded down to the fen, capped', () => {
    const d = { subType: 2, paidShareBp: 7000 };
    expect(off(d, [line(999)])).toBe(299); // 299.7 fen: never more than the exact share
    expect(off(d, [line(999)], { floatingPoint: true })).toBe(300);
    expect(off({ ...d, maxDiscountFen: 100 }, [line(999)])).toBe(100);
    expect(off({ ...d, maxDiscountFen: 100 }, [line(999)], { capIgnored: true })).toBe(299);
    expect(off({ subType: 2, paidShareBp: 9999 }, [line(1_000_000)])).toBe(100);
  });

  it('sums the lines in integer fen: 10 + 20 fen at 9 折 takes 3 fen; summed in float yuan (the fault) 2', () => {
    const d = { subType: 2, paidShareBp: 9000 };
    const lines = [line(10), line(20)];
    expect(off(d, lines)).toBe(3);
    expect(off(d, lines, { floatingPointSum: true })).toBe(2); // 0.1 + 0.2 = 0.30000000000000004
    // The older floating-point fault works from the integer sum and rounds: it gets 3 here.
    expect(off(d, lines, { floatingPoint: true })).toBe(3);
    // Not every order shows it: 100 yuan, 9.99 yuan, or an amount coupon come out right even so.
    expect(off(d, [line(10000)], { floatingPointSum: true })).toBe(1000);
    expect(off(d, [line(999)], { floatingPointSum: true })).toBe(99);
    expect(off({ amountFen: 5 }, lines, { floatingPointSum: true })).toBe(5);
  });

  it('only lines in the SKU or SPU scope count; none in scope is not applicable', () => {
    const scoped = { scope: { all: false, skuIds: new Set(['A']), spuIds: new Set(['S']) } as const, subType: 2, paidShareBp: 8000 };
    const d = deduction({ ...base, ...scoped }, [line(1000, 1, 'A'), line(2000, 1, 'B', 'S'), line(4000, 1, 'C')]);
    expect(d).toMatchObject({ ok: true, eligibleFen: 3000, deductionFen: 600, payableFen: 6400, orderFen: 7000 });
    expect(off(scoped, [line(5000, 1, 'C')])).toBe('coupon.not.applicable');
    expect(off(scoped, [line(5000, 1, 'C')], { scopeIgnored: true })).toBe(1000);
  });

  it('a coupon of another sub type takes nothing off an order', () => {
    expect(off({ subType: 3 }, [line(1000)])).toBe('coupon.not.applicable');
  });
});
