/**
 * The audit's records on their way back from Artillery workers (src/load/artillery/records.ts): each line
 * read back as it was written, frames bounded per period and queued beyond, and a real run's records,
 * streamed and rebuilt, audited exactly as the run's own collector is — passed against the reference,
 * failed with its over-issuance fault. Records that did not all come back leave the audit partial,
 * never passed, while the counts-only invariants still judge. Counts only: no timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/engine/target.js';
import { parseMetric } from '../../src/load/artillery/metrics.js';
import {
  CountsTeller,
  decodeLine,
  encodeLine,
  MAX_FRAMES_PER_PERIOD,
  PERIOD_MS,
  RecordStream,
  type RecordLine,
  streamedAudit,
  streamName,
} from '../../src/load/artillery/records.js';
import { type AuditBegin, createLoadAudit } from '../../src/load/audit.js';
import { batchKeyOf } from '../../src/load/audit-log.js';
import { runLoad } from '../../src/load/run-load.js';
import type { AuditResult, LoadProfileDoc } from '../../src/load/types.js';
import { claimsProfile } from './upload-step.js';
import { embeddedPerTest } from './embedded-per-test.js';

const embedded = embeddedPerTest();
const reference = embedded.reference;

const LINES: RecordLine[] = [
  {
    kind: 'batch',
    api: 'jd-coupon',
    batch: { key: '["101","pp-秒杀"]', label: 'pp-秒杀', params: { data_source_id: '101', batch_id: 'pp-秒杀' } },
  },
  {
    kind: 'claim',
    record: {
      api: 'jd-coupon',
      user: '100007',
      batch: batchKeyOf('jd-coupon', '["101","pp-秒杀"]'),
      requestId: 'w000ab12-3f',
      couponCode: 'JD-券-0001',
      amountFen: 1000,
      atMs: 1_765_150_000_123,
      sentAtMs: 1_765_150_000_123 - 12_345 / 1000,
    },
  },
  { kind: 'unknownClaim', record: { api: 'jd-coupon', user: '100008', batch: batchKeyOf('jd-coupon', 'k'), requestId: 'w000ab12-40' } },
  {
    kind: 'retryRefusal',
    record: {
      api: 'jd-coupon',
      user: '1',
      batch: batchKeyOf('jd-coupon', 'k'),
      requestId: 'r',
      refusalCode: 'coupon.stock.empty',
      atMs: 5,
    },
  },
  { kind: 'redeem', record: { user: '1', couponCode: 'c', order: 'o-1' } },
  { kind: 'unknownRedeem', record: { user: '2', couponCode: 'd', order: 'o-2' } },
  {
    kind: 'verification',
    record: { user: '3', couponCode: 'e', order: '[[{"sku_id":"1"}],false]', deductionFen: 500, orderFen: 2000, eligibleFen: 2000 },
  },
  { kind: 'verification', record: { user: '3', couponCode: 'f', order: 'o', deductionFen: undefined, orderFen: undefined } },
  { kind: 'differing', couponCode: 'e', order: '[[{"sku_id":"1"}],false]', deductionFen: null },
  {
    kind: 'sample',
    sample: { operation: 'claim', class: 'refusal', said: '库存不足 coupon.stock.empty', curl: "curl -X POST 'http://x/routerjson'" },
  },
  { kind: 'sample', sample: { operation: 'claim', class: 'transport', said: 'ECONNRESET: socket hang up' } },
];

/** Every frame a stream sends over `periods` of Artillery's, the last drain final; counters summed as Artillery's merge does. */
function sendAll(stream: RecordStream, into: Map<string, number>, periods: number, start = 0): number[] {
  const perPeriod: number[] = [];
  for (let p = 0; p < periods; p++) {
    const emit = (name: string, v: number) => into.set(name, (into.get(name) ?? 0) + v);
    perPeriod.push(stream.drain(start + p * PERIOD_MS, emit, true));
    if (stream.waiting === 0) break;
  }
  return perPeriod;
}

