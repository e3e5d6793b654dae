/**
 * The reference as a process of its own: the entry that src/engine/targets/reference-process.ts forks
 * (never run by hand), so that a load run's generator and the reference do not share an event loop.
 * One process, never clustered: its state (stores, counters) is exact because it is single.
 *
 * The conversation, over the IPC channel (JSON):
 * - argv[2]: the start options as JSON (`ChildStartOptions`), read once at start;
 * - child → parent: `{ type: 'listening', origin }` once it listens, or `{ type: 'refused', message }`
 *   (then it exits 1) when the options are not ones it can run with;
 * - parent → child: `{ type: 'stop' }`: it closes its server and exits 0.
 * It also stops when the channel closes (its parent died or let go of it): no orphan keeps a port.
 * It writes nothing to stdout; what goes to stderr the parent keeps for its error messages.
 */
import { pathToFileURL } from 'node:url';

/** What the parent asks the child to run (plain JSON: it travels as an argument). */
export interface ChildStartOptions {
  readonly testControl: boolean;
  readonly fault?: string;
  readonly readings?: readonly string[];
}

/** A message from the child to its parent. */
export type ChildMessage = { readonly type: 'listening'; readonly origin: string } | { readonly type: 'refused'; readonly message: string };

/** A message from the parent to the child. */
export type ParentMessage = { readonly type: 'stop' };

interface Closable {
  close(): Promise<unknown>;
}

let server: Closable | undefined;
let stopping = false;

/** Closes the server (if it was built) and ends the process: the one way out, whatever asked for it. */
async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await server?.close();
  } finally {
    // An entry point of its own, like the CLI: nothing of ours may keep it alive once told to stop.
    process.exit(exitCode);
  }
}

/** Sends `message` to the parent; settles once it is handed over (or cannot be), so an exit after it does not lose it. */
function tell(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** The start options from argv, or the reason they cannot be read. */
function readStartOptions(arg: string | undefined): ChildStartOptions | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(arg ?? '');
  } catch {
    return 'the start options (argv[2]) are not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'the start options (argv[2]) are not a JSON object';
  const o = parsed as Record<string, unknown>;
  const readings = o['readings'] ?? [];
  if (typeof o['testControl'] !== 'boolean') return 'the start options lack testControl (a boolean)';
  if (o['fault'] !== undefined && typeof o['fault'] !== 'string') return 'the start option fault is not a string';
  if (!Array.isArray(readings) || !readings.every((r) => typeof r === 'string'))
    return 'the start option readings is not a list of strings';
  return { testControl: o['testControl'], ...(typeof o['fault'] === 'string' ? { fault: o['fault'] } : {}), readings };
}

async function main(): Promise<void> {
  // Registered before the reference's modules load (a second or so): a parent that dies meanwhile is seen.
  process.on('disconnect', () => void stop(0));
  // Ctrl-C reaches the whole process group: the parent decides when its reference stops (a load run
  // still reads the reference's counts after the generator stops), and its death closes the channel.
  process.on('SIGINT', () => {});
  process.on('message', (message: unknown) => {
    if (isStop(message)) void stop(0);
  });
  const opts = readStartOptions(process.argv[2]);
  if (typeof opts === 'string') return refuse(opts);
  const [{ buildServer }, { isFaultId }, { isReadingId }, { LIMITS }] = await Promise.all([
    import('./server.js'),
    import('./faults.js'),
    import('../apis/readings.js'),
    import('../core/defaults.js'),
  ]);
  const fault = opts.fault;
  if (fault !== undefined && !isFaultId(fault)) return refuse(`unknown fault '${fault}'; see 'promoproof serve --list-faults'`);
  const readings = opts.readings ?? [];
  const unknown = readings.find((r) => !isReadingId(r));
  if (unknown !== undefined) return refuse(`unknown reading '${unknown}'; see 'promoproof serve --list-readings'`);
  const app = buildServer({ testControl: opts.testControl, readings: readings.filter(isReadingId), ...(fault ? { fault } : {}) });
  server = app;
  const origin = await app.listen({ port: 0, host: '127.0.0.1', backlog: LIMITS.listenBacklog });
  // The parent went away while the reference was loading: nobody will ever call it.
  if (stopping || !process.connected) return stop(0);
  await tell({ type: 'listening', origin });
}

async function refuse(message: string): Promise<void> {
  await tell({ type: 'refused', message });
  return stop(1);
}

function isStop(message: unknown): message is ParentMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stop';
}

// Only as the forked entry (argv[1] is this file): importing the module for its types does nothing.
if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main().catch((err: unknown) => {
    process.stderr.write(`promoproof reference process: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void stop(1);
  });
}
