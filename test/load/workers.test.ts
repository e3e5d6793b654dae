/**
 * The closed model over worker threads (`--workers N`, src/load/workers.ts): the plan split between the
 * threads so that the shares sum to it, request indices interleaved, the stock counted across the
 * threads' recorders; then real runs of two threads against the embedded reference (in this process,
 * behind a recording proxy that sees every claim): the merged counts are the answers' sum, the storm
 * hands out exactly the stock, every request id is unique, a declared stock below what the threads
 * together see is caught, and an abort stops both threads and still gives a merged, interrupted result.
 * Functional only: no timing is asserted.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { type EmbeddedTarget, startEmbedded } from '../../src/engine/targets/embedded.js';
import type { Target } from '../../src/engine/target.js';
import type { BuiltRequest, CompiledMix, MixOperation } from '../../src/load/mix.js';
import { parseProfile } from '../../src/load/profile.js';
import { createRecorder } from '../../src/load/record.js';
import { type PlannedPhase, planPhases, runLoad } from '../../src/load/run-load.js';
import { OUTCOME_CLASSES, type LoadProfileDoc, type LoadResult } from '../../src/load/types.js';
import {
  interleaved,
  phasesShare,
  runClosedWorkers,
  shareOf,
  usableWorkers,
  workerPlans,
  type WorkersInput,
} from '../../src/load/workers.js';
import type { ClassifiedAnswer } from '../../src/protocols/types.js';
import { cli } from '../helpers/cli.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';

/** A claim storm: `batchStock` coupons uploaded, a spike and a steady phase of claims, the stock the profile counts against. */
function stormProfile(opts: { batchStock: number; declaredStock: number; steady: string; workers?: number }): LoadProfileDoc {
  const text = `profile: workers-storm
title: A claim storm over two threads
description: |
  A small batch, a spike of claims and a steady phase after it.
apis: [jd-coupon, tencent-coupon-batch]
vars: { batch: "pp-\${fresh.name}", stock: ${opts.batchStock}, declared: ${opts.declaredStock} }
setup:
  - call: order/add_coupon
    api: tencent-coupon-batch
    params:
      dataSourceId: "\${target.dataSourceId}"
      coupons:
        - { external_coupon_id: "\${batch}", coupon_name: 秒杀券, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10, store_count: "\${stock}", max_coupon_number_per_user: 1 }
users: { count: 400 }
mix:
  - name: claim
    call: promoproof.coupon.claim
    weight: 1
    params: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}", uid: "\${user}", request_id: "\${requestId}" }
    refusals: [coupon.stock.empty, coupon.user.limit]
    soldOut: [coupon.stock.empty]
    stock: "\${declared}"
phases:
  - { phase: spike, requests: 80, operation: claim }
  - { phase: steady, duration: ${opts.steady}, rate: 200 }
run: { model: closed, connections: 8, workers: ${opts.workers ?? 2} }
`;
  return parseProfile('/virtual/workers-storm.yaml', text);
}

// ---------------------------------------------------------------- the plan split between threads

const plan: PlannedPhase[] = planPhases(
  {
    profile: 'split',
    title: 'split',
    description: 'split',
    apis: ['jd-coupon'],
    users: { count: 10 },
    mix: [{ name: 'stats', call: 'promoproof.coupon.statistics', weight: 1 }],
    phases: [
      { phase: 'spike', requests: 101 },
      { phase: 'warm-up', duration: '1s', rate: 7 },
      { phase: 'ramp', duration: '2s', from: 10, to: 33 },
      { phase: 'steady', duration: '3s', rate: 250 },
    ],
  },
  {},
);

