/**
 * The `load` section of `npm run bench`: what `promoproof load` costs as a generator, and how far each
 * of its models goes. The generator is this process; every server runs in a process of its own (two
 * cores: one each). Every figure is the median of rounds whose runs alternate in a rotating order (the
 * machine is shared and noisy), after a warm-up run of each, which is not counted.
 *
 * 1. Generator cost, closed model: `runLoad` with a closed profile (every request built by the mix,
 *    signed by the JOS adapter's prepare with a new user and request id, every answer classified and
 *    recorded) against raw autocannon writing one claim signed once, same reference process (as `load`
 *    starts it), same connections and duration: throughput ratio, target ≥ 0.95. The batch is sold out
 *    (a stock of one, claimed during the set-up), so every claim of both takes the same path through
 *    the reference: refused with `coupon.stock.empty`, the store unchanged (with stock, each claim would
 *    grow the store, and the static claim would meet the per-user limit instead).
 * 2. CPU per request: the same closed runs against a server that costs next to nothing
 *    (bench/jos-answer-server.mjs: fastify answering the JOS sold-out refusal to everything), this
 *    process's CPU (process.cpuUsage around the run) over its answers, against Debian's `wrk` (one
 *    thread, the same claim signed once) measured from its child rusage (`bash -c 'wrk …; times'`).
 *    Skipped, with a line saying so, where wrk is not installed.
 * 3. Open model: the highest rate it holds on that server, stepping up, as a share of the closed
 *    model's throughput there (same rounds): held means achieved within 1 % of intended, every answer
 *    the expected refusal, and a send lag p99 under 1 ms (the stated target, ≥ 0.8); and under 5 ms,
 *    the open model's own late bound (the one `load` judges a run valid by), from the same steps.
 * 4. Peak RSS of a 1,000,000-request open run, the whole pipeline (mix, classify, recorder) in a child
 *    process of its own (bench/load-rss-child.mjs, running dist/ when it is fresh, as users do) against
 *    that server, at the highest rate row 3 saw kept (achieved within 1 %, whatever the lag): all
 *    1,000,000 requests (about 200 s at 5,000/s), unless BENCH_LOAD_RSS_MAX_S bounds the run (then the
 *    largest count that fits, and the note says so); against the same child running 10,000, and the
 *    growth per request between the two (histograms only: it should be about nothing). Target ≤ 250 MB.
 * Connections: the closed runs, autocannon and wrk use BENCH_LOAD_CONNECTIONS (32); the open model's
 * steps and RSS runs cap theirs at BENCH_LOAD_OPEN_CONNECTIONS (256), which `load --connections` sets
 * for a user. The cap is how many requests may be in flight, not a concurrency the model drives: at
 * 12,000/s, a 20-ms pause of the server (its GC) holds 240 requests, and with 32 the instants of
 * any pause over 3 ms were not sent, counted against the rate held while the generator was idle. The
 * open model opens them before its first instant, and an idle one costs nothing per request.
 * Sizes from the environment: BENCH_LOAD_ROUNDS (5), BENCH_LOAD_S (4, seconds per closed run),
 * BENCH_LOAD_STEP_S (2, seconds per open step), BENCH_LOAD_CONNECTIONS (32), BENCH_LOAD_RSS_REQUESTS
 * (1,000,000), BENCH_LOAD_RSS_MAX_S (no bound). Loopback only, bounded, stops by itself.
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { CPN } from '../src/apis/jd-coupon/spec.js';
import { endpointOf, type Target } from '../src/engine/target.js';
import { targetFromUrl } from '../src/engine/targets/config.js';
import { startReferenceProcess } from '../src/engine/targets/reference-process.js';
import { Metronome } from '../src/load/metronome.js';
import { runLoad } from '../src/load/run-load.js';
import type { LoadModel, LoadProfileDoc, LoadResult } from '../src/load/types.js';
import { josAdapter } from '../src/protocols/jos/adapter.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { tencentAdapter } from '../src/protocols/tencent-data-api/adapter.js';
import type { WireRequest } from '../src/protocols/types.js';
import { cliEntry } from '../bin/entry.js';
import { median, type Row } from './row.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const DATA_SOURCE = '101';
/** A batch of one coupon, claimed by user 1 during the set-up: every claim of the bench is refused as sold out. */
const SOLD_OUT_BATCH = 'pp-bench-sold-out';
const SOLD_OUT_CODE = 'coupon.stock.empty';
/** The closed model's ceiling (autocannon's overallRate, set by every closed run of `load`): never reached. */
const CEILING_PER_S = 1_000_000;
/** Seconds of the uncounted first run of each kind. */
const WARM_UP_S = 2;
/** Where the open model's steps start and how they climb, as shares of the closed model's throughput. */
const STEP_FROM = 0.3;
const STEP_BY = 0.1;
const STEP_UP_TO = 1.5;
/** Send lag p99 bounds, ms: the stated target, and the open model's own late bound (open.ts, 5 ms). */
const LAG_STRICT_MS = 1;
const LAG_LOOSE_MS = 5;
/** Requests of the RSS baseline run. */
const RSS_BASELINE_REQUESTS = 10_000;

