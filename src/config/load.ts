/**
 * Reads a configuration file (JSON, YAML, or package.json's `iptlint` key),
 * validates it against schemas/config.schema.json, then checks what the
 * schema cannot: that every rule id exists and that rule options fit the
 * rule's own option schemas. Every error names the file, line:column, the
 * key path and what was expected.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { newAjv } from '../engine/ajv.js';
import { closestNames } from '../../grammar/suggest.js';
import { allRules } from '../../rules/index.js';
import type { DockerSettings, GivenParseSettings } from '../cli/args.js';
import { DockerInputError, formatKeyPath, type KeyPath } from '../docker/input-error.js';
import { parseStructured, type StructuredFile } from '../docker/structured-file.js';
import { ENGINE_FINDING_IDS } from '../engine/finding-ids.js';
import { ruleOptionsProblem } from '../engine/rule-options.js';
import { messageOf, mostUsefulError, pathOf } from '../engine/schema-errors.js';
import type { RuleMeta, RuleOptionValues } from '../engine/types.js';
import { ConfigError } from './config-error.js';
import { jsonSyntaxError } from './json-syntax.js';
import { readSchema } from './schema-file.js';
import type { Config, ConfigOverride, ConfiguredSeverity, RuleSetting, RuleSettings } from './types.js';

const PACKAGE_KEY = 'iptlint';
const SEVERITY_OR_SETTINGS = 'a severity ("error", "warning", "info" or "off") or an object with "severity" and/or "options"';

let validator: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  validator ??= newAjv({ allErrors: true, strict: false, verbose: true }).compile(readSchema('schemas/config.schema.json'));
  return validator;
}

/** A view of the settings inside the file: the whole document, or package.json's `iptlint` key. */
interface SettingsView {
  value: unknown;
  /** `at: 'key'` points at the key itself (an unknown or misspelt key), else at the value. */
  error(path: KeyPath, message: string, at?: 'key' | 'value'): ConfigError;
}

export function loadConfig(file: string, cwd: string): Config {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const text = readConfigText(file, path);
  const kind = basename(path) === 'package.json' ? 'package.json' : /\.ya?ml$/i.test(path) ? 'yaml' : 'json';
  const jsonError = kind === 'yaml' ? undefined : jsonSyntaxError(file, text);
  if (jsonError) throw new ConfigError(jsonError);
  const source = parseConfigText(file, text);
  const view = settingsView(source, kind === 'package.json');
  const settings = validated(view);
  const directory = dirname(path);
  return {
    file,
    kind,
    directory,
    rules: ruleSettings(view, settings['rules'], ['rules']),
    overrides: ((settings['overrides'] as Record<string, unknown>[] | undefined) ?? []).map(
      (entry, index): ConfigOverride => ({ files: entry['files'] as string[], rules: ruleSettings(view, entry['rules'], ['overrides', index, 'rules']) }),
    ),
    docker: dockerSettings(settings['docker'] as Record<string, string> | undefined, directory),
    input: inputSettings(settings['input'] as Record<string, string> | undefined),
  };
}

function readConfigText(file: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = code === 'ENOENT' ? 'configuration file not found' : code === 'EISDIR' ? 'is a directory, not a configuration file' : `cannot read configuration file (${String(cause)})`;
    throw new ConfigError(`${file}: ${reason}`);
  }
}

function parseConfigText(file: string, text: string): StructuredFile {
  try {
    return parseStructured(file, text);
  } catch (error) {
    if (error instanceof DockerInputError) throw new ConfigError(error.message);
    throw error;
  }
}

function settingsView(source: StructuredFile, insidePackage: boolean): SettingsView {
  const prefix: KeyPath = insidePackage ? [PACKAGE_KEY] : [];
  const toConfigError = (path: KeyPath, message: string, at: 'key' | 'value' = 'value') => {
    const location = at === 'key' ? source.locateKey([...prefix, ...path]) : source.locate([...prefix, ...path]);
    const where = location ? `${source.file}:${location.line}:${location.column}` : source.file;
    return new ConfigError(`${where}: ${message} (at ${formatKeyPath([...prefix, ...path])})`);
  };
  // An empty YAML file is a configuration with nothing set.
  if (!insidePackage) return { value: source.value ?? {}, error: toConfigError };
  const document = source.value;
  if (typeof document !== 'object' || document === null || !Object.hasOwn(document, PACKAGE_KEY)) {
    throw new ConfigError(`${source.file}: has no "${PACKAGE_KEY}" key: put the settings under "${PACKAGE_KEY}", or pass a .iptlintrc.json with --config`);
  }
  return { value: (document as Record<string, unknown>)[PACKAGE_KEY], error: toConfigError };
}

