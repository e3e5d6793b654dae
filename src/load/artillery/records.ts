/**
 * The audit's records of an Artillery worker, carried back to the lead through Artillery's own metrics
 * stream: the one way back from a `run-fargate` worker, whose files never return, and the same way for
 * local workers. What a worker's AuditCollector keeps (audit-log.ts KeptEvent) and its samples of answers
 * become JSON lines; the lines of one worker thread (a *stream*) are cut into frames of FRAME_BYTES, and
 * each frame travels as the *name* of a custom counter of value 1 (metrics.ts `auditFrame`):
 * `pp.plugins.promoproof.<stream>.<seq>.<base64url bytes>`. The counts the audit judges by (acknowledged
 * claims per batch, claims, redeems, … and the lines made) travel as plain counters (`pp.audit.*`).
 *
 * What this relies on in Artillery 2.0.34 (scaleout/node_modules/artillery):
 * - lib/core/ssms.ts `SSMS.counter`/`incr`: a counter name is kept as given up to MAX_METRIC_NAME_LENGTH
 *   (1024) characters and summed per name within the 10 s period of its Date.now() (`normalizeTs`);
 *   `SSMS.serializeMetrics` is JSON, `SSMS.mergeBuckets` (the lead's merge of the workers' periods: local
 *   `launch-platform.ts emitIntermediatesForPeriod`, Fargate `platform/aws-ecs/legacy/sqs-reporter.ts`)
 *   sums counters by name and drops none. Every frame name is unique (stream and sequence number), so
 *   each comes back as itself with the value 1; base64url needs no escaping in either JSON layer.
 * - platform/aws-ecs/legacy/plugins/artillery-plugin-sqs-reporter/index.ts `sendSQS`: a worker's period is
 *   one SQS message, moved to S3 only beyond 950 KB. A queue may be created with SQS's old 256 KiB limit,
 *   so a worker sends at most MAX_FRAMES_PER_PERIOD frames a period (≈ 95 KB with their names' JSON)
 *   and queues the rest for later periods. Its `done` message (the worker's whole run packed) holds every
 *   frame and may be refused for its size; the lead does not read it (sqs-reporter.ts: "unused for now").
 * - lib/core/runner.ts `run`: a worker ends (`metrics.aggregate(true)`, its last periods sent) only when
 *   no scenario is pending, so the worker's last answer hook holds its scenario until the queue is sent,
 *   a period's worth at a time (runtime.ts).
 * - lib/cmds/run.ts `getPluginMetricsToSuppress`: a plugin configured `suppressOutput: true` keeps names
 *   containing `plugins.<name>` off `artillery run`'s console (the frames say `plugins.promoproof`);
 *   `run-fargate`'s console reporter (run-cluster.ts setupConsoleReporter) is given no such list: its
 *   period reports list the frames (`--quiet` keeps them off).
 * - A period lost on its way (sqs-reporter.ts drops a period that comes after the lead reported it) takes
 *   its frames and its counts with it: the sequence numbers show the gap. A worker that stops with frames
 *   queued leaves fewer lines than it made. Either way the import says so and the audit is partial
 *   (audit-log.ts AuditData.incomplete), never passed on the records that came.
 */
import { batchKeyOf, type ClaimRecord, type AuditData, emptyAuditData, type KeptEvent, AUDIT_LIMITS } from '../audit-log.js';
import type { LoadSample, OutcomeClass } from '../types.js';
import { metricNames, parseMetric } from './metrics.js';

/** Bytes of lines per frame: 896 base64url characters, a name well under Artillery's 1024. */
export const FRAME_BYTES = 672;
/** Frames a worker thread emits in one of Artillery's periods, at most. */
export const MAX_FRAMES_PER_PERIOD = 100;
/** Artillery's period (lib/core/ssms.ts normalizeTs: 10 s windows of the wall clock). */
export const PERIOD_MS = 10_000;

/** One line of a stream: a kept record of the audit, or a sample of an answer. */
export type RecordLine = KeptEvent | { readonly kind: 'sample'; readonly sample: LoadSample };

const CLAIM_FIELDS = ['api', 'user', 'batch', 'requestId', 'couponCode', 'amountFen', 'atMs', 'sentAtMs', 'refusalCode'] as const;
const CLAIM_KINDS = { claim: 'c', unknownClaim: 'u', retryRefusal: 'x' } as const;

