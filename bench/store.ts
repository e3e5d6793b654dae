/**
 * The `store` section of `npm run bench`: does the coupon store stay fast as it fills?
 * - the cost of one claim through the platform (and through fastify inject of the reference's JOS
 *   router, signed) with 200,000 coupons issued against the same with 1,000 issued, rounds
 *   interleaved in one run; target ×1.2 at most;
 * - `serve`'s claim rate under a steady storm: the reference in its own process, driven from this one
 *   over 32 keep-alive connections with signed unique claims for 6 windows of 3 s (after a warm-up
 *   second); the last window's time per claim against the first's (near ×1 when the store does not
 *   slow as it fills).
 * Loopback only, bounded, stops by itself. Sizes from the environment: BENCH_STORE_COUPONS (200000),
 * BENCH_STORE_ROUNDS (15), BENCH_STORM_CONNECTIONS (32), BENCH_STORM_WINDOWS (6), BENCH_STORM_WINDOW_S (3),
 * BENCH_STORM_WARMUP_S (1: claims sent before the first window, issued but not counted).
 */
import http from 'node:http';
import { CouponPlatform } from '../src/apis/coupon-platform/platform.js';
import type { BatchKey } from '../src/apis/coupon-platform/terms.js';
import { createCouponBatchStore } from '../src/apis/tencent-coupon-batch/store.js';
import { startReferenceProcess } from '../src/engine/targets/reference-process.js';
import { buildJosParams, toFormBody } from '../src/protocols/jos/client.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { TENCENT_TEST_CREDENTIALS } from '../src/protocols/tencent-data-api/credentials.js';
import { addCouponPath, buildTencentQuery } from '../src/protocols/tencent-data-api/sign.js';
import { createClock } from '../src/reference/clock.js';
import { buildServer } from '../src/reference/server.js';
import { median, type Row } from './row.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const DATA_SOURCE = '101';
/**
 * A batch whose every limit is checked at each claim (stock, per user, per user daily, per day, amount
 * per day) and never reached by the bench: the claim walks the whole refusal path.
 */
const BATCH = {
  external_coupon_id: 'pp-bench-store',
  coupon_name: '压测券',
  coupon_type: 1,
  coupon_sub_type: 1,
  amount_coupon: 5,
  store_count: 100_000_000,
  max_coupon_number_per_user: 5,
  max_coupon_number_per_user_daily: 5,
  max_coupons_by_day: 100_000_000,
  max_amount_by_day: 1_000_000_000,
  fixed_valid_time: '864000',
};
const KEY: BatchKey = { dataSourceId: DATA_SOURCE, batchId: BATCH.external_coupon_id };

/** Hands out `count` coupons of the bench batch, one per user from `firstUid`. */
async function fill(platform: CouponPlatform, count: number, firstUid: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await platform.claim({ batch: KEY, uid: firstUid + i, requestId: `fill-${firstUid + i}` });
    if (!r.ok) throw new Error(`bench store: fill claim ${i} refused: ${r.code} ${r.message}`);
  }
}

function platformWith(): CouponPlatform {
  const batches = createCouponBatchStore();
  batches.upsert({ appId: 'bench', dataSourceId: DATA_SOURCE, coupon: BATCH });
  return new CouponPlatform({ batches, clock: createClock() });
}

/** Milliseconds per claim of `perRound` fresh users' claims, from `firstUid`. */
async function timeClaims(claim: (uid: number) => Promise<void>, perRound: number, firstUid: number): Promise<number> {
  gc();
  const t = performance.now();
  for (let j = 0; j < perRound; j++) await claim(firstUid + j);
  return (performance.now() - t) / perRound;
}

