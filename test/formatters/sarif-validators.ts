/**
 * The two judges of SARIF output: the SARIF 2.1.0 JSON Schema (the copy the
 * SARIF SDK ships in its npm package) compiled with ajv, and the SDK's own
 * validator `sarif-multitool validate`, which adds the spec's rules beyond
 * the schema (rule indexes, URI forms, region order…).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);

/** Path of the multitool executable for this platform (the package's own export). */
export const multitoolPath: string = require('@microsoft/sarif-multitool');

export function sarifSchemaPath(): string {
  return require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
}

/**
 * Not ajv's strict mode: the schema is third-party and uses constructs ajv's
 * strict mode rejects as sloppy (`required` of properties declared
 * elsewhere); every keyword and format is still checked.
 */
export function compileSarifSchema(): ValidateFunction {
  const schema: object = JSON.parse(readFileSync(sarifSchemaPath(), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  addFormats(ajv);
  return ajv.compile(schema);
}

export interface MultitoolIssue {
  level: string;
  ruleId: string;
  text: string;
}

/**
 * Runs `sarif-multitool validate` over the files; returns what it reports at
 * level error or warning (its notes are advice such as "embed file contents").
 */
export function runMultitool(files: readonly string[], outputDir: string): MultitoolIssue[] {
  const output = join(outputDir, 'validation.sarif');
  const result = spawnSync(multitoolPath, ['validate', ...files, '--output', output, '--log', 'ForceOverwrite', '--level', 'Error;Warning;Note'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`sarif-multitool exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  const log = JSON.parse(readFileSync(output, 'utf8')) as {
    runs: { results?: { level?: string; ruleId: string; message: { text?: string; arguments?: string[] } }[] }[];
  };
  return (log.runs[0]?.results ?? [])
    .map((r) => ({ level: r.level ?? 'warning', ruleId: r.ruleId, text: (r.message.arguments ?? []).join(' | ') }))
    .filter((issue) => issue.level === 'error' || issue.level === 'warning');
}