/** A line as its compact JSON: positional fields, a claim's batch without its API (the record names it). */
export function encodeLine(line: RecordLine): string {
  switch (line.kind) {
    case 'batch':
      return JSON.stringify(['b', line.api, line.batch]);
    case 'claim':
    case 'unknownClaim':
    case 'retryRefusal': {
      const r = line.record;
      const prefix = `${r.api}\u0000`;
      const compact = { ...r, batch: r.batch.startsWith(prefix) ? r.batch.slice(prefix.length) : r.batch };
      const values = CLAIM_FIELDS.map((f) => compact[f] ?? null);
      while (values.length > 0 && values[values.length - 1] === null) values.pop();
      return JSON.stringify([CLAIM_KINDS[line.kind], ...values]);
    }
    case 'redeem':
    case 'unknownRedeem':
      return JSON.stringify([line.kind === 'redeem' ? 'r' : 'ur', line.record.user, line.record.couponCode, line.record.order]);
    case 'verification': {
      const v = line.record;
      return JSON.stringify(['v', v.user, v.couponCode, v.order, v.deductionFen ?? null, v.orderFen ?? null, v.eligibleFen ?? null]);
    }
    case 'differing':
      return JSON.stringify(['d', line.couponCode, line.order, line.deductionFen]);
    case 'sample':
      return JSON.stringify(['s', line.sample.operation, line.sample.class, line.sample.said, line.sample.curl ?? null]);
  }
}

/** A line read back; undefined for one that is not a line of ours. */
export function decodeLine(text: string): RecordLine | undefined {
  let a: unknown;
  try {
    a = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(a)) return undefined;
  const [tag, ...v] = a as [unknown, ...unknown[]];
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
  switch (tag) {
    case 'b':
      return typeof v[0] === 'string' && typeof v[1] === 'object' && v[1] !== null
        ? { kind: 'batch', api: v[0], batch: v[1] as Extract<KeptEvent, { kind: 'batch' }>['batch'] }
        : undefined;
    case 'c':
    case 'u':
    case 'x': {
      const api = str(v[0]);
      const user = str(v[1]);
      const batch = str(v[2]);
      if (api === undefined || user === undefined || batch === undefined) return undefined;
      const rec: Record<string, unknown> = { api, user, batch: batchKeyOf(api, batch) };
      CLAIM_FIELDS.forEach((f, i) => {
        if (i > 2 && v[i] !== null && v[i] !== undefined) rec[f] = v[i];
      });
      const kind = tag === 'c' ? 'claim' : tag === 'u' ? 'unknownClaim' : 'retryRefusal';
      return { kind, record: rec as unknown as ClaimRecord };
    }
    case 'r':
    case 'ur': {
      const [user, couponCode, order] = [str(v[0]), str(v[1]), str(v[2])];
      if (user === undefined || couponCode === undefined || order === undefined) return undefined;
      return { kind: tag === 'r' ? 'redeem' : 'unknownRedeem', record: { user, couponCode, order } };
    }
    case 'v': {
      const [user, couponCode, order] = [str(v[0]), str(v[1]), str(v[2])];
      if (user === undefined || couponCode === undefined || order === undefined) return undefined;
      const eligibleFen = num(v[5]);
      return {
        kind: 'verification',
        record: {
          user,
          couponCode,
          order,
          deductionFen: num(v[3]),
          orderFen: num(v[4]),
          ...(eligibleFen !== undefined ? { eligibleFen } : {}),
        },
      };
    }
    case 'd': {
      const [couponCode, order] = [str(v[0]), str(v[1])];
      if (couponCode === undefined || order === undefined) return undefined;
      return { kind: 'differing', couponCode, order, deductionFen: num(v[2]) ?? null };
    }
    case 's': {
      const [operation, cls, said, curl] = [str(v[0]), str(v[1]), str(v[2]), str(v[3])];
      if (operation === undefined || cls === undefined || said === undefined) return undefined;
      return { kind: 'sample', sample: { operation, class: cls as OutcomeClass, said, ...(curl !== undefined ? { curl } : {}) } };
    }
    default:
      return undefined;
  }
}

