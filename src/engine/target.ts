import type { ClockEstimate } from '../core/clock-offset.js';
import type { Endpoint } from '../protocols/types.js';
import type { FixtureSku } from '../scenario/template.js';
import type { Capability, SkuPool } from '../scenario/types.js';

export type { ClockEstimate } from '../core/clock-offset.js';

/**
 * Everything the runner needs to talk to one implementation, which may serve several APIs, each at
 * its own URL with its own credentials (in its protocol's shape). Secrets are never written to
 * reports or logs.
 */
export interface Target {
  /** Where and as whom each API is called, keyed by API id (src/apis/index.ts). At least one. */
  readonly endpoints: Readonly<Record<string, Endpoint>>;
  readonly embedded: boolean;
  readonly capabilities: readonly Capability[];
  /** Base URL of the test-control routes, when the target has that capability. */
  readonly testControlUrl?: string;
  readonly skus: readonly FixtureSku[];
  /** SKU ids any of which the target accepts; gives the capability `sku-pool` (fresh list-filter SKUs per run). */
  readonly skuPool?: SkuPool;
  /** A known clock (the embedded reference shares ours); otherwise estimated from Date headers. */
  readonly clock?: ClockEstimate;
  /** The fault the embedded reference runs with, if any (reported). */
  readonly fault?: string;
}

/** The URL a report names the target by: the endpoint of the first API it serves. */
export function targetUrl(target: Target): string {
  return Object.values(target.endpoints)[0]?.url ?? '';
}

/** The endpoint of `api`, or undefined when the target does not serve it. */
export function endpointOf(target: Target, api: string): Endpoint | undefined {
  return target.endpoints[api];
}
