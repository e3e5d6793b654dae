import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievedParallelism } from '../../src/engine/assemble.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { INCONCLUSIVE_ATTEMPTS, type RunEvent, withRetries } from '../../src/engine/run.js';
import { targetFromUrl } from '../../src/engine/targets/config.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer } from '../../src/reference/server.js';
import { TEST_CONTROL_PATH } from '../../src/core/test-control.js';
import type { CheckResult, RunReport } from '../../src/report/types.js';
import type { PlannedCheck } from '../../src/scenario/types.js';

/** The protocol cases and the scenarios covering them: fifty-odd checks, from one call to whole life cycles. */
const checks: readonly PlannedCheck[] = planChecks({ rules: ['JOS-*'] });
/**
 * The generated protocol cases only: built from code, not from the scenario files, so their verdicts
 * against the clean reference do not move while scenarios are being written.
 */
const generated = checks.filter((c) => c.generated !== undefined);
const needsControl = planChecks({}).filter((c) => c.requires.includes('test-control'));

const statuses = (r: RunReport): Record<string, CheckResult['status']> => Object.fromEntries(r.results.map((x) => [x.id, x.status]));

describe('an inconclusive check is attempted again', () => {
  const result = (status: CheckResult['status']) =>
    ({
      id: 'x',
      title: 'x',
      suite: 's',
      rules: [],
      level: 'must',
      tags: [],
      status,
      message: 'near the edge',
      durationMs: 1,
    }) as CheckResult;
  const sequence = (...statuses: CheckResult['status'][]) => {
    let n = 0;
    const attempt = async () => result(statuses[Math.min(n++, statuses.length - 1)] ?? 'errored');
    return { attempt, made: () => n };
  };

  it('until it is decided, and the decided verdict stands', async () => {
    const s = sequence('inconclusive', 'failed');
    expect((await withRetries(s.attempt)).status).toBe('failed');
    expect(s.made()).toBe(2);
  });

  it('a decided verdict is never attempted again', async () => {
    for (const status of ['passed', 'failed', 'errored', 'skipped'] as const) {
      const s = sequence(status);
      expect((await withRetries(s.attempt)).status).toBe(status);
      expect(s.made()).toBe(1);
    }
  });

  it('at most INCONCLUSIVE_ATTEMPTS times, and the message says so', async () => {
    const s = sequence('inconclusive');
    const r = await withRetries(s.attempt);
    expect(s.made()).toBe(INCONCLUSIVE_ATTEMPTS);
    expect(r.status).toBe('inconclusive');
    expect(r.message).toBe(`near the edge [inconclusive in each of ${INCONCLUSIVE_ATTEMPTS} attempts]`);
  });

  it('not after the run was stopped', async () => {
    const s = sequence('inconclusive');
    const ac = new AbortController();
    ac.abort();
    await withRetries(s.attempt, ac.signal);
    expect(s.made()).toBe(1);
  });
});

describe('achieved parallelism', () => {
  const result = (durationMs: number) =>
    ({ id: 'x', title: 'x', suite: 's', rules: [], level: 'must', tags: [], status: 'passed', message: '', durationMs }) as CheckResult;

  it('is the checks in flight on average: their summed durations over the wall time, capped at the concurrency', () => {
    expect(achievedParallelism([result(100), result(100), result(100), result(100)], { concurrency: 4, runMs: 100 })).toEqual({
      concurrency: 4,
      achieved: 4,
    });
    // One long check sets the pace: 8 asked for, 1.75 achieved.
    expect(achievedParallelism([result(400), result(100), result(100), result(100)], { concurrency: 8, runMs: 400 })).toEqual({
      concurrency: 8,
      achieved: 1.75,
    });
    expect(achievedParallelism([result(100)], { concurrency: 2, runMs: 40 }).achieved).toBe(2);
  });

  it('is reported by a run, between 1 and the concurrency asked for', async () => {
    const report = await runConformance({ checks: generated, concurrency: 3 });
    expect(report.parallelism?.concurrency).toBe(3);
    expect(report.parallelism?.achieved).toBeGreaterThan(1);
    expect(report.parallelism?.achieved).toBeLessThanOrEqual(3);
  });
});