/** A stream's name: the worker's run tag and its thread, in the characters a metric name segment may hold. */
export function streamName(runTag: string, threadId: number): string {
  return `${runTag}-${threadId}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

type Emit = (name: string, value: number) => void;

/**
 * One worker thread's records on their way out: lines queued as they are kept, sent as frames, at most
 * MAX_FRAMES_PER_PERIOD in a period. While the run goes on only whole frames leave; `drain(…, true)`, the
 * worker's last, sends the rest too (a part-filled last frame).
 */
export class RecordStream {
  private pending: Buffer = Buffer.alloc(0);
  private readonly queued: Buffer[] = [];
  private queuedBytes = 0;
  private seq = 0;
  private window = Number.NaN;
  private inWindow = 0;
  /** Lines made, and how many of them the `made` counter has told. */
  private made = 0;
  private madeTold = 0;
  /** Whether the `made` counter was emitted yet: once even at 0, so the import knows this worker streams its records. */
  private told = false;

  constructor(
    readonly name: string,
    private readonly limits: { readonly frameBytes: number; readonly framesPerPeriod: number } = {
      frameBytes: FRAME_BYTES,
      framesPerPeriod: MAX_FRAMES_PER_PERIOD,
    },
  ) {}

  /** Queues one line. */
  push(line: RecordLine): void {
    const bytes = Buffer.from(`${encodeLine(line)}\n`, 'utf8');
    this.queued.push(bytes);
    this.queuedBytes += bytes.length;
    this.made++;
  }

  /** Bytes not sent yet. */
  get waiting(): number {
    return this.pending.length + this.queuedBytes;
  }

  /** Milliseconds from `nowMs` (wall clock) to the next period of Artillery's. */
  static msToNextPeriod(nowMs: number): number {
    return PERIOD_MS - (nowMs % PERIOD_MS);
  }

  /**
   * Tells the lines made since the last call (a plain counter, in the period of their answers: a worker
   * that stops with lines queued shows more made than came back) and sends what this period allows.
   * `nowMs` is the wall clock, as Artillery's periods count it. Answers the frames sent.
   */
  drain(nowMs: number, emit: Emit, final = false): number {
    if (this.made > this.madeTold || !this.told) {
      emit(metricNames.auditMade(this.name), this.made - this.madeTold);
      this.madeTold = this.made;
      this.told = true;
    }
    const window = Math.floor(nowMs / PERIOD_MS);
    if (window !== this.window) {
      this.window = window;
      this.inWindow = 0;
    }
    const { frameBytes, framesPerPeriod } = this.limits;
    // Nothing more this period: the lines wait where they are (joined only when some can leave).
    if (this.inWindow >= framesPerPeriod) return 0;
    if (this.queued.length > 0) {
      this.pending = Buffer.concat([this.pending, ...this.queued]);
      this.queued.length = 0;
      this.queuedBytes = 0;
    }
    let sent = 0;
    let offset = 0;
    while (this.inWindow < framesPerPeriod) {
      const left = this.pending.length - offset;
      if (left === 0 || (left < frameBytes && !final)) break;
      const frame = this.pending.subarray(offset, offset + Math.min(frameBytes, left));
      emit(metricNames.auditFrame(this.name, this.seq++, frame.toString('base64url')), 1);
      offset += frame.length;
      this.inWindow++;
      sent++;
    }
    if (offset > 0) this.pending = Buffer.from(this.pending.subarray(offset));
    return sent;
  }
}

/** The plain counters of a collector's counts, told as they move (one per worker thread). */
export class CountsTeller {
  private last = emptyAuditData();
  /** Coupon codes acknowledged, per batch, and the distinct ones not told yet. */
  private readonly codes = new Map<string, Set<string>>();
  private readonly distinct = new Map<string, number>();

  /** Notes a kept acknowledged claim (the collector's onKept): a coupon code new to its batch counts once. */
  kept(event: KeptEvent): void {
    if (event.kind !== 'claim') return;
    const { batch, couponCode } = event.record;
    const codes = this.codes.get(batch) ?? new Set<string>();
    this.codes.set(batch, codes);
    if (couponCode !== undefined && codes.has(couponCode)) return;
    if (couponCode !== undefined) codes.add(couponCode);
    this.distinct.set(batch, (this.distinct.get(batch) ?? 0) + 1);
  }

  /** Emits the counts that moved since the last call: claims, redeems, … and acknowledged claims per batch. */
  tell(data: AuditData, emit: Emit): void {
    const last = this.last;
    for (const key of COUNT_KEYS) {
      const d = data.counts[key] - last.counts[key];
      if (d !== 0) emit(metricNames.auditCount(key), d);
    }
    const refused = data.retryRefusals.notKept - last.retryRefusals.notKept;
    if (refused !== 0) emit(metricNames.auditCount('retryNotKept'), refused);
    for (const [batch, n] of Object.entries(data.claimsByBatch)) {
      const d = n - (last.claimsByBatch[batch] ?? 0);
      if (d !== 0) emit(metricNames.auditBatch(batch), d);
    }
    for (const [batch, n] of Object.entries(data.resentAcksByBatch ?? {})) {
      const d = n - (last.resentAcksByBatch?.[batch] ?? 0);
      if (d !== 0) emit(metricNames.auditResent(batch), d);
    }
    for (const [batch, n] of this.distinct) emit(metricNames.auditDistinct(batch), n);
    this.distinct.clear();
    this.last = {
      ...last,
      counts: { ...data.counts },
      retryRefusals: { kept: [], notKept: data.retryRefusals.notKept },
      claimsByBatch: { ...data.claimsByBatch },
      resentAcksByBatch: { ...data.resentAcksByBatch },
    };
  }
}

const COUNT_KEYS = ['claims', 'redeems', 'verifications', 'unknownClaims', 'unknownRedeems', 'notKept'] as const;

/** What the import read back of the workers' streams. */
export interface StreamedAudit {
  /** The audit's data, rebuilt: kept records from the frames, counts from the plain counters. */
  readonly data: AuditData;
  readonly samples: readonly LoadSample[];
  /** Worker threads that sent records. */
  readonly streams: number;
  /** Workers (processes: a stream's run tag, its thread id left off) that sent records. */
  readonly workers: number;
  /** Lines the workers made, and the lines that came back whole. */
  readonly made: number;
  readonly cameBack: number;
  /** Frames missing between others (a period lost on its way). */
  readonly gaps: number;
}

/**
 * Rebuilds the audit's data from a run's merged counters (import.ts mergeRuns): every stream's frames in
 * order, its lines parsed (a line cut by a missing frame is lost, not guessed), the counts from the plain
 * counters. Records that did not all come back set `data.incomplete` with the reason.
 */
export function streamedAudit(counters: ReadonlyMap<string, number>): StreamedAudit {
  const frames = new Map<string, Map<number, string>>();
  const made = new Map<string, number>();
  const data = emptyAuditData();
  for (const [name, value] of counters) {
    const m = parseMetric(name);
    if (m === undefined) continue;
    if (m.kind === 'auditFrame') {
      const of = frames.get(m.stream) ?? new Map<number, string>();
      of.set(m.seq, m.payload);
      frames.set(m.stream, of);
    } else if (m.kind === 'auditMade') made.set(m.stream, (made.get(m.stream) ?? 0) + value);
    else if (m.kind === 'auditCount') {
      if (m.key === 'retryNotKept') data.retryRefusals.notKept += value;
      else if (m.key in data.counts) data.counts[m.key as (typeof COUNT_KEYS)[number]] += value;
    } else if (m.kind === 'auditBatch') data.claimsByBatch[m.batch] = (data.claimsByBatch[m.batch] ?? 0) + value;
    else if (m.kind === 'auditResent') {
      const resent = data.resentAcksByBatch ?? {};
      data.resentAcksByBatch = resent;
      resent[m.batch] = (resent[m.batch] ?? 0) + value;
    } else if (m.kind === 'auditDistinct') {
      const distinct = data.distinctByBatch ?? {};
      data.distinctByBatch = distinct;
      distinct[m.batch] = (distinct[m.batch] ?? 0) + value;
    }
  }
  let gaps = 0;
  let cameBack = 0;
  const samples: LoadSample[] = [];
  for (const name of [...new Set([...frames.keys(), ...made.keys()])].sort()) {
    const read = readStream(frames.get(name) ?? new Map());
    gaps += read.gaps;
    cameBack += read.lines.length;
    addLines(data, samples, read.lines);
  }
  // The workers' acknowledgements in the order they came, as one collector would have kept them.
  data.claims.sort((a, b) => (a.atMs ?? 0) - (b.atMs ?? 0));
  const madeTotal = [...made.values()].reduce((s, n) => s + n, 0);
  const reasons: string[] = [];
  if (gaps > 0)
    reasons.push(`${gaps} frame(s) of the workers' records did not come back (a period of Artillery's metrics lost on its way)`);
  if (madeTotal > cameBack) reasons.push(`${madeTotal - cameBack} of the ${madeTotal} records the workers made did not come back`);
  if (cameBack > madeTotal) reasons.push(`the workers' count of records they made came back short (${madeTotal} for ${cameBack} records)`);
  // A lost period takes its counts with it; a worker that stopped with records queued told every count.
  if (reasons.length > 0) data.incomplete = { reason: reasons.join('; '), countsExact: gaps === 0 && cameBack <= madeTotal };
  const streams = new Set([...frames.keys(), ...made.keys()]);
  const workers = new Set([...streams].map((name) => name.replace(/-\d+$/, ''))).size;
  return { data, samples, streams: streams.size, workers, made: madeTotal, cameBack, gaps };
}

