import type { Expectation, PlannedCheck } from '../../src/scenario/types.js';

/** A planned check of one `promotion.list` call (JOS-09), for tests that run the engine against odd targets. */
export function listCheck(opts: {
  id: string;
  title?: string;
  file: string;
  expect?: Expectation;
  params?: Record<string, number>;
}): PlannedCheck {
  return {
    id: opts.id,
    title: opts.title ?? 'list',
    suite: 'jd-promotion',
    api: 'jd-promotion',
    protocol: 'jos',
    rules: ['JOS-09'],
    level: 'must',
    tags: [],
    requires: [],
    vars: {},
    source: { file: opts.file, line: 1 },
    steps: [
      {
        kind: 'call',
        label: 'list',
        scope: 'root',
        asserts: true,
        step: {
          call: 'jingdong.seller.promotion.list',
          params: opts.params ?? {},
          ...(opts.expect !== undefined ? { expect: opts.expect } : {}),
        },
      },
    ],
  };
}