// ---------------------------------------------------------------- the profile every run plays

/** What a bench run of `load` is: its model, rate, length and connections. */
interface ClaimRunShape {
  readonly model: LoadModel;
  /** Open: arrivals per second; closed: a ceiling (CEILING_PER_S: none). */
  readonly ratePerS: number;
  readonly durationS: number;
  readonly connections: number;
  /** At most this many requests. */
  readonly requests?: number;
}

/**
 * A load profile of one operation: claims (`promoproof.coupon.claim`, a user drawn from 1,000,000 and a
 * request id new each time) on the sold-out batch, sold-out refusals expected and marking the sold-out
 * time as claim-storm's do; one steady phase, no warm-up, no set-up (the bench sets up itself, once).
 */
function claimProfile(shape: ClaimRunShape): LoadProfileDoc {
  return {
    profile: 'bench-sold-out-claims',
    title: 'Claims on a sold-out batch (npm run bench -- load)',
    description: 'Every claim refused as sold out: the same path through the target for every request.',
    apis: ['jd-coupon'],
    vars: { batch: SOLD_OUT_BATCH },
    users: { count: 1_000_000 },
    mix: [
      {
        name: 'claim',
        call: CPN.claim,
        weight: 1,
        params: { data_source_id: DATA_SOURCE, batch_id: '${batch}', uid: '${user}', request_id: '${requestId}' },
        refusals: [SOLD_OUT_CODE],
        soldOut: [SOLD_OUT_CODE],
      },
    ],
    phases: [{ phase: 'steady', name: 'steady', duration: `${Math.round(shape.durationS * 1000)}ms`, rate: shape.ratePerS }],
    run: { model: shape.model, connections: shape.connections, ...(shape.requests !== undefined ? { requests: shape.requests } : {}) },
  };
}

/** Plays `shape` against `target` with runLoad, as `promoproof load` does. */
function runClaims(target: Target, shape: ClaimRunShape): Promise<LoadResult> {
  return runLoad({ profile: { doc: claimProfile(shape), file: 'bench/load.ts' }, target });
}

/**
 * How many answers of a run were the expected sold-out refusal, and what else came ('' when nothing
 * else: a figure of another path would mislead). Instants not sent (every connection busy) are not
 * answers: the achieved rate counts them.
 */
function soldOutAnswers(result: LoadResult): { readonly refused: number; readonly other: string } {
  const claim = result.totals.operations['claim'];
  if (claim === undefined) return { refused: 0, other: 'no claim answered' };
  const refused = claim.refusalCodes[SOLD_OUT_CODE]?.count ?? 0;
  const other = Object.entries(claim.classes)
    .filter(([cls, r]) => r.count > 0 && cls !== 'refusal')
    .map(([cls, r]) => `${r.count} ${cls}`);
  if (claim.classes.refusal.count > refused) other.push(`${claim.classes.refusal.count - refused} other refusals`);
  return { refused, other: other.join(', ') };
}

// ---------------------------------------------------------------- servers

/** A server in a process of its own, at `origin`. */
interface Server {
  readonly origin: string;
  close(): Promise<void>;
}

