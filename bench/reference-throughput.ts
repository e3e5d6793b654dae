/**
 * The `reference` section of `npm run bench`: is the reference the bottleneck of a demo? Its claim
 * throughput against fastify's hello world on the same machine, driven by the same generator.
 * - fastify's hello world (bench/hello-fastify.mjs) and the reference (`startReferenceProcess`, as
 *   `load` starts it, from the build users run: dist/, built first when older than the sources) each
 *   run in a process of their own, driven from this one as fast as they answer, over the same number of
 *   keep-alive connections;
 * - the generator is Debian's `wrk` (bench/wrk-pool.ts, one thread) sending requests built before each
 *   run: it costs a fraction of what the servers do per answer, so every row measures its server. The
 *   reference's claims (`promoproof.coupon.claim` over JOS, prepared by the JOS adapter: signed, a new
 *   uid and request id each, timestamps fresh within JOS's ±6-minute window) are signed between runs,
 *   enough for the run and never repeated. Without wrk (or with BENCH_REFERENCE_GENERATOR=autocannon)
 *   autocannon drives instead, signing each claim in `setupRequest`, which can cost it more than the
 *   server's answer: the rows then say so;
 * - the claims go to a batch uploaded first with a stock of 10,000,000, so every claim issues a coupon,
 *   and to a sold-out batch (every answer the refusal `coupon.stock.empty`), which is what a storm mostly
 *   sees. Every answer is read (wrk: in the script's response(), status and body): one that is not what
 *   the row says fails the bench;
 * - the same signed claims to a POST route of the baseline's fastify that answers a constant JSON of a
 *   claim answer's size: the HTTP exchange of a claim alone, the ceiling of any fastify server of claims
 *   on this machine (a row of its own, against the hello world too; the reference rows give their share
 *   of it);
 * - rounds alternate the order of the four runs (the machine is shared and noisy); each figure is the
 *   median of its rounds, after a warm-up run of each. Target: claims/s ≥ 0.5 × hello-world req/s;
 * - each row's note says where the time went: CPU per answer of the server's process (from /proc on
 *   Linux) and of the generator (wrk's own, from its script; this process's under autocannon), and the
 *   share of a core each kept busy: a row is server-bound when its server's is near a whole core.
 * Sizes from the environment: BENCH_REFERENCE_ROUNDS (5), BENCH_REFERENCE_S (4, seconds per run),
 * BENCH_REFERENCE_CONNECTIONS (32). BENCH_REFERENCE_FROM=DIR runs the reference of another build (a
 * dist/ folder, e.g. an older commit's, to compare); BENCH_REFERENCE_CPU_PROF=DIR runs both servers
 * with `--cpu-prof` and writes their profiles into DIR (reference.cpuprofile, hello-fastify.cpuprofile;
 * read them with bench/cpuprofile-summary.ts). BENCH_WRK names the wrk binary when it is not on PATH.
 * Loopback only, bounded, stops by itself.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { distIsFresh } from '../bin/entry.js';
import { CPN } from '../src/apis/jd-coupon/spec.js';
import type * as ReferenceProcessModule from '../src/engine/targets/reference-process.js';
import { josAdapter } from '../src/protocols/jos/adapter.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { TENCENT_TEST_CREDENTIALS } from '../src/protocols/tencent-data-api/credentials.js';
import { addCouponPath, buildTencentQuery } from '../src/protocols/tencent-data-api/sign.js';
import { median, type Row } from './row.js';
import { rawRequest, runWrkPool, wrkPath } from './wrk-pool.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const DATA_SOURCE = '101';
/** Seconds of the uncounted first run of each server. */
const WARM_UP_S = 2;
/** Every limit of the batch is checked at each claim and none is reached by the bench. */
const STOCKED = {
  external_coupon_id: 'pp-bench-throughput',
  coupon_name: '压测券',
  coupon_type: 1,
  coupon_sub_type: 1,
  amount_coupon: 5,
  store_count: 10_000_000,
  max_coupon_number_per_user: 5,
  max_coupon_number_per_user_daily: 5,
  max_coupons_by_day: 100_000_000,
  max_amount_by_day: 1_000_000_000,
  fixed_valid_time: '864000',
};
/** A stock of one, claimed before the runs: every claim of the bench is refused as sold out. */
const SOLD_OUT = { ...STOCKED, external_coupon_id: 'pp-bench-sold-out', store_count: 1 };

