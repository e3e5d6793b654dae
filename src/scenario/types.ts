/** The scenario language (specs/schema/scenario.schema.json) as types, and the plan the runner executes. */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The comparisons of a matcher, on a field or on a count. */
export interface Comparisons {
  readonly eq?: Json;
  readonly ne?: Json;
  readonly gt?: Json;
  readonly gte?: Json;
  readonly lt?: Json;
  readonly lte?: Json;
  readonly in?: Json[];
}

export type Matcher =
  | string
  | number
  | boolean
  | null
  | (Comparisons & {
      readonly match?: string;
      readonly exists?: boolean;
      readonly length?: Json;
      /** Neither this value nor an object holding it is an item of the array (a dropped SKU). */
      readonly excludes?: Json;
    });

export type Expectation =
  | 'success'
  | {
      readonly success?: true;
      readonly error?: string | readonly string[];
      readonly fields?: Readonly<Record<string, Matcher>>;
      readonly httpStatus?: number;
      /** Success, or a refusal with these codes (`any`), which ends the check as passed. */
      readonly orRefused?: string | readonly string[];
    };

/**
 * Deliberate deviations of the wire request, for protocol checks. Each protocol names the fields it
 * understands (ProtocolAdapter.transportFields); a step using another is a load error.
 */
export interface Transport {
  /** System (query) parameters left out; the request is signed without them unless `signature` says otherwise. */
  readonly omit?: readonly string[];
  /** System parameters replaced before signing. */
  readonly set?: Readonly<Record<string, string>>;
  /** System parameters replaced after signing: what is sent is no longer what was signed. */
  readonly alter?: Readonly<Record<string, string>>;
  /**
   * `upper-case`: the right signature in upper case (the Yoho gateway compares case-insensitively);
   * `last-digit-changed`, `truncated`: near misses of the right signature (src/protocols/signature-variant.ts).
   */
  readonly signature?: 'valid' | 'wrong' | 'stale' | 'omit' | 'upper-case' | 'last-digit-changed' | 'truncated';
  readonly secret?: 'right' | 'wrong';
  readonly clockOffsetS?: number;
  /**
   * The target's current time written as: plain `yyyy-MM-dd HH:mm:ss` (UTC+8), offset
   * `yyyy-MM-dd HH:mm:ss.SSS+0800`, iso `yyyy-MM-ddTHH:mm:ss`, slashes `yyyy/MM/dd HH:mm:ss`, epoch or
   * seconds (epoch seconds), millis (epoch milliseconds).
   */
  readonly timestampForm?: 'plain' | 'offset' | 'iso' | 'epoch' | 'slashes' | 'seconds' | 'millis';
  readonly signMethod?: 'md5' | 'hmacmd5' | 'hmacsha256';
  readonly httpMethod?: 'GET' | 'POST';
  readonly rawParamJson?: string;
  /** A JSON-body protocol: these bytes are sent as the body instead of the JSON of the step's params. */
  readonly rawBody?: string;
  /** A JSON-body protocol: this Content-Type instead of application/json. */
  readonly contentType?: string;
}

export interface CallStep {
  /** Another API of the target this call goes to (its endpoint, protocol and spec); default: the suite's. */
  readonly api?: string;
  readonly call: string;
  readonly name?: string;
  readonly params?: Readonly<Record<string, Json>>;
  readonly transport?: Transport;
  readonly expect?: Expectation;
  readonly capture?: Readonly<Record<string, string>>;
  /**
   * `false`: a step of the scenario that carries an `expect` only as a guard (it does not assert the
   * scenario's rules). A root step asserts when it has an `expect` or is the last step of the check.
   */
  readonly asserts?: false;
  /**
   * A state the rest of the check needs, reached through the public API (e.g. `promotion_v_o.status: 5`
   * after commit): a success whose fields do not match, or a refusal, skips the check with the reason
   * instead of failing it, since the document lets a target reach another state here.
   */
  readonly assume?: Readonly<Record<string, Matcher>>;
}

export interface UseStep {
  readonly use: string;
  readonly name?: string;
  readonly with?: Readonly<Record<string, Json>>;
  readonly capture?: Readonly<Record<string, string>>;
}

/**
 * A test-control request (capability test-control). A named action is one an API's module declares
 * (src/apis/index.ts controlAction: the JD promotion service's three today); the generic form POSTs its
 * templated JSON `body` (default `{}`) to `${target.testControlUrl}/<post>`.
 */
export type ControlAction =
  | { readonly action: 'promotion-clock'; readonly promo: Json; readonly advanceS: Json }
  | { readonly action: 'review'; readonly promo: Json; readonly route: 'auto' | 'manual' | 'pending' }
  | { readonly action: 'status'; readonly promo: Json; readonly status: Json }
  | { readonly post: string; readonly body?: Json };