/** One claim through the platform (no HTTP, no signing): the store's own cost, small vs large. */
async function platformClaimCost(big: number, rounds: number): Promise<Row> {
  const small = 1_000;
  const perRound = 500;
  const large = platformWith();
  await fill(large, big, 1);
  const claimOn = (p: CouponPlatform) => async (uid: number) => {
    const r = await p.claim({ batch: KEY, uid, requestId: `m-${uid}` });
    if (!r.ok) throw new Error(`bench store: claim refused: ${r.code} ${r.message}`);
  };
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  let uid = 50_000_000;
  for (let i = 0; i < rounds; i++) {
    // A fresh small store each round, so it holds 1,000 coupons (plus this round's) when measured.
    const fresh = platformWith();
    await fill(fresh, small, 1);
    smallMs.push(await timeClaims(claimOn(fresh), perRound, uid));
    largeMs.push(await timeClaims(claimOn(large), perRound, uid));
    uid += perRound;
  }
  return {
    name: `one claim through the coupon platform, ${big.toLocaleString('en')} coupons issued`,
    unit: 'ms',
    median: median(largeMs),
    baseline: `the same with ${small.toLocaleString('en')} issued`,
    baselineMedian: median(smallMs),
    ratio: median(largeMs) / median(smallMs),
    note: `every limit of the batch checked; median of ${rounds} interleaved rounds of ${perRound} claims; target ×1.2 at most; above ×1 is the CPU cache (an index of ${big.toLocaleString('en')} users), not work that grows`,
  };
}