/** A server in a process of its own, at `origin`. */
interface Server {
  readonly origin: string;
  readonly pid: number;
  close(): Promise<void>;
}

/** `--cpu-prof` into `dir` as `name.cpuprofile`; no flags without a dir. */
const profileFlags = (dir: string | undefined, name: string): string[] =>
  dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];

/** fastify's hello world in its own process (bench/hello-fastify.mjs), listening on a free loopback port. */
async function startHello(profileDir: string | undefined): Promise<Server> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./hello-fastify.mjs', import.meta.url)), [], {
    execArgv: profileFlags(profileDir, 'hello-fastify'),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench reference: the hello-world server did not listen within 15 s')), 15_000);
    child.once('message', (m: { origin?: string }) => {
      clearTimeout(timer);
      if (typeof m.origin === 'string') resolve(m.origin);
      else reject(new Error('bench reference: the hello-world server said something else than listening'));
    });
    void exited.then(() => reject(new Error('bench reference: the hello-world server exited before listening')));
  });
  return {
    origin,
    pid: child.pid ?? 0,
    close: async () => {
      if (child.connected) child.send({ type: 'stop' });
      else child.kill();
      await exited;
    },
  };
}

/**
 * The reference-process module of the build to measure, and which it is: BENCH_REFERENCE_FROM's, else
 * dist/ (built first when older than the sources, as users run it after `npm ci`), else the sources
 * through tsx when the build fails (a tree mid-edit).
 */
async function referenceModule(): Promise<{ readonly module: typeof ReferenceProcessModule; readonly from: string }> {
  const load = async (dir: string) =>
    (await import(pathToFileURL(join(dir, 'engine/targets/reference-process.js')).href)) as typeof ReferenceProcessModule;
  const from = process.env['BENCH_REFERENCE_FROM'];
  if (from) return { module: await load(from), from };
  const root = fileURLToPath(new URL('../', import.meta.url));
  if (!distIsFresh(root)) {
    try {
      console.log('(reference: building dist/ first: npm run build)');
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore', shell: process.platform === 'win32' });
    } catch {
      console.log('(reference: the build failed; running the sources through tsx instead)');
      return { module: await import('../src/engine/targets/reference-process.js'), from: 'the sources through tsx' };
    }
  }
  return { module: await load(join(root, 'dist')), from: 'dist/' };
}

/** POSTs `body` as JSON and answers the text of the answer. */
async function postJson(url: string, body: unknown): Promise<string> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return res.text();
}

/** uids and request ids never repeat within the process: each claim is a new user's first. */
let nextUid = 1;

/** A signed claim on `batchId` as the JOS adapter prepares it: a new uid and request id, a fresh timestamp. */
function prepareClaim(origin: string, batchId: string) {
  const uid = nextUid++;
  return josAdapter.prepare({
    endpoint: { url: `${origin}/routerjson`, credentials: { ...DEFAULT_CREDENTIALS } },
    operation: CPN.claim,
    app: { data_source_id: DATA_SOURCE, batch_id: batchId, uid, request_id: `bench-${uid}` },
    transport: {},
    clockOffsetMs: 0,
    nowMs: Date.now(),
    nonce: '',
  });
}

/** Uploads both batches through the Tencent face and empties the sold-out one's stock with one claim. */
async function setUp(origin: string): Promise<void> {
  const up = await postJson(`${origin}${addCouponPath(buildTencentQuery(TENCENT_TEST_CREDENTIALS))}`, {
    dataSourceId: DATA_SOURCE,
    coupons: [STOCKED, SOLD_OUT],
  });
  if (!up.includes('"retcode":0')) throw new Error(`bench reference: the batch upload was refused: ${up}`);
  const wire = prepareClaim(origin, SOLD_OUT.external_coupon_id);
  const last = await (await fetch(wire.url, { method: wire.method, headers: wire.headers, body: wire.body ?? null })).text();
  if (!last.includes('"coupon_code"')) throw new Error(`bench reference: the sold-out batch's one coupon was refused: ${last}`);
}

