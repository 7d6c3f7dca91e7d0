/**
 * ajv, loaded on first use. Loading the package costs about 100 ms at every
 * process start; most runs validate nothing (no config file, baseline,
 * policy or rule options) and should not pay it.
 */
import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';

const load = createRequire(import.meta.url);
let ajvPackage: typeof import('ajv') | undefined;

export function newAjv(options: Options): Ajv {
  ajvPackage ??= load('ajv') as typeof import('ajv');
  return new ajvPackage.Ajv(options);
}