/** Forks `file` (a .mjs that reports `{ type: 'listening', origin }` over IPC and exits on `stop`). */
async function startServerProcess(file: string): Promise<Server> {
  const child: ChildProcess = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench load: ${file} did not listen within 15 s`)), 15_000);
    child.once('message', (m: { origin?: unknown }) => {
      clearTimeout(timer);
      if (typeof m.origin === 'string') resolve(m.origin);
      else reject(new Error(`bench load: ${file} said something else than listening`));
    });
    void exited.then(() => reject(new Error(`bench load: ${file} exited before listening`)));
  });
  return {
    origin,
    close: async () => {
      if (child.connected) child.send({ type: 'stop' });
      else child.kill();
      await exited;
    },
  };
}

/** One exchange outside any run (the set-up, a check of the static claim): the answer's text. */
async function exchangeOnce(wire: WireRequest): Promise<string> {
  const res = await fetch(wire.url, { method: wire.method, headers: wire.headers, body: wire.body ?? null });
  return res.text();
}

/** A signed claim of `uid` on the sold-out batch at `url` (the static body of raw autocannon and wrk: signed once per run). */
function staticClaim(url: string, uid: number): WireRequest {
  return josAdapter.prepare({
    endpoint: { url, credentials: { ...DEFAULT_CREDENTIALS } },
    operation: CPN.claim,
    app: { data_source_id: DATA_SOURCE, batch_id: SOLD_OUT_BATCH, uid, request_id: `bench-static-${uid}` },
    transport: {},
    clockOffsetMs: 0,
    nowMs: Date.now(),
    nonce: '',
  });
}

/** Uploads the one-coupon batch through the reference's Tencent face and claims its coupon for user 1. */
async function sellOut(target: Target): Promise<void> {
  const tencent = endpointOf(target, 'tencent-coupon-batch');
  const jos = endpointOf(target, 'jd-coupon');
  if (!tencent || !jos) throw new Error('bench load: the reference serves no Tencent upload or no coupon claim');
  const upload = tencentAdapter.prepare({
    endpoint: tencent,
    operation: 'order/add_coupon',
    app: {
      dataSourceId: DATA_SOURCE,
      coupons: [
        { external_coupon_id: SOLD_OUT_BATCH, coupon_name: '压测券', coupon_type: 1, coupon_sub_type: 1, amount_coupon: 5, store_count: 1 },
      ],
    },
    transport: {},
    clockOffsetMs: 0,
    nowMs: Date.now(),
    nonce: '0123456789abcdef0123456789abcdef',
  });
  const up = await exchangeOnce(upload);
  if (!up.includes('"retcode":0')) throw new Error(`bench load: the batch upload was refused: ${up}`);
  const last = await exchangeOnce(staticClaim(jos.url, 1));
  if (!last.includes('"coupon_code"')) throw new Error(`bench load: the batch's one coupon was refused: ${last}`);
}

// ---------------------------------------------------------------- the generators

/** One closed run of `load`: answers per second, and this process's CPU per answer, µs. */
async function promoproofClosed(target: Target, seconds: number, connections: number): Promise<{ perS: number; cpuUsPerAnswer: number }> {
  const cpu0 = process.cpuUsage();
  const result = await runClaims(target, { model: 'closed', ratePerS: CEILING_PER_S, durationS: seconds, connections });
  const cpu = process.cpuUsage(cpu0);
  const { refused, other } = soldOutAnswers(result);
  if (other) throw new Error(`bench load: the closed run's answers were not all ${SOLD_OUT_CODE}: ${other}`);
  return { perS: result.totals.achievedRatePerS, cpuUsPerAnswer: (cpu.user + cpu.system) / refused };
}

/** Raw autocannon writing `wire` again and again, with the options runClosed gives it: answers per second. */
async function rawAutocannon(wire: WireRequest, seconds: number, connections: number): Promise<number> {
  const headers = Object.fromEntries(
    Object.entries(wire.headers).filter(([k]) => !['content-length', 'connection'].includes(k.toLowerCase())),
  );
  const result = await autocannon({
    url: wire.url,
    connections,
    pipelining: 1,
    duration: seconds,
    overallRate: CEILING_PER_S,
    ignoreCoordinatedOmission: true,
    method: wire.method as autocannon.Request['method'],
    headers,
    ...(wire.body !== undefined ? { body: wire.body } : {}),
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`bench load: raw autocannon met ${result.errors} errors and ${result.non2xx} non-2xx answers`);
  return result.requests.total / result.duration;
}

/** Whether Debian's wrk is on this machine (CI may not have it). */
function wrkPath(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) if (dir && existsSync(join(dir, 'wrk'))) return join(dir, 'wrk');
  return undefined;
}

