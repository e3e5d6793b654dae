import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { startEmbedded, type EmbeddedTarget } from '../../src/engine/targets/embedded.js';
import { loadProfile } from '../../src/load/profile.js';
import { planPhases } from '../../src/load/run-load.js';
import { literalCredentialsNote, staleBuildNote } from '../../src/load/artillery/export.js';
import { metricNames, parseMetric } from '../../src/load/artillery/metrics.js';
import {
  createArtilleryProcessor,
  workerTag,
  type ArtilleryContext,
  type ArtilleryRequestParams,
} from '../../src/load/artillery/runtime.js';
import { arrivalSlot, specSchedule, spikeDuration, threadPhases, workerPhases } from '../../src/load/artillery/schedule.js';
import { PERIOD_MS, streamedAudit } from '../../src/load/artillery/records.js';
import { artilleryScript, poolPerWorker } from '../../src/load/artillery/script.js';
import { readArtillerySetup, SETUP_FORMAT, type ArtillerySetup } from '../../src/load/artillery/setup-file.js';
import { cli } from '../helpers/cli.js';

const storm = loadProfile('claim-storm');
const SMALL = 'test/fixtures/load/claim-storm-small.yaml';

describe('an export divides the profile between its workers (schedule.ts)', () => {
  it("divides each phase's rate by the workers, and a spike's requests, as Artillery will count its arrivals", () => {
    const phases = workerPhases(planPhases(storm.doc, { durationMs: 4000 }), 2);
    const [spike, steady] = phases;
    // The tightest release Artillery allows: a tick of 1 µs, so one arrival per turn of the worker's event loop.
    expect(spike?.artillery).toEqual({ name: '秒杀 start', duration: '0.5005ms', arrivalCount: 500 });
    expect(spike?.arrivals).toBe(500);
    // A spike's instants are one: its start.
    expect([0, 250, 499].map((k) => spike?.offsetUs(k))).toEqual([0, 0, 0]);
    expect(steady?.artillery).toEqual({ name: 'after the start', duration: 4, arrivalRate: 250 });
    // Artillery's uniform process: a tick of ⌊10⁶ / 250⌋ µs, ⌊duration / tick⌋ arrivals, the first one tick in.
    expect(steady?.arrivals).toBe(1000);
    expect([0, 1, 999].map((k) => steady?.offsetUs(k))).toEqual([4000, 8000, 4_000_000]);
    expect(steady?.startMs).toBeCloseTo(0.5005, 9);
  });

  it('keeps a rate that does not divide evenly exact per worker (Artillery paces a fractional rate by its tick)', () => {
    const [steady] = workerPhases(planPhases(storm.doc, { durationMs: 3000 }), 3).slice(1);
    expect(steady?.artillery).toMatchObject({ arrivalRate: 166.666667 });
    // ⌊10⁶ / 166.67⌋ = 5999 µs: 500 arrivals in 3 s per worker, 1,500 over three = the profile's 500/s.
    expect(steady?.arrivals).toBe(500);
  });

  it('reads a ramp as Artillery paces it: whole arrivals per one-second period, evenly spaced in it', () => {
    const s = specSchedule({ duration: 3, arrivalRate: 2, rampTo: 6 }, false);
    // Periods make ⌊2⌋, ⌊4⌋, ⌊6⌋ arrivals.
    expect(s.arrivals).toBe(12);
    expect([0, 1, 2, 5, 6, 11].map((k) => s.offsetUs(k))).toEqual([500_000, 1_000_000, 1_250_000, 2_000_000, 2_166_000, 2_996_000]);
  });

  it("maps a worker's n-th arrival to its phase and intended offset across phases", () => {
    const phases = workerPhases(planPhases(storm.doc, { durationMs: 2000 }), 2);
    expect(arrivalSlot(phases, 0)).toEqual({ phase: 0, k: 0, offsetUs: 0 });
    expect(arrivalSlot(phases, 499)).toEqual({ phase: 0, k: 499, offsetUs: 0 });
    expect(arrivalSlot(phases, 500)?.offsetUs).toBeCloseTo(500.5 + 4000, 6);
    expect(arrivalSlot(phases, 500 + 500)).toBeUndefined();
  });

  it("follows a thread's own share when Artillery splits a local run between its threads (a pause where it has none)", () => {
    const planned = workerPhases(planPhases(storm.doc, { durationMs: 2000 }), 1);
    const second = threadPhases(planned, [{ pause: '100ms' }, { duration: 2, arrivalRate: 100 }]);
    expect(second.map((p) => p.arrivals)).toEqual([0, 200]);
    expect(arrivalSlot(second, 0)).toEqual({ phase: 1, k: 0, offsetUs: 100_000 + 10_000 });
  });

  it("releases a spike as tightly as Artillery's arrivals allow: a 1 µs tick that still stops after exactly n arrivals", () => {
    for (const n of [1, 7, 37, 500, 1999, 25_000]) {
      const d = spikeDuration(n);
      // As Artillery 2.0.34 reads it: ms(d) / 1000 s, × 1000 ms; the arrivals package's tick ⌊duration / n × 1000⌋ µs and ⌊duration × 1000 / tick⌋ arrivals.
      const durationMs = ((Number.parseFloat(d) / 1000) * 1000) as number;
      const tickUs = Math.floor((durationMs / n) * 1000);
      expect(tickUs, d).toBe(1);
      expect(Math.floor((durationMs * 1000) / tickUs), d).toBe(n);
      // promoproof's own reading of the phase agrees (its arrivals and its one instant).
      const s = specSchedule({ duration: d, arrivalCount: n }, true);
      expect(s.arrivals).toBe(n);
      expect(s.offsetUs(n - 1)).toBe(0);
      expect(s.durationMs).toBeLessThan(n / 1000 + 0.001);
    }
  });

  it('refuses a rate too small to share between the workers', () => {
    expect(() => workerPhases(planPhases(storm.doc, { ratePerS: 1 }), 1000)).toThrow(/below 0.01\/s each/);
  });
});

