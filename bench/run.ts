/**
 * promoproof benchmarks: `npm run bench`. Every figure is a median, and every target is a ratio
 * against a baseline measured in the same run on the same machine (machines are shared and noisy).
 * Writes reports/bench.json. Sections by name (`npm run bench -- latency suite`), all by default:
 * startup, micro, prepare, templates, suite, latency, memory, store, reference, load, tests. `--readme` rewrites the README's table from the run.
 */
import { APIS } from '../src/apis/index.js';
import { protocolAdapter } from '../src/protocols/index.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { cliEntry, distIsFresh } from '../bin/entry.js';
import { CHECK_DEFAULTS, defaultSuites, planChecks, runConformance } from '../src/engine/conformance.js';
import { httpExchange } from '../src/core/http.js';
import { targetFromUrl } from '../src/engine/targets/config.js';
import { buildJosParams, toFormBody } from '../src/protocols/jos/client.js';
import { josSign, josSignBase } from '../src/protocols/jos/sign.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { buildServer } from '../src/reference/server.js';
import { promotionApiCompiled } from '../src/spec/compile.js';
import { validateRequest } from '../src/spec/validate-request.js';
import { formatJosTimestamp } from '../src/protocols/jos/timestamp.js';
import { benchStore } from './store.js';
import { benchPrepare } from './prepare.js';
import { benchTemplates } from './templates.js';
import { benchAnswer } from './answer.js';
import { benchReferenceThroughput } from './reference-throughput.js';
import { benchLoad } from './load.js';
import { median, type Row } from './row.js';

const rows: Row[] = [];

