/**
 * `promoproof load --find-capacity`: its options (read before anything runs, so a usage error costs no
 * run), the search against the target (src/load/capacity.ts), its output and its exit code.
 */
import type { Target } from '../engine/target.js';
import {
  CapacityError,
  capacitySettings,
  describeSearch,
  findCapacity,
  latencyOfSlos,
  stepProfile,
  withDefaultGates,
} from '../load/capacity.js';
import { parseDuration } from '../load/profile.js';
import { capacityStepLine, renderCapacityConsole } from '../load/render-capacity.js';
import type { LoadOverrides } from '../load/run-load.js';
import { SetupError } from '../load/setup.js';
import type { GateSlo } from '../load/slo.js';
import type { CapacitySearch, CapacitySettings, LoadProfileDoc, LoadResult } from '../load/types.js';
import { capacityVerdict, type LoadVerdict } from '../load/verdict.js';
import { redactSecrets } from '../report/index.js';
import { intOption, stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

/** The options that mean nothing to a capacity search (it sets the rate, the duration and the model itself). */
const NOT_WITH_CAPACITY: readonly [string, string][] = [
  ['rate', "the search sets each step's rate: --from sets the first"],
  ['duration', 'each step lasts --step-duration'],
  ['workers', 'the search runs the open model, in one thread'],
  ['baseline', 'a baseline compares two runs, not two searches'],
];

/**
 * The search's settings from the command line (unset ones are the defaults, src/load/capacity.ts
 * CAPACITY_DEFAULTS); a usage error for an option a search does not take or a value out of range.
 */
export function capacityOptions(values: Values): Partial<CapacitySettings> {
  for (const [name, why] of NOT_WITH_CAPACITY)
    if (values[name] !== undefined) throw new CliError(`--${name} does not go with --find-capacity: ${why}`);
  if (stringOption(values, 'model') === 'closed')
    throw new CliError('--find-capacity steps the open model (a closed loop has no rate to hold): drop --model closed');
  const num = (name: string, min: number, max: number): number | undefined => {
    const raw = stringOption(values, name);
    if (raw === undefined) return undefined;
    const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= min && n <= max)) throw new CliError(`--${name} must be a number from ${min} to ${max}, got ${raw}`);
    return n;
  };
  const duration = (name: string): number | undefined => {
    const raw = stringOption(values, name);
    if (raw === undefined) return undefined;
    const ms = parseDuration(raw);
    if (ms === undefined || ms <= 0) throw new CliError(`--${name} ${raw}: a duration like 10s, 2m or 500ms`);
    return ms;
  };
  const resolution = stringOption(values, 'resolution');
  const resolutionPct = resolution === undefined ? undefined : /^(\d+(?:\.\d+)?)\s*%?$/.exec(resolution)?.[1];
  if (resolution !== undefined && !(Number(resolutionPct) >= 0.1 && Number(resolutionPct) <= 50))
    throw new CliError(`--resolution must be a percentage from 0.1 % to 50 %, got ${resolution}`);
  const from = values['from'] !== undefined ? intOption(values, 'from', 0, { min: 1, max: 1_000_000 }) : undefined;
  const maxRate = values['max-rate'] !== undefined ? intOption(values, 'max-rate', 0, { min: 1, max: 1_000_000 }) : undefined;
  const maxSteps = values['max-steps'] !== undefined ? intOption(values, 'max-steps', 0, { min: 1, max: 100 }) : undefined;
  const maxRequests = values['requests'] !== undefined ? intOption(values, 'requests', 0, { min: 1, max: 1_000_000_000 }) : undefined;
  const factor = num('factor', 1.05, 10);
  const maxTimeMs = duration('max-time');
  const stepDurationMs = duration('step-duration');
  return {
    ...(from !== undefined ? { fromPerS: from } : {}),
    ...(factor !== undefined ? { factor } : {}),
    ...(resolutionPct !== undefined ? { resolution: Number(resolutionPct) / 100 } : {}),
    ...(maxRate !== undefined ? { maxRatePerS: maxRate } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(maxTimeMs !== undefined ? { maxTimeMs } : {}),
    ...(maxRequests !== undefined ? { maxRequests } : {}),
    ...(stepDurationMs !== undefined ? { stepDurationMs } : {}),
  };
}

