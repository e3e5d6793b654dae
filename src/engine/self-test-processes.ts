/**
 * The self-test's faults shared out to child processes (src/engine/self-test-process.ts): each fault
 * runs the reference and its checks in one event loop, so one process keeps one core busy; two keep
 * both cores of the machines we run on. The parent hands out one fault at a time to whichever child
 * asks (slow faults do not hold the others back) and gathers the verdicts in the faults' order.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { forkCommand } from '../core/fork-command.js';
import type { PlannedCheck } from '../scenario/types.js';
import type { FaultVerdict } from './self-test.js';

/** Processes by default: the machines have 2 cores. */
export const DEFAULT_PROCESSES = 2;
/** Below this many faults per process, starting processes (about a second each) does not pay. */
export const MIN_FAULTS_PER_PROCESS = 16;

/** Parent → child. */
export type ToChild =
  | { readonly type: 'start'; readonly checks: readonly PlannedCheck[]; readonly parallel: number; readonly concurrency?: number }
  | { readonly type: 'fault'; readonly index: number; readonly fault: string }
  | { readonly type: 'done' };

/** Child → parent: ready for `parallel` faults, then one verdict per fault. */
export type FromChild =
  | { readonly type: 'ready' }
  | { readonly type: 'verdict'; readonly index: number; readonly verdict: FaultVerdict }
  | { readonly type: 'failed'; readonly message: string };

interface RunOptions {
  readonly processes: number;
  readonly parallel: number;
  readonly concurrency: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onVerdict: (v: FaultVerdict) => void;
}

/**
 * Runs every fault in `faults` in `processes` children; results in the faults' order (undefined for
 * a fault not run because the run was aborted). A child that dies fails the whole run with its reason.
 */
export async function runInProcesses(
  checks: readonly PlannedCheck[],
  faults: readonly string[],
  opts: RunOptions,
): Promise<(FaultVerdict | undefined)[]> {
  const results = new Array<FaultVerdict | undefined>(faults.length);
  let next = 0;
  const { entry, execArgv } = forkCommand(import.meta.url, './self-test-process');
  const children: ChildProcess[] = [];
  const kill = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  opts.signal?.addEventListener('abort', kill, { once: true });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const child = fork(entry, [], { execArgv: [...execArgv], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString('utf8')).slice(-4096);
      });
      let inFlight = 0;
      let finished = false;
      const send = (m: ToChild) => child.send(m);
      const feed = () => {
        while (inFlight < opts.parallel && next < faults.length && !opts.signal?.aborted) {
          const index = next++;
          inFlight++;
          send({ type: 'fault', index, fault: faults[index] ?? '' });
        }
        if (inFlight === 0 && !finished) {
          finished = true;
          send({ type: 'done' });
        }
      };
      child.on('message', (m: FromChild) => {
        if (m.type === 'ready') feed();
        else if (m.type === 'verdict') {
          inFlight--;
          results[m.index] = m.verdict;
          opts.onVerdict(m.verdict);
          feed();
        } else reject(new Error(`a self-test process failed: ${m.message}`));
      });
      child.on('exit', (code, sig) => {
        if (finished && code === 0) resolve();
        else if (opts.signal?.aborted) resolve();
        else
          reject(
            new Error(
              `a self-test process ended (${sig ?? `exit ${code}`}) before its faults were done${stderr ? `: ${stderr.trim()}` : ''}`,
            ),
          );
      });
      send({
        type: 'start',
        checks,
        parallel: opts.parallel,
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      });
    });
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.processes, faults.length)) }, one));
  } catch (e) {
    kill();
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', kill);
  }
  return results;
}
