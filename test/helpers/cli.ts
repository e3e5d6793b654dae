import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/command.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function cli(
  argv: string[],
  opts: {
    env?: Record<string, string>;
    isTty?: boolean;
    cwd?: string;
    signal?: AbortSignal;
    /** Called with each piece of stderr as it is written (a test waiting for a progress line). */
    onStderr?: (text: string) => void;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
      opts.onStderr?.(t);
    },
    env: opts.env ?? {},
    isTty: opts.isTty ?? false,
    cwd: opts.cwd ?? process.cwd(),
    stopSignal: opts.signal ?? new AbortController().signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
