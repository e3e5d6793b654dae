/** Types of the machine-readable API specs in `specs/` (see specs/jd-promotion/spec.yaml for the prose). */

export type JsonSchema = Readonly<Record<string, unknown>>;

/** How a wire value is normalised before its schema sees it. */
/** `object[]`: a JSON array of objects (an order's lines), as it arrives inside the JSON parameters. */
export type ParamType = 'int' | 'decimal' | 'string' | 'datetime' | 'int[]' | 'decimal[]' | 'string[]' | 'object[]';

/** Codes a check accepts: a list, or `any` for limits the document gives no code for. */
export type Accept = readonly string[] | 'any';

/**
 * The source document's own words for a `must` limit: verbatim substrings of the seed (specs/sources/),
 * one or several when the limit's numbers are spread. Read only by test/spec/sources.test.ts.
 */
export type Quote = string | readonly string[];

export interface ErrorOverride {
  readonly error?: string;
  readonly accept?: Accept;
  readonly rules?: readonly string[];
  readonly quote?: Quote;
}

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly required: boolean;
  readonly schema: JsonSchema;
  /** Code the reference answers when the parameter is missing or breaks its schema. */
  readonly error: string;
  readonly accept?: Accept;
  /** Per-keyword overrides, keyed by the JSON Schema keyword that failed (e.g. `maxItems`). */
  readonly by?: Readonly<Record<string, ErrorOverride>>;
  readonly rules: readonly string[];
  readonly default?: unknown;
  readonly example?: unknown;
  readonly quote?: Quote;
  /**
   * Limits of our own choosing on top of `schema` (the document states none): validated by the
   * reference after `schema`, with the same code; checks derived from them are `ref` (`refRules`).
   */
  readonly refSchema?: JsonSchema;
  readonly refRules?: readonly string[];
  /**
   * Where the document says the field has an effect ("只对套装促销有效"). Elsewhere a check may not
   * demand that a bad value is refused: cases derived there are `ref` (`noEffectRules`).
   */
  readonly appliesWhen?: VariantCondition;
  readonly noEffectRules?: readonly string[];
  /**
   * A query filter: the document gives its value set but no refusal, so a value outside it may be
   * refused or answered with a page (empty or unfiltered). Refusing it is ours (`filterRules`).
   */
  readonly filter?: { readonly rules: readonly string[] };
  /**
   * An id the target's fixtures define (a SKU id, a ware id): the schema says which ids are well-formed,
   * not which exist, so a generated value on the accepted side comes from the target's fixtures (the
   * baseline's own value, or the first fixture SKU), never from the schema's limit (an unknown SKU may
   * be refused: JDP-SKU-09).
   */
  readonly fixture?: 'sku' | 'ware';
  /**
   * Items the document says are dropped when invalid ("无效的SKU会被剔除"): an invalid item may be
   * dropped (left out of the answer's `answerPath`) or refused (`rules`). Refusing it is ours (`refusedRules`).
   */
  readonly invalidItems?: {
    readonly dropped: true;
    readonly answerPath: string;
    readonly rules: readonly string[];
    readonly refusedRules: readonly string[];
  };
}

/** A parameter replaced inside a variant: anything but its name and type. */
export type ParamPatch = Partial<Omit<ParamSpec, 'name' | 'type'>>;

interface RelationBase {
  readonly error: string;
  readonly accept?: Accept;
  readonly rules: readonly string[];
  readonly quote?: Quote;
}

export type RelationSpec = RelationBase &
  (
    | { readonly kind: 'minGap'; readonly from: string; readonly to: string; readonly seconds: number }
    | { readonly kind: 'maxGap'; readonly from: string; readonly to: string; readonly seconds: number }
    | { readonly kind: 'afterNow'; readonly field: string; readonly seconds?: number }
    | { readonly kind: 'withinFromNow'; readonly field: string; readonly seconds: number }
    | { readonly kind: 'sameLength'; readonly fields: readonly string[] }
    | { readonly kind: 'lessThanEach'; readonly field: string; readonly than: string }
    | {
        readonly kind: 'atMostFractionEach';
        readonly field: string;
        readonly of: string;
        readonly numerator: number;
        readonly denominator: number;
        readonly floor?: boolean;
      }
    | { readonly kind: 'promotionBound'; readonly in: readonly number[] }
  );

