/** A configuration file, validated and with its paths resolved. */
import type { RuleOptionValues, Severity } from '../engine/types.js';
import type { DockerSettings, GivenParseSettings } from '../cli/args.js';

export type ConfiguredSeverity = Severity | 'off';

export interface RuleSetting {
  severity?: ConfiguredSeverity;
  options?: RuleOptionValues;
}

export type RuleSettings = Readonly<Record<string, RuleSetting>>;

export interface ConfigOverride {
  files: readonly string[];
  rules: RuleSettings;
}

export interface Config {
  /** The file it was read from, as found or given. */
  file: string;
  /** `package.json` when the settings are its `iptlint` key. */
  kind: 'json' | 'yaml' | 'package.json';
  /** Directory that override globs and Docker paths are relative to. */
  directory: string;
  rules: RuleSettings;
  overrides: readonly ConfigOverride[];
  /** Docker state paths, already resolved against `directory`. */
  docker: DockerSettings;
  input: GivenParseSettings;
}
