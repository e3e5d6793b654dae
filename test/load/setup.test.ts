import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedTarget, startEmbedded } from '../../src/engine/targets/embedded.js';
import { runProfileSetup, SetupError } from '../../src/load/setup.js';
import type { LoadProfileDoc } from '../../src/load/types.js';
import { uploadStep } from './upload-step.js';

let ref: EmbeddedTarget;
beforeAll(async () => {
  ref = await startEmbedded();
});
afterAll(() => ref.close());

const base: LoadProfileDoc = {
  profile: 'test-setup',
  title: 'setup test',
  description: 'a profile for the setup test',
  apis: ['jd-coupon', 'tencent-coupon-batch'],
  vars: { batch: 'pp-${fresh.name}' },
  users: { count: 10 },
  mix: [{ name: 'claim', call: 'promoproof.coupon.claim', weight: 1 }],
  phases: [{ phase: 'steady', duration: '1s', rate: 10 }],
};

const upload = uploadStep({
  external_coupon_id: '${batch}',
  coupon_name: '秒杀券',
  coupon_type: 1,
  coupon_sub_type: 1,
  amount_coupon: 10,
  store_count: 5,
  max_coupon_number_per_user: 5,
});

const opts = { timeoutMs: 5_000, maxBodyBytes: 1 << 20 };

describe('runProfileSetup', () => {
  it("runs the setup's steps through the suites' step language and hands back vars and captures", async () => {
    const doc: LoadProfileDoc = {
      ...base,
      setup: [
        upload,
        {
          parallel: {
            times: 3,
            call: 'promoproof.coupon.claim',
            params: { data_source_id: '${target.dataSourceId}', batch_id: '${batch}', uid: 7001 },
          },
          capture: { codes: 'successes[*].coupon.coupon_code' },
        },
      ],
    };
    const vars = await runProfileSetup(doc, 'scenarios/load/test.yaml', ref.target, opts);
    expect(String(vars['batch'])).toMatch(/^pp-/);
    expect(vars['codes']).toHaveLength(3);
    expect(new Set(vars['codes'] as string[]).size).toBe(3);
  });

  it('throws a SetupError naming the step that failed', async () => {
    const doc: LoadProfileDoc = {
      ...base,
      setup: [
        {
          name: 'claim from a batch that does not exist',
          call: 'promoproof.coupon.claim',
          params: { data_source_id: '${target.dataSourceId}', batch_id: 'no-such-batch', uid: 7002 },
        },
      ],
    };
    const err = await runProfileSetup(doc, 'x.yaml', ref.target, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SetupError);
    expect((err as Error).message).toMatch(/claim from a batch that does not exist/);
    expect((err as Error).message).toMatch(/failed/);
  });

  it('a profile without setup still evaluates its vars', async () => {
    const vars = await runProfileSetup(base, 'x.yaml', ref.target, opts);
    expect(String(vars['batch'])).toMatch(/^pp-/);
  });
});