/**
 * One stream's lines added to the audit's data. A (coupon, order) verified by two workers is two records
 * here, merged as the collector merges them when it absorbs the data; a differing deduction belongs to its
 * own worker's record.
 */
function addLines(data: AuditData, samples: LoadSample[], lines: readonly RecordLine[]): void {
  const verifications = new Map<string, AuditData['verifications'][number]>();
  for (const line of lines) {
    switch (line.kind) {
      case 'batch': {
        const key = batchKeyOf(line.api, line.batch.key);
        if (data.batches[key] === undefined) data.batches[key] = { api: line.api, batch: line.batch };
        break;
      }
      case 'claim':
        data.claims.push(line.record);
        break;
      case 'unknownClaim':
        data.unknownClaims.push(line.record);
        break;
      case 'retryRefusal':
        data.retryRefusals.kept.push(line.record);
        break;
      case 'redeem':
        data.redeems.push(line.record);
        break;
      case 'unknownRedeem':
        data.unknownRedeems.push(line.record);
        break;
      case 'verification': {
        const rec = { ...line.record, eligibleFen: line.record.eligibleFen, count: 1, differing: [] };
        verifications.set(`${rec.couponCode}\u0000${rec.order}`, rec);
        data.verifications.push(rec);
        break;
      }
      case 'differing': {
        const rec = verifications.get(`${line.couponCode}\u0000${line.order}`);
        if (rec !== undefined && rec.differing.length < AUDIT_LIMITS.maxDiffering) {
          rec.differing.push(line.deductionFen);
          rec.count++;
        }
        break;
      }
      case 'sample':
        samples.push(line.sample);
        break;
    }
  }
}

