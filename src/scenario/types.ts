/** The scenario language (specs/schema/scenario.schema.json) as types, and the plan the runner executes. */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export type Matcher =
  | string
  | number
  | boolean
  | null
  | {
      readonly eq?: Json;
      readonly ne?: Json;
      readonly gt?: Json;
      readonly gte?: Json;
      readonly lt?: Json;
      readonly lte?: Json;
      readonly in?: Json[];
      readonly match?: string;
      readonly exists?: boolean;
      readonly length?: Json;
    };

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

export interface Transport {
  readonly omit?: readonly string[];
  readonly set?: Readonly<Record<string, string>>;
  readonly signature?: 'valid' | 'wrong' | 'stale' | 'omit';
  readonly secret?: 'right' | 'wrong';
  readonly clockOffsetS?: number;
  readonly timestampForm?: 'plain' | 'offset' | 'iso' | 'epoch' | 'slashes';
  readonly signMethod?: 'md5' | 'hmacmd5' | 'hmacsha256';
  readonly httpMethod?: 'GET' | 'POST';
  readonly rawParamJson?: string;
}

export interface CallStep {
  readonly call: string;
  readonly name?: string;
  readonly params?: Readonly<Record<string, Json>>;
  readonly transport?: Transport;
  readonly expect?: Expectation;
  readonly capture?: Readonly<Record<string, string>>;
}

export interface UseStep {
  readonly use: string;
  readonly name?: string;
  readonly with?: Readonly<Record<string, Json>>;
  readonly capture?: Readonly<Record<string, string>>;
}

export type ControlAction =
  | { readonly action: 'promotion-clock'; readonly promo: Json; readonly advanceS: Json }
  | { readonly action: 'review'; readonly promo: Json; readonly route: 'auto' | 'manual' | 'pending' }
  | { readonly action: 'status'; readonly promo: Json; readonly status: Json };

export interface ControlStep {
  readonly control: ControlAction;
  readonly name?: string;
}

export type Step = CallStep | UseStep | ControlStep;

export type Capability = 'test-control' | 'sku-pool';

export interface ScenarioDoc {
  readonly id: string;
  readonly title: string;
  readonly covers: readonly string[];
  readonly level: 'must' | 'ref';
  readonly tags?: readonly string[];
  readonly requires?: readonly Capability[];
  readonly vars?: Readonly<Record<string, Json>>;
  readonly table?: readonly Readonly<Record<string, Json>>[];
  readonly steps: readonly Step[];
}

export interface FixtureDoc {
  readonly description?: string;
  readonly requires?: readonly Capability[];
  readonly params?: Readonly<Record<string, Json>>;
  readonly steps: readonly Step[];
  readonly outputs?: Readonly<Record<string, Json>>;
}

export interface BaselineDoc {
  readonly operation: string;
  readonly name?: string;
  readonly promotionType?: number;
  readonly requires?: readonly Capability[];
  readonly setup?: readonly Step[];
  readonly params: Readonly<Record<string, Json>>;
  readonly grow?: Readonly<Record<string, Json>>;
  readonly skip?: readonly string[];
}

export interface ScenarioFileDoc {
  readonly suite: string;
  readonly baselines?: readonly BaselineDoc[];
  readonly protocol?: 'jos';
  readonly scenarios?: readonly ScenarioDoc[];
  readonly fixtures?: Readonly<Record<string, FixtureDoc>>;
}

/** A place in a source file, 1-based. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

// ---------------------------------------------------------------- the plan: plain, serialisable data

/** A step with fixtures inlined: only calls and controls remain; `scope` marks fixture-local variables. */
export type PlannedStep =
  | { readonly kind: 'call'; readonly label: string; readonly step: CallStep; readonly scope: string }
  | { readonly kind: 'control'; readonly label: string; readonly step: ControlStep; readonly scope: string }
  /** Enter a fixture: bind its parameters (templates evaluated in the caller's scope). */
  | { readonly kind: 'enter'; readonly label: string; readonly scope: string; readonly from: string; readonly bind: Readonly<Record<string, Json>> }
  /** Leave a fixture: copy its outputs into the caller's variables. */
  | { readonly kind: 'leave'; readonly label: string; readonly scope: string; readonly into: string; readonly capture: Readonly<Record<string, Json>> };

/** One check of the plan: a scenario, or one row of its table, or a generated case. */
export interface PlannedCheck {
  readonly id: string;
  readonly title: string;
  readonly suite: string;
  readonly protocol: 'jos';
  readonly rules: readonly string[];
  readonly level: 'must' | 'ref';
  readonly tags: readonly string[];
  readonly requires: readonly Capability[];
  readonly vars: Readonly<Record<string, Json>>;
  readonly steps: readonly PlannedStep[];
  readonly source: { readonly file: string; readonly line: number };
  /** Set for generated cases: which limit of the spec they probe. */
  readonly generated?: { readonly kind: string; readonly operation: string; readonly target: string };
}
