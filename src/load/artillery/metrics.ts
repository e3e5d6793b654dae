/**
 * The names of promoproof's Artillery custom metrics. Artillery merges counters (sums) and histograms
 * (DDSketches) of the same name across workers and periods, so every figure promoproof needs back is
 * one name: phase and operation by their index in setup.json, the outcome class by name.
 * - `pp.<p>.<o>.<class>`: answers of the class (counter);
 * - `pp.<p>.<o>.<class>.latency`: their latency from the intended instant, ms (histogram; transport has none);
 * - `pp.<p>.<o>.service`: every answer's time from the actual send, ms (histogram);
 * - `pp.<p>.<o>.code.<code>`: refusals by code; `pp.<p>.<o>.nc.<reason>`: non-conformant answers by reason;
 * - `pp.<p>.sent`, `pp.<p>.late` (counters), `pp.<p>.lag` (histogram, ms): sends, late sends and the send lag;
 * - `pp.<p>.release` (histogram, ms): a spike's sends after the worker's first one (its real release window);
 * - `pp.w.<worker>.busy`, `pp.w.<worker>.delay` (histograms): one worker thread's own health, named after
 *   it so that Artillery's merge never mixes two workers (worker-health.ts);
 * - `pp.audit.*` (counters): the audit's counts; `pp.plugins.promoproof.<stream>.<seq>.<bytes>`: the audit's
 *   records, carried in the name (records.ts).
 */
import type { OutcomeClass } from '../types.js';

/** Every metric of promoproof starts with this. */
export const METRIC_PREFIX = 'pp.';
/** The audit's record frames (records.ts): `suppressOutput` of the script's plugin hides names holding `plugins.promoproof`. */
const AUDIT_FRAME_PREFIX = 'pp.plugins.promoproof.';

export const metricNames = {
  answers: (p: number, o: number, cls: OutcomeClass) => `pp.${p}.${o}.${cls}`,
  latency: (p: number, o: number, cls: OutcomeClass) => `pp.${p}.${o}.${cls}.latency`,
  service: (p: number, o: number) => `pp.${p}.${o}.service`,
  code: (p: number, o: number, code: string) => `pp.${p}.${o}.code.${code}`,
  nonConformant: (p: number, o: number, reason: string) => `pp.${p}.${o}.nc.${reason}`,
  sent: (p: number) => `pp.${p}.sent`,
  late: (p: number) => `pp.${p}.late`,
  lag: (p: number) => `pp.${p}.lag`,
  /** A spike's sends: each one's time after the worker's first send of the spike, ms (histogram: its max is the slowest worker's release window). */
  release: (p: number) => `pp.${p}.release`,
  /** Arrivals beyond the plan (Artillery made more than schedule.ts counted): sent, never measured. */
  unplanned: 'pp.unplanned',
  /** One worker thread's event-loop utilisation, each second's, % of one core (histogram: worker-health.ts). */
  workerBusy: (worker: string) => `pp.w.${worker}.busy`,
  /** One worker thread's event-loop delay, each 10 ms timer tick's, ms (histogram: worker-health.ts). */
  workerDelay: (worker: string) => `pp.w.${worker}.delay`,
  /** The audit's counts (records.ts CountsTeller): `claims`, `redeems`, …, `notKept`, `retryNotKept`. */
  auditCount: (key: string) => `pp.audit.${key}`,
  /** Acknowledged claims of a batch (its audit key, base64url). */
  auditBatch: (batchKey: string) => `pp.audit.batch.${Buffer.from(batchKey, 'utf8').toString('base64url')}`,
  /** Distinct coupons acknowledged of a batch (its audit key, base64url): a re-send answered again counts once. */
  auditDistinct: (batchKey: string) => `pp.audit.distinct.${Buffer.from(batchKey, 'utf8').toString('base64url')}`,
  /** Acknowledged claims of a batch that were deliberate re-sends (its audit key, base64url): audit-log.ts resentAcksByBatch. */
  auditResent: (batchKey: string) => `pp.audit.resent.${Buffer.from(batchKey, 'utf8').toString('base64url')}`,
  /** Lines of the audit's records a worker thread made (records.ts RecordStream). */
  auditMade: (stream: string) => `pp.audit.made.${stream}`,
  /** One frame of a worker thread's records, carried in the name (records.ts); `plugins.promoproof` keeps it off Artillery's console. */
  auditFrame: (stream: string, seq: number, payload: string) => `${AUDIT_FRAME_PREFIX}${stream}.${seq.toString(36)}.${payload}`,
} as const;

