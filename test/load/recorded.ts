/**
 * Synthetic load traffic for the recorder, merge and render tests: a deterministic stream of classified
 * answers over a warm-up, a steady phase and a spike, the answers of every class the one classifier
 * gives, and a run's meta (a healthy generator unless told otherwise).
 */
import { toLatencySummary, usHistogram } from '../../src/load/histograms.js';
import { createRecorder, type LoadRecorder, type RecorderInput, type ResultMeta } from '../../src/load/record.js';
import type { GeneratorHealth } from '../../src/load/types.js';
import type { ClassifiedAnswer } from '../../src/protocols/types.js';
import { rng } from '../helpers/rng.js';

export const SUCCESS: ClassifiedAnswer = { kind: 'success', body: { code: '0' } };
export const refusal = (code: string): ClassifiedAnswer => ({ kind: 'refusal', code, message: `refused: ${code}`, body: { code } });
export const SERVER_ERROR: ClassifiedAnswer = { kind: 'server-error', status: 503, said: 'a body that is not JSON (text/html): "<html>"' };
export const NOT_JSON: ClassifiedAnswer = { kind: 'malformed', problem: 'not-json', reason: 'HTTP 200 with a body that is not JSON' };
export const SCHEMA: ClassifiedAnswer = {
  kind: 'malformed',
  problem: 'schema',
  reason: 'a success not matching the spec schema of promoproof.coupon.claim: /coupon must be object',
  violation: '/coupon must be object',
};
export const TRANSPORT: ClassifiedAnswer = { kind: 'transport', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' };
export const UNKNOWN: ClassifiedAnswer = { kind: 'unknown', reason: 'no complete answer within 2000 ms' };

/** The plan of the synthetic run: claims with a sold-out code, and list reads refusing anything. */
export const PLAN: RecorderInput = {
  model: 'open',
  operations: [
    { name: 'claim', refusals: ['coupon.limit.user'], soldOut: ['coupon.stock.empty'] },
    { name: 'list', refusals: 'any' },
  ],
  phases: [
    { name: 'warm-up', phase: 'warm-up', measured: false },
    { name: 'steady', phase: 'steady', measured: true },
    { name: 'spike', phase: 'spike', measured: true },
  ],
};

/** One answer of the synthetic stream. */
export interface Event {
  readonly phase: string;
  readonly op: string;
  readonly answer: ClassifiedAnswer;
  readonly latencyUs: number | undefined;
  readonly atMs: number;
}

/**
 * `n` answers: 10 % warm-up, then steady, the last 20 % a spike; claims succeed until 60 % of the
 * stream, then mostly sold out; a sprinkle of every error class. Latencies from 80 µs to ~200 ms,
 * long-tailed, so percentiles have something to say.
 */
export function traffic(n: number, seed = 7): Event[] {
  const random = rng(seed);
  const events: Event[] = [];
  for (let i = 0; i < n; i++) {
    const phase = i < n * 0.1 ? 'warm-up' : i < n * 0.8 ? 'steady' : 'spike';
    const atMs = (i - n * 0.1) * 2;
    const op = random() < 0.7 ? 'claim' : 'list';
    const r = random();
    let answer: ClassifiedAnswer;
    if (r < 0.01) answer = SERVER_ERROR;
    else if (r < 0.015) answer = NOT_JSON;
    else if (r < 0.02) answer = SCHEMA;
    else if (r < 0.025) answer = TRANSPORT;
    else if (r < 0.03) answer = UNKNOWN;
    else if (r < 0.06) answer = refusal(op === 'claim' ? 'coupon.limit.user' : 'list.busy');
    else if (op === 'claim' && i > n * 0.6) answer = refusal(random() < 0.01 ? 'coupon.weird' : 'coupon.stock.empty');
    else answer = SUCCESS;
    const latencyUs = answer.kind === 'transport' ? undefined : 80 + Math.floor(-Math.log(1 - random()) * (random() < 0.05 ? 40_000 : 600));
    events.push({ phase, op, answer, latencyUs, atMs });
  }
  return events;
}

/** Feeds `events` to `recorder`, then closes every phase with the counts it saw (intended = sent). */
export function feed(recorder: LoadRecorder, events: readonly Event[], elapsedMs = 1000): void {
  const sent = new Map<string, number>();
  for (const e of events) {
    recorder.record(e.phase, e.op, e.answer, e.latencyUs, e.atMs, () => ({
      curl: `curl -X POST http://127.0.0.1:8620/routerjson # ${e.op}`,
    }));
    sent.set(e.phase, (sent.get(e.phase) ?? 0) + 1);
  }
  for (const [phase, n] of sent)
    recorder.phaseDone(phase, { intended: n, intendedRatePerS: phase === 'spike' ? 0 : n / (elapsedMs / 1000), elapsedMs });
}

/** A recorder of PLAN fed `events`. */
export function recorded(events: readonly Event[], input: RecorderInput = PLAN): LoadRecorder {
  const recorder = createRecorder(input);
  feed(recorder, events);
  return recorder;
}

/** A generator that kept up, or one that did not (with its reasons). */
export function generator(valid = true, reasons: readonly string[] = []): GeneratorHealth {
  const lag = usHistogram();
  for (let i = 0; i < 100; i++) lag.record(20 + i);
  return {
    cpuPercent: { mean: 41.5, max: 88 },
    eventLoopDelayMs: { p50: 0.02, p99: 1.25, max: 3.5 },
    lag: toLatencySummary(lag.summary()),
    lateSends: valid ? 0 : 40,
    lateShare: valid ? 0 : 0.4,
    valid,
    reasons,
  };
}

/** The run's meta for `result`. */
export function meta(overrides: Partial<ResultMeta> = {}): ResultMeta {
  return {
    profile: { name: 'claim-storm', title: 'Claim storm', file: 'scenarios/load/claim-storm.yaml' },
    target: { url: 'http://127.0.0.1:8620/routerjson', embedded: true },
    startedAt: '2026-11-11T00:00:00.000Z',
    durationMs: 3000,
    connections: 64,
    stoppedBy: 'completed',
    setup: { durationMs: 120, steps: 3 },
    generator: generator(),
    slo: ['claim.p99<200ms'],
    ...overrides,
  };
}
