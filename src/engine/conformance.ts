import { generateChecks } from '../generate/index.js';
import { randomInt } from 'node:crypto';
import { POOL_BLOCK } from '../scenario/template.js';
import type { FaultId } from '../reference/faults.js';
import type { Preflight, RunReport, Waiver } from '../report/types.js';
import { loadSuite } from '../scenario/load-suite.js';
import { planSuite } from '../scenario/plan.js';
import { SCENARIOS_DIR, SUITES } from '../scenario/suites.js';
import type { PlannedCheck } from '../scenario/types.js';
import { loadRules } from '../spec/load.js';
import { assembleReport } from './assemble.js';
import { estimateClockOffset } from '../core/clock-offset.js';
import { CHECK_DEFAULTS, LIMITS } from '../core/defaults.js';
import { httpExchange } from '../core/http.js';
import { todayUtc8 } from '../core/time.js';
import { preflight, PreflightError } from './preflight.js';
import { runChecks, type RunEvent } from './run.js';
import { targetUrl, type Target } from './target.js';
import { startEmbedded, type EmbeddedTarget } from './targets/embedded.js';

/** Defaults of a conformance run (defined apart, for the CLI's help). */
export { CHECK_DEFAULTS };

/** The suites a run without a selection runs: every API of the registry, in its order. */
export function defaultSuites(): readonly string[] {
  return [...SUITES.keys()];
}

export interface ConformanceOptions {
  /** The target; undefined starts the embedded reference (with test control) on a free loopback port. */
  readonly target?: Target;
  /** With the embedded reference only: one deliberate fault. */
  readonly fault?: FaultId;
  readonly suites?: readonly string[];
  /** Keep checks covering a rule matching one of these (`JDP-ADD-*`, `JOS-0?`); all when empty. */
  readonly rules?: readonly string[];
  /** Keep checks having one of these tags; all when empty. */
  readonly tags?: readonly string[];
  /** Include the cases generated from the spec's limits (default true). */
  readonly generated?: boolean;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly waivers?: readonly Waiver[];
  readonly strictRef?: boolean;
  /** Scenario folder root (default: the repository's scenarios/). */
  readonly scenariosDir?: string;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: RunEvent) => void;
  /** For tests: today's date `yyyy-MM-dd` for waiver expiry. */
  readonly today?: string;
  /** Checks already planned (planChecks); skips loading and filtering. */
  readonly checks?: readonly PlannedCheck[];
  /**
   * Run the preflight (src/engine/preflight.ts) before the suite: one harmless signed call; a problem
   * throws PreflightError and nothing runs. Off by default here (the API runs what it is given; tests
   * use fake targets); the CLI turns it on unless --no-preflight. Against the embedded reference it
   * runs too (it costs one loopback call and proves the wiring), except with a fault: a deliberate
   * violation must show as failed checks, not as an aborted run.
   */
  readonly preflight?: boolean;
}

/** The target could not be reached at all: the CLI exits 3. */
export class TargetUnreachableError extends Error {
  readonly url: string;
  readonly reason: string;
  constructor(url: string, reason: string) {
    super(`target ${url} is unreachable: ${reason}`);
    this.name = 'TargetUnreachableError';
    this.url = url;
    this.reason = reason;
  }
}