describe('a line of the audit’s records', () => {
  it('reads back as it was written, every kind, Chinese and fractions of a millisecond included', () => {
    for (const line of LINES) expect(decodeLine(encodeLine(line))).toEqual(line);
    expect(decodeLine('["zz",1]')).toBeUndefined();
    expect(decodeLine('{"kind":"claim"}')).toBeUndefined();
    expect(decodeLine('["c",')).toBeUndefined();
  });

  it('a stream name keeps to the characters of a metric name segment', () => {
    expect(streamName('w001ab12c', 3)).toBe('w001ab12c-3');
    expect(streamName('a.b/c', 0)).toBe('a_b_c-0');
  });
});

describe('a worker thread’s stream of frames', () => {
  it('sends only whole frames while the run goes on, at most the bound a period, the rest in later periods and the last drain', () => {
    const stream = new RecordStream('w000x-1', { frameBytes: 64, framesPerPeriod: 3 });
    const counters = new Map<string, number>();
    const emit = (name: string, v: number) => counters.set(name, (counters.get(name) ?? 0) + v);
    for (let i = 0; i < 40; i++) stream.push(LINES[i % LINES.length] as RecordLine);
    const bytes = stream.waiting;
    expect(stream.drain(1_000, emit)).toBe(3);
    // The period's bound is spent: nothing more in it, whatever is queued.
    expect(stream.drain(9_999, emit)).toBe(0);
    expect(stream.drain(10_000, emit)).toBe(3);
    const frames = () => [...counters.keys()].filter((k) => parseMetric(k)?.kind === 'auditFrame');
    expect(frames()).toHaveLength(6);
    // The lines made are told once, in the period they were made.
    expect(counters.get('pp.audit.made.w000x-1')).toBe(40);
    const periods = sendAll(stream, counters, 1000, 20_000);
    expect(Math.max(...periods)).toBeLessThanOrEqual(3);
    expect(frames().length).toBe(Math.ceil(bytes / 64));
    for (const f of frames()) expect(f.length).toBeLessThan(1024);
    const back = streamedAudit(counters);
    expect(back).toMatchObject({ made: 40, cameBack: 40, gaps: 0, streams: 1, workers: 1 });
    // Workers are the streams' run tags: two threads of worker w000x and one of w001x are two workers.
    const threads = new Map([...counters, ['pp.audit.made.w000x-2', 0], ['pp.audit.made.w001x-1', 0]]);
    expect(streamedAudit(threads)).toMatchObject({ streams: 3, workers: 2 });
    expect(back.data.incomplete).toBeUndefined();
    expect(back.samples).toHaveLength(6);
    // Each worker's record of a (coupon, order) keeps its own differing deductions; absorbing merges them.
    expect(back.data.verifications.filter((v) => v.couponCode === 'e').flatMap((v) => v.differing)).toHaveLength(3);
  });

  it('without a final drain a part-filled frame waits: a worker that stops there leaves fewer lines than it made', () => {
    const stream = new RecordStream('s-0', { frameBytes: 64, framesPerPeriod: 100 });
    const counters = new Map<string, number>();
    for (const line of LINES) stream.push(line);
    stream.drain(0, (n, v) => counters.set(n, (counters.get(n) ?? 0) + v));
    expect(stream.waiting).toBeGreaterThan(0);
    expect(stream.waiting).toBeLessThan(64);
    const back = streamedAudit(counters);
    expect(back.made).toBe(LINES.length);
    expect(back.cameBack).toBeLessThan(LINES.length);
    expect(back.gaps).toBe(0);
    // The counts were told with the answers: still whole.
    expect(back.data.incomplete).toMatchObject({ countsExact: true });
    expect(back.data.incomplete?.reason).toMatch(/did not come back/);
  });

  it('a frame lost between others is a gap: the lines it cut are dropped, not guessed, and the counts are not whole', () => {
    const stream = new RecordStream('s-0', { frameBytes: 40, framesPerPeriod: 1000 });
    const counters = new Map<string, number>();
    for (const line of LINES) stream.push(line);
    sendAll(stream, counters, 1);
    const frames = [...counters.keys()].filter((k) => parseMetric(k)?.kind === 'auditFrame');
    const lost = frames.find((k) => {
      const m = parseMetric(k);
      return m?.kind === 'auditFrame' && m.seq === 3;
    });
    counters.delete(lost ?? '');
    const back = streamedAudit(counters);
    expect(back.gaps).toBe(1);
    expect(back.cameBack).toBeGreaterThan(0);
    expect(back.cameBack).toBeLessThan(LINES.length);
    // Every line that came back is one that was written.
    expect(back.data.claims.length + back.data.redeems.length + back.data.verifications.length).toBeLessThanOrEqual(4);
    expect(back.data.incomplete).toMatchObject({ countsExact: false });
  });

  it('tells the audit’s counts as they move, summing to the collector’s', () => {
    const teller = new CountsTeller();
    const counters = new Map<string, number>();
    const emit = (name: string, v: number) => counters.set(name, (counters.get(name) ?? 0) + v);
    const data = { ...streamedAudit(new Map()).data };
    data.counts.claims = 3;
    data.claimsByBatch['jd-coupon\u0000["1","b"]'] = 3;
    teller.tell(data, emit);
    data.counts.claims = 5;
    data.counts.notKept = 2;
    data.retryRefusals.notKept = 1;
    data.claimsByBatch['jd-coupon\u0000["1","b"]'] = 5;
    // Two of the acknowledgements were re-sends answered again: beyond its memory the audit counts them apart.
    data.resentAcksByBatch = { 'jd-coupon\u0000["1","b"]': 1 };
    teller.tell(data, emit);
    data.resentAcksByBatch = { 'jd-coupon\u0000["1","b"]': 2 };
    teller.tell(data, emit);
    const back = streamedAudit(counters).data;
    expect(back.counts).toMatchObject({ claims: 5, notKept: 2 });
    expect(back.retryRefusals.notKept).toBe(1);
    expect(back.claimsByBatch).toEqual({ 'jd-coupon\u0000["1","b"]': 5 });
    expect(back.resentAcksByBatch).toEqual({ 'jd-coupon\u0000["1","b"]': 2 });
  });
});