describe('the script (script.ts)', () => {
  const phases = workerPhases(planPhases(storm.doc, {}), 4);
  const input = {
    profile: 'p',
    workers: 4,
    phases,
    operations: [
      { name: 'claim', weight: 3 },
      { name: 'verify', weight: 1 },
    ],
    origin: 'http://127.0.0.1:9',
    connections: 64,
    timeoutMs: 2500,
    processor: './processor.mjs',
  };

  it('weighs one scenario per operation, each one request through the processor and plugin', () => {
    const script = artilleryScript(input) as { config: Record<string, unknown>; scenarios: Record<string, unknown>[] };
    expect(script.scenarios.map((s) => [s['name'], s['weight']])).toEqual([
      ['claim', 3],
      ['verify', 1],
    ]);
    expect(script.scenarios[0]).toMatchObject({
      beforeScenario: 'promoproofArrive',
      onError: 'promoproofError',
      flow: [{ post: { beforeRequest: 'promoproofRequest', afterResponse: 'promoproofAnswer' } }],
    });
    expect(script.config).toMatchObject({
      processor: './processor.mjs',
      plugins: { promoproof: { suppressOutput: true } },
      http: { timeout: 3 },
    });
  });

  it("sizes the pool per worker: the connections shared, raised to a spike's share", () => {
    // 1,000 spike requests over 4 workers: 250 each, above 64 / 4.
    expect(poolPerWorker(input)).toBe(250);
    const noSpike = workerPhases(planPhases({ ...storm.doc, phases: [{ phase: 'steady', duration: '2s', rate: 100 }] }, {}), 4);
    expect(poolPerWorker({ ...input, phases: noSpike })).toBe(16);
  });
});