/** Loads and plans the suites (scenarios and generated cases), then filters them. Throws LoadError. */
export function planChecks(
  opts: Pick<ConformanceOptions, 'suites' | 'rules' | 'tags' | 'generated' | 'scenariosDir' | 'cwd'>,
): PlannedCheck[] {
  const suites = opts.suites && opts.suites.length > 0 ? opts.suites : defaultSuites();
  const checks: PlannedCheck[] = [];
  for (const name of suites) {
    const loaded = loadSuite(name, opts.scenariosDir ?? SCENARIOS_DIR, opts.cwd);
    checks.push(...planSuite(loaded));
    if (opts.generated !== false) checks.push(...generateChecks(loaded));
  }
  const patterns = (opts.rules ?? []).map(globToRegExp);
  return checks.filter(
    (c) =>
      (patterns.length === 0 || c.rules.some((r) => patterns.some((p) => p.test(r)))) &&
      ((opts.tags ?? []).length === 0 || c.tags.some((t) => opts.tags!.includes(t))),
  );
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/**
 * A whole conformance run: plan, start the embedded reference when no target is given, estimate the
 * target's clock when a check depends on it, run, assemble the report. Throws LoadError for bad
 * scenarios and TargetUnreachableError when the target answers nothing at all.
 */
export async function runConformance(opts: ConformanceOptions = {}): Promise<RunReport> {
  const checks = opts.checks ?? planChecks(opts);
  // The suites asked for; else those of the checks given; else every default suite.
  const suites =
    opts.suites && opts.suites.length > 0
      ? [...opts.suites]
      : opts.checks
        ? [...new Set(opts.checks.map((c) => c.suite))]
        : [...defaultSuites()];
  const started = new Date();
  const t0 = performance.now();
  let embedded: EmbeddedTarget | undefined;
  let target: Target;
  if (opts.target) target = opts.target;
  else {
    embedded = await startEmbedded(opts.fault ? { fault: opts.fault } : {});
    target = embedded.target;
  }
  try {
    const timeoutMs = opts.timeoutMs ?? CHECK_DEFAULTS.timeoutMs;
    const apis = [...new Set(checks.map((c) => c.api))];
    // Named by the endpoint of the first API the run calls.
    const url = (apis[0] !== undefined ? target.endpoints[apis[0]]?.url : undefined) ?? targetUrl(target);
    const reportTarget: RunReport['target'] = {
      url,
      embedded: target.embedded,
      ...(target.fault ? { fault: target.fault } : {}),
      ...(Object.keys(target.endpoints).length > 1
        ? { endpoints: Object.fromEntries(Object.entries(target.endpoints).map(([api, e]) => [api, e.url])) }
        : {}),
    };
    let checked: Preflight | undefined;
    if (opts.preflight === true && !(target.embedded && target.fault)) {
      checked = await preflight(target, { timeoutMs, apis, ...(opts.signal ? { signal: opts.signal } : {}) });
      if (!checked.ok) throw new PreflightError(checked, reportTarget);
    }
    if (!target.embedded) {
      // The preflight has reached it already; without one, a plain GET says whether anything answers.
      if (!checked) {
        const probe = await httpExchange({
          method: 'GET',
          url,
          timeoutMs,
          maxBodyBytes: LIMITS.controlAnswerMaxBytes,
          signal: opts.signal,
        });
        if (!probe.ok) throw new TargetUnreachableError(url, probe.reason);
      }
      if (!target.clock && checks.some(usesClockSkew)) {
        const estimate = await estimateClockOffset(url, { timeoutMs, signal: opts.signal });
        target = {
          ...target,
          clock: estimate ?? {
            offsetMs: 0,
            uncertaintyMs: LIMITS.unknownClockUncertaintyMs,
            method: 'no Date header: assumed in step with ours, ±5 s',
          },
        };
      }
    }
    // A random block of the SKU pool per run, so list counts never see another run's promotions.
    const poolBase = target.skuPool ? target.skuPool.first + randomInt(target.skuPool.count - POOL_BLOCK + 1) : undefined;
    const concurrency = opts.concurrency ?? CHECK_DEFAULTS.concurrency;
    const tRun = performance.now();
    const results = await runChecks(checks, target, {
      ...(poolBase !== undefined ? { poolBase } : {}),
      concurrency,
      timeoutMs,
      maxBodyBytes: opts.maxBodyBytes ?? CHECK_DEFAULTS.maxBodyBytes,
      signal: opts.signal,
      onEvent: opts.onEvent,
    });
    const prefixes = suites.flatMap((s) => SUITES.get(s)?.rulePrefixes ?? []);
    const report = assembleReport({
      results,
      suites,
      rules: loadRules().filter((r) => prefixes.some((p) => r.id.startsWith(p))),
      target: reportTarget,
      startedAt: started,
      durationMs: Math.round(performance.now() - t0),
      waivers: opts.waivers ?? [],
      today: opts.today ?? todayUtc8(),
      strictRef: opts.strictRef ?? target.embedded,
      parallelism: { concurrency, runMs: performance.now() - tRun },
    });
    return checked ? { ...report, preflight: checked } : report;
  } finally {
    await embedded?.close();
  }
}

function usesClockSkew(c: PlannedCheck): boolean {
  return c.steps.some((s) => s.kind === 'call' && s.step.transport?.clockOffsetS !== undefined);
}
