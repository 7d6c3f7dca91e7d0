/**
 * check's configuration: --config FILE, or the first configuration file
 * found walking up from the working directory. A bad file is reported with
 * its location and stops the run (exit 2): linting with half a
 * configuration would report what the user has turned off.
 */
import { isAbsolute, relative } from 'node:path';
import { ConfigError, findConfigFile, loadConfig, type Config } from '../config/index.js';
import { neutralize } from '../formatters/terminal-text.js';
import type { CliIo } from './io.js';

export type ConfigState = { config: Config | undefined; description: string } | 'failed';

export function readConfigState(configPath: string | undefined, io: CliIo): ConfigState {
  const found = configPath ?? findConfigFile(io.cwd);
  if (found === undefined) return { config: undefined, description: 'config: none (no .iptlintrc.json, .iptlintrc.yaml, .iptlintrc.yml or package.json "iptlint" key in the working directory or above)' };
  const shown = configPath ?? displayPath(found, io.cwd);
  try {
    const config = loadConfig(shown, io.cwd);
    return { config, description: `config: ${shown}${configPath === undefined ? ' (found walking up from the working directory)' : ' (--config)'}` };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`iptlint: ${neutralize(error.message)}\nhint: fix the configuration file (its schema: schemas/config.schema.json; rule ids: 'iptlint rules'); nothing was checked\n`);
    return 'failed';
  }
}

/** Relative to the working directory when below it, so messages stay short. */
function displayPath(path: string, cwd: string): string {
  const fromCwd = relative(cwd, path);
  return fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd;
}
