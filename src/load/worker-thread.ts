/**
 * One worker thread of a closed run over threads (src/load/workers.ts starts it with a WorkerPlan): it
 * compiles its own mix from plain data (request builders hold compiled templates and signing state, so
 * they are made in the thread that calls them), says it is ready, waits for the start signal, runs the
 * closed engine over its share of the phases with a recorder of its own (the stock counted in shared
 * memory with the other threads), and posts back its result. A stop message aborts it cleanly: it still
 * posts its partial result. Nothing here logs: the plan holds the target's credentials.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Target, targetUrl } from '../engine/target.js';
import { restoreEndpoints } from '../protocols/index.js';
import { AuditCollector } from './audit-log.js';
import { mergeEncoded } from './histograms.js';
import { compileMix } from './mix.js';
import { createRecorder } from './record.js';
import { closedEngine } from './run-load.js';
import { judgeHealth, startWatch } from './watch.js';
import { type FromWorker, interleaved, isWorkerPlan, type ToWorker, type WorkerPlan } from './workers.js';

/** Runs one thread's share (see the module comment). */
async function main(port: NonNullable<typeof parentPort>, plan: WorkerPlan): Promise<void> {
  const post = (m: FromWorker) => port.postMessage(m);
  const stop = new AbortController();
  let go: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    go = resolve;
  });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') stop.abort();
    go();
  });
  let progress: NodeJS.Timeout | undefined;
  try {
    const { doc, file } = plan.profile;
    // A bound target's adapters, rebuilt here around this thread's copy of the service's ids.
    const bound = plan.bound === undefined ? undefined : restoreEndpoints(plan.bound);
    const target: Target = bound === undefined ? plan.target : { ...plan.target, endpoints: bound.endpoints };
    const mix = interleaved(
      compileMix({
        profile: doc,
        target,
        vars: plan.vars,
        maxBodyBytes: plan.maxBodyBytes,
        runTag: plan.runTag,
        lane: { index: plan.index, of: plan.workers },
        ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
      }),
      plan.index,
      plan.workers,
    );
    const counts = new Int32Array(plan.stock);
    const recorder = createRecorder({
      model: 'closed',
      operations: mix.operations.map((op, i) => ({
        name: op.name,
        ...(op.refusals !== undefined ? { refusals: op.refusals } : {}),
        soldOut: op.soldOut,
        // The run's stock: every thread's successes in one counter (Atomics.add answers the count before).
        ...(op.stock !== undefined ? { stock: op.stock, countSuccess: () => Atomics.add(counts, i, 1) } : {}),
      })),
      phases: plan.phases.map((p) => ({ name: p.name, phase: p.doc.phase, measured: p.measured })),
    });
    const audit = plan.audit ? new AuditCollector(doc) : undefined;
    post({ type: 'ready' });
    await started;

    const watch = startWatch();
    recorder.start();
    progress =
      plan.progressEveryMs === undefined
        ? undefined
        : setInterval(() => post({ type: 'progress', snapshot: recorder.snapshot() }), plan.progressEveryMs);
    const ran = await closedEngine({
      phases: plan.phases,
      mix,
      recorder,
      connections: plan.connections,
      timeoutMs: plan.timeoutMs,
      maxBodyBytes: plan.maxBodyBytes,
      cap: plan.cap,
      signal: stop.signal,
      onPhase: (phase) => post({ type: 'phase', phase }),
      audit,
    });
    clearInterval(progress);
    // This thread's event-loop delay is its own; its CPU reading is the whole process's, judged by the main thread.
    const health = watch.stop();
    const sent = ran.reduce((s, r) => s + r.sent, 0);
    const result = recorder.result({
      profile: { name: doc.profile, title: doc.title, file },
      target: { url: targetUrl(target), embedded: target.embedded },
      startedAt: plan.meta.startedAt,
      durationMs: Math.round(health.durationMs),
      connections: plan.connections,
      stoppedBy: stop.signal.aborted ? 'interrupted' : 'completed',
      setup: { durationMs: Math.round(plan.meta.setupMs), steps: doc.setup?.length ?? 0 },
      generator: judgeHealth({
        watch: health,
        lag: mergeEncoded([]),
        lateSends: 0,
        sent,
        intended: 0,
        notSent: 0,
        achievedRatePerS: 0,
        intendedRatePerS: 0,
        model: 'closed',
      }),
      slo: doc.slo ?? [],
    });
    post({ type: 'result', result, eventLoopDelayMs: health.eventLoopDelayMs, ...(audit ? { audit: audit.kept() } : {}) });
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  } finally {
    // Posted: nothing may keep the thread alive now, no timer (even after a failure mid-run) and not the
    // port (the main thread has nothing more to say but a stop).
    clearInterval(progress);
    port.unref();
  }
}

// Only as a load worker (a test runner's own thread has a parentPort too).
if (parentPort !== null && isWorkerPlan(workerData)) void main(parentPort, workerData);
