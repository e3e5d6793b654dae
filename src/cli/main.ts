import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs, type CliIo, type Command } from './command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { bindCommand, checkCommand, loadCommand, serveCommand, signCommand } from './commands.js';
import { VERSION } from '../version.js';

/**
 * The commands, by name: adding one is its entry in commands.ts (help and options), a module with
 * its run, and one line here. Nothing heavy is imported before argv names a command that runs.
 */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([
  [checkCommand.name, checkCommand],
  [loadCommand.name, loadCommand],
  [serveCommand.name, serveCommand],
  [signCommand.name, signCommand],
  [bindCommand.name, bindCommand],
]);

export function mainHelp(): string {
  const w = Math.max(...[...COMMANDS.keys()].map((n) => n.length));
  return `promoproof ${VERSION}: conformance and load harness for e-commerce coupon and promotion APIs

Usage: promoproof <command> [options]

Commands:
${[...COMMANDS.values()].map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

Run 'promoproof <command> --help' for a command's options.
Exit codes: 0 ok, 1 a check that counts failed (load: a non-conformant answer), 2 usage or scenario
error, 3 target unreachable or unusable (preflight, a load setup that failed), 4 no check ran (all
skipped), 5 a load SLO missed, 6 an invalid load run (the generator was saturated), 7 a partial
load audit and nothing worse (never a pass), 70 promoproof itself failed (a bug: please report it).
`;
}

/** Runs the CLI with `argv` (without node and script); answers the exit code, never exits itself. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const cmd = COMMANDS.get(name);
  if (!cmd) {
    io.stderr(`promoproof: unknown command '${name}'\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values['help']) {
      io.stdout(`${cmd.help}\n`);
      return EXIT.ok;
    }
    return await cmd.run(values, positionals, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`promoproof ${cmd.name}: ${e.message} [${e.code}]\n`);
      return e.exitCode;
    }
    io.stderr(`promoproof ${cmd.name}: internal error [PP_INTERNAL]: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}

function processIo(): CliIo {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed pipe (`promoproof … | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    isTty: process.stdout.isTTY === true,
    cwd: process.cwd(),
    stopSignal: controller.signal,
  };
}

const invokedDirectly = (() => {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url)) || /promoproof(\.js)?$/.test(entry);
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  const code = await runCli(process.argv.slice(2), processIo());
  process.exitCode = code;
  // Long-running commands have closed their servers; anything left (keep-alive sockets) must not hold the
  // exit. But not before what was written reached the pipe: where stdout to a pipe is asynchronous (macOS,
  // Windows; synchronous on Linux) an exit with writes pending would cut `check --json | jq` short.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  if (code !== EXIT.ok || !process.argv.includes('serve')) setTimeout(() => process.exit(code), 50).unref();
}

/** Resolves once everything written to `stream` before now has been handed to the OS (writes complete in order). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}
