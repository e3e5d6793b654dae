/**
 * The reference as its own process (src/engine/targets/reference-process.ts): started from the sources
 * here (the child loads them through tsx), and from the build when dist/ is current; real signed calls
 * over the sockets it listens on; every way its start can fail ends in an error and no process left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distIsFresh } from '../../bin/entry.js';
import { runConformance } from '../../src/engine/conformance.js';
import { startEmbedded } from '../../src/engine/targets/embedded.js';
import {
  childCommand,
  type ReferenceProcess,
  ReferenceProcessError,
  startReferenceProcess,
} from '../../src/engine/targets/reference-process.js';
import { protocolAdapter } from '../../src/protocols/index.js';
import type { DecodedAnswer, Endpoint } from '../../src/protocols/types.js';
import { ROOT } from '../helpers/build.js';

const SOURCE = pathToFileURL(join(ROOT, 'src', 'engine', 'targets', 'reference-process.ts')).href;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the process is gone; false when it is still there after `withinMs`. */
async function gone(pid: number, withinMs = 5_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Signs, sends and decodes one call of `api` to the target's endpoint, as a conformance check does. */
async function call(proc: ReferenceProcess, api: string, operation: string, app: Record<string, unknown>): Promise<DecodedAnswer> {
  const endpoint = proc.target.endpoints[api] as Endpoint;
  const adapter = protocolAdapter(api === 'jd-promotion' ? 'jos' : 'tencent-data-api');
  const ex = await adapter.send({ endpoint, operation, app, transport: {}, clockOffsetMs: 0, timeoutMs: 5_000, maxBodyBytes: 1 << 20 });
  if (!ex.outcome.ok) throw new Error(`${operation}: ${ex.outcome.reason}`);
  return adapter.decode(operation, JSON.parse(ex.outcome.body), ex.outcome.body, endpoint);
}

const LIST = 'jingdong.seller.promotion.list';
/** A list call with a parameter list does not declare: ignored by the reference, refused under `strict-params`. */
const UNDECLARED = { page: 1, page_size: 1, no_such_param: 'x' };

/** A 满减券 upload (the seed's own kind), to the data source the target names. */
function upload(proc: ReferenceProcess, coupon: Record<string, unknown>): Promise<DecodedAnswer> {
  const dataSourceId = proc.target.endpoints['tencent-coupon-batch']?.options?.['dataSourceId'];
  return call(proc, 'tencent-coupon-batch', 'order/add_coupon', { dataSourceId, coupons: [coupon] });
}

const COUPON = { external_coupon_id: `pp-${process.pid}`, coupon_name: '满100减10', coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10 };

describe('startReferenceProcess', () => {
  let proc: ReferenceProcess;
  beforeAll(async () => {
    proc = await startReferenceProcess();
  }, 30_000);
  afterAll(() => proc.close());

  it('runs the reference in another process, on a loopback port', () => {
    expect(proc.pid).toBeGreaterThan(0);
    expect(proc.pid).not.toBe(process.pid);
    expect(alive(proc.pid)).toBe(true);
    expect(proc.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers a signed JOS call, and refuses one signed with another secret', async () => {
    expect((await call(proc, 'jd-promotion', LIST, { page: 1, page_size: 1 })).kind).toBe('success');
    // Our own choice (JOS-REF-04), which the second process's reading departs from.
    expect((await call(proc, 'jd-promotion', LIST, UNDECLARED)).kind).toBe('success');
    const endpoint = proc.target.endpoints['jd-promotion'] as Endpoint;
    const forged = {
      ...proc,
      target: {
        ...proc.target,
        endpoints: { 'jd-promotion': { ...endpoint, credentials: { ...endpoint.credentials, appSecret: 'not-the-secret' } } },
      },
    };
    const answer = await call(forged, 'jd-promotion', LIST, { page: 1, page_size: 1 });
    expect(answer.kind === 'error' ? answer.code : answer.kind).toBe('12');
  });

  it('takes a signed add_coupon over the Tencent face, and validates its body', async () => {
    expect(await upload(proc, COUPON)).toMatchObject({ kind: 'success' });
    // The real validation, not a stub: a coupon without its name is refused.
    expect((await upload(proc, { ...COUPON, coupon_name: undefined })).kind).toBe('error');
  });

  it('describes the target as startEmbedded does, but for its origin and how its clock is known', async () => {
    const embedded = await startEmbedded();
    try {
      const asText = (t: object, origin: string) => JSON.parse(JSON.stringify(t).replaceAll(origin, 'ORIGIN')) as Record<string, unknown>;
      const mine = asText(proc.target, proc.origin);
      const theirs = asText(embedded.target, embedded.origin);
      expect({ ...mine, clock: undefined }).toEqual({ ...theirs, clock: undefined });
      expect(proc.target.clock).toMatchObject({ offsetMs: 0, uncertaintyMs: 0, method: expect.stringContaining('process') });
      expect(mine['capabilities']).toEqual(['test-control']);
    } finally {
      await embedded.close();
    }
  });

  it('serves a conformance run as its target', async () => {
    const report = await runConformance({ target: proc.target, suites: ['jd-promotion'], rules: ['JOS-06'], preflight: false });
    expect(report.summary.total).toBeGreaterThan(0);
    expect(report.summary).toMatchObject({ failed: 0, errored: 0 });
    expect(report.verdict).toBe('pass');
  }, 30_000);
});

describe('a second process, with a fault and a reading', () => {
  it('has both in force, the target names the fault; close() ends the child and frees its port, once', async () => {
    const proc = await startReferenceProcess({ fault: 'envelope-unwrapped', readings: ['strict-params'], testControl: false });
    let closing: Promise<void> | undefined;
    try {
      expect(proc.target.fault).toBe('envelope-unwrapped');
      expect(proc.target.capabilities).toEqual([]);
      // The success lacks its `<method>_responce` wrapper, which the first process's answer has.
      expect((await call(proc, 'jd-promotion', LIST, { page: 1, page_size: 1 })).kind).not.toBe('success');
      expect(await call(proc, 'jd-promotion', LIST, UNDECLARED)).toMatchObject({ kind: 'error', code: 'param.error' });
    } finally {
      closing = proc.close();
      expect(proc.close()).toBe(closing);
      await closing;
    }
    expect(() => process.kill(proc.pid, 0)).toThrow();
    await expect(fetch(`${proc.origin}/routerjson`)).rejects.toThrow();
  }, 30_000);
});

describe('node flags for the child', () => {
  it('reach it: with --cpu-prof it writes its profile when it stops (how bench/ profiles the reference under load)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promoproof-prof-'));
    try {
      const proc = await startReferenceProcess({ testControl: false, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
      expect((await call(proc, 'jd-promotion', LIST, { page: 1, page_size: 1 })).kind).toBe('success');
      await proc.close();
      const profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      expect(profiles.length).toBeGreaterThan(0);
      const profile = JSON.parse(readFileSync(join(dir, profiles[0] ?? ''), 'utf8')) as { nodes?: unknown[] };
      expect(profile.nodes?.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the child never outlives its parent', () => {
  let parent: ChildProcess | undefined;
  let orphan: number | undefined;
  afterAll(() => {
    parent?.kill('SIGKILL');
    // Should the child have outlived its parent (the bug this catches), it must not outlive the test too.
    if (orphan !== undefined && alive(orphan)) process.kill(orphan, 'SIGKILL');
  });

  it('stops when the parent dies (its IPC channel closes)', async () => {
    // A parent of its own (this test's worker must live on), started like PROMOPROOF_DEV=1 does: tsx.
    const script = `const { startReferenceProcess } = await import(${JSON.stringify(SOURCE)});
const proc = await startReferenceProcess();
process.stdout.write(proc.pid + '\\n');
setInterval(() => {}, 60_000);`;
    parent = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      parent?.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      parent?.stderr?.on('data', (c: Buffer) => {
        err += c.toString();
      });
      parent?.once('exit', (code) => reject(new Error(`the parent exited (${code}) before its child listened: ${err}`)));
    });
    orphan = pid;
    expect(alive(pid)).toBe(true);
    // SIGKILL: no handler of the parent runs; only the closed channel tells the child.
    parent.kill('SIGKILL');
    expect(await gone(pid)).toBe(true);
  }, 30_000);
});

describe('a start that fails ends in an error and no process', () => {
  it('names an unknown fault the child refuses', async () => {
    const err = await startReferenceProcess({ fault: 'no-such-fault' as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReferenceProcessError);
    const e = err as ReferenceProcessError;
    expect(e.failure).toBe('refused');
    expect(e.message).toContain("unknown fault 'no-such-fault'");
    expect(e.message).toContain(`pid ${e.pid}`);
    expect(await gone(e.pid ?? 0)).toBe(true);
  }, 30_000);

  it('names an unknown reading the child refuses', async () => {
    const err = (await startReferenceProcess({ readings: ['no-such-reading' as never] }).catch((e: unknown) => e)) as ReferenceProcessError;
    expect(err.failure).toBe('refused');
    expect(err.message).toContain("unknown reading 'no-such-reading'");
  }, 30_000);

  it('gives the exit code and the end of stderr of a child that crashes at start', async () => {
    // The child inherits NODE_OPTIONS at fork, which happens before startReferenceProcess first awaits.
    const was = process.env['NODE_OPTIONS'];
    process.env['NODE_OPTIONS'] = `--require=${join(ROOT, 'no-such-preload.cjs')}`;
    const started = startReferenceProcess();
    if (was === undefined) delete process.env['NODE_OPTIONS'];
    else process.env['NODE_OPTIONS'] = was;
    const err = (await started.catch((e: unknown) => e)) as ReferenceProcessError;
    expect(err).toBeInstanceOf(ReferenceProcessError);
    expect(err.failure).toBe('exited');
    expect(err.message).toMatch(/exited with code 1 before listening/);
    expect(err.stderrTail).toContain('no-such-preload.cjs');
    expect(err.message).toContain(err.stderrTail);
  }, 30_000);

  it('kills a child that does not report in time', async () => {
    const t0 = performance.now();
    const err = (await startReferenceProcess({ startTimeoutMs: 50 }).catch((e: unknown) => e)) as ReferenceProcessError;
    expect(err.failure).toBe('timeout');
    expect(err.message).toContain('did not report listening within 50 ms: killed');
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(alive(err.pid ?? 0)).toBe(false);
  }, 30_000);

  it('is aborted by its signal: the child is killed', async () => {
    const controller = new AbortController();
    const started = startReferenceProcess({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('the run was cancelled')), 30);
    const err = (await started.catch((e: unknown) => e)) as ReferenceProcessError;
    expect(err.failure).toBe('aborted');
    expect(err.message).toContain('the run was cancelled');
    expect(alive(err.pid ?? 0)).toBe(false);
    // An already aborted signal spawns nothing.
    const before = (await startReferenceProcess({ signal: AbortSignal.abort() }).catch((e: unknown) => e)) as ReferenceProcessError;
    expect(before.failure).toBe('aborted');
    expect(before.pid).toBeUndefined();
  }, 30_000);
});

describe('childCommand', () => {
  it('runs child.js with plain node from the build, child.ts through tsx from the sources', () => {
    const built = childCommand(pathToFileURL(join(ROOT, 'dist', 'engine', 'targets', 'reference-process.js')).href);
    expect(built).toEqual({ entry: join(ROOT, 'dist', 'reference', 'child.js'), execArgv: [] });
    const sources = childCommand(SOURCE);
    expect(sources.entry).toBe(join(ROOT, 'src', 'reference', 'child.ts'));
    // The loader by absolute URL: a user's working folder need not see node_modules/tsx.
    expect(sources.execArgv).toEqual(['--import', TSX]);
    expect(fileURLToPath(TSX)).toContain(join('node_modules', 'tsx'));
  });

  // After `npm ci` (CI) dist/ is current; a checkout being edited has no current build to run.
  it.runIf(distIsFresh(ROOT))(
    'starts from the build with plain node',
    async () => {
      const built = pathToFileURL(join(ROOT, 'dist', 'engine', 'targets', 'reference-process.js')).href;
      const mod = (await import(built)) as typeof import('../../src/engine/targets/reference-process.js');
      const proc = await mod.startReferenceProcess();
      try {
        expect((await call(proc, 'jd-promotion', LIST, { page: 1, page_size: 1 })).kind).toBe('success');
      } finally {
        await proc.close();
      }
      expect(alive(proc.pid)).toBe(false);
    },
    30_000,
  );
});