export interface ControlStep {
  readonly control: ControlAction;
  readonly name?: string;
  /** variable: path in the JSON answer of the test-control route (as a call step's capture). */
  readonly capture?: Readonly<Record<string, string>>;
}

/** One call of a parallel step: the same fields as a call step's request. */
export interface ParallelCall {
  readonly call: string;
  readonly params?: Readonly<Record<string, Json>>;
  readonly transport?: Transport;
}

/**
 * The calls a parallel step sends at once: `times` copies of one call (`${index}`, 0-based, and
 * `{$cycle: …}` available in its templates), or the list `steps` of different calls racing (`${index}`
 * is the position in the list). At most `connections` requests are in flight at once (default: all).
 */
export interface ParallelSpec {
  /** Another API of the target every call goes to; default: the suite's. */
  readonly api?: string;
  readonly times?: number;
  readonly call?: string;
  readonly params?: Readonly<Record<string, Json>>;
  readonly transport?: Transport;
  readonly steps?: readonly ParallelCall[];
  readonly connections?: number;
}

/** A matcher on a count: a number (or `${…}`), or comparisons. */
export type CountMatcher = number | string | Comparisons;

/** Assertions over the set of answers of a parallel step, judged once every answer is in (the join). */
export interface ParallelExpect {
  /** How many answers are successes. Omitted: any number (the other assertions still hold). */
  readonly successes?: CountMatcher;
  /**
   * Every answer that is not a success is an error with one of these codes (`any`: any code). A server
   * error (HTTP 5xx), a malformed answer or a transport failure is never a refusal. Omitted: no refusal.
   */
  readonly refusals?: string | readonly string[];
  /** These fields of the successes' bodies are present and pairwise distinct (over all successes). */
  readonly unique?: readonly string[];
  /** Successes counted per value of a request parameter (`by`, a path into the params): each group's count matches. */
  readonly perGroup?: { readonly by: string; readonly successes: CountMatcher };
  /** A field expectation every success meets (templates see the copy's `${index}`). */
  readonly each?: { readonly fields: Readonly<Record<string, Matcher>> };
}

export interface ParallelStep {
  readonly parallel: ParallelSpec;
  readonly name?: string;
  readonly expect?: ParallelExpect;
  /**
   * variable: `successes`, `refusals`, `answers` (counts), `inFlight` (the most requests in flight at
   * once), or `successes[*].PATH` / `refusals[*].PATH` (an array of that field over those answers, in
   * the order of the copies).
   */
  readonly capture?: Readonly<Record<string, string>>;
  /** As a call step's: `false` makes a guard of a step with an `expect`. */
  readonly asserts?: false;
}

export type Step = CallStep | UseStep | ControlStep | ParallelStep;

export type Capability = 'test-control' | 'sku-pool';

/**
 * A range of SKU ids a target accepts, each its own product at one price (capability `sku-pool`): a
 * run draws its list-filter SKUs (`${pool[i]}`) from a random block of it, so runs never count each
 * other's promotions.
 */
export interface SkuPool {
  readonly first: number;
  readonly count: number;
  /** The price of every pool SKU, yuan. */
  readonly price: string;
}

/**
 * What a scenario (or fixture) needs of the target's catalogue fixtures, by role: the runner picks
 * the SKUs (src/scenario/sku-roles.ts); templates name them `${sku.NAME}`, `${sku.NAME[i].price}`, ….
 * Prices compare the jd price, strictly; a role name in a price bound means that role's lowest
 * (`…Below`) or highest (`priceAbove`) price. Roles never share a SKU, nor a SKU a check names by
 * position (`sku[N]`).
 */
export interface SkuRole {
  /** How many SKUs (default 1); a `${var}` of the check (a table column) is allowed. */
  readonly count?: number | string;
  /** Each SKU's price above this many yuan, or above the highest price of the named role(s). */
  readonly priceAbove?: number | string | readonly string[];
  /** Each SKU's price below this many yuan, or below the lowest price of the named role(s). */
  readonly priceBelow?: number | string | readonly string[];
  /** Σ price × times of this role's SKUs below the lowest price of the named role(s) (the gift rule). */
  readonly totalBelow?: string | readonly string[];
  /** Σ price × times of this role's SKUs equal to the price of the named role (a single SKU): a boundary. */
  readonly totalEquals?: string;
  /** The multiplier of totalBelow / totalEquals (a gift's num; default 1); a `${var}` is allowed. */
  readonly times?: number | string;
  /** `distinct`: each SKU of another ware (product); `same`: all of one ware. */
  readonly wares?: 'distinct' | 'same';
  /** Each SKU of a ware of the named role. */
  readonly sameWareAs?: string;
  /** No SKU of a ware of the named roles. */
  readonly otherWareThan?: readonly string[];
  /** Which end of the price order to pick from (the SKU nearest a bound, for boundary cases); else the solver's choice. */
  readonly prefer?: 'cheapest' | 'dearest';
}

