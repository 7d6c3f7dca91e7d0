import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** Compiles one of the published schemas in `schemas/` (strict: a sloppy schema fails the test). */
export function compileSchema(name: 'findings.schema.json' | 'rules.schema.json'): ValidateFunction {
  const schema: object = JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8'));
  return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
}