/**
 * wrk, one thread, `connections`, writing `wire` (its method, body and content type through a Lua
 * script) for `seconds`: answers per second and its CPU per answer, µs, from bash's `times` (the
 * children's user and system time, wrk being the only child).
 */
function runWrk(wrk: string, wire: WireRequest, seconds: number, connections: number): { perS: number; cpuUsPerAnswer: number } {
  const dir = mkdtempSync(join(os.tmpdir(), 'promoproof-bench-wrk-'));
  try {
    const script = join(dir, 'claim.lua');
    const contentType = Object.entries(wire.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    writeFileSync(
      script,
      `wrk.method = "${wire.method}"\nwrk.body = [==[${wire.body ?? ''}]==]\nwrk.headers["Content-Type"] = [==[${contentType}]==]\n`,
    );
    const r = spawnSync(
      'bash',
      ['-c', '"$1" -t1 -c"$2" -d"$3"s -s "$4" "$5" && times', 'bench-wrk', wrk, String(connections), String(seconds), script, wire.url],
      { encoding: 'utf8', timeout: (seconds + 30) * 1000 },
    );
    const out = r.stdout ?? '';
    if (r.status !== 0) throw new Error(`bench load: wrk exited ${r.status}: ${out}${r.stderr ?? ''}`);
    if (/Non-2xx|Socket errors/.test(out)) throw new Error(`bench load: wrk met errors:\n${out}`);
    const done = /(\d+) requests in ([\d.]+)(ms|s|m)\b/.exec(out);
    // `times` prints the shell's own user and system time, then its children's: the last line.
    const children = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(out);
    if (!done || !children) throw new Error(`bench load: cannot read wrk's output:\n${out}`);
    const answers = Number(done[1]);
    const unit = done[3] === 'ms' ? 0.001 : done[3] === 'm' ? 60 : 1;
    const cpuS = Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]);
    return { perS: answers / (Number(done[2]) * unit), cpuUsPerAnswer: (cpuS * 1e6) / answers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One open step: did `rate` hold (achieved within 1 %, every answer the expected refusal), and its send lag p99. */
async function openStep(
  target: Target,
  ratePerS: number,
  seconds: number,
  connections: number,
): Promise<{ held: boolean; lagP99Ms: number }> {
  const result = await runClaims(target, { model: 'open', ratePerS, durationS: seconds, connections });
  const { other } = soldOutAnswers(result);
  const achieved = result.totals.achievedRatePerS / result.totals.intendedRatePerS;
  return { held: other === '' && achieved >= 0.99, lagP99Ms: result.generator.lag.p99Ms };
}

/** What one round's search found (each rate 0 when none held), the lowest rate tried, and the steps as text. */
interface OpenHeld {
  /** The highest rate whose sends it kept, whatever their lag: achieved within 1 % of intended, every answer right. */
  readonly kept: number;
  /** The highest rate kept with a send lag p99 under LAG_LOOSE_MS. */
  readonly loose: number;
  /** The highest rate kept with a send lag p99 under LAG_STRICT_MS. */
  readonly strict: number;
  readonly lowest: { readonly rate: number; readonly lagP99Ms: number };
  readonly steps: string;
}

/**
 * Steps the open model's rate up from STEP_FROM × the closed throughput by STEP_BY × it until a step
 * is not kept (or STEP_UP_TO × is passed), then halves the last interval twice: the kept figure to
 * about 2.5 % of the closed throughput. A step not kept is tried once more before it counts (a
 * neighbour's burst on a shared machine must not end the climb). Each lag bound's figure is the
 * highest step kept with its lag p99 under that bound; when no step was under 1 ms, two lower rates
 * are tried (halving from the lowest step), so that a strict figure of 0 means "not even there".
 */
async function openHeld(target: Target, closedPerS: number, seconds: number, connections: number): Promise<OpenHeld> {
  let kept = 0;
  let loose = 0;
  let strict = 0;
  let lowest = { rate: Number.POSITIVE_INFINITY, lagP99Ms: Number.NaN };
  const steps: string[] = [];
  const step = async (rate: number, again = true): Promise<boolean> => {
    const r = await openStep(target, rate, seconds, connections);
    if (r.held) kept = Math.max(kept, rate);
    if (r.held && r.lagP99Ms < LAG_LOOSE_MS) loose = Math.max(loose, rate);
    if (r.held && r.lagP99Ms < LAG_STRICT_MS) strict = Math.max(strict, rate);
    if (rate < lowest.rate || (rate === lowest.rate && r.lagP99Ms < lowest.lagP99Ms)) lowest = { rate, lagP99Ms: r.lagP99Ms };
    steps.push(`${rate}${r.held ? '' : ' short'} lag ${r.lagP99Ms.toFixed(2)}`);
    if (r.held || !again) return r.held;
    return step(rate, false);
  };
  const by = Math.max(1, Math.round(STEP_BY * closedPerS));
  let failedAt: number | undefined;
  for (let rate = Math.max(1, Math.round(STEP_FROM * closedPerS)); rate <= STEP_UP_TO * closedPerS; rate += by)
    if (!(await step(rate))) {
      failedAt = rate;
      break;
    }
  for (let i = 0; i < 2 && failedAt !== undefined && failedAt - kept > 1; i++) {
    const mid = Math.round((kept + failedAt) / 2);
    if (!(await step(mid))) failedAt = mid;
  }
  for (let i = 0; i < 2 && strict === 0 && lowest.rate > 1; i++) await step(Math.max(1, Math.round(lowest.rate / 2)));
  return { kept, loose, strict, lowest, steps: steps.join(', ') };
}

// ---------------------------------------------------------------- peak RSS

/** What one RSS run measured (bench/load-rss-child.mjs), its answers checked. */
interface RssRun {
  readonly maxRssBytes: number;
  readonly wallMs: number;
  readonly result: LoadResult;
}

/**
 * Runs `requests` claims at `ratePerS` in a child process of its own against `origin`, from the code
 * users run (dist/) when it is fresh, else from the sources through tsx: its peak RSS.
 */
async function rssRun(origin: string, ratePerS: number, requests: number, connections: number, code: 'dist' | 'src'): Promise<RssRun> {
  // The phase is as long as the requests take at the rate, so its plan is the requests (the cap only rounds).
  const doc = claimProfile({ model: 'open', ratePerS, durationS: requests / ratePerS, connections, requests });
  const child = fork(fileURLToPath(new URL('./load-rss-child.mjs', import.meta.url)), [JSON.stringify({ code, origin, doc })], {
    execArgv: code === 'src' ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (status) => resolve(status)));
  const run = await new Promise<RssRun>((resolve, reject) => {
    child.once('message', (m) => resolve(m as RssRun));
    void exited.then((status) => reject(new Error(`bench load: the RSS child exited ${status} without a report`)));
  });
  await exited;
  const { other } = soldOutAnswers(run.result);
  if (other) throw new Error(`bench load: the RSS run's answers were not all ${SOLD_OUT_CODE}: ${other}`);
  return run;
}

// ---------------------------------------------------------------- the section

/** Every row of the section, in table order. */
export async function benchLoad(): Promise<Row[]> {
  const rounds = env('BENCH_LOAD_ROUNDS', 5);
  const seconds = env('BENCH_LOAD_S', 4);
  const stepS = env('BENCH_LOAD_STEP_S', 2);
  const connections = env('BENCH_LOAD_CONNECTIONS', 32);
  const openConnections = env('BENCH_LOAD_OPEN_CONNECTIONS', 256);
  const rows: Row[] = [];
  // Figures under load move with the neighbours': say how busy the machine was.
  const busy = () => os.loadavg()[0]?.toFixed(1);
  console.log(`  load: load average ${busy()} on ${os.cpus().length} cores at the start`);
  rows.push(await generatorCost(rounds, seconds, connections));

  const server = await startServerProcess('./jos-answer-server.mjs');
  try {
    const target = targetFromUrl(`${server.origin}/routerjson`, { ...DEFAULT_CREDENTIALS }, 'jd-coupon');
    const {
      held,
      cpuRow,
      closedPerS,
      rounds: done,
    } = await openAndCpu(target, rounds, seconds, stepS, { closed: connections, open: openConnections });
    if (cpuRow) rows.push(cpuRow);
    const note = (bound: number, figures: number[], tail: string) =>
      `achieved within 1 % of intended, every answer the expected refusal, send lag p99 under ${bound} ms; stepped up by ${STEP_BY * 100} % of the closed throughput (a step that fails tried twice), then halved twice, ${stepS}-s steps, a cap of ${openConnections} connections (the closed model's ${connections}: a server's pause must not leave instants unsent); ${done} alternating rounds (${figures.map(Math.round).join(', ')} vs ${closedPerS.map(Math.round).join(', ')})${tail}`;
    const openRow = (name: string, figures: number[], bound: number, tail: string): Row => ({
      name,
      unit: 'per s',
      median: median(figures),
      baseline: 'the closed model on the same server (its throughput)',
      baselineMedian: median(closedPerS),
      ratio: median(figures) / median(closedPerS),
      note: note(bound, figures, tail),
    });
    const strict = held.map((h) => h.strict);
    const loose = held.map((h) => h.loose);
    const kept = median(held.map((h) => h.kept));
    rows.push(
      openRow(
        `\`load\`, open model: the highest rate held with send lag p99 < ${LAG_STRICT_MS} ms (fixed JOS answer, fastify)`,
        strict,
        LAG_STRICT_MS,
        strict.every((x) => x === 0)
          ? `; held at no rate tried: at the lowest (median ${Math.round(median(held.map((h) => h.lowest.rate)))}/s) the lag p99 was ${median(held.map((h) => h.lowest.lagP99Ms)).toFixed(2)} ms; target ≥ 0.8`
          : '; target ≥ 0.8',
      ),
      openRow(
        `\`load\`, open model: the highest rate held with send lag p99 < ${LAG_LOOSE_MS} ms, its own late bound`,
        loose,
        LAG_LOOSE_MS,
        `; what \`load\` itself counts as on time; the rate kept whatever the lag: ${Math.round(kept)}/s`,
      ),
    );
    rows.push(await wakeFloorRow(rounds));
    for (const h of held) console.log(`  load: open steps (rate/s, send lag p99 ms): ${h.steps}`);
    console.log(`  load: load average ${busy()} after the open steps`);
    rows.push(await peakRss(server.origin, Math.floor(kept), openConnections));
  } finally {
    await server.close();
  }
  return rows;
}

/** Row 1: `load`'s closed model against raw autocannon, on the reference's sold-out claims. */
async function generatorCost(rounds: number, seconds: number, connections: number): Promise<Row> {
  const ref = await startReferenceProcess({ testControl: false });
  try {
    await sellOut(ref.target);
    const jos = endpointOf(ref.target, 'jd-coupon');
    if (!jos) throw new Error('bench load: the reference serves no coupon claim');
    const staticAnswer = await exchangeOnce(staticClaim(jos.url, 2));
    if (!staticAnswer.includes(`"${SOLD_OUT_CODE}"`))
      throw new Error(`bench load: the static claim is not refused as sold out: ${staticAnswer}`);
    const runs = {
      promoproof: async (s: number) => (await promoproofClosed(ref.target, s, connections)).perS,
      raw: (s: number) => rawAutocannon(staticClaim(jos.url, 2), s, connections),
    };
    const order = ['promoproof', 'raw'] as const;
    for (const run of order) await runs[run](WARM_UP_S);
    const perS: Record<(typeof order)[number], number[]> = { promoproof: [], raw: [] };
    for (let i = 0; i < rounds; i++)
      for (let j = 0; j < order.length; j++) {
        const run = order[(i + j) % order.length] ?? 'raw';
        perS[run].push(await runs[run](seconds));
      }
    const ours = median(perS.promoproof);
    const raw = median(perS.raw);
    return {
      name: '`load`, closed model: signed unique claims, each answer classified and recorded (`serve`, sold-out batch)',
      unit: 'per s',
      median: ours,
      baseline: 'raw autocannon, one claim signed once, same server',
      baselineMedian: raw,
      ratio: ours / raw,
      note: `the generator's cost as throughput; every answer ${SOLD_OUT_CODE} on both sides (same path through the reference); ${connections} connections, ${rounds} alternating rounds of ${seconds} s (${perS.promoproof.map(Math.round).join(', ')} vs ${perS.raw.map(Math.round).join(', ')}); target ≥ 0.95`,
    };
  } finally {
    await ref.close();
  }
}

/**
 * Rows 2 and 3 on the fixed-answer server, in the same rounds: `load`'s closed model (its throughput
 * and CPU per answer), wrk (when installed), and the open model's step search, in a rotating order.
 */
async function openAndCpu(
  target: Target,
  rounds: number,
  seconds: number,
  stepS: number,
  caps: { readonly closed: number; readonly open: number },
): Promise<{ held: OpenHeld[]; cpuRow: Row | undefined; closedPerS: number[]; rounds: number }> {
  const connections = caps.closed;
  const wrk = wrkPath();
  if (!wrk) console.log('(bench load: wrk is not installed, the CPU-per-request row is skipped: apt-get install wrk)');
  const url = endpointOf(target, 'jd-coupon')?.url ?? '';
  const closed: { perS: number; cpuUsPerAnswer: number }[] = [];
  const wrkRuns: { perS: number; cpuUsPerAnswer: number }[] = [];
  const held: OpenHeld[] = [];
  await promoproofClosed(target, WARM_UP_S, connections);
  if (wrk) runWrk(wrk, staticClaim(url, 2), WARM_UP_S, connections);
  const kinds = ['closed', 'wrk', 'open'] as const;
  for (let i = 0; i < rounds; i++)
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[(i + j) % kinds.length];
      if (kind === 'closed') closed.push(await promoproofClosed(target, seconds, connections));
      else if (kind === 'wrk' && wrk) wrkRuns.push(runWrk(wrk, staticClaim(url, 2), seconds, connections));
      // The search climbs from this round's closed throughput when it ran first, else the last one's.
      else if (kind === 'open') {
        const closedNow = closed.at(-1) ?? (await promoproofClosed(target, seconds, connections));
        held.push(await openHeld(target, closedNow.perS, stepS, caps.open));
      }
    }
  const closedPerS = closed.map((c) => c.perS);
  const ours = median(closed.map((c) => c.cpuUsPerAnswer));
  const theirs = median(wrkRuns.map((c) => c.cpuUsPerAnswer));
  const cpuRow: Row | undefined = wrk
    ? {
        name: '`load`, closed model: generator CPU per request (signed unique claims, each answer classified and recorded)',
        unit: 'ms',
        median: ours / 1000,
        baseline: 'wrk, one thread, one claim signed once',
        baselineMedian: theirs / 1000,
        ratio: ours / theirs,
        note: `user + system CPU over answers, each generator its own process, same server (fastify answering a fixed JOS refusal, its own process), ${connections} connections; ${rounds} alternating rounds of ${seconds} s; throughput ${Math.round(median(closedPerS))}/s vs wrk's ${Math.round(median(wrkRuns.map((w) => w.perS)))}/s`,
      }
    : undefined;
  return { held, cpuRow, closedPerS, rounds };
}

/** Row 4: the peak RSS of a long open run against a 10,000-request one, each in a child process of its own. */
async function peakRss(origin: string, ratePerS: number, connections: number): Promise<Row> {
  const wanted = env('BENCH_LOAD_RSS_REQUESTS', 1_000_000);
  const maxS = env('BENCH_LOAD_RSS_MAX_S', Number.POSITIVE_INFINITY);
  if (!(ratePerS >= 1)) throw new Error('bench load: the open model held no rate, so no RSS run');
  const requests = Math.min(wanted, Math.floor(ratePerS * maxS));
  const baselineRequests = Math.min(RSS_BASELINE_REQUESTS, requests);
  const code = cliEntry(fileURLToPath(new URL('../', import.meta.url)));
  const small = await rssRun(origin, ratePerS, baselineRequests, connections, code);
  const big = await rssRun(origin, ratePerS, requests, connections, code);
  const count = (n: number) => n.toLocaleString('en');
  const { totals, generator } = big.result;
  // The verdict's reasons in short: what each is about, not its figures.
  const invalid = generator.reasons.filter((r) => !r.startsWith('note')).map((r) => r.split(':')[0]);
  // What each request beyond the small run's added to the peak: a sample kept per request would show here.
  const perRequest = (big.maxRssBytes - small.maxRssBytes) / Math.max(1, requests - baselineRequests);
  const shortOf =
    requests < wanted
      ? `; ${count(wanted)} would take ${Math.round(wanted / ratePerS)} s at that rate, so the largest count fitting ${maxS} s`
      : '';
  return {
    name: `\`load\`, open model: peak RSS of a ${count(requests)}-request run (mix, classify, recorder; own process)`,
    unit: 'bytes',
    median: big.maxRssBytes,
    baseline: `the same with ${count(baselineRequests)} requests`,
    baselineMedian: small.maxRssBytes,
    ratio: big.maxRssBytes / small.maxRssBytes,
    note: `peak RSS of the generator's own process (VmHWM of /proc/self/status: getrusage's maxRSS of a forked child includes its parent's image at the fork), running ${code === 'dist' ? 'dist/' : 'the sources through tsx (dist/ is stale)'}; ${count(totals.sent)} sent${totals.notSent > 0 ? ` (${count(totals.notSent)} not sent: every connection busy)` : ''} at ${Math.round(ratePerS)}/s intended (the open model's rate kept, row above), ${Math.round(totals.achievedRatePerS)}/s achieved, in ${(big.wallMs / 1000).toFixed(1)} s${generator.valid ? '' : ` (the generator judged the run invalid: ${invalid.join('; ')})`}${shortOf}; ${perRequest.toFixed(1)} bytes more per request than the small run; one run each; target ≤ 250 MB`,
  };
}

/** Instants of one wake-path round, 1 ms apart. */
const WAKE_INSTANTS = 5_000;

/**
 * The floor under the 1 ms row: the send lag p99 the open model's wake path alone leaves on this
 * machine — its metronome thread (src/load/metronome.ts) waking this otherwise idle loop at instants
 * 1 ms apart, no request built, sent or answered. Lag is the beat's arrival − its instant, as `load`
 * measures its sends'. When this sits near 1 ms, the machine's thread wake-ups alone use up the target.
 */
async function wakeFloorRow(rounds: number): Promise<Row> {
  const p99s: number[] = [];
  for (let r = 0; r < rounds; r++) p99s.push(await wakeFloor(WAKE_INSTANTS));
  const floor = median(p99s);
  return {
    name: '`load`, open model: send lag p99 of its wake path alone (metronome thread → idle loop, no request)',
    unit: 'ms',
    median: floor,
    baseline: "the 1 ms the open model's strict row allows",
    baselineMedian: 1,
    ratio: floor,
    note: `${WAKE_INSTANTS.toLocaleString('en-US')} instants 1 ms apart a round, the lag of each beat from its instant, ${rounds} rounds (${p99s.map((x) => x.toFixed(2)).join(', ')} ms): the floor the 1 ms row stands on — what this machine's thread wake-ups cost before any request is built, sent or judged`,
  };
}

/** One round of wakeFloorRow: the p99 of the beats' lag, ms. */
async function wakeFloor(instants: number): Promise<number> {
  const lags: number[] = [];
  const start = performance.now() + 50;
  const at = (k: number) => start + k;
  let i = 0;
  await new Promise<void>((resolve) => {
    // A beat lost would hang the round: it ends by the clock too.
    const guard = setTimeout(() => finish(), instants + 5_000);
    const finish = () => {
      clearTimeout(guard);
      metronome.stop();
      resolve();
    };
    const metronome = new Metronome(() => {
      const now = performance.now();
      while (i < instants && at(i) <= now) lags.push(now - at(i++));
      if (i >= instants) finish();
      else metronome.aim(at(i), at(i + 1));
    });
    metronome.aim(at(0), at(1));
  });
  lags.sort((a, b) => a - b);
  return lags[Math.floor(0.99 * (lags.length - 1))] ?? Number.NaN;
}
