/**
 * The scale-out proof (issue 20 §4) on this machine: a claim storm exported for two Artillery workers,
 * run as two local Artillery processes at half the rate each (standing in for `run-fargate --count 2`)
 * against the reference in a process of its own (`promoproof serve`), then imported, audited and gated.
 * A counting proxy in front of the reference sees every request: exactly the planned ones, each signed
 * correctly, no body repeated but a deliberate re-send's. With the reference's over-issuance fault on,
 * the same run fails its audit (exit 1).
 *
 * Needs the scale-out install (`npm run scaleout:install`) and Node >= 22.18 for Artillery: run it as
 * `npx --package=node@22 -- npm run test:scaleout`. Otherwise every test is skipped, saying why.
 * It builds dist/ first (the export packs promoproof's build into its folder, and `npm install` there
 * installs it: `--prefer-offline`, so the registry is asked only for what the npm cache lacks). Kept
 * small (a few hundred requests, a few seconds of phases) for a shared two-core machine.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRuns, readAuditFiles, readRunFile } from '../../src/load/artillery/import.js';
import { metricNames } from '../../src/load/artillery/metrics.js';
import { streamedAudit } from '../../src/load/artillery/records.js';
import { mergeEncoded, percentilesOf } from '../../src/load/histograms.js';
import { josSign } from '../../src/protocols/jos/sign.js';
import type { LoadResult } from '../../src/load/types.js';
import { cli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTILLERY = join(ROOT, 'scaleout', 'node_modules', 'artillery', 'bin', 'run');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const nodeOk = major > 22 || (major === 22 && minor >= 18);
const why = !existsSync(ARTILLERY)
  ? 'the scale-out install is missing: npx --package=node@22 -- npm run scaleout:install'
  : !nodeOk
    ? `Artillery needs Node >= 22.18, this is ${process.versions.node}: npx --package=node@22 -- npm run test:scaleout`
    : undefined;
if (why !== undefined) console.warn(`test/scaleout skipped: ${why}`);

const PROFILE = join(ROOT, 'test', 'fixtures', 'load', 'claim-storm-small.yaml');
const SECRET = 'promoproof-app-secret';

/** The reference in its own process, behind a proxy that keeps every JOS body it forwards. */
interface Storefront {
  readonly origin: string;
  readonly bodies: string[];
  close(): Promise<void>;
}

