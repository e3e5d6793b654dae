/**
 * Deliberate violations of the JOS protocol by the reference gateway (src/protocols/jos/gateway.ts)
 * and of the JOS-level choices of its services (JOS-*, JOS-REF-*): one switched on at a time, the
 * conformance suite must fail against each. The registry of every API's faults is src/reference/faults.ts.
 */
import type { ApiSpec, JosProtocolSpec, ParamPatch } from '../../spec/types.js';

/** Deep-writable copy of a spec, for fault patches only. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] extends object ? Writable<T[K]> : T[K] };
export type MutableSpec = Writable<ApiSpec>;
export type MutableProtocol = Writable<JosProtocolSpec>;

export interface FaultDef {
  /** The rule the fault breaks (a `must` rule, or one of our `ref` choices). */
  readonly rule: string;
  readonly description: string;
  /** Edits the promotion spec the server compiles (limits, codes, transitions). */
  readonly spec?: (spec: MutableSpec) => void;
  /** Edits the JOS protocol spec (skew window, versions …). */
  readonly protocol?: (p: MutableProtocol) => void;
  /**
   * Further rules a cross-cutting fault breaks, derived from the spec (e.g. every rule a required
   * parameter carries): the self-test runs the checks covering any of them.
   */
  readonly alsoBreaks?: (spec: ApiSpec) => readonly string[];
}

/** The rules the parameters of every operation (and their variant patches) carry, for those matching `which`. */
export function paramRules(spec: ApiSpec, which: (p: ParamPatch & { type?: string }) => boolean): string[] {
  const out = new Set<string>();
  for (const op of Object.values(spec.operations)) {
    for (const p of op.params) if (which(p)) for (const r of p.rules) out.add(r);
    for (const v of op.variants ?? []) {
      for (const [name, patch] of Object.entries(v.params ?? {})) {
        const base = op.params.find((x) => x.name === name);
        if (base && which({ ...base, ...patch })) for (const r of patch.rules ?? base.rules) out.add(r);
      }
    }
  }
  return [...out].filter((r) => !r.includes('-REF-'));
}

export const JOS_FAULTS = {
  'missing-version-accepted': {
    rule: 'JOS-01',
    description: 'a request without `v` is accepted',
    protocol: (p) => {
      p.systemParams.find((s) => s.name === 'v')!.required = false;
    },
  },
  'timestamp-offset-form-refused': { rule: 'JOS-02', description: 'the SDK form yyyy-MM-dd HH:mm:ss.SSS+0800 is refused' },
  'timestamp-any-form': { rule: 'JOS-02', description: 'timestamps in other forms (ISO 8601 with T, epoch seconds) are accepted' },
  'skew-7-minutes': {
    rule: 'JOS-03',
    description: 'the timestamp window is 7 minutes instead of 6',
    protocol: (p) => {
      p.skewS = 420;
    },
  },
  'skew-5-minutes': {
    rule: 'JOS-03',
    description: 'the timestamp window is 5 minutes instead of 6',
    protocol: (p) => {
      p.skewS = 300;
    },
  },
  'format-not-checked': { rule: 'JOS-04', description: 'any `format` is accepted' },
  'version-not-checked': { rule: 'JOS-05', description: 'any `v` is accepted' },
  'app-key-not-checked': { rule: 'JOS-01', description: 'a missing or unknown app_key is accepted' },
  'timestamp-optional': { rule: 'JOS-01', description: 'a request without timestamp is accepted' },
  'missing-method-defaults-to-list': {
    rule: 'JOS-01',
    description: 'a request without method is answered as jingdong.seller.promotion.list',
  },
  'sign-optional': { rule: 'JOS-01', description: 'a request without sign is accepted (a present sign is still verified)' },
  'sign-checked-first': { rule: 'JOS-REF-03', description: 'the signature is verified before the other system parameters' },
  'param-json-lenient': { rule: 'JOS-REF-02', description: 'a 360buy_param_json that is not a JSON object is read as no parameters' },
  'param-json-empty-refused': { rule: 'JOS-REF-02', description: 'an empty 360buy_param_json object is refused with code 3' },
  'body-limit-unbounded': {
    rule: 'JOS-REF-02',
    description: 'bodies up to 64 MiB are read',
    protocol: (p) => {
      p.maxBodyBytes = 64 * 1024 * 1024;
    },
  },
  'unknown-params-refused': {
    rule: 'JOS-REF-04',
    description: 'an undeclared application parameter is refused with param.error instead of ignored',
  },
  'blank-optional-as-value': {
    rule: 'JOS-REF-04',
    description: 'an optional parameter sent as "" is read as a value (and refused) instead of as absent',
  },
  'wrong-type-crashes': {
    rule: 'JOS-REF-02',
    description: 'a value of the wrong type crashes the handler: HTTP 500 without the JOS envelope',
    alsoBreaks: (spec) => paramRules(spec, (p) => p.type !== 'string' && p.type !== 'datetime'),
  },
  'missing-param-crashes': {
    rule: 'JDP-ADD-01',
    description: 'a missing or empty required parameter crashes the handler: HTTP 500 without the JOS envelope',
    alsoBreaks: (spec) => paramRules(spec, (p) => p.required === true),
  },
  'wrong-type-system-exception': {
    rule: 'JOS-REF-02',
    description: "a value of the wrong type answers system.exception instead of the parameter's code",
  },
  'sign-not-checked': { rule: 'JOS-06', description: 'the signature is not verified' },
  'sign-ignores-param-json': {
    rule: 'JOS-06',
    description: 'the signature does not cover 360buy_param_json, so a request altered after signing passes',
  },
  'unknown-method-accepted': { rule: 'JOS-07', description: 'an unknown method answers an empty success' },
  'token-not-checked': {
    rule: 'JOS-08',
    description: 'a missing or unknown access_token is accepted',
    protocol: (p) => {
      p.systemParams.find((s) => s.name === 'access_token')!.required = false;
    },
  },
  'envelope-unwrapped': { rule: 'JOS-09', description: 'success answers lack the `<method>_response` wrapper' },
  'reads-unwrapped': {
    rule: 'JOS-09',
    description:
      'success answers of the reading methods (get, list, the *.get and *.list) lack the `<method>_response` wrapper; the others keep it',
    alsoBreaks: () => ['JDP-GET-01', 'JDP-LIST-01', 'JDP-AM-07', 'JDP-PROP-05', 'JDP-SKU-10', 'JDP-OM-08'],
  },
} as const satisfies Record<string, FaultDef>;

export type JosFaultName = keyof typeof JOS_FAULTS;
