/**
 * One dump file → its model, for the commands that reason about a single
 * ruleset (trace, reach, graph, diff). A dump with syntax errors is refused:
 * its errors are printed and `undefined` comes back (the kernel would refuse
 * it too, so nothing meaningful can be said about it).
 */
import type { Family } from '../../grammar/ast.js';
import { formatters } from '../formatters/index.js';
import type { Model } from '../model/types.js';
import type { ParseSettings } from './args.js';
import { loadInput, resolveInputs } from './inputs.js';
import type { CliIo } from './io.js';
import { lintPrepared, prepareInput } from './lint-input.js';
import { parseOptionsFor } from './parse-options.js';
import { printInputError } from './report-input-error.js';
import { timedAsync, type Timings } from './timings.js';
import { tool } from './version.js';

export interface LoadedDump {
  /** Name as given (`<stdin>` for -). */
  file: string;
  text: string;
  model: Model;
}

export async function loadDumpModel(
  file: string,
  settings: { parse: ParseSettings; color?: boolean },
  io: CliIo,
  family?: Family,
  timings?: Timings,
): Promise<LoadedDump | undefined> {
  const [source] = await resolveInputs([file], io.cwd);
  if (!source) return undefined;
  const parseSettings = family === undefined ? settings.parse : { ...settings.parse, family };
  const load = () => loadInput(source, io, settings.parse.maxInputBytes, parseOptionsFor(source.name, parseSettings));
  const loaded = await timedAsync(timings, 'read', load);
  if (!loaded.ok) {
    printInputError(io, loaded);
    return undefined;
  }
  const { text } = loaded;
  const prepared = prepareInput(loaded.name, text, parseSettings, loaded.parsed, timings);
  if (prepared.kind === 'parsed' && prepared.parse.errors.length === 0) return { file: loaded.name, text, model: prepared.model };
  const linted = lintPrepared(prepared, undefined);
  const errors = linted.findings.filter((finding) => finding.category === 'syntax');
  io.stderr(formatters.stylish([{ status: 'checked', file: loaded.name, source: text, findings: errors }], { color: settings.color ?? io.colorByDefault, tool }));
  return undefined;
}
