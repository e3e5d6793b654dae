import { describe, expect, it } from 'vitest';
import { methodFamilies, renderServeBanner } from '../../src/cli/serve-banner.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';

const base = {
  origin: 'http://127.0.0.1:8620',
  jos: { ...DEFAULT_CREDENTIALS },
  fault: undefined,
  readings: [],
  strictParams: false,
  successSuffix: '_responce',
  liveSuccessSuffix: '_responce',
  catalogue: '1600 SKUs (seeded test catalogue)',
  testControl: false,
};

describe('serve start-up lines', () => {
  it('group the APIs by the path they answer on: the two JOS APIs share the router', () => {
    const text = renderServeBanner(base);
    const lines = text.split('\n');
    const router = lines.findIndex((l) => l.startsWith('  POST or GET /routerjson'));
    expect(lines[router + 1]).toContain('JD seller promotion service: jingdong.seller.promotion.* (16 methods)');
    expect(lines[router + 2]).toContain('promoproof.coupon.* (7 methods)');
    expect(text).toContain('  POST /data-api/v1/order/add_coupon, Tencent');
    expect(text).toContain('Tencent 有数 coupon batch upload: order/add_coupon');
    expect(text).toContain('app.coupons.*, app.promotion.* (5 methods)');
    expect(text).toContain('test control  off');
  });

  it('print the test credentials of every protocol, never a JOS value given', () => {
    const given = renderServeBanner({ ...base, jos: { appKey: 'k', appSecret: 'real-secret-1', accessToken: 'real-token-2' } });
    expect(given).not.toContain('real-secret-1');
    expect(given).not.toContain('real-token-2');
    expect(given).toContain('app_secret (as given), access_token (as given)');
    expect(given).toContain('app_id promoproof-tencent-app, secret promoproof-tencent-secret, dataSourceId 101');
    expect(given).toContain('client_type android, private key promoproof-yoho-test-key');
  });

  it('name each test-control route when it is on', () => {
    const text = renderServeBanner({ ...base, testControl: true });
    for (const path of ['/__promoproof/ ', '/__promoproof/tencent-coupon-batch/', '/__promoproof/coupon-platform/'])
      expect(text).toContain(`http://127.0.0.1:8620${path}`);
  });

  it('name method families by their shared prefix', () => {
    expect(methodFamilies(['a.b.c.x', 'a.b.c.y'])).toBe('a.b.c.* (2 methods)');
    expect(methodFamilies(['app.coupons.li', 'app.coupons.total', 'app.promotion.x'])).toBe('app.coupons.*, app.promotion.* (3 methods)');
    expect(methodFamilies(['order/add_coupon'])).toBe('order/add_coupon');
  });
});
