/**
 * Deliberate rule violations of the coupon batch reference, one switched on at a time (`fault`), to show
 * that the checks catch each one (`promoproof check --fault tcc-…`, the self-test). Every fault breaks
 * exactly its rule (a must rule, or one of our `ref` choices) and leaves correct clients working,
 * except where breaking the rule means refusing them (tcc-body-signed, tcc-discount-percent-only,
 * tcc-discount-fraction-only, tcc-duplicate-id-refused, tcc-amount-by-day-integer, tcc-window-240,
 * tcc-nonce-31).
 *
 * Three layers: `validator` faults patch a deep copy of the body schema before it is compiled (one
 * compiled validator per fault, cached in validate.ts); `gateway` faults change the query verification
 * or the envelope (src/protocols/tencent-data-api/gateway.ts), some of them by patching a copy of the
 * protocol spec the gateway runs with (`protocol`); `service` faults change the store's use or the
 * answer. Besides these, every mutation of the body schema (`spec:tcc:…`, spec-mutations.ts) is a
 * validator fault.
 */

import type { TencentProtocolSpec } from './spec.js';
import type { SchemaNode } from './schema-node.js';
import { bodyMutationsById, TENCENT_MUTATION_PREFIX, type TencentMutationId } from './spec-mutations.js';

export type { SchemaNode } from './schema-node.js';
export type { TencentMutationId } from './spec-mutations.js';

export type TencentFaultLayer = 'gateway' | 'validator' | 'service';

export interface TencentFaultDef {
  /** The rule the fault breaks. */
  readonly rule: string;
  readonly description: string;
  readonly layer: TencentFaultLayer;
  /** Validator faults: edits the body schema (a copy) before it is compiled. */
  readonly patch?: (body: SchemaNode) => void;
  /** Gateway faults of a protocol choice: edits the protocol spec (a copy) the gateway and the service run with. */
  readonly protocol?: (protocol: MutableTencentProtocol) => void;
}

/** A writable copy of the protocol spec, for `protocol` patches. */
export type MutableTencentProtocol = { -readonly [K in keyof TencentProtocolSpec]: TencentProtocolSpec[K] };

/** The node at a path of property names under the body schema (`properties`/`items` spelt out). */
function at(body: SchemaNode, ...path: string[]): SchemaNode {
  let node: unknown = body;
  for (const key of path) {
    node = (node as SchemaNode | undefined)?.[key];
    if (node === null || typeof node !== 'object') throw new Error(`fault patch: no schema node ${path.join('.')}`);
  }
  return node as SchemaNode;
}

const coupon = (body: SchemaNode) => at(body, 'properties', 'coupons', 'items');
const field = (body: SchemaNode, ...names: string[]) =>
  at(coupon(body), ...names.flatMap((n, i) => (i === 0 ? ['properties', n] : n === '[]' ? ['items'] : ['properties', n])));

/** Byte limits counted in characters instead: a string of multibyte characters over the limit passes. */
function charsNotBytes(node: SchemaNode): void {
  node['maxLength'] = node['maxBytes'];
  node['minLength'] = node['minBytes'];
  delete node['maxBytes'];
  delete node['minBytes'];
}

/** The coupon's integer limits (TCC-09): counts, never amounts. */
const INTEGER_LIMITS = [
  'max_coupon_number_per_user',
  'max_coupon_number_per_user_daily',
  'max_coupons_by_day',
  'plan_count',
  'store_count',
] as const;

/** The coupon's body times (TCC-REF-11): milliseconds as digit strings. */
const BODY_TIMES = ['start_time', 'end_time', 'show_start_time', 'show_end_time'] as const;

/** Drops a keyword and its `by` annotation (the annotation of a keyword that is gone would mislead). */
function drop(node: SchemaNode, keyword: string): void {
  if (!(keyword in node)) throw new Error(`fault patch: no ${keyword} to drop`);
  delete node[keyword];
  const by = node['by'] as SchemaNode | undefined;
  if (by) {
    delete by[keyword];
    if (Object.keys(by).length === 0) delete node['by'];
  }
}

