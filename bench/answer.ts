/**
 * The `answer` section of `npm run bench`: what reading one answer costs with the one classifier
 * (src/engine/answer.ts: parse, the JOS envelope, the claim's answer schema at `must` level), against
 * JSON.parse of the same bytes alone, and against preparing the claim's request: a load run classifies
 * every answer, so this is its per-answer price next to its per-request one. Then what recording that
 * answer costs (src/load/record.ts: its class, counters and latency histograms), against classifying it.
 */
import { Bench } from 'tinybench';
import { type Row, tinybenchRow } from './row.js';
import { jdCouponApiCompiled } from '../src/apis/jd-coupon/spec.js';
import { type AnswerOutcome, classify, readerFor } from '../src/engine/answer.js';
import { josAdapter } from '../src/protocols/jos/adapter.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { createRecorder } from '../src/load/record.js';

const CLAIM = 'promoproof.coupon.claim';

/** A claim's success as the reference writes it: the coupon issued, every field the schema names. */
const CLAIMED = JSON.stringify({
  promoproof_coupon_claim_responce: {
    code: '0',
    coupon: {
      coupon_code: 'PPC7QK2M9XR4',
      coupon_id: 100234,
      data_source_id: '101',
      batch_id: 'pp-Pab1c2',
      uid: 10001,
      name: '满100减10',
      sub_type: 1,
      amount_fen: 1000,
      minimum_fen: 10000,
      valid_from: '2026-11-01 00:00:00',
      valid_to: '2026-11-30 23:59:59',
      acquired_time: '2026-11-11 00:00:01',
      via: 'claim',
      status: 'unused',
    },
  },
});

export async function benchAnswer(): Promise<Row[]> {
  const endpoint = { url: 'http://127.0.0.1:8620/routerjson', credentials: { ...DEFAULT_CREDENTIALS } };
  const reader = readerFor({
    adapter: josAdapter,
    api: jdCouponApiCompiled(),
    operation: CLAIM,
    endpoint,
    level: 'must',
    maxBodyBytes: 64 * 1024,
  });
  const outcome: AnswerOutcome = { ok: true, status: 200, contentType: 'application/json;charset=utf-8', body: CLAIMED, truncated: false };
  // A figure of the wrong path would mislead: the answer must read as the success it is.
  const read = classify(outcome, reader);
  if (read.kind !== 'success') throw new Error(`bench/answer.ts: the claim answer reads ${JSON.stringify(read)}`);
  const input = {
    endpoint,
    operation: CLAIM,
    app: { data_source_id: '101', batch_id: 'pp-Pab1c2', uid: 10001, request_id: 'P3a91x' },
    transport: {},
    clockOffsetMs: 0,
    nowMs: Date.now(),
    nonce: '0123456789abcdef0123456789abcdef',
  };
  const classified = 'classify a claim answer (parse, JOS envelope, must schema)';
  const parsed = 'JSON.parse of the same answer';
  const prepared = 'prepare the claim (JOS, signed)';
  // The recorder's busiest path: a measured phase and an operation with sold-out codes (three histogram writes).
  const recorder = createRecorder({
    model: 'open',
    operations: [{ name: 'claim', refusals: ['coupon.limit.user'], soldOut: ['coupon.stock.empty'] }],
    phases: [{ name: 'steady', phase: 'steady', measured: true }],
  });
  const recordedTask = 'record a classified answer (load recorder: class, counters, histograms)';
  let latencyUs = 0;
  const bench = new Bench({ time: 600, warmupTime: 150 });
  bench
    .add(classified, () => {
      classify(outcome, reader);
    })
    .add(parsed, () => {
      JSON.parse(CLAIMED);
    })
    .add(prepared, () => {
      josAdapter.prepare(input);
    })
    .add(recordedTask, () => {
      latencyUs = (latencyUs + 37) % 5000;
      recorder.record('steady', 'claim', read, 200 + latencyUs, 0);
    });
  await bench.run();
  const row = tinybenchRow(bench);
  return [
    row(classified, parsed, 'what the one classifier adds to parsing: the envelope and the compiled schema check'),
    row(classified, prepared, "a load run's per-answer price next to its per-request one"),
    row(recordedTask, classified, 'what recording an answer adds to reading it: no allocation beyond the histograms'),
  ];
}
