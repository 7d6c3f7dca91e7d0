/** The lint options a configuration gives one dump: `rules`, then each matching override in order. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { globMatcher } from '../cli/glob.js';
import type { LintOptions, RuleOptionValues } from '../engine/types.js';
import type { Config, ConfiguredSeverity, RuleSettings } from './types.js';

export type ConfiguredLintOptions = Required<Pick<LintOptions, 'severity' | 'ruleOptions'>>;

/** `dumpFile` as given on the command line (relative to `cwd`); stdin matches no override. */
export function lintOptionsFor(config: Config | undefined, dumpFile: string | undefined, cwd: string): ConfiguredLintOptions {
  const severity: Record<string, ConfiguredSeverity> = {};
  const ruleOptions: Record<string, RuleOptionValues> = {};
  if (!config) return { severity, ruleOptions };
  const apply = (rules: RuleSettings) => {
    for (const [id, setting] of Object.entries(rules)) {
      if (setting.severity !== undefined) severity[id] = setting.severity;
      if (setting.options !== undefined) ruleOptions[id] = { ...ruleOptions[id], ...setting.options };
    }
  };
  apply(config.rules);
  const path = dumpFile === undefined ? undefined : pathFromConfig(config, dumpFile, cwd);
  for (const override of config.overrides) {
    if (path !== undefined && override.files.some((pattern) => globMatcher(pattern)(path))) apply(override.rules);
  }
  return { severity, ruleOptions };
}

function pathFromConfig(config: Config, dumpFile: string, cwd: string): string {
  const absolute = isAbsolute(dumpFile) ? dumpFile : resolve(cwd, dumpFile);
  return relative(config.directory, absolute).split(sep).join('/');
}