describe('the plan split between threads', () => {
  it('shares of a whole number sum to it, and differ by at most one', () => {
    for (const [total, n] of [
      [101, 2],
      [7, 3],
      [2, 5],
      [64, 4],
    ] as const) {
      const parts = Array.from({ length: n }, (_, k) => shareOf(total, k, n));
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
    }
  });

  it("each phase's planned requests, rate and rate ceiling sum over the threads to the plan's", () => {
    for (const n of [2, 3, 7]) {
      const shares = Array.from({ length: n }, (_, k) => phasesShare(plan, k, n));
      plan.forEach((p, i) => {
        const parts = shares.map((s) => s[i] as PlannedPhase);
        expect(
          parts.reduce((a, q) => a + q.intended, 0),
          `${p.name} × ${n}`,
        ).toBe(p.intended);
        expect(parts.reduce((a, q) => a + q.intendedRatePerS, 0)).toBeCloseTo(p.intendedRatePerS, 9);
        const ceiling = (q: PlannedPhase) =>
          q.schedule.shape === 'constant' ? q.schedule.ratePerS : q.schedule.shape === 'ramp' ? q.schedule.toPerS : 0;
        expect(
          parts.reduce((a, q) => a + ceiling(q), 0),
          `${p.name} ceiling × ${n}`,
        ).toBe(Math.round(ceiling(p)));
        for (const q of parts) {
          expect(q.durationMs).toBe(p.durationMs);
          // Every thread's ceiling stays a whole number ≥ 1 (a share under 1/s would lift the closed engine's ceiling).
          if (ceiling(p) >= 1) expect(Number.isInteger(ceiling(q)) && ceiling(q) >= 1).toBe(true);
        }
      });
    }
  });

  it('uses no more threads than connections, requests of the cap, or requests/s of the slowest ceiling', () => {
    expect(usableWorkers(4, { connections: 64, cap: undefined, phases: plan })).toBe(4);
    expect(usableWorkers(4, { connections: 3, cap: undefined, phases: plan })).toBe(3);
    expect(usableWorkers(4, { connections: 64, cap: 2, phases: plan })).toBe(2);
    // The warm-up's 7/s: at most 7 threads.
    expect(usableWorkers(16, { connections: 64, cap: undefined, phases: plan })).toBe(7);
  });

  it('interleaves request indices: thread k of n builds k, k + n, k + 2n …, so the run never builds one twice', () => {
    const built: number[] = [];
    const fake: CompiledMix = {
      operations: [] as MixOperation[],
      userBase: 1,
      runTag: 'x',
      build: (index) => {
        built.push(index);
        return { op: 0 } as BuiltRequest;
      },
      buildOf: (_op, index) => {
        built.push(index);
        return { op: 0 } as BuiltRequest;
      },
    };
    const n = 3;
    for (let k = 0; k < n; k++) {
      const mix = interleaved(fake, k, n);
      for (let i = 0; i < 5; i++) i % 2 === 0 ? mix.build(i) : mix.buildOf(0, i);
    }
    expect([...built].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it("gives every thread the run's userBase, a distinct run tag and seed, and its share of the connections and the cap", () => {
    const input = {
      workers: 3,
      profile: { doc: stormProfile({ batchStock: 1, declaredStock: 1, steady: '1s' }), file: 'x.yaml' },
      target: { endpoints: {}, embedded: true, capabilities: [], skus: [] } satisfies Target,
      vars: { stock: 1 },
      mix: {
        userBase: 424_242_000_001,
        operations: [],
        runTag: 'main',
        build: () => ({}) as BuiltRequest,
        buildOf: () => ({}) as BuiltRequest,
      },
      phases: plan,
      connections: 8,
      timeoutMs: 1000,
      maxBodyBytes: 1000,
      cap: 100,
      seed: 17,
      startedAt: new Date(),
      setupMs: 5,
      progressEveryMs: 250,
    } satisfies WorkersInput;
    const plans = workerPlans(input, 3, new SharedArrayBuffer(4));
    expect(plans.map((p) => p.vars['userBase'])).toEqual([424_242_000_001, 424_242_000_001, 424_242_000_001]);
    expect(new Set(plans.map((p) => p.runTag)).size).toBe(3);
    expect(plans.every((p) => /^[0-9a-f]{8}$/.test(p.runTag))).toBe(true);
    expect(new Set(plans.map((p) => p.seed)).size).toBe(3);
    expect(plans.map((p) => p.connections)).toEqual([3, 3, 2]);
    expect(plans.map((p) => p.cap)).toEqual([34, 33, 33]);
    // No progress asked for: the threads post none.
    expect(plans.every((p) => p.progressEveryMs === undefined)).toBe(true);
  });
});

describe('a stock shared by the recorders of one run', () => {
  const success: ClassifiedAnswer = { kind: 'success', body: {} };
  const recorders = (shared: boolean) => {
    const counts = new Int32Array(new SharedArrayBuffer(4));
    return [0, 1].map(() =>
      createRecorder({
        model: 'closed',
        operations: [{ name: 'claim', stock: 5, ...(shared ? { countSuccess: () => Atomics.add(counts, 0, 1) } : {}) }],
        phases: [{ name: 'steady', phase: 'steady', measured: true }],
      }),
    );
  };
  const classes = (shared: boolean) => {
    const [a, b] = recorders(shared);
    // Two threads, four successes each, interleaved: eight successes for a stock of five.
    for (let i = 0; i < 4; i++) for (const r of [a, b]) r?.record('steady', 'claim', success, 1000, i);
    const ops = [a, b].map((r) => r?.phase('steady')?.operations['claim']);
    return {
      success: ops.reduce((s, o) => s + (o?.classes.success.count ?? 0), 0),
      beyond: ops.reduce((s, o) => s + (o?.nonConformant['beyond stock'] ?? 0), 0),
    };
  };

  it('judges every success against the run’s count: the three beyond a stock of five are non-conformant', () => {
    expect(classes(true)).toEqual({ success: 5, beyond: 3 });
  });

  it('(each recorder counting alone would have let all eight through: why the count is shared)', () => {
    expect(classes(false)).toEqual({ success: 8, beyond: 0 });
  });
});

// ---------------------------------------------------------------- real runs over two threads

/** What the proxy saw of each claim. */
interface SeenClaim {
  readonly requestId: string;
  readonly uid: number;
  /** Whether the target answered it with a claim (not an error_response), once answered. */
  granted?: boolean;
}

let ref: EmbeddedTarget;
let proxy: TestHttpServer;
let seen: SeenClaim[] = [];
let target: Target;

beforeAll(async () => {
  ref = await startEmbedded({ testControl: false });
  const upstream = new URL(ref.origin);
  // Forwards every request to the reference, noting each claim's request_id and uid on the way.
  proxy = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const app = form.get('360buy_param_json');
      let claim: SeenClaim | undefined;
      if (form.get('method') === 'promoproof.coupon.claim' && app !== null) {
        const params = JSON.parse(app) as { request_id: string; uid: number };
        claim = { requestId: params.request_id, uid: Number(params.uid) };
        seen.push(claim);
      }
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          const said: Buffer[] = [];
          answer.on('data', (c: Buffer) => said.push(c));
          answer.on('end', () => {
            if (claim) claim.granted = answer.statusCode === 200 && !Buffer.concat(said).toString('utf8').includes('error_response');
          });
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  const claims = ref.target.endpoints['jd-coupon'];
  if (claims === undefined) throw new Error('the reference serves no jd-coupon endpoint');
  target = { ...ref.target, endpoints: { ...ref.target.endpoints, 'jd-coupon': { ...claims, url: `${proxy.origin}/routerjson` } } };
});
afterAll(async () => {
  await proxy?.close();
  await ref?.close();
});

function claimOf(result: LoadResult) {
  const claim = result.totals.operations['claim'];
  if (claim === undefined) throw new Error('no claim operation in the result');
  return claim;
}

/** Every answer of the run, warm-up included: the phases' operations. */
function answersOf(result: LoadResult): number {
  return result.phases.reduce((s, p) => s + Object.values(p.operations).reduce((a, o) => a + o.count, 0), 0);
}

describe('a closed run over two worker threads', () => {
  it('merges into one result: counts are the answers, the stock is handed out exactly, every request id is unique', async () => {
    seen = [];
    const doc = stormProfile({ batchStock: 30, declaredStock: 30, steady: '500ms' });
    const phases: string[] = [];
    const result = await runLoad({ profile: { doc, file: 'workers-storm.yaml' }, target, onPhase: (p) => phases.push(p.name) });

    const reportSchema = JSON.parse(readFileSync(new URL('../../specs/schema/load-report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(reportSchema);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.model).toBe('closed');
    expect(result.processes).toBe(2);
    expect(result.stoppedBy).toBe('completed');
    expect(result.connections).toBe(8);
    // One phase line per phase, each once both threads had ended it.
    expect(phases).toEqual(['spike', 'steady']);
    const claim = claimOf(result);
    // The merged counts are the classes' sum, the requests sent, and the claims that reached the target.
    expect(OUTCOME_CLASSES.reduce((s, c) => s + claim.classes[c].count, 0)).toBe(claim.count);
    expect(claim.count).toBe(result.totals.sent);
    expect(answersOf(result)).toBe(seen.length);
    expect(result.phases.find((p) => p.phase === 'spike')?.sent).toBe(80);
    // Exactly the stock, and nothing beyond it, over both threads.
    expect(claim.classes.success.count).toBe(30);
    expect(claim.classes['non-conformant'].count).toBe(0);
    expect(claim.classes.transport.count + claim.classes.unknown.count).toBe(0);
    expect(result.soldOut?.operation).toBe('claim');
    // Every claim carried its own request id, and both threads' ids are among them.
    const ids = seen.map((c) => c.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.split('-')[0])).size).toBe(2);
    // One user space: every uid is among the profile's 400 users of one base.
    const uids = seen.map((c) => c.uid);
    expect(Math.max(...uids) - Math.min(...uids)).toBeLessThan(400);
    // The latency histograms merged too: as many latencies as answers with one.
    expect(claim.classes.success.latency.count + claim.classes.refusal.latency.count).toBe(
      claim.classes.success.count + claim.classes.refusal.count,
    );
    // The generator's health says how a run over threads was judged; no secret reached the result.
    expect(result.generator.reasons.join('\n')).toMatch(/2 worker threads/);
    const secrets = Object.values(target.endpoints).flatMap((e) =>
      Object.entries(e.credentials)
        .filter(([k]) => /secret/i.test(k))
        .map(([, v]) => v),
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) expect(JSON.stringify(result)).not.toContain(s);
  }, 30_000);

  it('judges the stock across the threads: successes beyond a declared stock below what both threads see are non-conformant', async () => {
    seen = [];
    // 200 coupons uploaded, 12 declared: the target rightly grants every claim of a new user, each
    // thread sees far more than 12 grants, and every grant beyond the 12th of the run must be caught.
    const doc = stormProfile({ batchStock: 200, declaredStock: 12, steady: '300ms' });
    const result = await runLoad({ profile: { doc, file: 'workers-storm.yaml' }, target });
    const grantsByThread = new Map<string, number>();
    for (const c of seen)
      if (c.granted) grantsByThread.set(c.requestId.split('-')[0] ?? '', (grantsByThread.get(c.requestId.split('-')[0] ?? '') ?? 0) + 1);
    // The premise: both threads saw more grants than the declared stock (each counting alone would pass 24).
    expect([...grantsByThread.values()].filter((n) => n > 12)).toHaveLength(2);
    const granted = seen.filter((c) => c.granted).length;
    const claim = claimOf(result);
    expect(claim.classes.success.count).toBe(12);
    expect(claim.nonConformant['beyond stock']).toBe(granted - 12);
    expect(claim.classes['non-conformant'].count).toBe(granted - 12);
    // Their latencies are in their class.
    expect(claim.classes['non-conformant'].latency.count).toBe(granted - 12);
    // A sample says so, with the run's count before it (the threads' together: at least the stock).
    const said = result.samples.find((s) => s.class === 'non-conformant')?.said ?? '';
    expect(said).toMatch(/^a success beyond the stock of 12: \d+ successes were already counted/);
    expect(Number(/: (\d+) successes/.exec(said)?.[1])).toBeGreaterThanOrEqual(12);
  }, 30_000);

  it('stops both threads on an abort and still gives one merged, interrupted result', async () => {
    seen = [];
    const doc = stormProfile({ batchStock: 30, declaredStock: 30, steady: '60s' });
    const stop = new AbortController();
    const progress: number[] = [];
    const t0 = performance.now();
    const result = await runLoad({
      profile: { doc, file: 'workers-storm.yaml' },
      target,
      signal: stop.signal,
      onProgress: (snap) => {
        progress.push(snap.answers.success + snap.answers.refusal);
        // Stopped once both threads are well into the steady phase.
        if (snap.answers.refusal > 100) stop.abort();
      },
    });
    expect(result.stoppedBy).toBe('interrupted');
    expect(result.processes).toBe(2);
    expect(result.phases.map((p) => p.name)).toEqual(['spike', 'steady']);
    expect(result.totals.sent).toBeGreaterThan(100);
    expect(claimOf(result).classes.success.count).toBe(30);
    // The merged live figures reached the abort's threshold and never went back (a fast machine may get
    // there by the first one), and the run ended long before its 60 s plan (a generous bound, not a timing).
    expect(progress.at(-1)).toBeGreaterThan(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(performance.now() - t0).toBeLessThan(30_000);
  }, 30_000);
});

describe('a thread that fails', () => {
  it('fails the run with the thread’s reason', async () => {
    // A target serving none of the mix's APIs: each thread's own mix cannot compile.
    const doc = stormProfile({ batchStock: 1, declaredStock: 1, steady: '1s' });
    const none: Target = { endpoints: {}, embedded: true, capabilities: [], skus: [] };
    const mix: CompiledMix = {
      operations: [],
      userBase: 1,
      runTag: 'main',
      build: () => ({}) as BuiltRequest,
      buildOf: () => ({}) as BuiltRequest,
    };
    const run = runClosedWorkers({
      workers: 2,
      profile: { doc, file: 'workers-storm.yaml' },
      target: none,
      vars: { batch: 'b', stock: 1, declared: 1 },
      mix,
      phases: planPhases(doc),
      connections: 8,
      timeoutMs: 1000,
      maxBodyBytes: 1 << 20,
      cap: undefined,
      startedAt: new Date(),
      setupMs: 0,
      progressEveryMs: 250,
    });
    await expect(run).rejects.toThrow(/load worker thread [12] of 2: mix operation claim: the target does not serve the API/);
  }, 30_000);
});

describe('promoproof load --workers', () => {
  it('is refused with the open model, and a profile asking for workers must say model: closed', async () => {
    const r = await cli(['load', '--profile', 'claim-storm', '--workers', '2', '--model', 'open']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--workers applies to the closed model only/);
    const schema = JSON.parse(readFileSync(new URL('../../specs/schema/load-profile.schema.json', import.meta.url), 'utf8')) as {
      definitions: { run: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(schema.definitions.run.properties)).toContain('workers');
    const text = (run: string) =>
      `profile: w\ntitle: w\ndescription: w\napis: [jd-coupon]\nusers: { count: 1 }\nmix:\n  - { name: s, call: promoproof.coupon.statistics, weight: 1 }\nphases:\n  - { phase: steady, duration: 1s, rate: 5 }\n${run}\n`;
    expect(() => parseProfile('/virtual/w.yaml', text('run: { workers: 2 }'))).toThrow(
      /w\.yaml:\d+:\d+: run: workers apply to the closed model only/,
    );
    expect(parseProfile('/virtual/w.yaml', text('run: { model: closed, workers: 2 }')).run?.workers).toBe(2);
  });
});
