/**
 * Names compared across two vocabularies: the spec's snake_case and a service's camelCase, kebab-case
 * or path words. `words('activityId')` and `words('activity_id')` are both `['activity', 'id']`; two
 * names match when their words are equal, or when both are in one group of SYNONYMS (what teams call
 * the same thing: `uid` ~ `userId`, `batch_id` ~ `activityId`, `coupon_code` ~ `couponNo`).
 */

/** The lower-case words of a name: split at `_`, `-`, `/`, `.`, spaces and camelCase humps. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** A name as its words joined by `_`: the form SYNONYMS are written in. */
export function normalise(name: string): string {
  return words(name).join('_');
}

/**
 * Names that mean one thing, each group read as "any of these is any other". The spec's own name is
 * first; the others are what services commonly write. Kept small on purpose: a name not here matches
 * only itself, and the draft says so (a TODO, never a guess).
 */
export const SYNONYMS: readonly (readonly string[])[] = [
  ['uid', 'user_id', 'user', 'member_id', 'customer_id', 'buyer_id'],
  ['batch_id', 'activity_id', 'activity', 'campaign_id', 'coupon_batch_id', 'stock_id'],
  ['external_coupon_id', 'external_id', 'out_id', 'outer_id', 'client_id', 'external_batch_id'],
  ['request_id', 'idempotency_key', 'request_no', 'idempotent_key'],
  ['coupon_code', 'coupon_no', 'code', 'coupon_number', 'coupon_sn'],
  ['page_size', 'size', 'limit', 'per_page', 'page_limit'],
  ['page', 'page_no', 'page_num', 'page_number', 'page_index'],
  ['order_code', 'order_no', 'order_id', 'order_number'],
  ['order_lines', 'items', 'lines', 'order_items', 'line_items', 'products'],
  ['sku_id', 'sku', 'product_id', 'item_id'],
  ['quantity', 'qty', 'count', 'num'],
  ['price_fen', 'unit_price', 'price'],
  ['coupon_name', 'name', 'title', 'activity_name'],
  ['amount_fen', 'amount_coupon', 'amount', 'face_value', 'coupon_amount'],
  ['minimum_fen', 'amount_minimum', 'min_spend', 'minimum', 'threshold', 'min_amount', 'minimum_spend'],
  ['store_count', 'stock', 'total_stock', 'inventory'],
  ['max_coupon_number_per_user', 'per_user_limit', 'limit_per_user', 'max_per_user', 'user_limit'],
  ['start_time', 'valid_from', 'begin_time', 'start_at', 'starts_at'],
  ['end_time', 'valid_to', 'valid_until', 'end_at', 'ends_at', 'expire_time', 'expires_at'],
  ['valid_from', 'start_time', 'begin_time', 'start_at', 'starts_at'],
  ['valid_to', 'end_time', 'valid_until', 'end_at', 'ends_at', 'expire_time', 'expires_at'],
  ['fixed_valid_time', 'valid_seconds', 'valid_duration', 'validity_seconds'],
  ['acquired_time', 'claimed_at', 'claim_time', 'received_at', 'acquired_at'],
  ['used_time', 'used_at', 'redeemed_at', 'redeem_time'],
  ['order_fen', 'order_total', 'total_amount', 'order_amount'],
  ['eligible_fen', 'eligible', 'eligible_amount'],
  ['deduction_fen', 'discount', 'deduction', 'discount_amount'],
  ['payable_fen', 'payable', 'pay_amount', 'amount_payable'],
  ['actually_paid_fen', 'paid', 'paid_amount', 'actually_paid'],
  ['status', 'state'],
  ['remaining', 'stock_left', 'left', 'remaining_stock'],
];

/** How two names were found to match. */
export type NameMatch = 'same name' | 'synonym';

/** Whether `specName` and `serviceName` name the same thing, and how; undefined when they do not. */
export function nameMatch(specName: string, serviceName: string): NameMatch | undefined {
  const a = normalise(specName);
  const b = normalise(serviceName);
  if (a === b) return 'same name';
  for (const group of SYNONYMS) if (group.includes(a) && group.includes(b)) return 'synonym';
  return undefined;
}

/**
 * The words each spec operation's action is known by (its name's last word), with the words services
 * use for it: an OpenAPI operation matches only when one of these is in its operationId, summary or
 * path. An action not listed here is matched on its own word only.
 */
export const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  claim: ['claim', 'claims', 'receive', 'grab', 'acquire', 'collect', 'take'],
  issue: ['issue', 'grant', 'distribute', 'send', 'dispatch'],
  list: ['list', 'query', 'search', 'find'],
  verify: ['verify', 'validate', 'check', 'preview', 'price', 'calculate'],
  redeem: ['redeem', 'redemption', 'consume', 'writeoff', 'use'],
  revoke: ['revoke', 'cancel', 'invalidate', 'void'],
  statistics: ['statistics', 'stats', 'stat', 'summary', 'metrics', 'report'],
  add: ['add', 'create', 'new', 'upload'],
  create: ['add', 'create', 'new', 'upload'],
};
