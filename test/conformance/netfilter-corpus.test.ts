/**
 * Conformance against the netfilter project's own test data
 * (../shared/netfilter-corpus, see its INDEX.md):
 * (a) every iptables-save dump parses without errors and prints back byte for byte;
 * (b) every `.t` rule iptables accepts (OK for either backend) parses, both as
 *     typed (`input`) and as iptables-save prints it (`expected_save`), and the
 *     saved form prints back exactly.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, print, type Family, type ParseError } from '../../grammar/index.js';
import { readTCases, type TCase } from '../../scripts/lib/t-cases.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(REPO_ROOT, '../shared/netfilter-corpus');
const available = existsSync(CORPUS);

if (!available) {
  const message = `netfilter corpus not found at ${CORPUS}: conformance tests SKIPPED`;
  if (process.env.CI) throw new Error(`${message} (CI is set: shared data is required)`);
  console.warn(`\n!!! ${message} !!!\n`);
}

/** Files under dumps/ that are not iptables-save text. */
const NOT_SAVE_FORMAT = new Set(['nft-only/0010-nft-native.txt']);

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** OK on at least one backend: RESULT, or with a VARIANT the other backend's ALT (default: the inverse). */
function acceptedByIptables(record: TCase): boolean {
  if (record.result === 'OK') return true;
  if (record.variant === undefined) return false;
  return record.alt_result === 'OK' || (record.alt_result === undefined && record.result === 'FAIL');
}

const describeIfCorpus = available ? describe : describe.skip;

const describeErrors = (errors: ParseError[]): string => errors.map((error) => `${error.code} ${error.span.line}:${error.span.column} ${error.message}`).join('; ');

describeIfCorpus('netfilter corpus: dumps', () => {
  const dumps = available
    ? filesUnder(join(CORPUS, 'dumps'))
        .map((path) => relative(join(CORPUS, 'dumps'), path))
        .filter((path) => !path.endsWith('.xml') && !NOT_SAVE_FORMAT.has(path))
        .sort()
    : [];

  it('finds the dumps', () => {
    expect(dumps.length).toBeGreaterThanOrEqual(9);
    console.log(`netfilter corpus: ${dumps.length} iptables-save dumps`);
  });

  for (const path of dumps) {
    it(`${path} parses without errors and prints back identically`, () => {
      const text = readFileSync(join(CORPUS, 'dumps', path), 'utf8');
      const result = parse(text, { file: path });
      expect(describeErrors(result.errors)).toBe('');
      expect(print(result)).toBe(text);
    });
  }
});

describeIfCorpus('netfilter corpus: extensions .t cases', () => {
  const records: TCase[] = available
    ? readTCases(join(CORPUS, 't-cases.jsonl'))
    : [];
  const cases = records.filter(
    (record) =>
      record.kind !== 'external-command' &&
      (record.families ?? []).some((family) => family === 'ipv4' || family === 'ipv6') &&
      acceptedByIptables(record),
  );

  function restoreFile(record: TCase, spec: string): { text: string; family: Family } {
    const family: Family = record.families?.includes('ipv4') ? 'ipv4' : 'ipv6';
    return { text: `*${record.table ?? 'filter'}\n-A ${record.chains?.[0] ?? 'INPUT'} ${spec}\nCOMMIT\n`, family };
  }

  it('every accepted rule parses and its saved form prints back exactly', () => {
    const savedFailures: string[] = [];
    const inputFailures: string[] = [];
    for (const record of cases) {
      const where = `${record.file}:${record.line}`;
      const input = record.input ?? '';
      const saved = record.expected_save === '=' || record.expected_save == null ? input : record.expected_save;

      const savedFile = restoreFile(record, saved);
      const savedResult = parse(savedFile.text, { family: savedFile.family });
      const printed = print(savedResult);
      if (savedResult.errors.length > 0 || printed !== savedFile.text) {
        savedFailures.push(`${where} ${JSON.stringify(saved)}: ${describeErrors(savedResult.errors) || `printed ${JSON.stringify(printed)}`}`);
      }

      const inputFile = restoreFile(record, input);
      const inputResult = parse(inputFile.text, { family: inputFile.family });
      if (inputResult.errors.length > 0) inputFailures.push(`${where} ${JSON.stringify(input)}: ${describeErrors(inputResult.errors)}`);
    }
    console.log(
      `netfilter .t cases: ${cases.length} accepted by iptables (of ${records.length} records); ` +
        `saved form: ${cases.length - savedFailures.length} ok, ${savedFailures.length} failed; ` +
        `input form: ${cases.length - inputFailures.length} ok, ${inputFailures.length} failed`,
    );
    expect(cases.length).toBeGreaterThan(700);
    expect(savedFailures).toEqual([]);
    expect(inputFailures).toEqual([]);
  });
});
