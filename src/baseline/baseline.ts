/**
 * Baselines: findings accepted for now, so that CI fails only on new ones.
 * The file (schemas/baseline.schema.json) maps each dump, by path relative
 * to the baseline file, to the fingerprints of its accepted findings
 * (src/engine/fingerprint.ts), with the rule id and message for people.
 * Syntax errors are never baselined: a dump iptables-restore refuses must be fixed.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { newAjv } from '../engine/ajv.js';
import { jsonSyntaxError } from '../config/json-syntax.js';
import { readSchema } from '../config/schema-file.js';
import { DockerInputError, formatKeyPath } from '../docker/input-error.js';
import { parseStructured } from '../docker/structured-file.js';
import { fingerprintFindings } from '../engine/fingerprint.js';
import { messageOf, mostUsefulError, pathOf } from '../engine/schema-errors.js';
import type { Finding } from '../engine/types.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  ruleId: string;
  message: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  tool?: string;
  /** Dump path (relative to the baseline file, `/`-separated) → fingerprint → entry. */
  files: Record<string, Record<string, BaselineEntry>>;
}

/** A baseline file that cannot be used: the message starts with `file[:line:col]:`. */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
}

let validator: ValidateFunction | undefined;

export function readBaseline(file: string, cwd: string): Baseline {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    throw new BaselineError(`${file}: ${code === 'ENOENT' ? 'baseline file not found (create it with --update-baseline)' : `cannot read baseline file (${String(cause)})`}`);
  }
  const jsonError = jsonSyntaxError(file, text);
  if (jsonError) throw new BaselineError(jsonError);
  let source;
  try {
    source = parseStructured(file, text);
  } catch (error) {
    if (error instanceof DockerInputError) throw new BaselineError(error.message);
    throw error;
  }
  validator ??= newAjv({ allErrors: true, strict: false, verbose: true }).compile(readSchema('schemas/baseline.schema.json'));
  if (!validator(source.value)) {
    const error = mostUsefulError(validator.errors ?? []);
    const message = error.keyword === 'pattern' && error.propertyName !== undefined ? `${JSON.stringify(error.propertyName)} is not a fingerprint (32 hex digits, ":", a count)` : messageOf(error);
    if (error.propertyName === undefined) throw new BaselineError(source.error(pathOf(error), message).message);
    const keyPath = [...pathOf(error), error.propertyName];
    const location = source.locateKey(keyPath);
    throw new BaselineError(`${file}${location ? `:${location.line}:${location.column}` : ''}: ${message} (at ${formatKeyPath(keyPath)})`);
  }
  return source.value as Baseline;
}

/** How a dump is named in the baseline: relative to the baseline file's directory, `/`-separated. */
export function baselineKey(baselineFile: string, dumpFile: string, cwd: string): string {
  if (dumpFile === '<stdin>') return dumpFile;
  const directory = dirname(isAbsolute(baselineFile) ? baselineFile : resolve(cwd, baselineFile));
  return relative(directory, isAbsolute(dumpFile) ? dumpFile : resolve(cwd, dumpFile)).split(sep).join('/');
}

/** The entries to record for one dump's findings. */
export function baselineEntries(findings: readonly Finding[], source: string): Record<string, BaselineEntry> {
  const accepted = findings.filter((finding) => finding.category !== 'syntax');
  const prints = fingerprintFindings(accepted, source);
  const entries: Record<string, BaselineEntry> = {};
  accepted.forEach((finding, index) => {
    entries[prints[index] ?? ''] = { ruleId: finding.ruleId, message: finding.message };
  });
  return entries;
}

/** Splits one dump's findings into new ones and those the baseline accepts. */
export function applyBaseline(findings: readonly Finding[], source: string, entries: Readonly<Record<string, BaselineEntry>> | undefined): { fresh: Finding[]; baselined: number } {
  if (!entries) return { fresh: [...findings], baselined: 0 };
  const candidates = findings.filter((finding) => finding.category !== 'syntax');
  const fingerprints = fingerprintFindings(candidates, source);
  const prints = new Map(candidates.map((finding, index) => [finding, fingerprints[index]]));
  const fresh = findings.filter((finding) => {
    const print = prints.get(finding);
    return print === undefined || !Object.hasOwn(entries, print);
  });
  return { fresh, baselined: findings.length - fresh.length };
}

/** Writes the file through a temporary file in the same directory and a rename, so readers never see half a baseline. */
export function writeBaseline(file: string, cwd: string, baseline: Baseline): void {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const sorted: Baseline = { version: baseline.version, ...(baseline.tool ? { tool: baseline.tool } : {}), files: {} };
  for (const name of Object.keys(baseline.files).sort()) {
    const entries = baseline.files[name] ?? {};
    if (Object.keys(entries).length > 0) sorted.files[name] = entries;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, JSON.stringify(sorted, null, 2) + '\n', { flag: 'wx' });
    renameSync(temporary, path);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw new BaselineError(`${file}: cannot write baseline (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}