/** A claim spike with re-sends on a batch of 25: sold out, refusals, re-sends answered again. */
function storm(): LoadProfileDoc {
  const doc = claimsProfile({
    profile: 'streamed-audit',
    title: 'audit from the stream',
    stock: 25,
    perUser: 2,
    users: 60,
    phases: [{ phase: 'spike', requests: 150, operation: 'claim' }],
  });
  return { ...doc, mix: doc.mix.map((m) => ({ ...m, retries: { share: 0.2 } })) };
}

/**
 * A local run whose collector streams what it keeps (as an Artillery worker's does), and its own audit;
 * then the stream's frames, `keep` of them, rebuilt into a second audit begun from the same statistics.
 */
async function localAndStreamed(target: Target, keep: (seq: number, frames: number) => boolean = () => true) {
  const doc = storm();
  const local = createLoadAudit({ profile: doc, target });
  let begun: AuditBegin | undefined;
  const audit = {
    ...local,
    begin: (b: AuditBegin) => {
      begun = b;
      return local.begin(b);
    },
  };
  const stream = new RecordStream(streamName('w000test', 1));
  const teller = new CountsTeller();
  local.collector.onKept = (e) => {
    stream.push(e);
    teller.kept(e);
  };
  const result = await runLoad({ profile: { doc, file: 'streamed-audit.yaml' }, target, overrides: { seed: 5 }, audit });
  expect(result.stoppedBy).toBe('completed');
  const counters = new Map<string, number>();
  teller.tell(local.collector.kept(), (n, v) => counters.set(n, (counters.get(n) ?? 0) + v));
  const periods = sendAll(stream, counters, 1000);
  expect(Math.max(...periods)).toBeLessThanOrEqual(MAX_FRAMES_PER_PERIOD);
  const frames = [...counters.keys()].filter((k) => parseMetric(k)?.kind === 'auditFrame');
  for (const f of frames) {
    const m = parseMetric(f);
    if (m?.kind === 'auditFrame' && !keep(m.seq, frames.length)) counters.delete(f);
  }
  const streamed = streamedAudit(counters);
  const again = createLoadAudit({ profile: doc, target, before: local.statisticsBefore() });
  if (begun === undefined) throw new Error('the run never began its audit');
  await again.begin(begun);
  again.collector.absorb(streamed.data);
  return { local: await local.finish(), fromStream: await again.finish(), streamed, kept: local.collector.kept() };
}