/** One stream's frames joined in order: the whole lines of each unbroken run of frames, and the gaps between runs. */
function readStream(frames: ReadonlyMap<number, string>): { lines: RecordLine[]; gaps: number } {
  const seqs = [...frames.keys()].sort((a, b) => a - b);
  const lines: RecordLine[] = [];
  let gaps = 0;
  let run: Buffer[] = [];
  let runStart = 0;
  const flush = () => {
    let text = Buffer.concat(run).toString('utf8');
    // A run after a gap starts inside a line, and any run may end inside one (before a gap, or a worker that
    // stopped with lines queued): only whole lines count.
    if (runStart > 0) {
      const nl = text.indexOf('\n');
      text = nl < 0 ? '' : text.slice(nl + 1);
    }
    const parts = text.split('\n');
    parts.pop();
    for (const p of parts) {
      const line = p === '' ? undefined : decodeLine(p);
      if (line !== undefined) lines.push(line);
    }
    run = [];
  };
  let expected = 0;
  for (const seq of seqs) {
    if (seq !== expected) {
      if (run.length > 0) flush();
      gaps += seq - expected;
      runStart = seq;
    }
    run.push(Buffer.from(frames.get(seq) ?? '', 'base64url'));
    expected = seq + 1;
  }
  if (run.length > 0) flush();
  return { lines, gaps };
}