export interface ScenarioDoc {
  readonly id: string;
  readonly title: string;
  readonly covers: readonly string[];
  readonly level: 'must' | 'ref';
  readonly tags?: readonly string[];
  readonly requires?: readonly Capability[];
  readonly vars?: Readonly<Record<string, Json>>;
  readonly table?: readonly Readonly<Record<string, Json>>[];
  /** The catalogue SKUs the scenario needs, by role (see SkuRole). */
  readonly skus?: Readonly<Record<string, SkuRole>>;
  readonly steps: readonly Step[];
}

export interface FixtureDoc {
  readonly description?: string;
  readonly requires?: readonly Capability[];
  /** The catalogue SKUs the fixture needs, by role; a check using the fixture needs them too. */
  readonly skus?: Readonly<Record<string, SkuRole>>;
  readonly params?: Readonly<Record<string, Json>>;
  readonly steps: readonly Step[];
  readonly outputs?: Readonly<Record<string, Json>>;
}

export interface BaselineDoc {
  readonly operation: string;
  readonly name?: string;
  readonly promotionType?: number;
  readonly requires?: readonly Capability[];
  /** Variables set before the setup, in every case derived from the baseline (a batch id the setup uploads). */
  readonly vars?: Readonly<Record<string, Json>>;
  readonly setup?: readonly Step[];
  readonly params: Readonly<Record<string, Json>>;
  readonly grow?: Readonly<Record<string, Json>>;
  readonly skip?: readonly string[];
}

export interface ScenarioFileDoc {
  readonly suite: string;
  readonly baselines?: readonly BaselineDoc[];
  readonly protocol?: string;
  readonly scenarios?: readonly ScenarioDoc[];
  readonly fixtures?: Readonly<Record<string, FixtureDoc>>;
}

/** A case the generator derives from a spec, before it is planned like a scenario. */
export interface GeneratedScenario {
  readonly doc: ScenarioDoc;
  /** Which limit of the spec the case probes: operation, parameter (or `relation`), keyword or relation kind. */
  readonly generated: { readonly kind: string; readonly operation: string; readonly target: string };
}

/** A place in a source file, 1-based. */
export type { SourcePos } from '../core/errors.js';

// ---------------------------------------------------------------- the plan: plain, serialisable data

/**
 * A step with fixtures inlined: only calls, parallel steps and controls remain; `scope` marks fixture-local variables.
 * `asserts`: the step checks the rules the check covers — it is written in the scenario itself (not in a
 * fixture) and has an `expect` (without `asserts: false`) or is the check's last step. A check that
 * fails at a step that does not assert (setup) proves nothing about its rules.
 */
export type PlannedStep =
  | { readonly kind: 'call'; readonly label: string; readonly step: CallStep; readonly scope: string; readonly asserts: boolean }
  | { readonly kind: 'control'; readonly label: string; readonly step: ControlStep; readonly scope: string; readonly asserts: boolean }
  /** Calls sent at once, then judged together (src/engine/parallel.ts). */
  | { readonly kind: 'parallel'; readonly label: string; readonly step: ParallelStep; readonly scope: string; readonly asserts: boolean }
  /** Enter a fixture: bind its parameters (templates evaluated in the caller's scope). */
  | {
      readonly kind: 'enter';
      readonly label: string;
      readonly scope: string;
      readonly from: string;
      readonly bind: Readonly<Record<string, Json>>;
    }
  /** Leave a fixture: copy its outputs into the caller's variables. */
  | {
      readonly kind: 'leave';
      readonly label: string;
      readonly scope: string;
      readonly into: string;
      readonly capture: Readonly<Record<string, Json>>;
    };

/** One check of the plan: a scenario, or one row of its table, or a generated case. */
export interface PlannedCheck {
  readonly id: string;
  readonly title: string;
  readonly suite: string;
  /** The API the check calls (src/apis/index.ts) and the wire protocol of that API. */
  readonly api: string;
  readonly protocol: string;
  readonly rules: readonly string[];
  readonly level: 'must' | 'ref';
  readonly tags: readonly string[];
  readonly requires: readonly Capability[];
  readonly vars: Readonly<Record<string, Json>>;
  readonly steps: readonly PlannedStep[];
  readonly source: { readonly file: string; readonly line: number };
  /** Set for generated cases: which limit of the spec they probe. */
  readonly generated?: { readonly kind: string; readonly operation: string; readonly target: string };
  /**
   * The catalogue SKUs the check needs by role: the scenario's and those of every fixture it uses,
   * `${var}` counts resolved from the check's variables. Absent when it names none.
   */
  readonly skus?: Readonly<Record<string, SkuRole>>;
  /**
   * The catalogue positions the check names literally (`sku[N]`, `$skus`/`$prices {from, count}`), as
   * ranges; roles never pick these. `skuReach` is how many fixtures they need (highest index + 1).
   */
  readonly skuIndices?: readonly { readonly from: number; readonly count: number }[];
  readonly skuReach?: number;
}
