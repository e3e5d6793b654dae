import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

/** Where a command writes, and what it reads from the environment: injected so tests need no process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (progress and color only then). */
  readonly isTty: boolean;
  readonly cwd: string;
  /** Resolves when the user asks to stop (SIGINT / SIGTERM); long-running commands await it. */
  readonly stopSignal: AbortSignal;
}

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** A command is data: its name, help text, option table and a run function (citty-style). */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help, printed by `--help`. */
  readonly help: string;
  readonly options: Options;
  readonly allowPositionals?: boolean;
  run(values: Values, positionals: string[], io: CliIo): Promise<ExitCode>;
}

export function parseCommandArgs(cmd: Command, argv: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, ...cmd.options },
      strict: true,
      allowPositionals: cmd.allowPositionals ?? false,
    });
    return { values: values as Values, positionals };
  } catch (e) {
    throw new CliError(`${(e as Error).message}\nRun 'promoproof ${cmd.name} --help' for usage.`, EXIT.usage);
  }
}

/** Reads a non-negative integer option, or throws a usage error naming it. */
export function intOption(values: Values, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new CliError(`--${name} must be an integer from ${min} to ${max}, got ${String(raw)}`);
  return n;
}

export function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: Values, name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  const items = Array.isArray(v) ? v.map(String) : [String(v)];
  return items
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
