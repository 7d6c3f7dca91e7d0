/**
 * The bad-input catalogue, end to end: every broken dump is reported at a
 * `file:line:col` with what was expected instead, exit code 2, and never a
 * stack trace. The binary and 1 MB inputs are generated here, not committed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from './run-cli.js';

const DIR = 'test/cli/bad-inputs';

interface BadInput {
  name: string;
  file: string;
  /** Where the first error must be reported. */
  line: number;
  column?: number;
}

const generated = mkdtempSync(join(tmpdir(), 'iptlint-bad-'));
afterAll(() => rmSync(generated, { recursive: true, force: true }));

function generate(name: string, content: Uint8Array | string): string {
  const file = join(generated, name);
  writeFileSync(file, content);
  return file;
}

const binary = Buffer.alloc(4096);
for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + 13) % 256;
binary.write('*filter\n', 0);
binary[8] = 0x7f;
binary[9] = 0;

const megaLine = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "${'x'.repeat(1024 * 1024)}" -j ACCEPT\nCOMMIT\n`;

const catalogue: BadInput[] = [
  { name: 'binary garbage', file: generate('garbage.bin', binary), line: 2, column: 2 },
  { name: 'CRLF line ends', file: `${DIR}/crlf.rules`, line: 1 },
  { name: 'UTF-8 BOM', file: `${DIR}/bom.rules`, line: 1, column: 1 },
  { name: 'empty file', file: `${DIR}/empty.rules`, line: 1, column: 1 },
  { name: 'a 1 MB line', file: generate('mega-line.rules', megaLine), line: 3 },
  { name: 'truncated dump without COMMIT', file: `${DIR}/truncated-no-commit.rules`, line: 1, column: 1 },
  { name: 'COMMIT twice', file: `${DIR}/commit-twice.rules`, line: 7, column: 1 },
  { name: 'a rule outside a table', file: `${DIR}/rule-outside-table.rules`, line: 2, column: 1 },
  { name: 'an unknown table', file: `${DIR}/unknown-table.rules`, line: 1, column: 2 },
  { name: 'an unterminated quote', file: `${DIR}/unterminated-quote.rules`, line: 5, column: 51 },
];

describe('bad-input catalogue', () => {
  it.each(catalogue)('$name: located error naming what was expected, exit 2, no stack trace', (input) => {
    const result = runCli(['check', input.file]);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toMatch(STACK_FRAME);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stderr).not.toMatch(/internal error/);
    // A terminal never receives raw control characters from the input.
    expect(result.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);

    const head = new RegExp(`^${escape(input.file)}:${input.line}:${input.column ?? '\\d+'} {2}error {2}`, 'm');
    expect(result.stdout, result.stdout.slice(0, 2000)).toMatch(head);
    const block = result.stdout.slice(result.stdout.search(head)).split('\n\n')[0] ?? '';
    expect(block, block).toMatch(/expected/i);
    expect(result.stdout.length).toBeLessThan(64 * 1024);
  });

  it('reports the same errors in --format json (all inputs in one run)', () => {
    const result = runCli(['check', '--format', 'json', ...catalogue.map((input) => input.file)]);
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout) as { findings: { file: string; severity: string; category: string; line: number; column: number }[] };
    for (const input of catalogue) {
      expect(doc.findings, input.name).toContainEqual(
        expect.objectContaining({
          file: input.file,
          severity: 'error',
          category: 'syntax',
          line: input.line,
          ...(input.column ? { column: input.column } : {}),
        }),
      );
    }
  });

  it('fmt refuses them too, with the errors on stderr and nothing on stdout', () => {
    const sample = new Set(['binary garbage', 'a 1 MB line', 'truncated dump without COMMIT', 'an unterminated quote']);
    for (const input of catalogue.filter((entry) => sample.has(entry.name))) {
      const result = runCli(['fmt', input.file]);
      expect(result.code, input.name).toBe(2);
      expect(result.stdout, input.name).toBe('');
      expect(result.stderr, input.name).toMatch(new RegExp(`^${escape(`${input.file}:${input.line}:`)}`, 'm'));
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
