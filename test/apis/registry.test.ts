import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APIS, configFixtures, controlAction, referenceFixtures, SHORT_FORM_API } from '../../src/apis/index.js';
import { isReadingId, READINGS } from '../../src/apis/readings.js';
import { defaultSuites } from '../../src/engine/conformance.js';
import { PROTOCOLS } from '../../src/protocols/index.js';
import { faultRules, isFaultId, namedFaults, specMutationIds } from '../../src/reference/faults.js';
import { buildServer } from '../../src/reference/server.js';
import { SCENARIOS_DIR } from '../../src/scenario/suites.js';
import { loadRules, SPECS_DIR } from '../../src/spec/load.js';

/** The registries stay whole: adding an API or a protocol is one folder plus one entry, and nothing is left half-wired. */
describe('the API and protocol registries', () => {
  it('every API names a registered protocol, has its spec, its scenarios and rules of its prefixes', () => {
    const rules = loadRules();
    for (const api of APIS.values()) {
      expect(PROTOCOLS.has(api.protocol), api.id).toBe(true);
      expect(existsSync(`${SPECS_DIR}${api.id}/spec.yaml`), api.id).toBe(true);
      expect(existsSync(`${SCENARIOS_DIR}/${api.id}`), api.id).toBe(true);
      expect(api.compiled().spec.protocol, api.id).toBe(api.protocol);
      for (const prefix of api.rulePrefixes)
        expect(
          rules.some((r) => r.id.startsWith(prefix)),
          `${api.id} ${prefix}`,
        ).toBe(true);
      expect(api.compiled().operations.has(api.systemProbe.operation), api.id).toBe(true);
    }
  });

  it('every protocol has its spec file and transport fields', () => {
    for (const p of PROTOCOLS.values()) {
      expect(existsSync(`${SPECS_DIR}${p.specFile}`), p.id).toBe(true);
      expect(p.transportFields.length, p.id).toBeGreaterThan(0);
      expect(
        p.credentialFields.every((f) => p.testCredentials[f] !== undefined),
        p.id,
      ).toBe(true);
    }
  });

  it('a run without --suite runs every API, and the short form names one of them', () => {
    expect([...defaultSuites()]).toEqual([...APIS.keys()]);
    expect(APIS.has(SHORT_FORM_API)).toBe(true);
  });

  it('every named fault belongs to a registered API', () => {
    for (const f of namedFaults()) expect(APIS.has(f.api), f.id).toBe(true);
  });
});

describe('the API modules', () => {
  const modules = [...APIS.values()];

  it('declare ids unique across the registry: named faults, mutation prefixes, readings, test-control actions', () => {
    const once = (ids: readonly string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(once(modules.flatMap((m) => m.faults.named.map((f) => f.id)))).toEqual([]);
    expect(once(modules.map((m) => m.faults.mutationPrefix))).toEqual([]);
    expect(once(modules.flatMap((m) => Object.keys(m.readings)))).toEqual([]);
    expect(once(modules.flatMap((m) => Object.keys(m.controlActions ?? {})))).toEqual([]);
  });

  it('list every reading in one view, by API in registry order', () => {
    expect(Object.entries(READINGS).map(([id, r]) => `${r.api} ${id}`)).toEqual(
      modules.flatMap((m) => Object.keys(m.readings).map((id) => `${m.id} ${id}`)),
    );
    expect(isReadingId('coupon-no-effect-fields-validated')).toBe(true);
    expect(isReadingId('no-such-reading')).toBe(false);
  });

  it('make the fault map: each fault under its API, a mutation under the API of its prefix', () => {
    for (const f of namedFaults()) {
      expect(isFaultId(f.id), f.id).toBe(true);
      expect(faultRules(f.id)[0], f.id).toBe(f.rule);
    }
    for (const m of modules) {
      const [first] = m.faults.mutations().keys();
      expect(first, m.id).toBeDefined();
      if (first === undefined) continue;
      expect(first.startsWith(m.faults.mutationPrefix), m.id).toBe(true);
      expect(specMutationIds().find((x) => x.id === first)?.api, first).toBe(m.id);
      expect(faultRules(first), first).toEqual(m.faults.mutations().get(first)?.rules);
      // An unknown id under the prefix is not another API's mutation.
      expect(isFaultId(`${m.faults.mutationPrefix}no.such.limit`), m.id).toBe(false);
    }
  });

  it('answer a test-control step: an action of its API (answered 200), or the generic post (any 2xx)', () => {
    const clock = controlAction('jd-promotion', { action: 'promotion-clock', promo: 7, advanceS: 90000 });
    expect([clock.path, clock.body, clock.accepts(200), clock.accepts(204)]).toEqual([
      'promotions/7/clock',
      { advanceS: 90000 },
      true,
      false,
    ]);
    expect(controlAction(undefined, { action: 'status', promo: '8', status: 7 })).toMatchObject({
      path: 'promotions/8/status',
      body: { status: 7 },
    });
    const post = controlAction('jd-coupon', { post: 'coupon-platform/clock', body: { advanceS: 60, uid: 3 } });
    expect([post.path, post.body, post.accepts(204), post.accepts(300)]).toEqual([
      'coupon-platform/clock',
      { advanceS: 60, uid: 3 },
      true,
      false,
    ]);
    expect(controlAction(undefined, { post: 'reset' }).body).toEqual({});
    // Another API's action is not this API's.
    expect(() => controlAction('jd-coupon', { action: 'review', promo: 1, route: 'manual' })).toThrow(/jd-coupon.*'review'/);
  });

  it("give the catalogue fixtures: the reference's, and those a target config declares", () => {
    const ref = referenceFixtures();
    expect(ref.skus).toHaveLength(1600);
    expect(ref.skuPool).toEqual({ first: 80_000_000, count: 10_000_000, price: '99.0' });
    expect(configFixtures({ skus: [{ id: 11, ware: 2, price: '1.5' }] })).toEqual({ skus: [{ id: 11, ware: 2, priceFen: 150 }] });
    expect(configFixtures({ skuPool: { first: 5, count: 10 } })).toEqual({ skus: [], skuPool: { first: 5, count: 10, price: '99.0' } });
    expect(configFixtures({ referenceCatalogue: true })).toEqual(ref);
  });

  it('are mounted by the reference, each by its face, in registry order', async () => {
    const app = buildServer();
    try {
      await app.ready();
      expect(Object.keys(app.faces)).toEqual([...APIS.keys()]);
      expect(app.faces['jd-promotion']).toBe(app.promoproof);
      expect(app.faces['tencent-coupon-batch']).toBe(app.couponBatch);
    } finally {
      await app.close();
    }
  });
});
