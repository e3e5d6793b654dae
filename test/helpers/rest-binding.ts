/**
 * The test service's binding (test/fixtures/bindings/rest-coupon.yaml) as a target, pointed at a
 * running service: the file as a user writes it, its placeholder origin replaced.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Target } from '../../src/engine/target.js';
import { loadTargetConfig } from '../../src/engine/targets/config.js';

export const REST_BINDING_FILE = fileURLToPath(new URL('../fixtures/bindings/rest-coupon.yaml', import.meta.url));
const PLACEHOLDER = 'http://127.0.0.1:8700';

/** The binding's text with its service at `origin`. */
export function restBindingText(origin: string = PLACEHOLDER): string {
  return readFileSync(REST_BINDING_FILE, 'utf8').replaceAll(PLACEHOLDER, origin);
}

/** The bound target at `origin`, the token from the environment given; our clock is the service's (same process). */
export function restBindingTarget(origin: string, token: string): Target {
  return {
    ...loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: token }, restBindingText(origin)),
    clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
  };
}