async function micro(): Promise<void> {
  const params = buildJosParams({
    method: 'jingdong.seller.promotion.sku.add',
    app: {
      promo_id: 2300001,
      sku_ids: Array.from({ length: 100 }, (_, i) => 10_000_001 + i),
      jd_prices: Array.from({ length: 100 }, () => '99.0'),
    },
    credentials: DEFAULT_CREDENTIALS,
  });
  const base = DEFAULT_CREDENTIALS.appSecret + josSignBase(params) + DEFAULT_CREDENTIALS.appSecret;
  const op = promotionApiCompiled().operations.get('jingdong.seller.promotion.sku.add')!;
  const appJson = params['360buy_param_json']!;
  const app = buildServer();
  const listParams = toFormBody(buildJosParams({ method: 'jingdong.seller.promotion.list', app: {}, credentials: DEFAULT_CREDENTIALS }));

  const bench = new Bench({ time: 600, warmupTime: 150 });
  bench
    .add('md5 of the pre-sign bytes', () => {
      createHash('md5').update(base, 'utf8').digest('hex');
    })
    .add('josSign (sort, concatenate, md5)', () => {
      josSign(params, DEFAULT_CREDENTIALS.appSecret);
    })
    .add('JSON.parse of sku.add, 100 SKUs', () => {
      JSON.parse(appJson);
    })
    .add('validateRequest sku.add, 100 SKUs', () => {
      validateRequest(op, JSON.parse(appJson) as Record<string, unknown>, { nowMs: Date.now(), promotionType: 1 });
    })
    .add('fastify inject, 404 route', async () => {
      await app.inject({ method: 'GET', url: '/nowhere' });
    })
    .add('fastify inject, signed list call', async () => {
      await app.inject({
        method: 'POST',
        url: '/routerjson',
        payload: listParams,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    });
  await bench.run();
  const med = (name: string) => bench.getTask(name)?.result?.latency.p50 ?? NaN;
  const pair = (name: string, baseline: string, note: string) =>
    rows.push({ name, unit: 'ms', median: med(name), baseline, baselineMedian: med(baseline), ratio: med(name) / med(baseline), note });
  pair('josSign (sort, concatenate, md5)', 'md5 of the pre-sign bytes', 'signing overhead beyond the hash itself');
  pair('validateRequest sku.add, 100 SKUs', 'JSON.parse of sku.add, 100 SKUs', 'spec validation per request, compiled once');
  pair('fastify inject, signed list call', 'fastify inject, 404 route', 'gateway + service cost per request');
  await app.close();
}

async function suite(): Promise<void> {
  const checks = planChecks({});
  const calls = checks.reduce((n, c) => n + c.steps.filter((s) => s.kind === 'call').length, 0);
  const runs = Number(process.env['BENCH_SUITE_RUNS'] ?? 5);
  const suiteMs: number[] = [];
  let last = { passed: 0, total: 0 };
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const report = await runConformance({ checks });
    suiteMs.push(performance.now() - t);
    last = { passed: report.summary.passed, total: report.summary.total };
  }
  // Baseline: the same number of signed requests (a trivial list call), same client, same concurrency.
  const server = buildServer();
  const url = `${await server.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
  const baselineMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    let next = 0;
    const worker = async () => {
      while (next++ < calls) {
        const body = toFormBody(buildJosParams({ method: 'jingdong.seller.promotion.list', app: {}, credentials: DEFAULT_CREDENTIALS }));
        await httpExchange({
          method: 'POST',
          url,
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          timeoutMs: 10_000,
          maxBodyBytes: 1 << 20,
        });
      }
    };
    await Promise.all(Array.from({ length: CHECK_DEFAULTS.concurrency }, worker));
    baselineMs.push(performance.now() - t);
  }
  await server.close();
  rows.push({
    name: `every suite (${defaultSuites().join(', ')}), embedded reference (${last.total} checks, ${calls} calls, ${last.passed} passed)`,
    unit: 'ms',
    median: median(suiteMs),
    baseline: `${calls} bare signed list calls`,
    baselineMedian: median(baselineMs),
    ratio: median(suiteMs) / median(baselineMs),
    note: `start-up of the reference, planning, checks; ${runs} runs`,
  });
}

/**
 * The suite against a target 20 ms away (a delay proxy in front of the reference, both on loopback)
 * at several concurrencies, against the same suite on the embedded reference at the default
 * concurrency (the baseline). Chooses nothing by itself: it shows where more concurrency stops
 * paying, which is how CHECK_DEFAULTS.concurrency was chosen, and the parallelism each run achieved.
 */
async function latency(): Promise<void> {
  const checks = planChecks({});
  const delayMs = 20;
  const runs = Number(process.env['BENCH_LATENCY_RUNS'] ?? 3);
  const levels = (process.env['BENCH_LATENCY_CONCURRENCY'] ?? '8,16,32,64').split(',').map(Number);
  const server = buildServer({ testControl: true });
  const upstream = new URL(await server.listen({ port: 0, host: '127.0.0.1' }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const up = http.request(
          { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () => res.writeHead(502).end());
        up.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  // Keep-alive longer than any run: with Node's default of 5 s, the proxy closed an idle connection just
  // as the client reused it, and the check on it saw a reset — the proxy's failure, shown as a check's
  // (cpn-claim-storm-* at concurrency 32 in earlier tables).
  proxy.keepAliveTimeout = 120_000;
  proxy.headersTimeout = 125_000;
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', 4096, resolve));
  const port = (proxy.address() as { port: number }).port;
  // Every API of the reference through the proxy, each at its protocol's path with its test credentials.
  const jos = targetFromUrl(`http://127.0.0.1:${port}/routerjson`, DEFAULT_CREDENTIALS);
  const target = {
    ...jos,
    endpoints: Object.fromEntries(
      [...APIS.values()].map((api) => {
        const adapter = protocolAdapter(api.protocol);
        const options = Object.fromEntries(Object.entries(api.options ?? {}).map(([k, o]) => [k, o.embedded]));
        return [
          api.id,
          {
            url: `http://127.0.0.1:${port}${adapter.endpointPath}`,
            credentials: { ...adapter.testCredentials },
            ...(Object.keys(options).length > 0 ? { options } : {}),
          },
        ];
      }),
    ),
    capabilities: ['test-control'] as const,
    testControlUrl: `http://127.0.0.1:${port}/__promoproof`,
  };

  const embeddedMs: number[] = [];
  const byLevel = new Map<number, { ms: number[]; achieved: number[]; failed: number; ids: Set<string> }>(
    levels.map((n) => [n, { ms: [], achieved: [], failed: 0, ids: new Set<string>() }]),
  );
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await runConformance({ checks });
    embeddedMs.push(performance.now() - t);
    for (const n of levels) {
      t = performance.now();
      const report = await runConformance({ checks, target, concurrency: n });
      const row = byLevel.get(n)!;
      row.ms.push(performance.now() - t);
      row.achieved.push(report.parallelism?.achieved ?? 0);
      row.failed += report.summary.failed + report.summary.errored;
      // Which ones, so that a flaky check can be named from the table.
      for (const r of report.results)
        if (r.status === 'failed' || r.status === 'errored') {
          // The reason goes to the console (and reports/bench.json's log), the id to the table.
          if (!row.ids.has(r.id)) console.log(`  concurrency ${n}, run ${i + 1}: ${r.id} ${r.status}: ${r.message}`);
          row.ids.add(r.id);
        }
    }
  }
  proxy.close();
  agent.destroy();
  await server.close();
  for (const n of levels) {
    const row = byLevel.get(n)!;
    rows.push({
      name: `full suite, target ${delayMs} ms away, concurrency ${n}${n === CHECK_DEFAULTS.concurrency ? ' (the default)' : ''}`,
      unit: 'ms',
      median: median(row.ms),
      baseline: `the suite on the embedded reference, concurrency ${CHECK_DEFAULTS.concurrency}`,
      baselineMedian: median(embeddedMs),
      ratio: median(row.ms) / median(embeddedMs),
      note: `${median(row.achieved).toFixed(1)} checks at once on average; ${row.failed} failed or errored over ${runs} runs${row.ids.size > 0 ? ` (${[...row.ids].join(', ')})` : ''}`,
    });
  }
}

