/**
 * Crash bug of the long fuzz run (seed 20261128, cases 26395, 61435): after a
 * UTF-8 BOM, line 1's positions were off by one. The rule now: the BOM is not
 * a column. The parser reports it once (`syntax/bom`, at 1:1) and counts line
 * 1's columns from the character after it; span offsets index the text as
 * given; every consumer of source lines (stylish excerpts, SARIF snippets,
 * fingerprints) drops it. `fmt` never writes it back: a BOM is a syntax error,
 * so `fmt` refuses the file like any other, and the printer writes no BOM.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { print } from '../../grammar/index.js';
import { fingerprintFindings } from '../../src/engine/fingerprint.js';
import { checkText } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { formatters } from '../../src/formatters/index.js';
import { runMain } from '../cli/run-cli.js';

const BOM = '\ufeff';
const TOOL = { name: 'iptlint', version: 'test' };
const FIXTURES = ['fixtures/kernel/legacy/docker-host.list', 'fixtures/kernel/legacy/kitchen-sink.list', 'fixtures/kernel/nft/docker-host.rules'];

function lint(text: string): Finding[] {
  return checkText(text, { file: 'dump.rules' }).findings;
}

function withoutBomFinding(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.ruleId !== 'syntax/bom');
}

function positions(findings: readonly Finding[]): string[] {
  return findings.map(({ ruleId, span }) => `${ruleId} ${span.line}:${span.column}-${span.endLine}:${span.endColumn}`);
}

describe('a UTF-8 BOM is not a column', () => {
  it.each(FIXTURES)('%s: with a BOM, the same findings at the same lines and columns, offsets one further, same fingerprints', (path) => {
    const text = readFileSync(path, 'utf8');
    const plain = lint(text);
    const marked = lint(BOM + text);
    if (path.endsWith('docker-host.list')) expect(plain.some((finding) => finding.span.line === 1), 'a finding on line 1').toBe(true);
    expect(marked.filter((finding) => finding.ruleId === 'syntax/bom').map((finding) => finding.span)).toEqual([{ line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0 }]);
    const rest = withoutBomFinding(marked);
    expect(positions(rest)).toEqual(positions(plain));
    expect(rest.map((finding) => finding.span.offset)).toEqual(plain.map((finding) => finding.span.offset + 1));
    expect(fingerprintFindings(rest, BOM + text)).toEqual(fingerprintFindings(plain, text));
  });

  const brokenLine = '-A INPUT -p tcp --dport\n';

  it('a syntax error at the end of line 1 is at 1:24 with or without a BOM', () => {
    expect(positions(withoutBomFinding(lint(BOM + brokenLine)))).toEqual(['syntax/missing-argument 1:24-1:24']);
    expect(positions(lint(brokenLine))).toEqual(['syntax/missing-argument 1:24-1:24']);
  });

  it('stylish shows line 1 without the BOM and its caret where it is without one', () => {
    const excerpt = (text: string): string => {
      const findings = withoutBomFinding(lint(text));
      const output = formatters.stylish([{ status: 'checked', file: 'dump.rules', source: text, findings }], { color: false, tool: TOOL });
      return output.split('\n').slice(1, 4).join('\n');
    };
    expect(excerpt(BOM + brokenLine)).toBe(excerpt(brokenLine));
    expect(excerpt(brokenLine)).toContain('1 | -A INPUT -p tcp --dport\n  |                        ^');
  });

  it('SARIF regions and snippets of line 1 are those of the file without a BOM', () => {
    const results = (text: string): unknown => {
      const findings = withoutBomFinding(lint(text));
      const sarif = JSON.parse(formatters.sarif([{ status: 'checked', file: 'dump.rules', source: text, findings }], { color: false, tool: TOOL })) as {
        runs: { results: { locations: unknown; partialFingerprints: unknown }[] }[];
      };
      return sarif.runs[0]?.results.map((result) => [result.locations, result.partialFingerprints]);
    };
    expect(results(BOM + brokenLine)).toEqual(results(brokenLine));
  });

  it('fmt refuses a file with a BOM (exit 2, syntax/bom at 1:1); the printer writes none', async () => {
    const text = readFileSync('fixtures/kernel/legacy/docker-host.rules', 'utf8');
    const result = await runMain(['fmt', '-'], BOM + text);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('<stdin>:1:1  error  the input starts with a UTF-8 byte order mark');
    const parsed = checkText(BOM + text).parse;
    expect(print(parsed)).toBe(print(checkText(text).parse));
    expect(print(parsed).charCodeAt(0)).not.toBe(0xfeff);
  });
});