export type RelationKind = RelationSpec['kind'];

export type VariantCondition = { readonly param: string; readonly in: readonly unknown[] } | { readonly promotionType: readonly number[] };

export interface VariantSpec {
  readonly when: VariantCondition;
  readonly params?: Readonly<Record<string, ParamPatch>>;
  readonly relations?: readonly RelationSpec[];
}

export interface OperationSpec {
  readonly title: string;
  readonly rules: readonly string[];
  /** Error codes the document lists for this method. */
  readonly errors: readonly string[];
  /** The state the promotion named by `promo_id` must be in, and the code when it is not found in it. */
  readonly promotion?: { readonly state: 'draft' | 'committed'; readonly unknown: string; readonly rules: readonly string[] };
  readonly promotionTypes?: {
    readonly in: readonly number[];
    readonly error: string;
    readonly rules: readonly string[];
    readonly quote?: Quote;
  };
  readonly params: readonly ParamSpec[];
  readonly relations?: readonly RelationSpec[];
  readonly variants?: readonly VariantSpec[];
  readonly answer: { readonly schema: JsonSchema; readonly rules: readonly string[] };
  /**
   * An operation whose request is a JSON body (`params` then empty): its schema with promoproof's
   * keywords and annotations, and a valid example, the baseline of src/generate/body-cases.ts.
   */
  readonly body?: JsonSchema;
  readonly example?: Readonly<Record<string, unknown>>;
}

export interface TransitionSpec {
  readonly from: readonly number[];
  readonly to: number | 'deleted' | { readonly param: string };
  readonly refused: string;
  readonly rules: readonly string[];
  readonly quote?: Quote;
}

export interface LimitSpec {
  readonly value?: number;
  readonly min?: number;
  readonly max?: number;
  readonly error?: string;
  readonly accept?: Accept;
  readonly rules: readonly string[];
  readonly quote?: Quote;
}

export interface ApiSpec {
  readonly id: string;
  readonly title: string;
  readonly protocol: string;
  readonly source: string;
  readonly timeZone: string;
  /** `quote`: the code's 错误描述 as the document writes it. */
  readonly errors: Readonly<Record<string, { readonly zh: string; readonly en: string; readonly quote?: Quote }>>;
  readonly statuses: Readonly<Record<string, { readonly zh: string; readonly en: string }>>;
  readonly transitions: Readonly<Record<string, TransitionSpec>>;
  readonly limits: Readonly<Record<string, LimitSpec>>;
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  readonly operations: Readonly<Record<string, OperationSpec>>;
}

export interface SystemParamSpec {
  readonly name: string;
  readonly required: boolean;
  readonly missing?: string;
  readonly invalid: string;
  readonly rules: readonly string[];
  readonly quote?: Quote;
}

export interface JosProtocolSpec {
  readonly id: 'jos';
  readonly title: string;
  /** The documents it is written from, e.g. `jd-seller-promotion-api.zh.txt; PROTOCOLS.md §1`. */
  readonly source: string;
  readonly path: string;
  readonly timeZone: string;
  /** Accepted clock difference in seconds, either way. */
  readonly skewS: number;
  /** Accepted `timestamp` forms (Java date patterns). */
  readonly timestampForms?: readonly { readonly pattern: string; readonly rules: readonly string[]; readonly quote?: Quote }[];
  readonly versions: readonly string[];
  readonly formats: readonly string[];
  readonly signMethods: readonly string[];
  readonly maxBodyBytes: number;
  readonly systemParams: readonly SystemParamSpec[];
  readonly systemErrors: Readonly<Record<string, { readonly zh: string; readonly en: string; readonly documented: boolean }>>;
  /** The seed's words for the settings above (`skewS`, `versions`, `formats`). */
  readonly quotes?: Readonly<Partial<Record<'skewS' | 'versions' | 'formats', Quote>>>;
}

export interface RuleSpec {
  readonly id: string;
  readonly level: 'must' | 'ref';
  readonly section: string;
  readonly source: string;
  readonly text: string;
}
