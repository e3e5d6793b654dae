import type { SkuPool } from '../reference/catalogue.js';
import type { FixtureSku } from '../scenario/template.js';
import type { Capability } from '../scenario/types.js';

/** Credentials of the JOS protocol. Secrets are never written to reports or logs. */
export interface JosTargetCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  readonly accessToken: string;
}

/** The clock of a target relative to ours: its now ≈ our now + offsetMs, within ± uncertaintyMs. */
export interface ClockEstimate {
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  /** How it was obtained, for reports. */
  readonly method: string;
}

/** Everything the runner needs to talk to one implementation. */
export interface Target {
  /** The JOS router URL, e.g. http://127.0.0.1:8620/routerjson. */
  readonly url: string;
  readonly embedded: boolean;
  readonly jos: JosTargetCredentials;
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