function validated(view: SettingsView): Record<string, unknown> {
  const validate = configValidator();
  if (!validate(view.value)) {
    const error = mostUsefulError(validate.errors ?? []);
    throw view.error(pathOf(error), schemaMessage(error), error.keyword === 'additionalProperties' ? 'key' : 'value');
  }
  return view.value as Record<string, unknown>;
}

/** A rule entry that is neither a severity nor a settings object gets one message for both branches of its `oneOf`. */
function schemaMessage(error: ErrorObject): string {
  const path = pathOf(error);
  const ruleEntry = path.at(-2) === 'rules' && (error.keyword === 'enum' || error.keyword === 'type' || error.keyword === 'oneOf');
  if (ruleEntry) return `expected ${SEVERITY_OR_SETTINGS}`;
  if (error.keyword === 'additionalProperties') {
    const allowed = allowedKeys(error.parentSchema);
    return allowed ? `${messageOf(error)}: expected one of ${allowed}` : messageOf(error);
  }
  return messageOf(error);
}

function allowedKeys(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || !('properties' in schema)) return undefined;
  const properties = schema.properties;
  if (typeof properties !== 'object' || properties === null) return undefined;
  return Object.keys(properties).filter((key) => key !== '$schema').map((key) => JSON.stringify(key)).join(', ');
}

const rulesById = new Map<string, RuleMeta>(allRules.map((rule) => [rule.meta.id, rule.meta]));
const knownIds = [...rulesById.keys(), ...ENGINE_FINDING_IDS];
const knownIdSet = new Set(knownIds);

function ruleSettings(view: SettingsView, value: unknown, path: KeyPath): RuleSettings {
  const settings: Record<string, RuleSetting> = {};
  for (const [id, entry] of Object.entries((value as Record<string, unknown> | undefined) ?? {})) {
    if (!knownIdSet.has(id)) {
      const close = closestNames(id, knownIds);
      const hint = close.length > 0 ? `did you mean ${close.map((name) => JSON.stringify(name)).join(', ')}?` : "run 'iptlint rules' for the rule ids";
      throw view.error([...path, id], `unknown rule ${JSON.stringify(id)}: ${hint}`, 'key');
    }
    if (typeof entry === 'string') {
      settings[id] = { severity: entry as ConfiguredSeverity };
      continue;
    }
    const object = entry as { severity?: ConfiguredSeverity; options?: Record<string, unknown> };
    const setting: RuleSetting = {};
    if (object.severity !== undefined) setting.severity = object.severity;
    if (object.options !== undefined) setting.options = ruleOptions(view, id, object.options, [...path, id, 'options']);
    settings[id] = setting;
  }
  return settings;
}

function ruleOptions(view: SettingsView, id: string, options: Record<string, unknown>, path: KeyPath): RuleOptionValues {
  const meta = rulesById.get(id);
  if (!meta) throw view.error(path, `${id} is not a lint rule and takes no options`);
  const problem = ruleOptionsProblem(meta, options);
  if (problem) throw view.error([...path, ...problem.path], problem.message, problem.unknownKey ? 'key' : 'value');
  return options;
}

function dockerSettings(docker: Record<string, string> | undefined, directory: string): DockerSettings {
  if (!docker) return {};
  const fromConfig = (path: string) => resolve(directory, path);
  return {
    ...(docker['networks'] === undefined ? {} : { networksPath: fromConfig(docker['networks']) }),
    ...(docker['containers'] === undefined ? {} : { containersPath: fromConfig(docker['containers']) }),
    ...(docker['policy'] === undefined ? {} : { policyPath: fromConfig(docker['policy']) }),
    ...(docker['version'] === undefined ? {} : { dockerVersion: docker['version'] }),
  };
}

function inputSettings(input: Record<string, string> | undefined): GivenParseSettings {
  if (!input) return {};
  return {
    ...(input['format'] === undefined ? {} : { inputFormat: input['format'] as GivenParseSettings['inputFormat'] & string }),
    ...(input['table'] === undefined ? {} : { table: input['table'] }),
    ...(input['family'] === undefined ? {} : { family: input['family'] as GivenParseSettings['family'] & string }),
  };
}
