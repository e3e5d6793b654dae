import { type ChildProcess, fork } from 'node:child_process';
import { forkCommand } from '../../core/fork-command.js';
import type { ChildMessage, ChildStartOptions, ParentMessage } from '../../reference/child.js';
import { type EmbeddedOptions, type EmbeddedTarget, referenceTarget } from './embedded.js';

/** Bounds of the reference process's start and stop (each overridable per call). */
export const REFERENCE_PROCESS_DEFAULTS = {
  /** Loading the reference takes about a second (two through tsx); a loaded 2-core machine, several. */
  startTimeoutMs: 15_000,
  /** How long a stop request may take before the child is killed (it only closes its sockets). */
  closeTimeoutMs: 5_000,
  /** How much of the child's stderr an error message quotes (its end: where a crash says why). */
  stderrTailBytes: 4_096,
} as const;

/** The options of `startEmbedded` (fault, test control, readings), and the bounds of a process. */
export interface ReferenceProcessOptions extends EmbeddedOptions {
  /** The child must report that it listens within this (default 15 s); otherwise it is killed. */
  readonly startTimeoutMs?: number;
  /** close() waits this long for the child to stop by itself before killing it (default 5 s). */
  readonly closeTimeoutMs?: number;
  /** Aborts the start: the child is killed and the promise rejects (failure `aborted`). */
  readonly signal?: AbortSignal;
  /** Node flags for the child besides its own (e.g. `--cpu-prof`, to profile the reference under load); none by default. */
  readonly nodeFlags?: readonly string[];
}

/**
 * The reference in a child process, and the target that points at it: what `startEmbedded` answers
 * (its `close()` stops the child: a stop request, then SIGKILL after `closeTimeoutMs`; idempotent,
 * resolved once the child has exited, so its port is free), plus the child's pid.
 */
export interface ReferenceProcess extends EmbeddedTarget {
  readonly pid: number;
}

/** Why the reference process did not start. */
export type ReferenceProcessFailure = 'spawn' | 'refused' | 'exited' | 'timeout' | 'aborted';

/** The reference process did not start; the child is gone when this is thrown. */
export class ReferenceProcessError extends Error {
  readonly failure: ReferenceProcessFailure;
  /** The child's pid, when it was spawned at all. */
  readonly pid: number | undefined;
  /** The end of what the child wrote to stderr ('' when nothing). */
  readonly stderrTail: string;
  constructor(
    failure: ReferenceProcessFailure,
    message: string,
    details: { pid?: number | undefined; stderrTail: string; cause?: unknown },
  ) {
    super(details.stderrTail ? `${message}; its stderr ends:\n${details.stderrTail}` : message, { cause: details.cause });
    this.name = 'ReferenceProcessError';
    this.failure = failure;
    this.pid = details.pid;
    this.stderrTail = details.stderrTail;
  }
}

/**
 * Starts the reference (every API, as `startEmbedded` does, with the same options and target) in one
 * child process of its own, listening on 127.0.0.1 and a free port: a load run's generator and the
 * reference then do not share an event loop (on a machine with two cores, each can have one). One process,
 * never clustered: its counts are exact because it is single. Runs from the built package (dist/,
 * plain node) and from the TypeScript sources (the child then loads them through tsx).
 *
 * Bounded: the child must report within `startTimeoutMs`; one that refuses its options (an unknown
 * fault or reading), crashes, or stays silent is killed, and the promise rejects with a
 * ReferenceProcessError naming why, with the end of its stderr. Its stdout is discarded. The child
 * stops by itself when this process dies (its IPC channel closes), so it never outlives us holding a
 * port.
 */
