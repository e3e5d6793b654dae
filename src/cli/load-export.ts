/**
 * `promoproof load --export artillery --workers N --out DIR`: the option checks and the run of the
 * export (src/load/artillery/export.ts). It needs a target every worker can reach on its own: a target
 * config (the embedded reference lives only as long as this process; `promoproof serve` and a config
 * pointing at it stand in for one).
 */
import { isAbsolute, resolve } from 'node:path';
import type { Target } from '../engine/target.js';
import { ExportError, exportArtillery, WORKER_RATE_HINT_PER_S } from '../load/artillery/export.js';
import type { LoadedProfile } from '../load/profile.js';
import type { LoadOverrides } from '../load/run-load.js';
import { SetupError } from '../load/setup.js';
import { intOption, stringOption, type CliIo, type Values } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

/** The most workers an export divides a profile by. */
export const EXPORT_MAX_WORKERS = 10_000;

/** The export's options, checked before anything runs; undefined when `--export` is absent. */
export function exportOptions(values: Values): { readonly workers: number; readonly out: string } | undefined {
  const engine = stringOption(values, 'export');
  if (engine === undefined) {
    if (stringOption(values, 'out') !== undefined) throw new CliError('--out goes with --export artillery');
    return undefined;
  }
  if (engine !== 'artillery') throw new CliError(`--export ${engine}: the one engine is artillery`);
  const out = stringOption(values, 'out');
  if (out === undefined) throw new CliError('--export artillery needs --out DIR');
  if (values['find-capacity']) throw new CliError('--export and --find-capacity do not go together');
  if (stringOption(values, 'model') === 'closed')
    throw new CliError('--export artillery plays the open model (arrivals at their instants); not --model closed');
  // Not shared between workers yet: refused rather than silently dropped.
  for (const flag of ['requests', 'seed', 'fault'])
    if (values[flag] !== undefined)
      throw new CliError(`--${flag} does not apply to --export artillery yet (each worker runs its own share)`);
  if (stringOption(values, 'target-config') === undefined)
    throw new CliError(
      '--export artillery needs --target-config FILE: the workers reach the target themselves (for the reference, run `promoproof serve` and point a config at it)',
    );
  const workers = values['workers'] === undefined ? 1 : intOption(values, 'workers', 1, { min: 1, max: EXPORT_MAX_WORKERS });
  return { workers, out };
}

/** What the export command needs of load's run. */
export interface ExportCommandInput {
  readonly io: CliIo;
  readonly profile: LoadedProfile;
  readonly target: Target;
  readonly targetConfig: string;
  readonly overrides: LoadOverrides;
  readonly workers: number;
  readonly out: string;
}

/** Runs the export and says what it wrote: 0, or 3 when the setup failed against the target. */
export async function runExportCommand(input: ExportCommandInput): Promise<ExitCode> {
  const { io } = input;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  // The per-worker overrides other than rates and durations make no sense for Artillery's pacing.
  const { workers: _threads, model: _model, ...overrides } = input.overrides;
  try {
    const done = await exportArtillery({
      profile: input.profile,
      target: input.target,
      targetConfig: abs(input.targetConfig),
      workers: input.workers,
      outDir: abs(input.out),
      overrides,
      cwd: io.cwd,
      signal: io.stopSignal,
    });
    io.stderr(`setup done in ${done.setup.setupMs} ms\n`);
    io.stdout(
      `exported ${input.profile.doc.profile} for Artillery: ${input.workers} worker(s) × ${done.perWorker.toLocaleString('en-US')} requests = ` +
        `${done.total.toLocaleString('en-US')} (the profile plans ${done.planned.toLocaleString('en-US')}); pool ${done.poolPerWorker} connections per worker\n`,
    );
    if (done.peakRatePerWorker > WORKER_RATE_HINT_PER_S)
      io.stderr(
        `note: each worker is asked for up to ${Math.round(done.peakRatePerWorker)} requests/s; an Artillery worker core sends about ${WORKER_RATE_HINT_PER_S}/s with promoproof's processor: more workers, or its sends come late (the import says so)\n`,
      );
    for (const note of done.notes) io.stderr(`note: ${note}\n`);
    for (const f of done.files) io.stdout(`  ${f}\n`);
    io.stdout(`the commands: ${abs(input.out)}/README.txt\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof SetupError) throw new CliError(e.message, EXIT.unreachable, 'PP_UNREACHABLE');
    if (e instanceof ExportError || e instanceof RangeError) throw new CliError(e.message);
    throw e;
  }
}
