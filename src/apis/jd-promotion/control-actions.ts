/**
 * The JD promotion service's test-control actions (`control: {action: …, promo: …}` in its scenarios):
 * each a route of its test control (test-control.ts) under the target's test-control URL.
 */
import type { ControlActionDef } from '../types.js';

export const PROMOTION_CONTROL_ACTIONS: Readonly<Record<string, ControlActionDef>> = {
  /** Move one promotion's business clock by `advanceS` seconds. */
  'promotion-clock': (c) => ({ path: `promotions/${String(c['promo'])}/clock`, body: { advanceS: Number(c['advanceS']) } }),
  /** Route one draft at commit: `auto`, `manual` (3) or `pending` (2). */
  review: (c) => ({ path: `promotions/${String(c['promo'])}/review`, body: { route: c['route'] } }),
  /** Force a committed promotion's status (a platform action such as force-suspend, 7). */
  status: (c) => ({ path: `promotions/${String(c['promo'])}/status`, body: { status: Number(c['status']) } }),
};
