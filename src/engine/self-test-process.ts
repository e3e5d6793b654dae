/**
 * A self-test process (forked by src/engine/self-test-processes.ts, never run by hand): it takes the
 * planned checks once, then runs each fault it is handed against the checks covering its rules, on a
 * reference of its own, and sends the verdict back. It ends when told it is done, or when its parent
 * goes (the channel closes): no orphan keeps running faults.
 */
import { runFault } from './self-test.js';
import type { FromChild, ToChild } from './self-test-processes.js';
import type { PlannedCheck } from '../scenario/types.js';

let checks: readonly PlannedCheck[] = [];
let concurrency: number | undefined;
let running = 0;
let done = false;

const tell = (m: FromChild) => process.send?.(m);

function maybeExit(): void {
  if (done && running === 0) process.disconnect();
}

process.on('disconnect', () => process.exit(done && running === 0 ? 0 : 1));
process.on('message', (m: ToChild) => {
  if (m.type === 'start') {
    checks = m.checks;
    concurrency = m.concurrency;
    tell({ type: 'ready' });
  } else if (m.type === 'fault') {
    running++;
    runFault(checks, m.fault, concurrency).then(
      (verdict) => {
        running--;
        tell({ type: 'verdict', index: m.index, verdict });
        maybeExit();
      },
      (e: unknown) => tell({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  } else {
    done = true;
    maybeExit();
  }
});