export async function startReferenceProcess(opts: ReferenceProcessOptions = {}): Promise<ReferenceProcess> {
  const testControl = opts.testControl ?? true;
  if (opts.signal?.aborted) throw abortError(opts.signal, undefined, '');
  const start: ChildStartOptions = {
    testControl,
    ...(opts.fault ? { fault: opts.fault } : {}),
    ...(opts.readings?.length ? { readings: opts.readings } : {}),
  };
  const { entry, execArgv } = childCommand(import.meta.url);
  const child = fork(entry, [JSON.stringify(start)], {
    execArgv: [...execArgv, ...(opts.nodeFlags ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const stderr = keepTail(child, REFERENCE_PROCESS_DEFAULTS.stderrTailBytes);
  const exited = exitOf(child);
  const closeTimeoutMs = opts.closeTimeoutMs ?? REFERENCE_PROCESS_DEFAULTS.closeTimeoutMs;
  const origin = await listening(child, exited, stderr, { ...opts, closeTimeoutMs });
  const pid = child.pid ?? 0;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= stopChild(child, exited, closeTimeoutMs);
    return closing;
  };
  const target = referenceTarget(origin, {
    testControl,
    fault: opts.fault,
    clockMethod: 'reference process on this machine shares this clock',
  });
  return { target, origin, pid, close };
}

/**
 * The child's entry and the node flags it needs: next to this module, `child.js` in the build, or
 * `child.ts` in the sources, loaded through tsx (resolved from here, not from the working folder).
 */
export function childCommand(moduleUrl: string): { readonly entry: string; readonly execArgv: readonly string[] } {
  return forkCommand(moduleUrl, '../../reference/child');
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  readonly error?: Error;
}

/**
 * Resolves once the child is gone: exited with its stdio closed (so its stderr is read to the end), or
 * a spawn that failed (no exit follows one).
 */
function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    // After a spawn, 'error' means a failed send or kill: the exit still comes.
    child.on('error', (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
  });
}

/** The last `bytes` of the child's stderr, read all along (a full pipe would block it); stdout is drained. */
function keepTail(child: ChildProcess, bytes: number): () => string {
  let tail = Buffer.alloc(0);
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > bytes) tail = tail.subarray(tail.length - bytes);
  });
  return () => tail.toString('utf8').trimEnd();
}

/** Waits for the child's `listening` report; on anything else the child is made to exit, then this rejects. */
function listening(
  child: ChildProcess,
  exited: Promise<Exit>,
  stderr: () => string,
  opts: ReferenceProcessOptions & { readonly closeTimeoutMs: number },
): Promise<string> {
  const startTimeoutMs = opts.startTimeoutMs ?? REFERENCE_PROCESS_DEFAULTS.startTimeoutMs;
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    // The child is gone before the error is given: a caller never inherits a half-started process.
    const fail = (stopped: Promise<unknown>, error: () => Error) => {
      cleanup();
      void stopped.then(() => reject(error()));
    };
    const onMessage = (message: ChildMessage) => {
      if (settled) return;
      if (message?.type === 'listening') {
        cleanup();
        resolve(message.origin);
      } else if (message?.type === 'refused') {
        const refusal = message.message;
        fail(stopChild(child, exited, opts.closeTimeoutMs), () =>
          failure('refused', `${who(child)} refused to start: ${refusal}`, child, stderr),
        );
      }
    };
    const onAbort = () => {
      if (settled) return;
      fail(kill(child, exited), () => abortError(opts.signal, child.pid, stderr()));
    };
    const timer = setTimeout(() => {
      if (settled) return;
      fail(kill(child, exited), () =>
        failure('timeout', `${who(child)} did not report listening within ${startTimeoutMs} ms: killed`, child, stderr),
      );
    }, startTimeoutMs);
    child.on('message', onMessage);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    void exited.then((exit) => {
      if (settled) return;
      cleanup();
      if (exit.error) reject(failure('spawn', `the reference process could not be started: ${exit.error.message}`, child, stderr));
      else reject(failure('exited', `${who(child)} ${exitText(exit)} before listening`, child, stderr));
    });
  });
}

function failure(kind: ReferenceProcessFailure, message: string, child: ChildProcess, stderr: () => string): ReferenceProcessError {
  return new ReferenceProcessError(kind, message, { pid: child.pid, stderrTail: stderr() });
}

/** `the reference process (pid 4242)`: the subject of an error message. */
function who(child: ChildProcess): string {
  return `the reference process (pid ${child.pid})`;
}

function abortError(signal: AbortSignal | undefined, pid: number | undefined, stderrTail: string): ReferenceProcessError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error ? reason.message : String(reason ?? 'aborted');
  return new ReferenceProcessError('aborted', `the start of the reference process was aborted (${why})`, {
    pid,
    stderrTail,
    cause: reason,
  });
}

function exitText(exit: Exit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** SIGKILL, then the exit (a killed process always exits). */
async function kill(child: ChildProcess, exited: Promise<Exit>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

/** Asks the child to stop (over IPC, or SIGTERM when the channel is gone); SIGKILL after `timeoutMs`. */
async function stopChild(child: ChildProcess, exited: Promise<Exit>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const stop: ParentMessage = { type: 'stop' };
  if (!child.connected) child.kill('SIGTERM');
  else
    child.send(stop, (err) => {
      if (err) child.kill('SIGTERM');
    });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') await kill(child, exited);
}