/** A claim request for autocannon: each one prepared in setupRequest (headers copied: autocannon adds Content-Length to them). */
function claimRequest(origin: string, batchId: string): autocannon.Request {
  return {
    method: 'POST',
    path: '/routerjson',
    setupRequest: (req) => {
      const wire = prepareClaim(origin, batchId);
      req.headers = { ...wire.headers };
      req.body = wire.body ?? '';
      return req;
    },
  };
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_S = 100;

/** CPU time (user + system) that process `pid` used so far, µs; undefined without /proc (not Linux). */
function processCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After `pid (comm) `: state is field 3, utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** What one autocannon run achieved, and what each side's CPU paid per answer (µs; NaN when unknown). */
interface RunFigures {
  readonly perS: number;
  readonly serverCpuUs: number;
  readonly generatorCpuUs: number;
  readonly unexpected: number;
  readonly firstUnexpected: string;
}

/**
 * Drives `server` as fast as it answers for `seconds`. No rate is set: autocannon then makes no
 * coordinated-omission correction (it refuses `ignoreCoordinatedOmission` without a rate), and a closed
 * loop's throughput is what this row compares. `expect` reads every answer's body.
 */
async function drive(
  server: Pick<Server, 'origin' | 'pid'>,
  request: autocannon.Request,
  expect: (body: string) => boolean,
  seconds: number,
  connections: number,
): Promise<RunFigures> {
  let unexpected = 0;
  let firstUnexpected = '';
  const serverBefore = processCpuUs(server.pid);
  const generatorBefore = process.cpuUsage();
  const result = await autocannon({
    url: server.origin,
    connections,
    duration: seconds,
    requests: [
      {
        ...request,
        onResponse: (status, body) => {
          if (status === 200 && expect(body)) return;
          unexpected++;
          firstUnexpected ||= `HTTP ${status}: ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  const generator = process.cpuUsage(generatorBefore);
  const serverAfter = processCpuUs(server.pid);
  if (result.errors > 0)
    throw new Error(`bench reference: ${result.errors} transport errors (${result.timeouts} timeouts) against ${server.origin}`);
  const answers = result.requests.total;
  return {
    perS: answers / result.duration,
    serverCpuUs: serverBefore === undefined || serverAfter === undefined ? Number.NaN : (serverAfter - serverBefore) / answers,
    generatorCpuUs: (generator.user + generator.system) / answers,
    unexpected,
    firstUnexpected,
  };
}

/** The runs of a round, by name. */
type Run = 'hello' | 'exchange' | 'claim' | 'soldOut';

/** A generator driving one run of `run` for `seconds` against the server it names. */
type Driver = (run: Run, seconds: number) => Promise<RunFigures>;

/** The servers of the section, and what the answers of each run must contain. */
interface Servers {
  readonly hello: Server;
  readonly ref: Pick<Server, 'origin' | 'pid'>;
}

const EXPECTED: Record<Run, string> = {
  hello: '{"hello":"world"}',
  exchange: '"coupon_code"',
  claim: '"coupon_code"',
  soldOut: '"coupon.stock.empty"',
};

/** The server each run drives, and the batch its claims name (none for the hello world's GET). */
function target(servers: Servers, run: Run): { readonly server: Pick<Server, 'origin' | 'pid'>; readonly batch?: string } {
  if (run === 'hello') return { server: servers.hello };
  if (run === 'exchange') return { server: servers.hello, batch: STOCKED.external_coupon_id };
  return { server: servers.ref, batch: run === 'claim' ? STOCKED.external_coupon_id : SOLD_OUT.external_coupon_id };
}

/** autocannon, building each claim in setupRequest (the fallback where wrk is not installed). */
function autocannonDriver(servers: Servers, connections: number): Driver {
  return (run, seconds) => {
    const { server, batch } = target(servers, run);
    const request: autocannon.Request = batch === undefined ? { method: 'GET', path: '/' } : claimRequest(server.origin, batch);
    const expected = EXPECTED[run];
    return drive(server, request, (b) => (run === 'hello' ? b === expected : b.includes(expected)), seconds, connections);
  };
}

/** Requests of the no-work route's pool, sent round and round: it reads none of them. */
const EXCHANGE_POOL = 4096;
/** Headroom of a pool of unique claims over the most answers a run of its kind has given per second. */
const POOL_HEADROOM = 1.6;

/**
 * wrk over pools signed before each run: the hello world's one GET and the no-work route's claims sent
 * again and again, the reference's claims each new (a new user and request id, a fresh timestamp; a
 * pool sized from the fastest run of its kind so far, the hello world's before the first, and a run that
 * ran out of claims run again with a pool twice as large). Signing happens between runs, in this process.
 */
function wrkDriver(wrk: string, servers: Servers, connections: number): Driver {
  const fastest: Partial<Record<Run, number>> = {};
  let exchangePool: Buffer[] | undefined;
  const pool = (run: Run, seconds: number, scale: number): Buffer[] => {
    const { server, batch } = target(servers, run);
    if (batch === undefined) return [rawRequest({ method: 'GET', url: `${server.origin}/`, headers: {} })];
    if (run === 'exchange') {
      exchangePool ??= Array.from({ length: EXCHANGE_POOL }, () => rawRequest(prepareClaim(server.origin, batch)));
      return exchangePool;
    }
    const perS = fastest[run] ?? fastest.hello ?? 50_000;
    const size = Math.ceil(perS * seconds * POOL_HEADROOM * scale) + 2_000;
    return Array.from({ length: size }, () => rawRequest(prepareClaim(server.origin, batch)));
  };
  return async (run, seconds) => {
    const { server } = target(servers, run);
    for (let scale = 1; ; scale *= 2) {
      const requests = pool(run, seconds, scale);
      // The pool's garbage is collected now, not during the run (npm run bench exposes gc).
      (globalThis as { gc?: () => void }).gc?.();
      const serverBefore = processCpuUs(server.pid);
      const r = await runWrkPool({
        wrk,
        origin: server.origin,
        pool: requests,
        wrap: run === 'hello' || run === 'exchange',
        expect: EXPECTED[run],
        seconds,
        connections,
      });
      const serverAfter = processCpuUs(server.pid);
      if (r.exhausted) {
        if (scale >= 4) throw new Error(`bench reference: the ${run} run ran out of its ${requests.length} claims even at ×${scale}`);
        console.log(
          `(bench reference: the ${run} run used all ${requests.length} claims of its pool; running it again with twice as many)`,
        );
        fastest[run] = Math.max(fastest[run] ?? 0, r.perS);
        continue;
      }
      fastest[run] = Math.max(fastest[run] ?? 0, r.perS);
      return {
        perS: r.perS,
        serverCpuUs: serverBefore === undefined || serverAfter === undefined ? Number.NaN : (serverAfter - serverBefore) / r.answers,
        generatorCpuUs: r.generatorCpuUs,
        unexpected: r.unexpected,
        firstUnexpected: r.firstUnexpected,
      };
    }
  };
}

/** Every row of the section, in table order. */
export async function benchReferenceThroughput(): Promise<Row[]> {
  const rounds = env('BENCH_REFERENCE_ROUNDS', 5);
  const seconds = env('BENCH_REFERENCE_S', 4);
  const connections = env('BENCH_REFERENCE_CONNECTIONS', 32);
  const profileDir = process.env['BENCH_REFERENCE_CPU_PROF'];
  const wrk = process.env['BENCH_REFERENCE_GENERATOR'] === 'autocannon' ? undefined : wrkPath();
  if (!wrk) console.log('(bench reference: driving with autocannon, whose signing per request can be the limit: apt-get install wrk)');
  const generator = wrk ? 'wrk (one thread, claims signed before each run)' : 'autocannon (each claim signed in setupRequest)';
  const reference = await referenceModule();
  const hello = await startHello(profileDir);
  const ref = await reference.module.startReferenceProcess({ testControl: false, nodeFlags: profileFlags(profileDir, 'reference') });
  try {
    await setUp(ref.origin);
    const servers: Servers = { hello, ref };
    const driver = wrk ? wrkDriver(wrk, servers, connections) : autocannonDriver(servers, connections);
    const runs: Record<Run, (s: number) => Promise<RunFigures>> = {
      hello: (s) => driver('hello', s),
      // The same signed claims, to the baseline's POST /routerjson: the exchange without the reference's work.
      exchange: (s) => driver('exchange', s),
      claim: (s) => driver('claim', s),
      soldOut: (s) => driver('soldOut', s),
    };
    const order: Run[] = ['hello', 'exchange', 'claim', 'soldOut'];
    // A warm-up run of each (JIT, connection set-up), not counted.
    for (const run of order) await warmUp(() => runs[run](WARM_UP_S));
    const figures: Record<Run, RunFigures[]> = { hello: [], exchange: [], claim: [], soldOut: [] };
    for (let i = 0; i < rounds; i++) {
      // Rotating order: drift and the neighbours' load fall on every run alike.
      for (let j = 0; j < order.length; j++) {
        const run = order[(i + j) % order.length] as Run;
        const f = await runs[run](seconds);
        if (f.unexpected > 0)
          throw new Error(`bench reference: ${f.unexpected} answers of the ${run} run were not as expected, e.g. ${f.firstUnexpected}`);
        figures[run].push(f);
      }
    }
    const med = (run: Run, pick: (f: RunFigures) => number) => median(figures[run].map(pick));
    const helloPerS = med('hello', (f) => f.perS);
    const us = (x: number) => (Number.isNaN(x) ? '?' : Math.round(x).toString());
    // The share of a core each side kept busy: a row is server-bound when the server's is near a whole
    // core (node answers on one thread) and the generator's is not.
    const busy = (run: Run, pick: (f: RunFigures) => number) => {
      const x = (med(run, pick) * med(run, (f) => f.perS)) / 1e4;
      return Number.isNaN(x) ? '?' : `${Math.round(x)} %`;
    };
    const ceiling = med('exchange', (f) => f.perS);
    const row = (run: Run, name: string, what: string, target = 'target ≥ 0.5'): Row => ({
      name,
      unit: 'per s',
      median: med(run, (f) => f.perS),
      baseline: 'fastify hello world (GET /, its own process, same generator)',
      baselineMedian: helloPerS,
      ratio: med(run, (f) => f.perS) / helloPerS,
      note: [
        target ? `${what}; ${target}` : what,
        ...(run === 'exchange'
          ? []
          : [`×${(med(run, (f) => f.perS) / ceiling).toFixed(2)} of the no-work route's ${Math.round(ceiling)}/s (the ceiling row)`]),
        `CPU per answer: the server ${us(med(run, (f) => f.serverCpuUs))} µs (hello world ${us(med('hello', (f) => f.serverCpuUs))}), the generator ${us(med(run, (f) => f.generatorCpuUs))} µs (${us(med('hello', (f) => f.generatorCpuUs))})`,
        `a core kept busy: the server ${busy(run, (f) => f.serverCpuUs)}, the generator ${busy(run, (f) => f.generatorCpuUs)} (hello world ${busy('hello', (f) => f.serverCpuUs)} and ${busy('hello', (f) => f.generatorCpuUs)})`,
        `${run === 'exchange' ? '' : `reference from ${reference.from}; `}${generator}, ${connections} connections, ${rounds} alternating rounds of ${seconds} s (${figures[run].map((f) => Math.round(f.perS)).join(', ')} vs ${figures.hello.map((f) => Math.round(f.perS)).join(', ')})`,
      ].join('; '),
    });
    return [
      row(
        'claim',
        '`serve`: signed claims (JOS `promoproof.coupon.claim`, a new user each) on a batch with stock',
        'every answer a coupon',
      ),
      row('soldOut', '`serve`: the same claims on a sold-out batch', 'every answer coupon.stock.empty, what a storm mostly sees'),
      row(
        'exchange',
        'fastify, no work: the same signed claims to a POST route answering a constant claim-sized JSON',
        'the HTTP exchange of a claim alone (bench/hello-fastify.mjs), the ceiling of any fastify server of claims on this machine and generator',
        '',
      ),
    ];
  } finally {
    await ref.close();
    await hello.close();
  }
}

/** One short run whose figures are dropped: a check of the answers, and a warm JIT on both sides. */
async function warmUp(run: () => Promise<RunFigures>): Promise<void> {
  const figures = await run();
  if (figures.unexpected > 0) throw new Error(`bench reference: warm-up answers not as expected, e.g. ${figures.firstUnexpected}`);
}