/** The profile and settings checked before the target starts: a profile without a steady phase, or settings that cannot make one step, are usage errors. */
export function checkCapacity(doc: LoadProfileDoc, settings: Partial<CapacitySettings>): void {
  try {
    stepProfile(doc);
    capacitySettings(doc, settings);
  } catch (e) {
    if (e instanceof CapacityError) throw new CliError(`--find-capacity: ${e.message}`);
    throw e;
  }
}

/**
 * The search of a command stopped before it began (Ctrl-C while the embedded reference started): no
 * step, `interrupted`, so that the reports of a stopped search say so as a search's, not as a run's.
 */
export function searchNotStarted(doc: LoadProfileDoc, settings: Partial<CapacitySettings>, slos: readonly GateSlo[]): CapacitySearch {
  const gates = withDefaultGates(slos);
  return describeSearch(
    { stoppedBy: 'interrupted', runs: [], durationMs: 0 },
    capacitySettings(doc, settings),
    gates,
    latencyOfSlos(gates),
  );
}

/** What the command hands the search once its target is up. */
export interface CapacityCommandInput {
  readonly values: Values;
  readonly io: CliIo;
  readonly color: boolean;
  readonly profile: { readonly doc: LoadProfileDoc; readonly file: string };
  readonly target: Target;
  readonly settings: Partial<CapacitySettings>;
  readonly overrides: LoadOverrides;
  readonly slos: readonly GateSlo[];
  readonly secrets: readonly string[];
  readonly writeReports: (result: LoadResult) => void;
  readonly reportPaths: readonly string[];
}

/** Runs the search, writes the reports (the steps so far when stopped), prints the table and headline; the exit code (capacityExitOf). */
export async function runCapacityCommand(input: CapacityCommandInput): Promise<ExitCode> {
  const { io, color } = input;
  let result: LoadResult;
  try {
    result = await findCapacity({
      profile: input.profile,
      target: input.target,
      slos: input.slos,
      settings: input.settings,
      overrides: {
        ...(input.overrides.connections !== undefined ? { connections: input.overrides.connections } : {}),
        ...(input.overrides.timeoutMs !== undefined ? { timeoutMs: input.overrides.timeoutMs } : {}),
        ...(input.overrides.seed !== undefined ? { seed: input.overrides.seed } : {}),
      },
      audit: !input.values['no-audit'],
      signal: io.stopSignal,
      onStepStart: (req) => io.stderr(`step ${req.step}: ${req.kind === 'up' ? 'stepping up to' : 'bisecting at'} ${req.ratePerS}/s…\n`),
      // A step's reasons can carry what the target said (a setup's refusal): no secret reaches stderr either.
      onStep: (step) => io.stderr(`${redactSecrets(capacityStepLine(step, { color }), input.secrets)}\n`),
    });
  } catch (e) {
    if (e instanceof SetupError) throw new CliError(e.message, EXIT.unreachable, 'PP_UNREACHABLE');
    if (e instanceof CapacityError) throw new CliError(e.message);
    throw e;
  }
  const safe = redactSecrets(result, input.secrets);
  input.writeReports(safe);
  if (input.values['json']) io.stdout(`${JSON.stringify(safe, null, 2)}\n`);
  else {
    io.stdout(renderCapacityConsole(safe, { color }));
    if (input.reportPaths.length > 0) io.stdout(`Reports: ${input.reportPaths.join(', ')}\n`);
  }
  return safe.capacity ? capacityExitOf(safe.capacity) : EXIT.internal;
}

/** The exit code of each status of a capacity search's verdict. */
const CAPACITY_EXIT: Readonly<Record<LoadVerdict['status'], ExitCode>> = {
  fail: EXIT.checkFailed,
  invalid: EXIT.invalidRun,
  interrupted: EXIT.ok,
  'slo-missed': EXIT.sloMissed,
  partial: EXIT.auditPartial,
  pass: EXIT.ok,
};

/**
 * The exit code of a capacity search: its verdict's (src/load/verdict.ts capacityVerdict, the first that
 * applies): 1 a step not exact, at whatever rate; 6 the generator's limit came first; 0 interrupted
 * (Ctrl-C, as `load` is); 5 no rate held; 7 the held rate's audit was partial; 0 a capacity was found.
 * The reports headline the same verdict, so they cannot disagree with it.
 */
export function capacityExitOf(c: CapacitySearch): ExitCode {
  return CAPACITY_EXIT[capacityVerdict(c).status];
}
