/**
 * CLI entry: `main(argv)` resolves to the exit code and never rejects.
 * Usage mistakes print one line and a hint; anything unexpected prints an
 * "internal error" line, without a stack trace unless IPTLINT_DEBUG is set.
 */
import { neutralize } from '../formatters/terminal-text.js';
import { fastArgs } from './fast-args.js';
import { ExitCode } from './exit-code.js';
import { exitQuietlyOnClosedPipe, processIo, type CliIo } from './io.js';
import { UsageError } from './usage-error.js';

export async function main(argv: string[], customIo?: CliIo): Promise<number> {
  if (!customIo) exitQuietlyOnClosedPipe();
  const io = customIo ?? processIo();
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`iptlint: ${neutralize(error.reason)}\nhint: ${neutralize(error.hint)}\n`);
      return ExitCode.failure;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`iptlint: internal error: ${neutralize(message)}, please report\n`);
    if (process.env['IPTLINT_DEBUG'] && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
    return ExitCode.failure;
  }
}

async function run(argv: string[], io: CliIo): Promise<ExitCode> {
  // yargs is loaded only for command lines the fast reader does not handle.
  const cmd = fastArgs(argv) ?? (await (await import('./args.js')).parseArgs(argv));
  switch (cmd.command) {
    case 'show':
      io.stdout(cmd.text);
      return ExitCode.ok;
    // Commands load the parser and rules lazily so --help, --version and usage errors stay fast.
    case 'check':
      return (await import('./commands/check.js')).runCheck(cmd, io);
    case 'scan':
      return (await import('./commands/scan.js')).runScan(cmd, io);
    case 'fmt':
      return (await import('./commands/fmt.js')).runFmt(cmd, io);
    case 'rules':
      return (await import('./commands/rules.js')).runRules(cmd, io);
    case 'trace':
      return (await import('./commands/trace.js')).runTrace(cmd, io);
    case 'reach':
      return (await import('./commands/reach.js')).runReach(cmd, io);
    case 'graph':
      return (await import('./commands/graph.js')).runGraph(cmd, io);
    case 'diff':
      return (await import('./commands/diff.js')).runDiff(cmd, io);
  }
}