/**
 * `npm test` as CI runs it (type-check, then every test file), wall time, once, against vitest
 * running one small test file (its start-up and collection), same run. The budget is 3 minutes.
 */
async function tests(): Promise<void> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  let failed = '';
  const wall = (cmd: string, args: string[]) => {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    // Timed all the same (a test that fails, e.g. the README's table before --readme wrote it, costs its time too).
    if (r.status !== 0) {
      failed += `; ${cmd} ${args.join(' ')} exited ${r.status}`;
      // Say which: the failures' lines of its output (a flaky test must be named to be fixed).
      const out = `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}`;
      const failures = out.split('\n').filter((l) => /FAIL|×|AssertionError|Error:/.test(l));
      console.error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${failures.slice(0, 40).join('\n')}`);
    }
    return performance.now() - t;
  };
  const baseline = wall('npx', ['vitest', 'run', 'test/index.test.ts']);
  const all = wall('npm', ['test']);
  rows.push({
    name: '`npm test` (type-check, then every test file)',
    unit: 'ms',
    median: all,
    baseline: 'vitest running one small test file',
    baselineMedian: baseline,
    ratio: all / baseline,
    note: `one run, wall time; budget 3 minutes${failed}`,
  });
  // The self-test runs every fault and spec mutation against the checks covering its rules: the proof's
  // wall time, against the suite run once by the same CLI (both write their reports to a scratch folder).
  failed = '';
  const out = mkdtempSync(join(os.tmpdir(), 'promoproof-bench-'));
  const cli = (extra: string[]) => wall('node', ['bin/promoproof.js', 'check', ...extra, '--report', `json=${join(out, 'r.json')}`]);
  const once = cli([]);
  const proof = cli(['--self-test']);
  rmSync(out, { recursive: true, force: true });
  rows.push({
    name: '`promoproof check --self-test` (every fault and spec mutation)',
    unit: 'ms',
    median: proof,
    baseline: 'promoproof check, every suite once',
    baselineMedian: once,
    ratio: proof / once,
    note: `one run, wall time; target under 90 s${failed}`,
  });
}

/** Heap per promotion in the reference vs the same fields as plain objects (a memory target, same run). */
async function memory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('(memory benchmark skipped: run with node --expose-gc, as npm run bench does)');
    return;
  }
  const n = 20_000;
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const app = buildServer();
  const svc = app.promoproof.service;
  const before = heap();
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    svc.call('jingdong.seller.promotion.add', {
      name: `p${i}`,
      type: 1,
      begin_time: formatJosTimestamp(now + 3_600_000),
      end_time: formatJosTimestamp(now + 86_400_000),
    });
  }
  const reference = (heap() - before) / n;
  const plainBefore = heap();
  const plain: unknown[] = [];
  for (let i = 0; i < n; i++) {
    plain.push({
      id: 2_300_001 + i,
      name: `p${i}`,
      type: 1,
      beginTime: formatJosTimestamp(now + 3_600_000),
      endTime: formatJosTimestamp(now + 86_400_000),
      bound: null,
      member: 50,
      slogan: '',
      comment: '',
    });
  }
  const baseline = (heap() - plainBefore) / n;
  rows.push({
    name: `reference heap per promotion (${n} drafts)`,
    unit: 'bytes',
    median: reference,
    baseline: 'the same fields as plain objects',
    baselineMedian: baseline,
    ratio: reference / baseline,
    note: 'one measurement after gc; includes the draft index and the empty SKU map',
  });
  await app.close();
  void plain.length;
}

/**
 * Start-up of the CLI as users run it (`node bin/promoproof.js --help`, the compiled dist/) against a
 * bare `node -e ''`, runs interleaved. Builds dist/ first when it is missing or older than src/ (else
 * the bin would run the sources through tsx, which is not what users after `npm ci` get).
 */
async function startup(): Promise<void> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  if (!distIsFresh(root)) {
    console.log('(building dist/ first: npm run build)');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore', shell: process.platform === 'win32' });
  }
  const runs = Number(process.env['BENCH_STARTUP_RUNS'] ?? 10);
  const wall = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    return ms;
  };
  const bin = fileURLToPath(new URL('../bin/promoproof.js', import.meta.url));
  const entry = cliEntry(root) === 'dist' ? 'dist/' : 'the sources through tsx';
  const cliMs: number[] = [];
  const nodeMs: number[] = [];
  wall([bin, '--help']); // warm the file cache
  for (let i = 0; i < runs; i++) {
    nodeMs.push(wall(['-e', '']));
    cliMs.push(wall([bin, '--help']));
  }
  rows.push({
    name: `promoproof --help (node bin/promoproof.js, running ${entry})`,
    unit: 'ms',
    median: median(cliMs),
    baseline: "node -e ''",
    baselineMedian: median(nodeMs),
    ratio: median(cliMs) / median(nodeMs),
    note: `process start-up, wall time; target under 500 ms; ${runs} runs`,
  });
}

/** The coupon store as it fills (bench/store.ts): claim cost at 1,000 vs 200,000 coupons, `serve`'s rate under a storm. */
async function store(): Promise<void> {
  rows.push(...(await benchStore()));
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
/**
 * The rows of the last run (reports/bench.json), by section: `--readme` with section names reruns
 * those and keeps the other sections' rows of that run (each row's ratio is measured within its own
 * section, so a section rerun alone keeps its figures side by side). Undefined without such a file.
 */
const earlier: { readonly date: string; readonly rows: readonly SectionRow[] } | undefined = (() => {
  try {
    return JSON.parse(readFileSync('reports/bench.json', 'utf8')) as { date: string; rows: SectionRow[] };
  } catch {
    return undefined;
  }
})();
if (only.length > 0 && process.argv.includes('--readme') && !earlier?.rows.every((r) => typeof r.section === 'string'))
  throw new Error(
    '--readme with section names keeps the other sections of the last full run (reports/bench.json): run every section first',
  );
/** Building a claim-sized request per protocol (bench/prepare.ts): prepare alone vs prepare + record. */
async function prepare(): Promise<void> {
  rows.push(...(await benchPrepare()));
}

/** A claim body's templates, compiled vs interpreted, against signing its request (bench/templates.ts). */
async function templates(): Promise<void> {
  rows.push(...(await benchTemplates()));
}

/** Reading one answer with the one classifier, against parsing it and preparing its request (bench/answer.ts). */
async function answer(): Promise<void> {
  rows.push(...(await benchAnswer()));
}

/** The reference's claim throughput against fastify's hello world, each in its own process (bench/reference-throughput.ts). */
async function reference(): Promise<void> {
  rows.push(...(await benchReferenceThroughput()));
}

/** `promoproof load` as a generator: its cost against autocannon and wrk, its open model's reach, its peak RSS (bench/load.ts). */
async function load(): Promise<void> {
  rows.push(...(await benchLoad()));
}

const sections: Record<string, () => Promise<void>> = {
  startup,
  micro,
  prepare,
  templates,
  answer,
  suite,
  latency,
  memory,
  store,
  reference,
  load,
  tests,
};
/** Rows with the section that measured them and when. */
interface SectionRow extends Row {
  readonly section: string;
  readonly date: string;
}
const measured: SectionRow[] = [];
for (const [name, run] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  // The table first without the npm test row, so the timed npm test sees a README in step with the suite.
  if (name === 'tests' && process.argv.includes('--readme')) writeReadmeTable();
  const first = rows.length;
  await run();
  const date = new Date().toISOString();
  for (const r of rows.slice(first)) measured.push({ ...r, section: name, date });
}
const fmt = (ms: number) => (ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(1)} µs`);
/** A size: `696 B`, or `123.4 MB` from a million bytes on. */
function bytes(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(1)} MB` : `${x.toFixed(0)} B`;
}
/** A throughput: `12,345/s`. */
function perS(x: number): string {
  return `${Math.round(x).toLocaleString('en')}/s`;
}
console.log('promoproof benchmarks (medians; ratio = task / baseline, same run)\n');
for (const r of rows) {
  const show = r.unit === 'bytes' ? bytes : r.unit === 'per s' ? perS : fmt;
  console.log(`${r.name}\n  ${show(r.median)}  vs  ${r.baseline} ${show(r.baselineMedian)}  →  ×${r.ratio.toFixed(2)}   (${r.note})`);
}
if (process.argv.includes('--readme')) writeReadmeTable();
mkdirSync('reports', { recursive: true });
writeFileSync(
  'reports/bench.json',
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), rows: tableRows() }, null, 2)}\n`,
);
console.log('\nWritten: reports/bench.json');