function set(node: SchemaNode, key: string, value: unknown): void {
  node[key] = value;
}

function dropAllOfRequiring(node: SchemaNode, name: string): void {
  const list = node['allOf'] as SchemaNode[];
  const i = list.findIndex((s) => ((s['then'] as SchemaNode)['required'] as string[]).includes(name));
  if (i < 0) throw new Error(`fault patch: no conditional requiring ${name}`);
  list.splice(i, 1);
}

export const TENCENT_FAULTS = {
  'tcc-signature-unchecked': { rule: 'TCC-01', layer: 'gateway', description: 'any signature is accepted' },
  'tcc-auth-off': {
    rule: 'TCC-01',
    layer: 'gateway',
    description: 'the query is not verified at all (authentication forgotten): missing parameters, any app_id or signature accepted',
  },
  'tcc-app-id-unchecked': {
    rule: 'TCC-01',
    layer: 'gateway',
    description: 'any app_id is accepted, the signature verified with the one app secret',
  },
  'tcc-body-signed': {
    rule: 'TCC-01',
    layer: 'gateway',
    description: 'the signature is computed over the sign base followed by the raw body: correctly signed clients are refused',
  },
  'tcc-sign-algorithm-unchecked': {
    rule: 'TCC-01',
    layer: 'gateway',
    description: 'a `sign` other than sha256 (md5 …) is accepted, the HMAC-SHA256 signed with it as sent',
  },
  'tcc-signature-prefix': {
    rule: 'TCC-01',
    layer: 'gateway',
    description: 'the signature is compared by prefix (the right one startsWith the given one): a truncated signature is accepted',
  },
  'tcc-signature-first-32': {
    rule: 'TCC-01',
    layer: 'gateway',
    description: 'only the first 32 characters of the signature are compared: the right one with its last digit changed is accepted',
  },
  'tcc-signature-case-insensitive': {
    rule: 'TCC-REF-15',
    layer: 'gateway',
    description:
      'the signature is compared case-insensitively: the right one in upper-case hex is accepted (conformant for the seed, not our choice)',
  },
  'tcc-coupons-cap-51': {
    rule: 'TCC-02',
    layer: 'validator',
    description: '51 coupons in one call are accepted',
    patch: (b) => set(at(b, 'properties', 'coupons'), 'maxItems', 51),
  },
  'tcc-empty-coupons-accepted': {
    rule: 'TCC-02',
    layer: 'validator',
    description: 'an empty coupons list is accepted',
    patch: (b) => void delete at(b, 'properties', 'coupons')['minItems'],
  },
  'tcc-datasource-optional': {
    rule: 'TCC-02',
    layer: 'validator',
    description: 'a body without dataSourceId is accepted (stored under "")',
    patch: (b) =>
      set(
        b,
        'required',
        (b['required'] as string[]).filter((n) => n !== 'dataSourceId'),
      ),
  },
  'tcc-id-chars-not-bytes': {
    rule: 'TCC-03',
    layer: 'validator',
    description: 'external_coupon_id is limited to 100 characters, not 100 UTF-8 bytes',
    patch: (b) => charsNotBytes(field(b, 'external_coupon_id')),
  },
  'tcc-duplicate-id-refused': {
    rule: 'TCC-03',
    layer: 'service',
    description: 'a second upload of a stored external_coupon_id is refused instead of updating it',
  },
  'tcc-name-chars-not-bytes': {
    rule: 'TCC-04',
    layer: 'validator',
    description: 'coupon_name is limited to 100 characters, not 100 UTF-8 bytes',
    patch: (b) => charsNotBytes(field(b, 'coupon_name')),
  },
  'tcc-rule-description-1001': {
    rule: 'TCC-04',
    layer: 'validator',
    description: 'a rule_description of 1001 bytes is accepted',
    patch: (b) => set(field(b, 'rule_description'), 'maxBytes', 1001),
  },
  'tcc-sub-type-8-accepted': {
    rule: 'TCC-05',
    layer: 'validator',
    description: 'coupon_sub_type 8 is accepted',
    patch: (b) => set(field(b, 'coupon_sub_type'), 'enum', [1, 2, 3, 4, 5, 6, 7, 8]),
  },
  'tcc-amount-optional': {
    rule: 'TCC-06',
    layer: 'validator',
    description: 'coupon_sub_type 1 without amount_coupon is accepted',
    patch: (b) => dropAllOfRequiring(coupon(b), 'amount_coupon'),
  },
  'tcc-discount-percent-only': {
    rule: 'TCC-06',
    layer: 'validator',
    description: 'a discount_coupon below 1 is refused: the 0.7-for-7折 reading of the document’s example is broken',
    patch: (b) => {
      const d = field(b, 'discount_coupon');
      delete d['exclusiveMinimum'];
      d['minimum'] = 1;
    },
  },
  'tcc-discount-fraction-only': {
    rule: 'TCC-06',
    layer: 'validator',
    description: 'a discount_coupon of 1 or more is refused: the 99.99-for-99.99 % reading of the document’s table is broken',
    patch: (b) => set(field(b, 'discount_coupon'), 'exclusiveMaximum', 1),
  },
  'tcc-start-without-end': {
    rule: 'TCC-07',
    layer: 'validator',
    description: 'start_time without end_time (and the reverse) is accepted',
    patch: (b) => {
      const c = coupon(b);
      delete c['dependencies'];
    },
  },
  'tcc-available-status-3': {
    rule: 'TCC-08',
    layer: 'validator',
    description: 'available_status 3 is accepted',
    patch: (b) => set(field(b, 'available_status'), 'enum', [1, 2, 3]),
  },
  'tcc-limits-not-integers': {
    rule: 'TCC-09',
    layer: 'validator',
    description: `the integer limits (${INTEGER_LIMITS.join(', ')}) are typed number: a fraction (1.5) is accepted`,
    patch: (b) => {
      for (const name of INTEGER_LIMITS) set(field(b, name), 'type', 'number');
    },
  },
  'tcc-amount-by-day-integer': {
    rule: 'TCC-09',
    layer: 'validator',
    description: 'max_amount_by_day (an amount, float) is typed integer: 1000.50 is refused',
    patch: (b) => set(field(b, 'max_amount_by_day'), 'type', 'integer'),
  },
  'tcc-imgs-11': {
    rule: 'TCC-10',
    layer: 'validator',
    description: '11 media_info.imgs are accepted',
    patch: (b) => set(field(b, 'media_info', 'imgs'), 'maxItems', 11),
  },
  'tcc-custom-tag-51': {
    rule: 'TCC-10',
    layer: 'validator',
    description: '51 tag_info.custom_tag entries are accepted',
    patch: (b) => set(field(b, 'tag_info', 'custom_tag'), 'maxItems', 51),
  },
  'tcc-store-pair-unchecked': {
    rule: 'TCC-11',
    layer: 'validator',
    description: 'a store_info entry with external_store_id but no store_name (or the reverse) is accepted',
    patch: (b) => void delete field(b, 'store', 'store_info', '[]')['dependencies'],
  },
  'tcc-miniprogram-pair-unchecked': {
    rule: 'TCC-11',
    layer: 'validator',
    description: 'target_url mini-program fields are accepted one without the others',
    patch: (b) => void delete field(b, 'target_url')['dependencies'],
  },
  'tcc-cps-unchecked': {
    rule: 'TCC-12',
    layer: 'validator',
    description: 'third_promotion_info without commission_rate or promote_status is accepted',
    patch: (b) => void delete field(b, 'third_promotion_info')['required'],
  },
  'tcc-refusal-retcode-zero': {
    rule: 'TCC-13',
    layer: 'gateway',
    description: 'refusals are answered with retcode 0 (their errmsg kept)',
  },
  // Our choices (TCC-REF-*): the reference's own behaviour where the document is silent.
  'tcc-window-360': {
    rule: 'TCC-REF-01',
    layer: 'gateway',
    description: 'the timestamp window is ±360 s: a timestamp 301 s off is accepted',
    protocol: (p) => {
      p.skewS = 360;
    },
  },
  'tcc-window-240': {
    rule: 'TCC-REF-01',
    layer: 'gateway',
    description: 'the timestamp window is ±240 s: a timestamp 299 s off is refused',
    protocol: (p) => {
      p.skewS = 240;
    },
  },
  'tcc-nonce-replay-accepted': {
    rule: 'TCC-REF-02',
    layer: 'gateway',
    description: 'spent nonces are not remembered: a replayed request is accepted',
  },
  'tcc-nonce-33': {
    rule: 'TCC-REF-03',
    layer: 'gateway',
    description: 'a nonce of 33 characters is accepted',
    protocol: (p) => {
      p.nonceMaxLength = 33;
    },
  },
  'tcc-nonce-31': {
    rule: 'TCC-REF-03',
    layer: 'gateway',
    description: 'a nonce of 32 characters is refused (at most 31)',
    protocol: (p) => {
      p.nonceMaxLength = 31;
    },
  },
  'tcc-content-type-415': {
    rule: 'TCC-REF-04',
    layer: 'gateway',
    description: 'a body of another content type is answered HTTP 415 with the server’s own error body, not the envelope',
  },
  'tcc-retcodes-shifted': {
    rule: 'TCC-REF-05',
    layer: 'gateway',
    description: 'a wrong signature is answered 40003 (the unknown app_id code), not 40004',
  },
  'tcc-errors-without-index': {
    rule: 'TCC-REF-06',
    layer: 'service',
    description: 'problems are named by field only: errmsg and data.errors leave out the coupon (its index, `coupons[i].`)',
  },
  'tcc-update-answered-added': {
    rule: 'TCC-REF-09',
    layer: 'service',
    description: 'every coupon is answered `action: added`, updates included',
  },
  'tcc-timestamp-millis-accepted': {
    rule: 'TCC-REF-10',
    layer: 'gateway',
    description: 'a 13-digit timestamp is read as milliseconds: a timestamp of now in milliseconds is accepted',
  },
  'tcc-body-times-any-text': {
    rule: 'TCC-REF-11',
    layer: 'validator',
    description: `the body times (${BODY_TIMES.join(', ')}) are not checked to be digits: "2019-10-30" is accepted`,
    patch: (b) => {
      for (const name of BODY_TIMES) drop(field(b, name), 'pattern');
    },
  },
  'tcc-first-of-twins-wins': {
    rule: 'TCC-REF-13',
    layer: 'service',
    description: 'a batch is deduplicated by external_coupon_id before it is stored, the first of two kept: the later is dropped',
  },
} as const satisfies Record<string, TencentFaultDef>;

