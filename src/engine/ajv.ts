/** ajv, loaded on first use (see package-on-first-use.ts). */
import type { Ajv, Options } from 'ajv';
import { packageOnFirstUse } from '../package-on-first-use.js';

const ajvPackage = packageOnFirstUse<typeof import('ajv')>('ajv');

export function newAjv(options: Options): Ajv {
  return new (ajvPackage().Ajv)(options);
}