/**
 * `npm run bench -- --readme`: rewrites the README's table between the bench markers from this run,
 * so its figures come from the command, never typed (test/cli/readme-figures.test.ts checks that the
 * table still describes today's suite).
 */
/**
 * The table's rows in section order: this run's, and for a section not run this time, the last run's
 * (reports/bench.json) when the run named its sections.
 */
function tableRows(): SectionRow[] {
  if (only.length === 0) return measured;
  return Object.keys(sections).flatMap((name) =>
    only.includes(name) ? measured.filter((r) => r.section === name) : (earlier?.rows.filter((r) => r.section === name) ?? []),
  );
}

function writeReadmeTable(): void {
  const path = fileURLToPath(new URL('../README.md', import.meta.url));
  const readme = readFileSync(path, 'utf8');
  const begin = '<!-- bench:begin (npm run bench -- --readme writes this table) -->';
  const end = '<!-- bench:end -->';
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} block`);
  const show = (r: Row, x: number) =>
    r.unit === 'bytes'
      ? bytes(x)
      : r.unit === 'per s'
        ? perS(x)
        : x >= 1000
          ? `${(x / 1000).toFixed(2)} s`
          : x >= 1
            ? `${x.toFixed(x >= 100 ? 0 : 1)} ms`
            : `${(x * 1000).toFixed(1)} µs`;
  const all = tableRows();
  // Each kept section with the time of the run that measured it (one run may have kept some itself).
  const keptBy = new Map<string, string[]>();
  for (const r of all.filter((x) => !measured.includes(x))) {
    const when = `${r.date.slice(0, 16).replace('T', ' ')} UTC`;
    const sections = keptBy.get(when) ?? [];
    if (!sections.includes(r.section)) sections.push(r.section);
    keptBy.set(when, sections);
  }
  const table = [
    `Measured with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (medians)${
      keptBy.size > 0
        ? `; sections ${[...new Set(measured.map((r) => r.section))].join(', ')} rerun alone (\`npm run bench -- SECTION --readme\`), the others from earlier runs (${[
            ...keptBy,
          ]
            .map(([when, sections]) => `${sections.join(', ')}: ${when}`)
            .join('; ')})`
        : ''
    }:`,
    '',
    '| what | median | baseline (same run) | ratio | note |',
    '|---|---|---|---|---|',
    ...all.map(
      (r) => `| ${r.name} | ${show(r, r.median)} | ${r.baseline}: ${show(r, r.baselineMedian)} | ×${r.ratio.toFixed(2)} | ${r.note} |`,
    ),
  ].join('\n');
  writeFileSync(path, `${readme.slice(0, from + begin.length)}\n${table}\n${readme.slice(to)}`);
  console.log('Written: the table in README.md');
}