async function startStorefront(fault?: string): Promise<Storefront> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'promoproof.js'), 'serve', '--port', '0', ...(fault ? ['--fault', fault] : [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const upstream = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m?.[1]) resolve(new URL(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`promoproof serve exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`promoproof serve did not say where it listens in 20 s: ${out}`)), 20_000).unref();
  });
  const bodies: string[] = [];
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith('/routerjson')) bodies.push(body.toString('utf8'));
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.end(body);
    });
  });
  proxy.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    bodies,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      child.kill('SIGTERM');
    },
  };
}

/** `npm install` in an export's folder, as a Fargate worker runs it there (promoproof from the tarball, the plugin from its folder). */
function npmInstall(folder: string): void {
  const done = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: folder, encoding: 'utf8' });
  expect(done.status, done.stderr).toBe(0);
}

/** Writes the reference's target config into `dir`, its JOS secret a placeholder: the config's path. */
function writeTargetConfig(front: Storefront, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'target.yaml');
  writeFileSync(
    config,
    [
      'apis:',
      '  jd-coupon:',
      `    url: ${front.origin}/routerjson`,
      '    credentials: { appKey: promoproof-app-key, appSecret: "${env:PP_SECRET}", accessToken: promoproof-access-token }',
      '  tencent-coupon-batch:',
      `    url: ${front.origin}`,
      '    credentials: { appId: promoproof-tencent-app, appSecret: promoproof-tencent-secret }',
      '    options: { dataSourceId: "101" }',
    ].join('\n'),
  );
  return config;
}

/** The workers' own files (runs/audit-*.json) removed, as a run on Fargate never brings them back. */
function dropWorkerFiles(out: string): void {
  for (const f of readdirSync(join(out, 'runs'))) if (f.startsWith('audit-')) rmSync(join(out, 'runs', f));
}

/**
 * Exports the profile for two workers, runs two Artillery processes at once, imports: the import's result
 * and exit code. `asOnFargate`: the workers' files are removed before the import, only the run files stay.
 */
async function stormOnTwoWorkers(front: Storefront, dir: string, asOnFargate = false) {
  const config = writeTargetConfig(front, dir);
  const env = { PP_SECRET: SECRET };
  const out = join(dir, 'export');
  const exported = await cli(
    ['load', '--profile', PROFILE, '--export', 'artillery', '--workers', '2', '--out', out, '--target-config', config],
    { env },
  );
  expect(exported.code, exported.stderr).toBe(0);
  npmInstall(out);
  // The setup's own calls went through the proxy too: the storm's are counted from here.
  front.bodies.length = 0;
  const workers = [0, 1].map(
    (k) =>
      new Promise<number>((resolve) => {
        // Worker 1's lead also preloads the lead hook (run-fargate's way back, which constructs no plugin there): still one run file.
        const p = spawn(process.execPath, [...(k === 1 ? ['--import', './lead.mjs'] : []), ARTILLERY, 'run', 'script.yml'], {
          cwd: out,
          env: { ...process.env, ...env, PROMOPROOF_WORKER: String(k), ARTILLERY_DISABLE_TELEMETRY: 'true', ARTILLERY_PLUGIN_PATH: out },
          stdio: 'ignore',
        });
        p.on('exit', (code) => resolve(code ?? 1));
      }),
  );
  expect(await Promise.all(workers)).toEqual([0, 0]);
  const storm = front.bodies.filter((b) => new URLSearchParams(b).get('method') === 'promoproof.coupon.claim');
  const runs = readdirSync(join(out, 'runs'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(out, 'runs', f));
  if (asOnFargate) dropWorkerFiles(out);
  const report = join(dir, 'report.json');
  const imported = await cli(['load', '--import', 'artillery', out, '--report', `json=${report}`, '--json'], { env });
  return { out, storm, runs, imported, result: JSON.parse(imported.stdout) as LoadResult };
}

/**
 * Where the merged sketches' percentiles and promoproof's own HDR histograms of the same answers (each
 * worker's, merged) disagree by more than the sketch's accuracy (plus HDR's 3 significant digits), as
 * `phase op class pQ: sketch vs hdr`; empty when they agree. Read at the sketch's rank (⌊q (n − 1)⌋, 0-based),
 * which HDR answers at the percentile 100 (r + ½) / n.
 */
function agreement(out: string, result: LoadResult): string[] {
  const workers = readAuditFiles(
    readdirSync(join(out, 'runs'))
      .filter((f) => f.startsWith('audit-'))
      .map((f) => join(out, 'runs', f)),
  );
  const alpha = result.histograms?.relativeAccuracy ?? 0;
  const off: string[] = [];
  result.phases.forEach((phase, p) => {
    for (const cls of ['success', 'refusal'] as const) {
      const latency = phase.operations['claim']?.classes[cls].latency;
      if (latency === undefined || latency.count < 20) continue;
      const merged = mergeEncoded(workers.flatMap((w) => w.hdr[metricNames.latency(p, 0, cls)] ?? []));
      expect(merged.count).toBe(latency.count);
      for (const [q, sketchMs] of [
        [0.5, latency.p50Ms],
        [0.9, latency.p90Ms],
      ] as const) {
        const r = Math.floor(q * (merged.count - 1));
        const [hdrUs = 0] = percentilesOf(merged.encoded, [(100 * (r + 0.5)) / merged.count]);
        const hdrMs = hdrUs / 1000;
        if (Math.abs(sketchMs - hdrMs) > (alpha + 0.002) * hdrMs + 0.002)
          off.push(`${phase.name} claim ${cls} p${q * 100}: ${sketchMs} vs ${hdrMs}`);
      }
    }
  });
  return off;
}

describe.skipIf(why !== undefined)('a claim storm on two Artillery workers, imported, audited and gated', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-scaleout-'));
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends exactly the planned requests, signed and unique, merges the workers into their sum, and passes its audit', async () => {
    const front = await startStorefront();
    try {
      const { out, storm, runs, imported, result } = await stormOnTwoWorkers(front, join(dir, 'correct'));
      // 2 workers × (50 spike + 3 s × 20/s).
      expect(storm).toHaveLength(220);
      for (const body of storm) {
        const form = Object.fromEntries(new URLSearchParams(body));
        const { sign, ...rest } = form;
        expect(sign).toBe(josSign(rest, SECRET));
      }
      // A body repeats only as a deliberate re-send (the profile re-sends 5 % with the same request id).
      const ids = storm.map(
        (b) => (JSON.parse(new URLSearchParams(b).get('360buy_param_json') ?? '{}') as { request_id: string }).request_id,
      );
      storm.forEach((b, i) => {
        const j = storm.indexOf(b);
        if (j !== i) expect(ids[j]).toBe(ids[i]);
      });
      expect(new Set(ids).size).toBeGreaterThan(200);
      expect(new Set(ids.map((id) => id.slice(0, 4)))).toEqual(new Set(['w000', 'w001']));
      // Each lead process wrote its own run file; the merge is their sum.
      expect(runs).toHaveLength(2);
      const count = (files: string[]) => {
        const m = mergeRuns(files.map(readRunFile));
        return [...m.counters]
          .filter(([k]) => /^pp\.\d+\.\d+\.(success|refusal|non-conformant|transport|unknown)$/.test(k))
          .reduce((s, [, v]) => s + v, 0);
      };
      expect(count(runs)).toBe(count([runs[0] ?? '']) + count([runs[1] ?? '']));
      // Every record the workers' audit kept came back through Artillery's metrics stream, none lost.
      const back = streamedAudit(mergeRuns(runs.map(readRunFile)).counters);
      expect(back.made).toBeGreaterThan(0);
      expect(back).toMatchObject({ cameBack: back.made, gaps: 0 });
      expect(back.data.incomplete).toBeUndefined();
      expect(result.totals.operations['claim']?.count).toBe(220);
      expect(result.totals.sent).toBe(220);
      expect(result.histograms?.source).toBe('ddsketch');
      expect(agreement(out, result)).toEqual([]);
      expect(result.processes).toBe(2);
      // Over time, as a local run's report: Artillery's 10 s periods, every measured send and answer in one of them.
      const buckets = result.series?.buckets ?? [];
      expect(result.series?.bucketMs).toBe(10_000);
      expect(buckets.reduce((s, b) => s + b.sent, 0)).toBe(220);
      expect(buckets.reduce((s, b) => s + Object.values(b.classes).reduce((n, c) => n + (c?.count ?? 0), 0), 0)).toBe(220);
      // The workers' own health came back (not the 0 of workers that said nothing), and the spike's real release window.
      expect(result.generator.cpuPercent.max).toBeGreaterThan(0);
      expect(result.generator.reasons.join('\n')).toMatch(/note: generator health of \d+ worker thread/);
      expect(result.generator.reasons.join('\n')).toMatch(/note: spike .* over up to [\d.]+ ms/);
      // The local workers' samples of what was not a success, each with its curl line, as a local run's report shows them.
      const refusals = result.samples.filter((x) => x.class === 'refusal');
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals.length).toBeLessThanOrEqual(3);
      expect(refusals[0]?.curl).toMatch(/^curl .*promoproof\.coupon\.claim/);
      expect(result.audit?.status, JSON.stringify(result.audit?.invariants)).toBe('passed');
      expect(result.audit?.invariants.find((i) => i.id === 'stock')?.status).toBe('held');
      // No answer was wrong; the exit code is the gates' (a refusal p99 or a late worker on a busy machine may miss: 5 or 6, never 1).
      expect(result.totals.operations['claim']?.classes['non-conformant'].count).toBe(0);
      expect([0, 5, 6]).toContain(imported.code);
      // As on Fargate: without the workers' files the same audit runs from the records their metrics stream brought back.
      dropWorkerFiles(out);
      const again = await cli(['load', '--import', 'artillery', out, '--json'], { env: { PP_SECRET: SECRET } });
      const fromStream = JSON.parse(again.stdout) as LoadResult;
      expect(fromStream.audit?.status, JSON.stringify(fromStream.audit?.invariants)).toBe('passed');
      expect(fromStream.audit?.invariants.map((i) => [i.id, i.status])).toEqual(result.audit?.invariants.map((i) => [i.id, i.status]));
      expect(fromStream.audit?.acknowledged).toEqual(result.audit?.acknowledged);
      expect(fromStream.samples).toEqual(result.samples);
      // The workers are counted from their streams, not from files that never come back from Fargate.
      expect(fromStream.processes).toBe(2);
    } finally {
      await front.close();
    }
  });

  it("runs from a copy of the export folder alone, as a Fargate worker gets it: promoproof from the folder's tarball, nothing of this machine", async () => {
    const front = await startStorefront();
    try {
      const base = join(dir, 'copied');
      const config = writeTargetConfig(front, base);
      const out = join(base, 'export');
      const exported = await cli(
        ['load', '--profile', PROFILE, '--export', 'artillery', '--workers', '1', '--out', out, '--target-config', config],
        { env: { PP_SECRET: SECRET } },
      );
      expect(exported.code, exported.stderr).toBe(0);
      // What the worker gets: the folder alone, somewhere else; the export and the config it was made from are gone.
      const copy = mkdtempSync(join(tmpdir(), 'pp-fargate-worker-'));
      try {
        cpSync(out, copy, { recursive: true });
        rmSync(base, { recursive: true, force: true });
        const shipped = ['processor.mjs', 'lead.mjs', 'artillery-plugin-promoproof/index.js', 'setup.json', 'script.yml', 'package.json'];
        for (const f of shipped) {
          const text = readFileSync(join(copy, f), 'utf8');
          for (const local of [ROOT, dir, out]) expect(text, `${f} names ${local}`).not.toContain(local);
        }
        npmInstall(copy);
        expect(existsSync(join(copy, 'node_modules', 'promoproof', 'dist', 'load', 'artillery', 'entry.js'))).toBe(true);
        front.bodies.length = 0;
        // One worker, loading the plugin as a Fargate worker does: from node_modules through NODE_PATH (no ARTILLERY_PLUGIN_PATH).
        const code = await new Promise<number>((resolve) => {
          const p = spawn(process.execPath, [ARTILLERY, 'run', 'script.yml'], {
            cwd: copy,
            env: {
              ...process.env,
              PP_SECRET: SECRET,
              ARTILLERY_DISABLE_TELEMETRY: 'true',
              ARTILLERY_PLUGIN_PATH: '',
              NODE_PATH: join(copy, 'node_modules'),
            },
            stdio: 'ignore',
          });
          p.on('exit', (c) => resolve(c ?? 1));
        });
        expect(code).toBe(0);
        const storm = front.bodies.filter((b) => new URLSearchParams(b).get('method') === 'promoproof.coupon.claim');
        // The whole profile on one worker: 100 spike + 3 s × 40/s.
        expect(storm).toHaveLength(220);
        const imported = await cli(['load', '--import', 'artillery', copy, '--json'], { env: { PP_SECRET: SECRET } });
        const result = JSON.parse(imported.stdout) as LoadResult;
        expect(result.totals.sent).toBe(220);
        expect(result.totals.operations['claim']?.count).toBe(220);
        expect(result.processes).toBe(1);
        expect(result.audit?.status, JSON.stringify(result.audit?.invariants)).toBe('passed');
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    } finally {
      await front.close();
    }
  });

  it('fails its audit when the reference hands out more than its stock (cpn-claim-race), from the run files alone', async () => {
    const front = await startStorefront('cpn-claim-race');
    try {
      const { imported, result } = await stormOnTwoWorkers(front, join(dir, 'race'), true);
      expect(result.audit?.status).toBe('failed');
      // A read-then-write stock over-issues (stock) or hands one user two (per-user), as the interleaving falls.
      const violated = (result.audit?.invariants ?? []).filter((i) => i.status === 'violated').map((i) => i.id);
      expect(
        violated.some((id) => id === 'stock' || id === 'per-user'),
        violated.join(', '),
      ).toBe(true);
      expect(imported.code).toBe(1);
    } finally {
      await front.close();
    }
  });
});
