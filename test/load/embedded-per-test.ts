/** The embedded reference for tests that start one (or one per fault) per test: closed after each test. */
import { afterEach } from 'vitest';
import type { Target } from '../../src/engine/target.js';
import { type EmbeddedTarget, startEmbedded } from '../../src/engine/targets/embedded.js';
import type { FaultId } from '../../src/reference/faults.js';

/** Registers the after-each close; `reference(fault)` closes the one started before it in the test, if any. */
export function embeddedPerTest(): { reference(fault?: FaultId): Promise<Target>; current(): EmbeddedTarget | undefined } {
  let ref: EmbeddedTarget | undefined;
  const close = async () => {
    await ref?.close();
    ref = undefined;
  };
  afterEach(close);
  return {
    async reference(fault?: FaultId): Promise<Target> {
      await close();
      ref = await startEmbedded(fault ? { fault } : {});
      return ref.target;
    },
    current: () => ref,
  };
}
