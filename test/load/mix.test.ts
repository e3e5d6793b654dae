import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedTarget } from '../../src/engine/targets/embedded.js';
import { classify } from '../../src/engine/answer.js';
import { httpExchange } from '../../src/core/http.js';
import { compileMix } from '../../src/load/mix.js';
import { distinctTags } from '../../src/load/workers.js';
import type { LoadProfileDoc } from '../../src/load/types.js';

let ref: EmbeddedTarget;
beforeAll(async () => {
  ref = await startEmbedded();
});
afterAll(() => ref.close());

const profile = (over: Partial<LoadProfileDoc> = {}): LoadProfileDoc => ({
  profile: 'mix-test',
  title: 'mix test',
  description: 'a mix for the tests',
  apis: ['jd-coupon'],
  users: { count: 50 },
  mix: [
    {
      name: 'claim',
      call: 'promoproof.coupon.claim',
      weight: 3,
      params: { data_source_id: '${target.dataSourceId}', batch_id: 'no-such', uid: '${user}', request_id: '${requestId}' },
    },
    { name: 'stats', call: 'promoproof.coupon.statistics', weight: 1, params: { data_source_id: '${target.dataSourceId}', batch_id: 'x' } },
  ],
  phases: [{ phase: 'steady', duration: '1s', rate: 10 }],
  ...over,
});

describe('compileMix', () => {
  it('draws operations by weight, users from the range, and unique request ids, deterministically for a seed', () => {
    const mix = compileMix({ profile: profile(), target: ref.target, vars: {}, maxBodyBytes: 1 << 20, seed: 7, runTag: 't' });
    const counts = [0, 0];
    const ids = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const b = mix.build(i);
      counts[b.op] = (counts[b.op] ?? 0) + 1;
      if (b.op === 0) {
        const app = JSON.parse(new URLSearchParams(b.wire.body ?? '').get('360buy_param_json') ?? '{}') as Record<string, unknown>;
        const uid = Number(app['uid']);
        expect(uid).toBeGreaterThanOrEqual(mix.userBase);
        expect(uid).toBeLessThan(mix.userBase + 50);
        ids.add(String(app['request_id']));
      }
    }
    expect(ids.size).toBe(counts[0]);
    // 3:1 within a generous margin (4,000 draws).
    expect((counts[0] ?? 0) / 4000).toBeGreaterThan(0.7);
    expect((counts[0] ?? 0) / 4000).toBeLessThan(0.8);
    const seq = () => {
      const m = compileMix({ profile: profile(), target: ref.target, vars: {}, maxBodyBytes: 1 << 20, seed: 7, runTag: 't' });
      return Array.from({ length: 20 }, (_, i) => m.build(i).op);
    };
    expect(seq()).toEqual(seq());
  });

  it('threads of one run (lanes) never draw the same ${fresh.int}, and their run tags differ in the head ${fresh.name} keeps', () => {
    const withFresh = profile({
      mix: [
        {
          name: 'claim',
          call: 'promoproof.coupon.claim',
          weight: 1,
          params: { data_source_id: '${target.dataSourceId}', batch_id: 'x', uid: '${fresh.int}', request_id: 'r${fresh.name}' },
        },
      ],
    });
    const tags = distinctTags(16);
    expect(new Set(tags.map((t) => t.slice(0, 4))).size).toBe(16);
    const seen = new Set<string>();
    let drawn = 0;
    tags.slice(0, 3).forEach((runTag, index) => {
      const mix = compileMix({
        profile: withFresh,
        target: ref.target,
        vars: { userBase: 1 },
        maxBodyBytes: 1 << 20,
        runTag,
        lane: { index, of: 3 },
      });
      for (let i = 0; i < 200; i++) {
        const app = mix.build(i).app as Record<string, unknown>;
        seen.add(`uid ${String(app['uid'])}`);
        seen.add(`name ${String(app['request_id'])}`);
        drawn += 2;
      }
    });
    expect(seen.size).toBe(drawn);
  });

  it('a Zipf choice makes the first users far more frequent than the last', () => {
    const mix = compileMix({
      profile: profile({ users: { count: 1000, choice: 'zipf', zipfS: 1.2 }, mix: [profile().mix[0] as LoadProfileDoc['mix'][number]] }),
      target: ref.target,
      vars: {},
      maxBodyBytes: 1 << 20,
      seed: 3,
    });
    let first = 0;
    let last = 0;
    for (let i = 0; i < 5000; i++) {
      const app = JSON.parse(new URLSearchParams(mix.build(i).wire.body ?? '').get('360buy_param_json') ?? '{}') as Record<string, unknown>;
      const k = Number(app['uid']) - mix.userBase;
      if (k < 10) first++;
      if (k >= 500) last++;
    }
    expect(first).toBeGreaterThan(5 * last);
  });

  it('builds requests the reference accepts as signed and classifies with the spec', async () => {
    const mix = compileMix({ profile: profile(), target: ref.target, vars: {}, maxBodyBytes: 1 << 20, seed: 1 });
    for (const op of [0, 1]) {
      const { wire } = mix.buildOf(op, 100 + op);
      const out = await httpExchange({
        method: wire.method,
        url: wire.url,
        headers: wire.headers,
        body: wire.body,
        timeoutMs: 5000,
        maxBodyBytes: 1 << 20,
      });
      const answer = classify(out, mix.operations[op]?.reader ?? (undefined as never));
      // A batch that does not exist: a conformant refusal with the spec's code, never a signature error.
      expect(answer.kind).toBe('refusal');
      expect(answer.kind === 'refusal' && answer.code).toBe('coupon.batch.not.exist');
    }
  });

  it('names an API the target does not serve', () => {
    const target = { ...ref.target, endpoints: { 'jd-promotion': ref.target.endpoints['jd-promotion'] ?? (undefined as never) } };
    expect(() => compileMix({ profile: profile(), target, vars: {}, maxBodyBytes: 1 << 20 })).toThrow(/does not serve the API jd-coupon/);
  });
});
