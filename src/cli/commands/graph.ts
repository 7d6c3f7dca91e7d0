import { chainGraph, renderDot, renderMermaid } from '../../graph/index.js';
import type { ParsedCommand } from '../args.js';
import { loadDumpModel } from '../dump-model.js';
import { ExitCode } from '../exit-code.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

type GraphCommand = Extract<ParsedCommand, { command: 'graph' }>;

export async function runGraph(cmd: GraphCommand, io: CliIo): Promise<ExitCode> {
  const loaded = await loadDumpModel(cmd.file, cmd, io);
  if (!loaded) return ExitCode.failure;
  const { model } = loaded;
  const tables = [...model.tables.keys()];
  if (cmd.table !== undefined && !model.tables.has(cmd.table)) {
    throw new UsageError(`${loaded.file} has no table '${cmd.table}'`, `use one of its tables: ${tables.join(', ') || '(none)'}`);
  }
  const graphs = chainGraph(model, { ...(cmd.table === undefined ? {} : { table: cmd.table }), ...(cmd.chain === undefined ? {} : { chain: cmd.chain }) });
  if (cmd.chain !== undefined && graphs.length === 0) {
    const where = cmd.table === undefined ? `any table of ${loaded.file}` : `table ${cmd.table} of ${loaded.file}`;
    throw new UsageError(`no chain '${cmd.chain}' in ${where}`, 'chain names are case-sensitive; run without --chain to see every chain');
  }
  io.stdout(cmd.format === 'mermaid' ? renderMermaid(graphs) : renderDot(graphs, loaded.file));
  return ExitCode.ok;
}
