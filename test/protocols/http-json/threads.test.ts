/**
 * Bound endpoints handed to a worker thread (src/protocols/http-json/threads.ts): what crosses is plain
 * data (it survives structuredClone, as worker data does), and the thread's rebuilt adapters send the
 * service's ids the main thread learnt, into a map of the thread's own.
 */
import { describe, expect, it } from 'vitest';
import { loadTargetConfig } from '../../../src/engine/targets/config.js';
import { boundPartsOf } from '../../../src/protocols/http-json/adapter.js';
import type { IdMap } from '../../../src/protocols/http-json/id-map.js';
import { adapterFor, portableEndpoints, restoreEndpoints } from '../../../src/protocols/index.js';
import type { Endpoint } from '../../../src/protocols/types.js';
import { REST_BINDING_FILE, restBindingText } from '../../helpers/rest-binding.js';

const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);

function idsOf(endpoints: Readonly<Record<string, Endpoint>>, api: string): IdMap {
  const adapter = endpoints[api]?.adapter;
  const ids = adapter === undefined ? undefined : boundPartsOf(adapter)?.ids;
  if (ids === undefined) throw new Error(`${api} is not bound`);
  return ids;
}

function claimUrl(endpoints: Readonly<Record<string, Endpoint>>, batch: string): string {
  const endpoint = endpoints['jd-coupon'];
  if (endpoint === undefined) throw new Error('no jd-coupon endpoint');
  return adapterFor('jos', endpoint).prepare({
    endpoint,
    operation: 'promoproof.coupon.claim',
    app: { batch_id: batch, uid: 7 },
    transport: {},
    clockOffsetMs: 0,
    nowMs: NOW,
    nonce: '0'.repeat(32),
  }).url;
}

describe('bound endpoints across worker threads', () => {
  const main = loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: 'tok' }, restBindingText()).endpoints;
  // The setup's upload, as the main thread's map learnt it.
  idsOf(main, 'tencent-coupon-batch').learn('batch', 'pp-setup', 'act_1');

  it("cross as plain data, and the thread's adapters send the service's id of the setup's batch", () => {
    const portable = structuredClone(portableEndpoints(main));
    expect(Object.values(portable.endpoints).every((e) => e.adapter === undefined)).toBe(true);
    expect(portable.ids).toEqual([['batch', 'pp-setup', 'act_1']]);
    const thread = restoreEndpoints(portable).endpoints;
    expect(claimUrl(thread, 'pp-setup')).toBe('http://127.0.0.1:8700/activities/act_1/claims');
    // One map for the thread's APIs, as for the main thread's: the upload's ids reach the claims.
    idsOf(thread, 'tencent-coupon-batch').learn('batch', 'pp-mixed', 'act_9');
    expect(claimUrl(thread, 'pp-mixed')).toBe('http://127.0.0.1:8700/activities/act_9/claims');
  });

  it('an unbound target crosses unchanged, without a map', () => {
    const plain = { 'jd-coupon': { url: 'http://127.0.0.1:1/routerjson', credentials: { app_key: 'k' } } };
    const portable = portableEndpoints(plain);
    expect(portable).toEqual({ endpoints: plain });
    expect(restoreEndpoints(portable).ids).toBeUndefined();
  });
});
