import type { FileReport } from '../../formatters/types.js';
import type { ParsedCommand } from '../args.js';
import { readDockerState } from '../docker-state.js';
import { decodeDump } from '../decode.js';
import { ExitCode } from '../exit-code.js';
import { loadInput, refuseTerminalStdin, resolveInputs } from '../inputs.js';
import type { CliIo } from '../io.js';
import { emitReports, lintDumps, type DumpToLint } from '../lint-pipeline.js';
import { printInputError } from '../report-input-error.js';

type CheckCommand = Extract<ParsedCommand, { command: 'check' }>;

export async function runCheck(cmd: CheckCommand, io: CliIo): Promise<ExitCode> {
  if (cmd.files.length === 0) refuseTerminalStdin(io.stdinIsTTY);
  const sources = await resolveInputs(cmd.files, io.cwd);
  const docker = readDockerState(cmd.docker, io);
  if (docker === 'failed') return ExitCode.failure;

  const unreadable: FileReport[] = [];
  const dumps: DumpToLint[] = [];
  for (const source of sources) {
    const loaded = await loadInput(source, io.cwd, io.readStdin);
    if (!loaded.ok) {
      printInputError(io, loaded);
      unreadable.push({ status: 'unreadable', file: loaded.name, error: loaded.error });
      continue;
    }
    dumps.push({ file: loaded.name, text: decodeDump(loaded.bytes), parse: cmd.parse });
  }

  const linted = lintDumps(dumps, docker, cmd, io);
  return emitReports([...unreadable, ...linted.reports], unreadable.length > 0 || linted.syntaxErrors, cmd, io);
}