const statuses = (a: AuditResult) => Object.fromEntries(a.invariants.map((i) => [i.id, i.status]));

describe('an audit from the streamed records', () => {
  it('judges a run exactly as its own collector does: every record back, the same verdict on every invariant', async () => {
    const { local, fromStream, streamed, kept } = await localAndStreamed(await reference());
    expect(kept.claims.length).toBeGreaterThan(0);
    expect(kept.retryRefusals.kept.length + kept.unknownClaims.length).toBeGreaterThan(0);
    expect(streamed.cameBack).toBe(streamed.made);
    expect(streamed.data.claims).toHaveLength(kept.claims.length);
    expect(new Set(streamed.data.claims)).toEqual(new Set(kept.claims));
    expect(streamed.data.retryRefusals.kept).toEqual(kept.retryRefusals.kept);
    expect(streamed.data.claimsByBatch).toEqual(kept.claimsByBatch);
    expect(local.status, local.reason).toBe('passed');
    expect(fromStream.status, fromStream.reason).toBe('passed');
    expect(statuses(fromStream)).toEqual(statuses(local));
    expect(fromStream.acknowledged).toEqual(local.acknowledged);
  });

  it('fails as the local audit fails when the reference over-issues (cpn-claim-race)', async () => {
    const { local, fromStream } = await localAndStreamed(await reference('cpn-claim-race'));
    expect(local.status).toBe('failed');
    expect(fromStream.status).toBe('failed');
    expect(statuses(fromStream)).toEqual(statuses(local));
  });

  it('with the last frames lost, is partial: what needs every record is not checked, never passed; the stock still judged from the counts', async () => {
    const { fromStream, streamed } = await localAndStreamed(await reference(), (seq, n) => seq < n - 2);
    expect(streamed.cameBack).toBeLessThan(streamed.made);
    expect(fromStream.status, fromStream.reason).toBe('partial');
    const s = statuses(fromStream);
    expect(s['stock']).toBe('held');
    expect(s['statistics-claimed']).toBe('held');
    for (const id of ['codes-unique', 'claims-listed', 'nothing-unacknowledged', 'per-user'])
      expect(s[id] === 'not-checked' || s[id] === undefined, `${id}: ${s[id]}`).toBe(true);
    expect(Object.values(s)).not.toContain('violated');
    expect(fromStream.invariants.find((i) => i.id === 'codes-unique')?.reason).toMatch(/did not come back/);
  });

  it('with a frame lost between others (a lost period, its counts with it), passes nothing: the stock is not checked either', async () => {
    const { fromStream, streamed } = await localAndStreamed(await reference(), (seq) => seq !== 1);
    expect(streamed.gaps).toBe(1);
    expect(fromStream.status, fromStream.reason).toBe('partial');
    expect(fromStream.invariants.filter((i) => i.status === 'held').map((i) => i.id)).toEqual([]);
    expect(statuses(fromStream)['stock']).toBe('not-checked');
  });

  it('with records lost, still fails on the stock the records that came back show over-issued', async () => {
    const { fromStream, streamed } = await localAndStreamed(await reference('cpn-claim-race'), (seq, n) => seq < n - 1);
    expect(streamed.cameBack).toBeLessThan(streamed.made);
    expect(fromStream.status).toBe('failed');
  });
});
