import type { RunErrorCode } from '../core/errors.js';

/** Process exit codes of the CLI; documented in the README (a test keeps them in step). */
export const EXIT = {
  /** Every check that counts passed (check); clean shutdown (serve). */
  ok: 0,
  /** A check that counts (`must`; `ref` too under strict ref) failed or errored, or a waiver expired. */
  checkFailed: 1,
  /** Usage error, or a scenario / config / waiver file that does not load (file:line:column given). */
  usage: 2,
  /** The run did not happen: the target could not be reached, or the preflight found a problem (not a JOS router, wrong credentials, clock, test-control absent). */
  unreachable: 3,
  /** No check ran: every selected check was skipped (or skipped and inconclusive). A gate that verified nothing does not pass. */
  nothingRan: 4,
  /** load: an SLO was missed, or could not be measured (a gate that measured nothing does not pass). */
  sloMissed: 5,
  /** load: the run is invalid — the generator was saturated (late sends, its CPU pinned), so its figures measure this machine, not the target. */
  invalidRun: 6,
  /** load: the audit after the run was partial (the target lacks a query it needs, or refused one) and nothing worse happened: a partial audit is never a pass. */
  auditPartial: 7,
  /** promoproof itself failed (a bug: please report it). */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with a given exit code, a one-line message and its code (src/core/errors.ts). */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly code: RunErrorCode;
  constructor(message: string, exitCode: ExitCode = EXIT.usage, code?: RunErrorCode) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.code = code ?? (exitCode === EXIT.unreachable ? 'PP_UNREACHABLE' : exitCode === EXIT.internal ? 'PP_INTERNAL' : 'PP_USAGE');
  }
}
