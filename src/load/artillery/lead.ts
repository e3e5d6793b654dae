/**
 * The lead-side hook of an export (`node --import ./lead.mjs artillery run-fargate …`). `artillery
 * run-fargate` (2.0.34, platform/aws-ecs/legacy/run-cluster.ts) does not construct a script's plugins in
 * the process that launched the test: it emits the workers' merged periods, DDSketches and all, on
 * `global.artillery.globalEvents` only, as a local `run` does too. This hook, preloaded into that
 * process, waits for Artillery's global object and writes those periods to the run file (plugin.ts
 * writeRunFile): the figures come back from Fargate through Artillery's own metrics stream.
 */
import { isMainThread } from 'node:worker_threads';
import { type EventsLike, writeRunFile } from './plugin.js';

/** How often the hook looks for Artillery's global object until it appears, ms. */
const POLL_MS = 5;

/** Starts watching for Artillery's global events in this process (main thread only); resolves with the run file once writing. */
export function startLeadWriter(runsDir: string): Promise<string> {
  if (!isMainThread) return Promise.resolve('');
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const events = (globalThis as { artillery?: { globalEvents?: EventsLike } }).artillery?.globalEvents;
      if (events === undefined) return;
      clearInterval(timer);
      resolve(writeRunFile(runsDir, events));
    }, POLL_MS);
    // Artillery keeps the process alive while it runs; the hook never does.
    timer.unref();
  });
}
