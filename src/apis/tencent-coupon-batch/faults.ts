/**
 * Deliberate rule violations of the coupon batch reference, one switched on at a time (`fault`), to show
 * that the checks catch each one (`promoproof check --fault tcc-…`, the self-test). Every fault breaks
 * exactly its rule and leaves correct clients working, except where breaking the rule means refusing
 * them (tcc-body-signed, tcc-discount-percent-only, tcc-duplicate-id-refused).
 *
 * Three layers: `validator` faults patch a deep copy of the body schema before it is compiled (one
 * compiled validator per fault, cached in validate.ts); `gateway` faults change the query verification
 * or the envelope (src/protocols/tencent-data-api/gateway.ts); `service` faults change the store's use.
 * Besides these, every mutation of the body schema (`spec:tcc:…`, spec-mutations.ts) is a validator fault.
 */

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
}

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
    description: 'max_coupon_number_per_user accepts a fraction (1.5)',
    patch: (b) => set(field(b, 'max_coupon_number_per_user'), 'type', 'number'),
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
} as const satisfies Record<string, TencentFaultDef>;

export type TencentFaultId = keyof typeof TENCENT_FAULTS;

export function isTencentFault(id: string | undefined): id is TencentFaultId {
  return id !== undefined && Object.hasOwn(TENCENT_FAULTS, id);
}

/** The fault's definition, or undefined for none (or another API's fault name). */
export function tencentFault(id: string | undefined): TencentFaultDef | undefined {
  return isTencentFault(id) ? TENCENT_FAULTS[id] : undefined;
}

/** A mutation of the body schema (`spec:tcc:…`, spec-mutations.ts) of the shipped spec. */
export function isTencentMutation(id: string | undefined): id is TencentMutationId {
  if (id === undefined || !id.startsWith(TENCENT_MUTATION_PREFIX)) return false;
  return bodyMutationsById().has(id);
}

/** What the service and the validator run with: a named fault or a body mutation. */
export type TencentBodyFault = TencentFaultId | TencentMutationId;
