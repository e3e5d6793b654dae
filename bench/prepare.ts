/**
 * The `prepare` section of `npm run bench`: what building one claim-sized request costs per protocol
 * (`prepare`: parameters, signature, encoded bytes), against the same with the report's copy built
 * too (`record`: redaction and the curl line), which the send path used to build for every call and
 * now builds only when a failure shows it. The ratio is what the lazy record saves per call.
 */
import { josAdapter } from '../src/protocols/jos/adapter.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { tencentAdapter } from '../src/protocols/tencent-data-api/adapter.js';
import { TENCENT_TEST_CREDENTIALS } from '../src/protocols/tencent-data-api/credentials.js';
import type { PrepareInput, ProtocolAdapter } from '../src/protocols/types.js';
import { yohoAdapter } from '../src/protocols/yoho-gateway/adapter.js';
import { YOHO_TEST_CREDENTIALS } from '../src/protocols/yoho-gateway/credentials.js';
import { median, type Row } from './row.js';

const NONCE = '0123456789abcdef0123456789abcdef';

/** One claim-sized call per protocol: a coupon claim (JOS), a one-coupon upload (Tencent), a user's coupon query (Yoho). */
function calls(): { readonly label: string; readonly adapter: ProtocolAdapter; readonly input: PrepareInput }[] {
  const call = (url: string, credentials: Record<string, string>, operation: string, app: Record<string, unknown>): PrepareInput => ({
    endpoint: { url, credentials },
    operation,
    app,
    transport: {},
    clockOffsetMs: 0,
    nowMs: Date.now(),
    nonce: NONCE,
  });
  return [
    {
      label: 'JOS claim',
      adapter: josAdapter,
      input: call('http://127.0.0.1:8620/routerjson', { ...DEFAULT_CREDENTIALS }, 'promoproof.coupon.claim', {
        data_source_id: '101',
        batch_id: 'pp-Pab1c2',
        uid: 10001,
      }),
    },
    {
      label: 'Tencent one-coupon upload',
      adapter: tencentAdapter,
      input: call('http://127.0.0.1:8620', { ...TENCENT_TEST_CREDENTIALS }, 'order/add_coupon', {
        dataSourceId: '101',
        coupons: [{ external_coupon_id: 'pp-Pab1c2', coupon_name: '满100减10', coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10 }],
      }),
    },
    {
      label: 'Yoho coupon query',
      adapter: yohoAdapter,
      input: call('http://127.0.0.1:8620/gateway', { ...YOHO_TEST_CREDENTIALS }, 'app.coupons.li', { uid: 10001, type: 'notuse' }),
    },
  ];
}

/**
 * Per protocol: prepare + record against prepare alone. Rounds interleave every task (in a rotating
 * order, so that drift and the neighbours' load fall on all of them alike); each round times a batch
 * of calls per task; a task's figure is the median of its rounds, in ms per call. Sizes from the
 * environment: BENCH_PREPARE_ROUNDS (31), BENCH_PREPARE_BATCH (1500).
 */
export async function benchPrepare(): Promise<Row[]> {
  const rounds = Number(process.env['BENCH_PREPARE_ROUNDS'] ?? 31);
  const batch = Number(process.env['BENCH_PREPARE_BATCH'] ?? 1500);
  const all = calls();
  let sink = 0;
  const tasks = all.flatMap(({ label, adapter, input }) => [
    {
      name: `prepare, ${label}`,
      run: () => {
        sink += adapter.prepare(input).url.length;
      },
    },
    {
      name: `prepare + record, ${label}`,
      run: () => {
        const wire = adapter.prepare(input);
        sink += adapter.record(wire, input.endpoint).curl.length;
      },
    },
  ]);
  const perCall = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  // Round 0 warms the JIT and is not counted.
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[(i + round) % tasks.length];
      if (!task) continue;
      const t0 = performance.now();
      for (let n = 0; n < batch; n++) task.run();
      if (round > 0) perCall.get(task.name)?.push((performance.now() - t0) / batch);
    }
    // Let timers and I/O of the process run between rounds (a long synchronous loop is not what a run does).
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (sink === 0) throw new Error('nothing was built');
  const med = (name: string) => median(perCall.get(name) ?? []);
  return all.map(({ label }) => {
    const name = `prepare + record, ${label}`;
    const baseline = `prepare, ${label}`;
    return {
      name,
      unit: 'ms',
      median: med(name),
      baseline,
      baselineMedian: med(baseline),
      ratio: med(name) / med(baseline),
      note: 'what building the report copy of every request cost; now built only for a failure',
    };
  });
}
