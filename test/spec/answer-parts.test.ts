import { describe, expect, it } from 'vitest';
import { jdCouponApiCompiled } from '../../src/apis/jd-coupon/spec.js';
import { couponBatchApiCompiled } from '../../src/apis/tencent-coupon-batch/compiled.js';
import { answerPartOurs, documentedAnswer, oursAlong, oursBy, pathSteps, type RuleLevels } from '../../src/spec/answer-parts.js';
import { answerValidator, compileApi, createAjv, promotionApiCompiled } from '../../src/spec/compile.js';
import type { ApiSpec, JsonSchema } from '../../src/spec/types.js';

/** Two rules of each level, as specs/rules.yaml would give them. */
const LEVELS: RuleLevels = new Map([
  ['DOC-01', 'must'],
  ['DOC-02', 'must'],
  ['OURS-01', 'ref'],
  ['OURS-02', 'ref'],
]);

const DEFS: Record<string, JsonSchema> = {
  entry: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
  /** A definition that is ours as a whole. */
  tally: { rules: ['OURS-02'], type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
};

/** An answer with a part of ours at each place a schema can hold one. */
const SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'list', 'tally', 'rate'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', rules: ['DOC-01'] },
    list: { type: 'array', rules: ['OURS-01'], items: { $ref: '#/definitions/entry' } },
    tally: { $ref: '#/definitions/tally' },
    rate: { $ref: '#/definitions/entry', rules: ['OURS-01'] },
    both: { type: 'string', rules: ['OURS-01', 'DOC-02'] },
    rows: { type: 'array', items: { type: 'object', additionalProperties: { type: 'integer', rules: ['OURS-01'] } } },
    pick: { anyOf: [{ type: 'string' }, { type: 'object', properties: { mine: { type: 'integer', rules: ['OURS-02'] } } }] },
  },
};

const compileBoth = (answer: { schema: JsonSchema; rules: string[] }) => {
  const ajv = createAjv();
  return {
    whole: ajv.compile({ ...answer.schema, definitions: DEFS }),
    documented: ajv.compile(documentedAnswer(answer, DEFS, LEVELS)),
  };
};

describe('the parts of an answer schema that are ours', () => {
  it('are the nodes whose rules are all ref rules', () => {
    expect(oursBy({ rules: ['OURS-01', 'OURS-02'] }, LEVELS)).toEqual(['OURS-01', 'OURS-02']);
    expect(oursBy({ rules: ['OURS-01', 'DOC-02'] }, LEVELS)).toBeUndefined();
    expect(oursBy({ rules: [] }, LEVELS)).toBeUndefined();
    expect(oursBy({ type: 'string' }, LEVELS)).toBeUndefined();
    // An id the catalogue does not know is not taken for a ref rule.
    expect(oursBy({ rules: ['NOPE-01'] }, LEVELS)).toBeUndefined();
  });

  it('a must check’s validator accepts any shape, or none, where a part is ours; a ref check’s demands it', () => {
    const { whole, documented } = compileBoth({ schema: SCHEMA, rules: ['DOC-01'] });
    const ours = { id: 1, list: [{ key: 'a' }], tally: { n: 2 }, rate: { key: 'r' }, rows: [{ a: 1 }], pick: { mine: 3 } };
    expect(whole(ours)).toBe(true);
    expect(documented(ours)).toBe(true);
    // Another implementation: its own list, tally and rate shapes, its own row values, or none of them.
    for (const other of [
      { id: 1, list: [{ id: 1 }], tally: 'many', rate: 0.5, rows: [{ a: 'x' }], pick: { mine: 'x' } },
      { id: 1 },
      { id: 1, list: {} },
    ]) {
      expect(documented(other), JSON.stringify(other)).toBe(true);
      expect(whole(other), JSON.stringify(other)).toBe(false);
    }
  });

  it('keeps the documented part: a must node, a node with a must rule among its rules, additionalProperties: false', () => {
    const { documented } = compileBoth({ schema: SCHEMA, rules: ['DOC-01'] });
    expect(documented({ list: [] })).toBe(false); // id required
    expect(documented({ id: 'one' })).toBe(false); // id an integer
    expect(documented({ id: 1, both: 2 })).toBe(false); // DOC-02 among its rules: still a string
    expect(documented({ id: 1, extra: true })).toBe(false); // the schema's own additionalProperties: false
    expect(documented({ id: 1, pick: 2 })).toBe(false); // neither branch of anyOf
  });

  it('a whole answer is ours when its answer rules are all ref', () => {
    const { documented } = compileBoth({ schema: SCHEMA, rules: ['OURS-01'] });
    expect(documented('anything')).toBe(true);
    expect(answerPartOurs({ schema: SCHEMA, rules: ['OURS-01'] }, DEFS, ['id'], LEVELS)).toEqual(['OURS-01']);
  });

  it('finds the first part of ours along a field path, through items, $ref, additionalProperties and anyOf', () => {
    const along = (path: string) => oursAlong(SCHEMA, DEFS, pathSteps(path), LEVELS);
    expect(along('id')).toBeUndefined();
    expect(along('list')).toEqual(['OURS-01']);
    expect(along('list[0].key')).toEqual(['OURS-01']);
    expect(along('list.length')).toEqual(['OURS-01']);
    expect(along('tally.n')).toEqual(['OURS-02']);
    expect(along('rate.key')).toEqual(['OURS-01']);
    expect(along('both')).toBeUndefined();
    expect(along('rows[*].anything')).toEqual(['OURS-01']);
    expect(along('pick.mine')).toEqual(['OURS-02']);
    // Outside what the schema describes: not ours to judge.
    expect(along('unknown.deep')).toBeUndefined();
  });

  it('reads field paths as the matchers do', () => {
    expect(pathSteps('coupons[0].external_coupon_id')).toEqual(['coupons', 0, 'external_coupon_id']);
    expect(pathSteps('[2].couponName')).toEqual([2, 'couponName']);
    expect(pathSteps('list[*].id')).toEqual(['list', '*', 'id']);
  });
});