describe('metric names (metrics.ts)', () => {
  it('read back every figure they name, and nothing of Artillery', () => {
    expect(parseMetric(metricNames.answers(1, 0, 'non-conformant'))).toEqual({ kind: 'answers', phase: 1, op: 0, cls: 'non-conformant' });
    expect(parseMetric(metricNames.latency(0, 2, 'refusal'))).toEqual({ kind: 'latency', phase: 0, op: 2, cls: 'refusal' });
    expect(parseMetric(metricNames.code(3, 1, 'coupon.stock.empty'))).toEqual({ kind: 'code', phase: 3, op: 1, key: 'coupon.stock.empty' });
    expect(parseMetric(metricNames.nonConformant(0, 0, 'HTTP 500'))).toEqual({ kind: 'nonConformant', phase: 0, op: 0, key: 'HTTP 500' });
    expect(parseMetric(metricNames.late(2))).toEqual({ kind: 'late', phase: 2 });
    expect(parseMetric('http.response_time')).toBeUndefined();
    expect(parseMetric('vusers.created')).toBeUndefined();
  });
});

describe("the export's notes (export.ts)", () => {
  it('says when the build it packs is older than the sources beside it, and not once it is built again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pp-stale-'));
    try {
      mkdirSync(join(root, 'bin'));
      mkdirSync(join(root, 'src'));
      mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
      writeFileSync(join(root, 'bin', 'entry.js'), readFileSync('bin/entry.js'));
      writeFileSync(join(root, 'dist', 'cli', 'main.js'), '');
      writeFileSync(join(root, 'dist', '.build-stamp'), '');
      writeFileSync(join(root, 'src', 'a.ts'), '');
      utimesSync(join(root, 'dist', '.build-stamp'), 1000, 1000);
      expect((await staleBuildNote(root)).join()).toMatch(/older than the sources: the export packs the build as it is/);
      utimesSync(join(root, 'dist', '.build-stamp'), new Date(), new Date(Date.now() + 60_000));
      expect(await staleBuildNote(root)).toEqual([]);
      // An installed package has no sources.
      rmSync(join(root, 'src'), { recursive: true });
      utimesSync(join(root, 'dist', '.build-stamp'), 1000, 1000);
      expect(await staleBuildNote(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("names the config's credentials written as literal values, in the short form and under apis, never a placeholder", () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-literal-'));
    try {
      const file = join(dir, 'target.yaml');
      writeFileSync(
        file,
        [
          'url: http://127.0.0.1:9/routerjson',
          'credentials:',
          '  jos: { appKey: k, appSecret: "${env:S}", accessToken: "t-${env:T}" }',
          'apis:',
          '  tencent-coupon-batch:',
          '    url: http://127.0.0.1:9',
          '    credentials: { appId: a, appSecret: "${env:TS}" }',
        ].join('\n'),
      );
      const [note = ''] = literalCredentialsNote(file);
      expect(note).toMatch(/credentials\.jos\.appKey, apis\.tencent-coupon-batch\.credentials\.appId/);
      expect(note).not.toMatch(/appSecret|accessToken/);
      writeFileSync(file, 'url: http://127.0.0.1:9/routerjson\ncredentials:\n  jos: { appSecret: "${env:S}" }\n');
      expect(literalCredentialsNote(file)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the export against a target, and two simulated workers (export.ts, runtime.ts)', () => {
  let ref: EmbeddedTarget;
  let dir: string;
  beforeAll(async () => {
    ref = await startEmbedded({ testControl: false });
    dir = mkdtempSync(join(tmpdir(), 'pp-artillery-'));
    writeFileSync(
      join(dir, 'target.yaml'),
      [
        'apis:',
        '  jd-coupon:',
        `    url: ${ref.origin}/routerjson`,
        '    credentials: { appKey: promoproof-app-key, appSecret: "${env:PP_SECRET}", accessToken: promoproof-access-token }',
        '  tencent-coupon-batch:',
        `    url: ${ref.origin}`,
        '    credentials: { appId: promoproof-tencent-app, appSecret: promoproof-tencent-secret }',
        '    options: { dataSourceId: "101" }',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await ref.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an export without its folder or a target the workers can reach', async () => {
    const noOut = await cli(['load', '--profile', SMALL, '--export', 'artillery', '--target-config', join(dir, 'target.yaml')]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--export artillery needs --out DIR/);
    const noTarget = await cli(['load', '--profile', SMALL, '--export', 'artillery', '--out', join(dir, 'x')]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/needs --target-config FILE/);
    const capped = await cli([
      'load',
      '--profile',
      SMALL,
      '--export',
      'artillery',
      '--out',
      join(dir, 'x'),
      '--target-config',
      join(dir, 'target.yaml'),
      '--requests',
      '10',
    ]);
    expect(capped.stderr).toMatch(/--requests does not apply to --export artillery yet/);
    const other = await cli(['load', '--profile', SMALL, '--export', 'k6', '--out', join(dir, 'x')]);
    expect(other.stderr).toMatch(/the one engine is artillery/);
  });

  it('refuses an import without its run, or of a folder that holds none, and a stray argument to a run', async () => {
    const none = await cli(['load', '--import', 'artillery']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs the run: the export folder/);
    mkdirSync(join(dir, 'empty', 'runs'), { recursive: true });
    const empty = await cli(['load', '--import', 'artillery', join(dir, 'empty')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no run file \(runs\/artillery-\*\.jsonl\)/);
    const stray = await cli(['load', '--profile', SMALL, 'extra']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/unexpected argument 'extra'/);
  });

  it('runs the setup once, writes the script, setup.json, processor, plugin and README, and two workers build unique requests of one user space', async () => {
    const out = join(dir, 'exp');
    const env = { PP_SECRET: 'promoproof-app-secret' };
    const run = await cli(
      ['load', '--profile', SMALL, '--export', 'artillery', '--workers', '2', '--out', out, '--target-config', join(dir, 'target.yaml')],
      { env },
    );
    if (!existsSync(join(process.cwd(), 'dist/load/artillery/entry.js'))) {
      // Without a build the export says what to do (the processor runs promoproof's dist/).
      expect(run.stderr).toMatch(/npm run build/);
      return;
    }
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/2 worker\(s\) × 110 requests = 220 \(the profile plans 220\)/);
    // The config's literal credentials travel with the folder: the export names them; a placeholder is not one.
    expect(run.stderr).toMatch(/literal values there, shipped to every worker: .*apis\.tencent-coupon-batch\.credentials\.appSecret/);
    expect(run.stderr).not.toContain('apis.jd-coupon.credentials.appSecret');
    const script = parse(readFileSync(join(out, 'script.yml'), 'utf8')) as { config: { phases: unknown[]; http: { pool: number } } };
    expect(script.config.phases).toEqual([
      { name: '秒杀 start', duration: '0.0505ms', arrivalCount: 50 },
      { name: 'after the start', duration: 3, arrivalRate: 20 },
    ]);
    const setup = JSON.parse(readFileSync(join(out, 'setup.json'), 'utf8')) as ArtillerySetup;
    expect(setup.format).toBe(SETUP_FORMAT);
    // The batch the setup uploaded, and its counts before any worker starts.
    expect(String(setup.vars['batch'])).toMatch(/^pp-/);
    expect(Object.values(setup.auditBefore)).toEqual([{ claimed: 0, used: 0 }]);
    // The secret stays in the environment: the setup file names the config, never its values.
    expect(readFileSync(join(out, 'setup.json'), 'utf8')).not.toContain('promoproof-app-secret');
    const readme = readFileSync(join(out, 'README.txt'), 'utf8');
    expect(readme).toContain('PROMOPROOF_WORKER=1 ARTILLERY_DISABLE_TELEMETRY=true');
    expect(readme).toContain('run-fargate script.yml --count 2');
    expect(readme).toContain('npm install --no-audit --no-fund');
    expect(readme).not.toMatch(/Not yet on Fargate: processor\.mjs/);

    // Two workers, as two Artillery processes would run them: every request signed and unique, users shared.
    const seen = new Map<string, number>();
    const users = new Set<number>();
    const emitted: string[] = [];
    const events = { emit: (_e: string, name: string) => void emitted.push(name) };
    for (const worker of ['0', '1']) {
      const p = createArtilleryProcessor(join(out, 'setup.json'), { env: { ...env, PROMOPROOF_WORKER: worker } });
      expect(p.runTag).toBe(`w00${worker}${setup.runTag}`);
      for (let n = 0; n < 110; n++) {
        const context: ArtilleryContext = { vars: {}, scenario: { name: 'claim' } };
        const req: ArtilleryRequestParams = { method: 'POST', url: '/' };
        p.promoproofArrive(context, events, () => {});
        p.promoproofRequest(req, context, events, () => {});
        expect(req.url).toBe(`${ref.origin}/routerjson`);
        const form = new URLSearchParams(req.body ?? '');
        expect(form.get('sign')).toMatch(/^[0-9A-F]{32}$/);
        const app = JSON.parse(form.get('360buy_param_json') ?? '{}') as { request_id: string; uid: number };
        users.add(app.uid);
        seen.set(app.request_id, (seen.get(app.request_id) ?? 0) + 1);
      }
    }
    // Re-sends (the profile's 5 %) repeat a request id of their own worker on purpose; every other id is one request's.
    const repeated = [...seen.values()].filter((c) => c > 1).length;
    expect(repeated).toBeLessThan(30);
    expect([...seen.keys()].every((id) => /^w00[01][0-9a-f]{5}-[0-9a-z]+$/.test(id))).toBe(true);
    expect(new Set([...seen.keys()].map((id) => id.slice(0, 4)))).toEqual(new Set(['w000', 'w001']));
    expect(Math.min(...users)).toBeGreaterThanOrEqual(setup.userBase);
    expect(Math.max(...users)).toBeLessThan(setup.userBase + 400);
    expect(emitted.filter((n) => n === metricNames.sent(0))).toHaveLength(100);
    expect(emitted.filter((n) => n === metricNames.sent(1))).toHaveLength(120);
  });

  it('makes the folder self-contained: promoproof packed into it, imported by package name, the profile and the config copied without secret values', () => {
    const out = join(dir, 'exp');
    if (!existsSync(join(out, 'setup.json'))) return;
    const text = (f: string) => readFileSync(join(out, f), 'utf8');
    const pkg = JSON.parse(text('package.json')) as { private: boolean; dependencies: Record<string, string> };
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies['artillery-plugin-promoproof']).toBe('file:artillery-plugin-promoproof');
    const tarball = /^file:(promoproof-\d+\.\d+\.\d+\.tgz)$/.exec(pkg.dependencies['promoproof'] ?? '')?.[1] ?? '';
    expect(existsSync(join(out, tarball)), tarball).toBe(true);
    // The processor, the plugin and the lead hook import promoproof by name; nothing names a path of this machine.
    for (const f of ['processor.mjs', 'artillery-plugin-promoproof/index.js', 'lead.mjs'])
      expect(text(f)).toContain("from 'promoproof/artillery'");
    for (const f of ['processor.mjs', 'artillery-plugin-promoproof/index.js', 'lead.mjs', 'setup.json', 'script.yml', 'package.json']) {
      expect(text(f), f).not.toContain(process.cwd());
      expect(text(f), f).not.toContain(dir);
    }
    // setup.json names the copies relative to itself; reading it answers them where the folder now is.
    const raw = JSON.parse(text('setup.json')) as ArtillerySetup;
    expect(raw.profile.file).toBe('profile/claim-storm-small.yaml');
    expect(raw.targetConfig).toBe('target.yaml');
    const read = readArtillerySetup(join(out, 'setup.json'));
    expect(read.targetConfig).toBe(join(out, 'target.yaml'));
    expect(readFileSync(read.profile.file, 'utf8')).toBe(readFileSync(SMALL, 'utf8'));
    // The config is copied as written: the secret stays a placeholder, its value (in this process's environment) never lands here.
    expect(text('target.yaml')).toBe(readFileSync(join(dir, 'target.yaml'), 'utf8'));
    expect(text('target.yaml')).toContain('${env:PP_SECRET}');
    expect(text('target.yaml')).not.toContain('promoproof-app-secret');
    // No file the export wrote holds a secret's value (the packed promoproof is the build, written before any config was read).
    const written = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.name === 'node_modules' ? [] : e.isDirectory() ? written(join(d, e.name)) : e.name.endsWith('.tgz') ? [] : [join(d, e.name)],
      );
    for (const f of written(out)) expect(readFileSync(f, 'utf8'), f).not.toContain('promoproof-app-secret');
    // Fargate workers get it from SSM Parameter Store: the README says where it lives and names it on the run-fargate line.
    expect(text('README.txt')).toContain(
      'aws ssm put-parameter --region eu-west-1 --type SecureString --name /artilleryio/PP_SECRET --value "$PP_SECRET"',
    );
    expect(text('README.txt')).toMatch(/run-fargate script\.yml --count 2 --region eu-west-1 --secret PP_SECRET\n/);
    expect(text('README.txt')).toMatch(/fires one arrival per turn of its event loop/);
    // run-fargate ships what the script's includeFiles names: every file a worker reads, each one there.
    const script = parse(text('script.yml')) as { config: { includeFiles: string[] } };
    expect([...script.config.includeFiles].sort()).toEqual(
      [
        'setup.json',
        'artillery-plugin-promoproof/package.json',
        'artillery-plugin-promoproof/index.js',
        'profile/claim-storm-small.yaml',
        'target.yaml',
        tarball,
      ].sort(),
    );
    for (const f of script.config.includeFiles) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('packs the package with what the runtime reads at run time: the build, specs/ and scenarios/', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[]; exports: Record<string, { default: string }> };
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'specs', 'scenarios']));
    expect(pkg.exports['./artillery']?.default).toBe('./dist/load/artillery/entry.js');
  });

  it("counts latency from the intended instant: the phase after a spike starts at the spike's last arrival, a late send is late", () => {
    const setupFile = join(dir, 'exp', 'setup.json');
    if (!existsSync(setupFile)) return;
    let clock = 1000;
    const p = createArtilleryProcessor(setupFile, {
      env: { PP_SECRET: 'promoproof-app-secret', PROMOPROOF_WORKER: '0' },
      now: () => clock,
    });
    const emitted: [string, number][] = [];
    const events = { emit: (_e: string, name: string, value: number) => void emitted.push([name, value]) };
    const send = () => {
      const context: ArtilleryContext = { vars: {}, scenario: { name: 'claim' } };
      p.promoproofArrive(context, events, () => {});
      p.promoproofRequest({ url: '/' }, context, events, () => {});
    };
    // The spike's 50 arrivals, 2 ms apart (its instants are one: no lag is judged on a spike).
    for (let k = 0; k < 50; k++, clock += 2) send();
    const spikeEnd = clock - 2;
    // The steady phase's first instant is one tick (50 ms at 20/s) after the spike's last arrival; it comes 352 ms late.
    clock = spikeEnd + 50 + 352;
    send();
    // The next comes on time.
    clock = spikeEnd + 100;
    send();
    expect(emitted.filter(([n]) => n === metricNames.lag(1)).map(([, v]) => v)).toEqual([352, 0]);
    expect(emitted.filter(([n]) => n === metricNames.late(1))).toHaveLength(1);
    expect(emitted.some(([n]) => n === metricNames.lag(0))).toBe(false);
  });

  it("sends what its audit keeps back in Artillery's metrics: the records rebuilt from the counters alone, every one", () => {
    const setupFile = join(dir, 'exp', 'setup.json');
    if (!existsSync(setupFile)) return;
    const p = createArtilleryProcessor(setupFile, {
      env: { PP_SECRET: 'promoproof-app-secret', PROMOPROOF_WORKER: '1' },
      wallNow: () => 1_000,
    });
    // What Artillery's merge makes of the counters: summed by name.
    const counters = new Map<string, number>();
    const events = { emit: (_e: string, name: string, value: number) => void counters.set(name, (counters.get(name) ?? 0) + value) };
    let done = 0;
    // The worker's whole plan (50 spike + 60 steady): every claim timed out, so each is a claim of unknown outcome to look up.
    timeOutClaims(p, events, 110, () => void done++);
    // Few enough records for one period: the last answer's scenario went on at once.
    expect(done).toBe(110);
    const back = streamedAudit(counters);
    expect(back.data.counts.unknownClaims).toBe(110);
    expect(back.data.unknownClaims).toHaveLength(110);
    expect(back.data.unknownClaims.every((c) => c.requestId?.startsWith(p.runTag))).toBe(true);
    expect(Object.keys(back.data.batches)).toHaveLength(1);
    expect(back).toMatchObject({ cameBack: back.made, gaps: 0, streams: 1 });
    expect(back.data.incomplete).toBeUndefined();
    expect(back.samples.length).toBeGreaterThan(0);
    expect(back.samples.every((s) => s.class === 'unknown' && s.curl?.startsWith('curl '))).toBe(true);
  });

  it("holds its last answer's scenario until every queued record is sent, no more frames a period than the bound", async () => {
    const setupFile = join(dir, 'exp', 'setup.json');
    if (!existsSync(setupFile)) return;
    vi.useFakeTimers();
    try {
      let wall = 1_000;
      const p = createArtilleryProcessor(setupFile, {
        env: { PP_SECRET: 'promoproof-app-secret', PROMOPROOF_WORKER: '0' },
        wallNow: () => wall,
        recordLimits: { frameBytes: 300, framesPerPeriod: 2 },
      });
      const counters = new Map<string, number>();
      const framesByPeriod = new Map<number, number>();
      const events = {
        emit: (_e: string, name: string, value: number) => {
          counters.set(name, (counters.get(name) ?? 0) + value);
          const period = Math.floor(wall / PERIOD_MS);
          if (parseMetric(name)?.kind === 'auditFrame') framesByPeriod.set(period, (framesByPeriod.get(period) ?? 0) + 1);
        },
      };
      let done = 0;
      timeOutClaims(p, events, 110, () => void done++);
      // Every scenario but the last went on; the last waits for Artillery's next periods.
      expect(done).toBe(109);
      for (let period = 1; done < 110 && period < 100; period++) {
        wall = period * PERIOD_MS + 60;
        await vi.advanceTimersToNextTimerAsync();
      }
      expect(done).toBe(110);
      expect(framesByPeriod.size).toBeGreaterThan(3);
      expect(Math.max(...framesByPeriod.values())).toBe(2);
      const back = streamedAudit(counters);
      expect(back.data.unknownClaims).toHaveLength(110);
      expect(back).toMatchObject({ cameBack: back.made, gaps: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes the worker index from PROMOPROOF_WORKER, else a random tag', () => {
    expect(workerTag({ runTag: 'abcde' }, { PROMOPROOF_WORKER: '37' })).toBe('w011abcde');
    const a = workerTag({ runTag: 'abcde' }, {});
    expect(a).toMatch(/^[0-9a-f]{6}abcde$/);
  });
});

/** Sends `count` claims through the processor's hooks, each answered by a socket timeout (an outcome unknown). */
function timeOutClaims(
  p: ReturnType<typeof createArtilleryProcessor>,
  events: { emit: (e: string, name: string, value: number) => void },
  count: number,
  onDone: () => void,
): void {
  const timeout = Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
  for (let k = 0; k < count; k++) {
    const context: ArtilleryContext = { vars: {}, scenario: { name: 'claim' } };
    p.promoproofArrive(context, events, () => {});
    p.promoproofRequest({ url: '/' }, context, events, () => {});
    p.promoproofError(timeout, {}, context, events, onDone);
  }
}