describe('runConformance against the embedded reference', () => {
  it('plans something worth running', () => {
    expect(checks.length).toBeGreaterThan(20);
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    expect(checks.some((c) => c.steps.length > 3)).toBe(true);
    expect(needsControl.length).toBeGreaterThan(0);
    expect(generated.length).toBeGreaterThan(10);
  });

  it('answers results in plan order, whatever order they finish in, with progress events for each', async () => {
    const events: RunEvent[] = [];
    const report = await runConformance({ checks, concurrency: 8, onEvent: (e) => events.push(e) });
    expect(report.results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
    expect(report.target.embedded).toBe(true);
    expect(report.summary.total).toBe(checks.length);
    expect(report.results.filter((r) => r.id.startsWith('gen-')).map((r) => [r.id, r.status])).toEqual(
      generated.map((c) => [c.id, 'passed']),
    );
    expect(events[0]).toEqual({ type: 'start', total: checks.length });
    const done = events.filter((e): e is Extract<RunEvent, { type: 'check-done' }> => e.type === 'check-done');
    expect(done.map((e) => e.done)).toEqual(checks.map((_c, i) => i + 1));
    expect(done.map((e) => e.result.id).sort()).toEqual(checks.map((c) => c.id).sort());
  });

  it('gives the same statuses with concurrency 1 and 8 (a fault makes them mixed)', async () => {
    const [one, eight] = await Promise.all([
      runConformance({ checks, concurrency: 1, fault: 'envelope-unwrapped' }),
      runConformance({ checks, concurrency: 8, fault: 'envelope-unwrapped' }),
    ]);
    expect(one.results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
    expect(eight.results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
    expect(statuses(eight)).toEqual(statuses(one));
    expect(one.summary.passed).toBeGreaterThan(0);
    expect(one.summary.failed).toBeGreaterThan(0);
    expect(one.target.fault).toBe('envelope-unwrapped');
    expect(one.verdict).toBe('fail');
  });

  it('an already aborted signal ends the run at once, every check errored "run stopped"', async () => {
    const controller = new AbortController();
    controller.abort();
    const t0 = performance.now();
    const report = await runConformance({ checks, signal: controller.signal });
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(report.results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
    for (const r of report.results) {
      expect(r.status, r.id).toBe('errored');
      expect(r.message, r.id).toContain('run stopped');
    }
    expect(report.verdict).toBe('fail');
  });

  it('an abort mid-run stops promptly: finished checks keep their verdict, the rest are errored "run stopped"', async () => {
    const controller = new AbortController();
    let seen = 0;
    const t0 = performance.now();
    const report = await runConformance({
      checks: generated,
      concurrency: 2,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'check-done' && ++seen === 3) controller.abort();
      },
    });
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(report.results.map((r) => r.id)).toEqual(generated.map((c) => c.id));
    const stopped = report.results.filter((r) => r.status === 'errored');
    expect(report.summary.passed).toBeGreaterThanOrEqual(3);
    expect(stopped.length).toBeGreaterThan(0);
    for (const r of report.results) {
      if (r.status === 'passed') continue;
      expect(r.status, r.id).toBe('errored');
      expect(r.message, r.id).toContain('run stopped');
    }
  });
});

describe('capabilities', () => {
  let reference: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    // The reference has test control, but the target as given does not claim it.
    reference = buildServer({ testControl: true });
    url = `${await reference.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
  });
  afterAll(async () => {
    await reference.close();
  });

  it('a check requiring test-control is skipped against a target without it, naming the capability', async () => {
    const plain = generated[0]!;
    const picked = [needsControl[0]!, plain, needsControl[1]!];
    const report = await runConformance({ target: targetFromUrl(url, DEFAULT_CREDENTIALS), checks: picked, timeoutMs: 2_000 });
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      [picked[0]!.id, 'skipped'],
      [plain.id, 'passed'],
      [picked[2]!.id, 'skipped'],
    ]);
    for (const r of report.results.filter((x) => x.status === 'skipped')) {
      expect(r.message).toContain('test-control');
      expect(r.message).toMatch(/lacks capability/);
      expect(r.durationMs).toBe(0);
    }
    expect(report.summary).toMatchObject({ total: 3, skipped: 2, passed: 1 });
    // Skipped checks do not fail the run.
    expect(report.verdict).toBe('pass');
  });

  it('the same checks run (are not skipped) when the target claims test-control', async () => {
    const picked = needsControl.slice(0, 2);
    const target = {
      ...targetFromUrl(url, DEFAULT_CREDENTIALS),
      capabilities: ['test-control' as const],
      testControlUrl: `${new URL(url).origin}${TEST_CONTROL_PATH}`,
    };
    const report = await runConformance({ target, checks: picked, timeoutMs: 2_000 });
    for (const r of report.results) {
      expect(r.status, r.id).not.toBe('skipped');
      expect(r.message, r.id).not.toMatch(/capability|test-control URL/);
    }
  });
});