describe('the compiled answer validators of the shipped specs', () => {
  it('the Tencent upload: data.coupons is ours (TCC-REF-09), data {} and a list of another shape pass a must check', () => {
    const op = couponBatchApiCompiled().operations.get('order/add_coupon');
    if (!op) throw new Error('no add_coupon');
    for (const data of [{}, { coupons: [{ id: 1 }] }, { coupons: 'none' }]) {
      expect(answerValidator(op, 'must')(data), JSON.stringify(data)).toBe(true);
    }
    expect(answerValidator(op, 'ref')({ coupons: [{ id: 1 }] })).toBe(false);
    expect(answerValidator(op, 'ref')({ coupons: [{ external_coupon_id: 'a', action: 'added' }] })).toBe(true);
  });

  it('the coupon statistics: the counts CPN-04 names are demanded of a must check, our rates and other counts are not', () => {
    const op = jdCouponApiCompiled().operations.get('promoproof.coupon.statistics');
    if (!op) throw new Error('no statistics');
    const theirs = { statistics: { data_source_id: '1', batch_id: 'b', issued: 3, claimed: 2, used: 1, use_rate: '33%' } };
    expect(answerValidator(op, 'must')(theirs)).toBe(true);
    expect(answerValidator(op, 'ref')(theirs)).toBe(false);
    const { claimed: _left, ...statistics } = theirs.statistics;
    expect(answerValidator(op, 'must')({ statistics })).toBe(false);
  });

  it('an answer without a part of ours has one validator for both levels', () => {
    const op = promotionApiCompiled().operations.get('jingdong.seller.promotion.list');
    if (!op) throw new Error('no list');
    expect(op.validateDocumentedAnswer).toBe(op.validateAnswer);
  });

  it('compiles a spec’s answers with the levels it is given', () => {
    const spec = {
      ...couponBatchApiCompiled().spec,
      operations: { op: { title: 't', rules: [], errors: [], params: [], answer: { schema: SCHEMA, rules: ['DOC-01'] } } },
      definitions: DEFS,
    } as unknown as ApiSpec;
    const op = compileApi(spec, createAjv(), LEVELS).operations.get('op');
    expect(op?.validateDocumentedAnswer({ id: 1, list: 'x' })).toBe(true);
    expect(op?.validateAnswer({ id: 1, list: 'x' })).toBe(false);
  });
});
