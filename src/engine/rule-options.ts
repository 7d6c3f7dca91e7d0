/**
 * Rule options: each rule declares its options in `meta.options` (a JSON
 * Schema and a default per option); the configured values are validated
 * against those schemas and completed with the defaults before the rule runs.
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { newAjv } from './ajv.js';
import { messageOf, mostUsefulError, pathOf, type KeyPath } from './schema-errors.js';
import type { RuleMeta, RuleOptionValues } from './types.js';

export interface RuleOptionsProblem {
  /** Key path inside the rule's options object (`['ignoreChains', 0]`). */
  path: KeyPath;
  message: string;
  /** The problem is a key the rule does not know (point at the key, not its value). */
  unknownKey: boolean;
}

let ajv: Ajv | undefined;
const validators = new WeakMap<RuleMeta, ValidateFunction>();

function validatorOf(meta: RuleMeta): ValidateFunction {
  let validate = validators.get(meta);
  if (!validate) {
    const properties = Object.fromEntries(Object.entries(meta.options ?? {}).map(([name, spec]) => [name, spec.schema]));
    validate = (ajv ??= newAjv({ allErrors: true, strict: false, verbose: true })).compile({ type: 'object', properties, additionalProperties: false });
    validators.set(meta, validate);
  }
  return validate;
}

/** What is wrong with `values` as options of this rule, or undefined when they are valid. */
export function ruleOptionsProblem(meta: RuleMeta, values: unknown): RuleOptionsProblem | undefined {
  const validate = validatorOf(meta);
  if (validate(values)) return undefined;
  const error = mostUsefulError(validate.errors ?? []);
  const path = pathOf(error);
  const names = Object.keys(meta.options ?? {});
  const unknownKey = error.keyword === 'additionalProperties';
  const accepted = names.length === 0 ? 'this rule takes no options' : `its options are ${names.join(', ')}`;
  return { path, message: unknownKey ? `${messageOf(error)}: ${accepted}` : messageOf(error), unknownKey };
}

/** Configured values over the defaults; invalid values throw (the CLI validates config files earlier, with locations). */
export function resolveRuleOptions(meta: RuleMeta, configured: RuleOptionValues | undefined): RuleOptionValues {
  const defaults = Object.fromEntries(Object.entries(meta.options ?? {}).map(([name, spec]) => [name, spec.default]));
  if (configured === undefined) return defaults;
  const problem = ruleOptionsProblem(meta, configured);
  if (problem) {
    const where = ['options', ...problem.path].map(String).join('.');
    throw new TypeError(`invalid options for rule ${meta.id}: ${where}: ${problem.message}`);
  }
  return { ...defaults, ...configured };
}
