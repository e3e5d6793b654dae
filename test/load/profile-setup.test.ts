import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, describeClassified } from '../../src/engine/answer.js';
import { type EmbeddedTarget, startEmbedded } from '../../src/engine/targets/embedded.js';
import { compileMix } from '../../src/load/mix.js';
import { listProfiles, loadProfile } from '../../src/load/profile.js';
import { runProfileSetup } from '../../src/load/setup.js';
import { exchangeWire } from '../../src/protocols/send-prepared.js';

/**
 * Each bundled profile's setup runs against the reference, and then one request of each operation of
 * its mix, built as a load run builds it (compileMix: the params evaluated against the setup's
 * variables and the per-request ones, signed by the protocol's `prepare`), is answered as the profile
 * expects: a success, or one of the operation's expected refusals.
 */

let ref: EmbeddedTarget;
beforeAll(async () => {
  ref = await startEmbedded({ testControl: false });
});
afterAll(() => ref.close());

const limits = { timeoutMs: 10_000, maxBodyBytes: 1 << 20 };

describe('the bundled profiles against the reference', () => {
  it.each(listProfiles().map((p) => p.name))(
    '%s: the setup runs, and one request of each mix operation is answered as the profile expects',
    async (name) => {
      const { doc, file } = loadProfile(name);
      const vars = await runProfileSetup(doc, file, ref.target, limits);
      const mix = compileMix({ profile: doc, target: ref.target, vars, maxBodyBytes: limits.maxBodyBytes, seed: 17 });
      expect(mix.operations.map((o) => o.name)).toEqual(doc.mix.map((o) => o.name));
      for (const [i, op] of mix.operations.entries()) {
        const { wire } = mix.buildOf(i, i);
        const answer = classify(await exchangeWire(wire, limits), op.reader);
        const expected =
          answer.kind === 'success' || (answer.kind === 'refusal' && (op.refusals === 'any' || (op.refusals ?? []).includes(answer.code)));
        expect(expected, `${name} ${op.name}: ${describeClassified(answer)}`).toBe(true);
      }
    },
    60_000,
  );

  it('claim-storm: the stock the mix counts against is the stock the setup uploaded', async () => {
    const { doc, file } = loadProfile('claim-storm');
    const vars = await runProfileSetup(doc, file, ref.target, limits);
    const [claim] = compileMix({ profile: doc, target: ref.target, vars, maxBodyBytes: limits.maxBodyBytes }).operations;
    expect(claim?.stock).toBe(vars['stock']);
    expect(claim?.stock).toBe(1000);
  });

  it('verify-steady and mixed-sale-day: the pools the mix cycles over are the coupons the setup claimed', async () => {
    for (const [name, captures] of [
      ['verify-steady', { codes: 200 }],
      ['mixed-sale-day', { verifyCodes: 200, redeemCodes: 300 }],
    ] as const) {
      const { doc, file } = loadProfile(name);
      const vars = await runProfileSetup(doc, file, ref.target, limits);
      for (const [capture, count] of Object.entries(captures)) {
        const codes = vars[capture];
        expect(Array.isArray(codes) && new Set(codes).size, `${name} ${capture}`).toBe(count);
      }
    }
  }, 60_000);
});