export type TencentFaultId = keyof typeof TENCENT_FAULTS;

export function isTencentFault(id: string | undefined): id is TencentFaultId {
  return id !== undefined && Object.hasOwn(TENCENT_FAULTS, id);
}

/** The fault's definition, or undefined for none (or another API's fault name). */
export function tencentFault(id: string | undefined): TencentFaultDef | undefined {
  return isTencentFault(id) ? TENCENT_FAULTS[id] : undefined;
}

/**
 * The protocol spec a fault runs with: a patched copy under a fault with a `protocol` patch, else
 * `protocol` itself.
 */
export function tencentProtocolFor(protocol: TencentProtocolSpec, fault: string | undefined): TencentProtocolSpec {
  const patch = tencentFault(fault)?.protocol;
  if (!patch) return protocol;
  const copy = structuredClone(protocol) as MutableTencentProtocol;
  patch(copy);
  return copy;
}

/** A mutation of the body schema (`spec:tcc:…`, spec-mutations.ts) of the shipped spec. */
export function isTencentMutation(id: string | undefined): id is TencentMutationId {
  if (id === undefined || !id.startsWith(TENCENT_MUTATION_PREFIX)) return false;
  return bodyMutationsById().has(id);
}

/** What the service and the validator run with: a named fault or a body mutation. */
export type TencentBodyFault = TencentFaultId | TencentMutationId;