/** One signed claim through fastify inject of the reference's JOS router, small store vs large. */
async function injectClaimCost(big: number, rounds: number): Promise<Row> {
  const small = 1_000;
  const perRound = 200;
  const servers = [buildServer(), buildServer()];
  for (const app of servers) {
    const query = buildTencentQuery(TENCENT_TEST_CREDENTIALS);
    const up = await app.inject({
      method: 'POST',
      url: addCouponPath(query),
      payload: { dataSourceId: DATA_SOURCE, coupons: [BATCH] },
      headers: { 'content-type': 'application/json' },
    });
    if (!up.body.includes('"retcode":0')) throw new Error(`bench store: the batch upload was refused: ${up.body}`);
  }
  const [smallApp, largeApp] = servers as [ReturnType<typeof buildServer>, ReturnType<typeof buildServer>];
  // Filled through the platform itself: 200,000 signed requests would only measure signing and fastify.
  const platformOf = (app: ReturnType<typeof buildServer>) => (app.faces['jd-coupon'] as { platform: CouponPlatform }).platform;
  await fill(platformOf(smallApp), small, 1);
  await fill(platformOf(largeApp), big, 1);
  const claimOn = (app: ReturnType<typeof buildServer>) => {
    return async (uid: number) => {
      const payload = toFormBody(
        buildJosParams({
          method: 'promoproof.coupon.claim',
          app: { data_source_id: DATA_SOURCE, batch_id: KEY.batchId, uid, request_id: `i-${uid}` },
          credentials: DEFAULT_CREDENTIALS,
        }),
      );
      const r = await app.inject({
        method: 'POST',
        url: '/routerjson',
        payload,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (!r.body.includes('"coupon_code"')) throw new Error(`bench store: claim refused: ${r.body}`);
    };
  };
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  let uid = 50_000_000;
  for (let i = 0; i < rounds; i++) {
    smallMs.push(await timeClaims(claimOn(smallApp), perRound, uid));
    largeMs.push(await timeClaims(claimOn(largeApp), perRound, uid));
    uid += perRound;
  }
  await Promise.all(servers.map((s) => s.close()));
  return {
    name: `one signed claim through fastify inject of the reference, ${big.toLocaleString('en')} coupons issued`,
    unit: 'ms',
    median: median(largeMs),
    baseline: `the same with ${small.toLocaleString('en')} issued`,
    baselineMedian: median(smallMs),
    ratio: median(largeMs) / median(smallMs),
    note: `signing, JOS gateway, validation, platform; median of ${rounds} interleaved rounds of ${perRound} claims (the small store grows to ${(small + rounds * perRound).toLocaleString('en')})`,
  };
}

/**
 * `serve`'s claim rate as its store fills: the reference in a child process, `connections` keep-alive
 * connections each sending signed unique claims back to back for `windows` × `windowS` seconds.
 * Answers are counted in the window they arrive in; the claims/s of the first and of the last window.
 */
async function stormRate(connections: number, windows: number, windowS: number, warmupS: number): Promise<Row> {
  const ref = await startReferenceProcess({ testControl: false });
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  try {
    const origin = new URL(ref.origin);
    const post = (path: string, body: string, contentType: string) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request(
          {
            host: origin.hostname,
            port: origin.port,
            path,
            method: 'POST',
            agent,
            headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
            res.on('error', reject);
          },
        );
        req.setTimeout(10_000, () => req.destroy(new Error('bench store: no answer within 10 s')));
        req.on('error', reject);
        req.end(body);
      });
    const up = await post(
      addCouponPath(buildTencentQuery(TENCENT_TEST_CREDENTIALS)),
      JSON.stringify({ dataSourceId: DATA_SOURCE, coupons: [BATCH] }),
      'application/json',
    );
    if (!up.includes('"retcode":0')) throw new Error(`bench store: the batch upload was refused: ${up}`);
    const counts = Array.from({ length: windows }, () => 0);
    let refused = '';
    let nextUid = 1;
    // A warm-up second first (claims issued, not counted): the first window measures the store, not the JIT.
    const start = performance.now() + warmupS * 1000;
    const endMs = windows * windowS * 1000;
    let warm = 0;
    const worker = async () => {
      while (performance.now() - start < endMs) {
        const uid = nextUid++;
        const body = toFormBody(
          buildJosParams({
            method: 'promoproof.coupon.claim',
            app: { data_source_id: DATA_SOURCE, batch_id: KEY.batchId, uid, request_id: `s-${uid}` },
            credentials: DEFAULT_CREDENTIALS,
          }),
        );
        const answer = await post('/routerjson', body, 'application/x-www-form-urlencoded');
        const w = Math.floor((performance.now() - start) / (windowS * 1000));
        if (!answer.includes('"coupon_code"')) refused ||= answer.slice(0, 300);
        else if (w < 0) warm++;
        else if (w < windows) counts[w] = (counts[w] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    if (refused) throw new Error(`bench store: a storm claim was not answered with a coupon: ${refused}`);
    const rate = (n: number) => n / windowS;
    const first = rate(counts[0] ?? 0);
    const last = rate(counts[windows - 1] ?? 0);
    const issued = warm + counts.reduce((a, b) => a + b, 0);
    return {
      name: `\`serve\` under a claim storm (${connections} connections, signed unique claims): time per claim in the last ${windowS}-s window of ${windows}`,
      unit: 'ms',
      median: 1000 / last,
      baseline: `the first ${windowS}-s window`,
      baselineMedian: 1000 / first,
      ratio: first / last,
      note: `reference in its own process, after a ${warmupS}-s warm-up; ${Math.round(first)} claims/s in the first window, ${Math.round(last)} in the last, ${issued.toLocaleString('en')} coupons issued (windows: ${counts.map((n) => Math.round(rate(n))).join(', ')} claims/s)`,
    };
  } finally {
    agent.destroy();
    await ref.close();
  }
}

/** Every row of the section, in table order. */
export async function benchStore(): Promise<Row[]> {
  const big = env('BENCH_STORE_COUPONS', 200_000);
  const rounds = env('BENCH_STORE_ROUNDS', 15);
  const platformRow = await platformClaimCost(big, rounds);
  const injectRow = await injectClaimCost(big, Math.max(5, Math.round(rounds / 2)));
  const stormRow = await stormRate(
    env('BENCH_STORM_CONNECTIONS', 32),
    env('BENCH_STORM_WINDOWS', 6),
    env('BENCH_STORM_WINDOW_S', 3),
    env('BENCH_STORM_WARMUP_S', 1),
  );
  return [platformRow, injectRow, stormRow];
}
