/**
 * The reference's business clock: real time plus an offset the test control may move. It governs
 * promotion times and draft expiry; the JOS timestamp window always uses the real clock (JDP-REF-08).
 */
export interface BusinessClock {
  nowMs(): number;
  advance(ms: number): void;
  offsetMs(): number;
}

export function createClock(realNow: () => number = Date.now): BusinessClock {
  let offset = 0;
  return {
    nowMs: () => realNow() + offset,
    advance: (ms) => {
      offset += ms;
    },
    offsetMs: () => offset,
  };
}