/** A metric name read back: which figure of which phase and operation. */
export type ParsedMetric =
  | { readonly kind: 'answers' | 'latency'; readonly phase: number; readonly op: number; readonly cls: OutcomeClass }
  | { readonly kind: 'service'; readonly phase: number; readonly op: number }
  | { readonly kind: 'code' | 'nonConformant'; readonly phase: number; readonly op: number; readonly key: string }
  | { readonly kind: 'sent' | 'late' | 'lag' | 'release'; readonly phase: number }
  | { readonly kind: 'unplanned' }
  | { readonly kind: 'workerBusy' | 'workerDelay'; readonly worker: string }
  | { readonly kind: 'auditCount'; readonly key: string }
  | { readonly kind: 'auditBatch' | 'auditDistinct' | 'auditResent'; readonly batch: string }
  | { readonly kind: 'auditMade'; readonly stream: string }
  | { readonly kind: 'auditFrame'; readonly stream: string; readonly seq: number; readonly payload: string };

const CLASSES = new Set<string>(['success', 'refusal', 'non-conformant', 'transport', 'unknown']);

/** Reads a metric name of ours; undefined for Artillery's own metrics (`http.*`, `vusers.*`). */
export function parseMetric(name: string): ParsedMetric | undefined {
  if (name === metricNames.unplanned) return { kind: 'unplanned' };
  const w = /^pp\.w\.([A-Za-z0-9_-]+)\.(busy|delay)$/.exec(name);
  if (w !== null) return { kind: w[2] === 'busy' ? 'workerBusy' : 'workerDelay', worker: w[1] ?? '' };
  if (name.startsWith('pp.audit.') || name.startsWith(AUDIT_FRAME_PREFIX)) return parseAuditMetric(name);
  const m = /^pp\.(\d+)\.(.+)$/.exec(name);
  if (m === null) return undefined;
  const phase = Number(m[1]);
  const rest = m[2] ?? '';
  if (rest === 'sent' || rest === 'late' || rest === 'lag' || rest === 'release') return { kind: rest, phase };
  const o = /^(\d+)\.(.+)$/.exec(rest);
  if (o === null) return undefined;
  const op = Number(o[1]);
  const tail = o[2] ?? '';
  if (tail === 'service') return { kind: 'service', phase, op };
  if (tail.startsWith('code.')) return { kind: 'code', phase, op, key: tail.slice(5) };
  if (tail.startsWith('nc.')) return { kind: 'nonConformant', phase, op, key: tail.slice(3) };
  if (CLASSES.has(tail)) return { kind: 'answers', phase, op, cls: tail as OutcomeClass };
  const lat = /^(.+)\.latency$/.exec(tail);
  if (lat !== null && CLASSES.has(lat[1] ?? '')) return { kind: 'latency', phase, op, cls: lat[1] as OutcomeClass };
  return undefined;
}

/** The audit's metrics (records.ts): counts, acknowledged claims per batch, lines made, frames. */
function parseAuditMetric(name: string): ParsedMetric | undefined {
  const frame = /^pp\.plugins\.promoproof\.([A-Za-z0-9_-]+)\.([0-9a-z]+)\.([A-Za-z0-9_-]*)$/.exec(name);
  if (frame !== null)
    return { kind: 'auditFrame', stream: frame[1] ?? '', seq: Number.parseInt(frame[2] ?? '', 36), payload: frame[3] ?? '' };
  const rest = name.slice('pp.audit.'.length);
  if (rest.startsWith('batch.')) return { kind: 'auditBatch', batch: Buffer.from(rest.slice(6), 'base64url').toString('utf8') };
  if (rest.startsWith('distinct.')) return { kind: 'auditDistinct', batch: Buffer.from(rest.slice(9), 'base64url').toString('utf8') };
  if (rest.startsWith('resent.')) return { kind: 'auditResent', batch: Buffer.from(rest.slice(7), 'base64url').toString('utf8') };
  if (rest.startsWith('made.')) return { kind: 'auditMade', stream: rest.slice(5) };
  return /^[A-Za-z]+$/.test(rest) ? { kind: 'auditCount', key: rest } : undefined;
}
