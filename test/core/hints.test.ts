import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest } from '../../src/core/hints.js';

describe('did-you-mean hints', () => {
  it('measures Levenshtein distance', () => {
    expect(editDistance('expect', 'expect')).toBe(0);
    expect(editDistance('expct', 'expect')).toBe(1);
    expect(editDistance('lsit', 'list')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });

  it('suggests only near misses (distance ≤ 2), the nearest first', () => {
    expect(nearest('expct', ['params', 'expect', 'call'])).toBe('expect');
    expect(nearest('frobnicate', ['params', 'expect', 'call'])).toBeUndefined();
    expect(nearest('ab', ['xy'])).toBeUndefined();
    expect(didYouMean('jingdong.seller.promotion.lsit', ['jingdong.seller.promotion.list', 'jingdong.seller.promotion.get'])).toBe(
      "; did you mean 'jingdong.seller.promotion.list'?",
    );
    expect(didYouMean('zzz', ['expect'])).toBe('');
  });
});
