/**
 * ajv's validation errors as one user-facing problem: the key path of the
 * offending value (`rules.duplicate-rule.options.ignoreComments`) and what
 * was expected there. Used for Docker policy files, config files, baselines
 * and rule options alike, so every schema error reads the same way.
 */
import type { ErrorObject } from 'ajv';

export type KeyPath = readonly (string | number)[];

/** The instance path of an error; for an unknown key, the path of that key. */
export function pathOf(error: ErrorObject): (string | number)[] {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment): string | number => (/^\d+$/.test(segment) ? Number(segment) : segment));
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty?: unknown }).additionalProperty;
    if (typeof extra === 'string') segments.push(extra);
  }
  return segments;
}

export function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key ${JSON.stringify(params['additionalProperty'])}`;
    case 'required':
      return `missing required key ${JSON.stringify(params['missingProperty'])}`;
    case 'enum':
      return `must be one of ${(params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params['allowedValue'])}`;
    // `data` and `parentSchema` are there when the validator was compiled with ajv's `verbose` option.
    case 'type':
      return 'data' in error ? `expected ${String(params['type'])}, found ${describeValue(error.data)}` : (error.message ?? error.keyword);
    case 'pattern': {
      const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
      return 'data' in error && typeof description === 'string' ? `found ${describeValue(error.data)}, expected ${description}` : (error.message ?? error.keyword);
    }
    default:
      return error.message ?? error.keyword;
  }
}

/** `oneOf` reports every branch; the most specific error (deepest path) is the useful one. */
export function mostUsefulError(errors: readonly ErrorObject[]): ErrorObject {
  const concrete = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf');
  const pool = concrete.length > 0 ? concrete : errors;
  return pool.reduce((best, error) => (pathOf(error).length > pathOf(best).length ? error : best));
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
