/**
 * A package loaded the first time it is needed. ajv and yaml each cost about
 * 100 ms to load at every process start, and most runs (no config, policy,
 * baseline or YAML file) never use them.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export function packageOnFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(specifier) as T);
}
