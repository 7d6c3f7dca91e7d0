import type { ParseOptions } from '../../grammar/index.js';
import type { ParseSettings } from './args.js';

/** What the parser needs of the command's parse settings, for one input. */
export function parseOptionsFor(file: string, settings: Omit<ParseSettings, 'maxInputBytes'>): ParseOptions {
  const { inputFormat, table, family } = settings;
  return { file, format: inputFormat, ...(table === undefined ? {} : { table }), ...(family === undefined ? {} : { family }) };
}
