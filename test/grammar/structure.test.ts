import { describe, expect, it } from 'vitest';
import { REPEATED_ERROR_LIMIT } from '../../grammar/error-collector.js';
import { parse, print } from '../../grammar/index.js';
import { errorAt } from './helpers.js';

const errorsOf = (text: string): string[] => parse(text).errors.map(errorAt);

describe('tables and COMMIT (iptables-format.md §1.1)', () => {
  it('a well-formed dump has tables with chains, commands and commit', () => {
    const result = parse('*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n*filter\nCOMMIT\n');
    expect(result.errors).toEqual([]);
    expect(result.format).toBe('save');
    expect(result.tables.map((table) => [table.name, table.chains.length, table.commands.length, table.commit?.span.line])).toEqual([
      ['nat', 1, 1, 4],
      ['filter', 0, 0, 6],
    ]);
    expect(result.tables[0]?.span).toMatchObject({ line: 1, endLine: 4 });
  });

  it('a rule line outside a table', () => {
    const result = parse('*filter\nCOMMIT\n-A INPUT -j ACCEPT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/outside-table@3:1']);
    expect(result.errors[0]?.message).toContain('table `filter` was committed at line 2');
    expect(result.errors[0]?.expected).toContain('*filter');
    expect(result.statements[2]?.kind).toBe('command');
  });

  it('a chain line outside a table', () => {
    expect(errorsOf(':INPUT ACCEPT [0:0]\n*filter\nCOMMIT\n')).toEqual(['syntax/outside-table@1:1']);
  });

  it('COMMIT without a table, and COMMIT twice', () => {
    expect(errorsOf('COMMIT\n*filter\nCOMMIT\n')).toEqual(['syntax/commit-outside-table@1:1']);
    const result = parse('*filter\nCOMMIT\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/commit-outside-table@3:1']);
    expect(result.errors[0]?.message).toContain('already committed at line 2');
  });

  it('* inside an open table', () => {
    const result = parse('*filter\n-A INPUT -j ACCEPT\n*nat\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/nested-table@3:1']);
    expect(result.errors[0]?.message).toContain('table `filter` (line 1) is still open');
    expect(result.tables.map((table) => table.name)).toEqual(['filter', 'nat']);
  });

  it('a table not closed at EOF is reported at its header', () => {
    const result = parse('# x\n*filter\n-A INPUT -j ACCEPT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/missing-commit@2:1']);
    expect(result.errors[0]?.message).toContain('input ends at line 3');
    expect(result.errors[0]?.expected).toBe('COMMIT');
  });

  it('unknown table names; trailing text after the name is accepted', () => {
    const result = parse('*filtre\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/unknown-table@1:2']);
    expect(result.errors[0]?.expected).toContain('filter');
    expect(parse('* filter extra words\nCOMMIT\n').errors).toEqual([]);
    expect(parse('* filter extra words\nCOMMIT\n').statements[0]).toMatchObject({ kind: 'table', name: { text: 'filter' }, trailing: 'extra words' });
  });

  it('* without a name', () => {
    expect(errorsOf('*\nCOMMIT\n')).toEqual(['syntax/missing-table-name@1:1']);
  });

  it('COMMIT with a trailing blank is not COMMIT', () => {
    const result = parse('*filter\nCOMMIT \n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/commit-trailing-blank@2:1']);
    expect(result.statements[1]).toEqual({ kind: 'invalid', text: 'COMMIT ', span: expect.anything() });
  });

  it('COMMIT at EOF without a newline is accepted (nft ≥ 1.8.4)', () => {
    const result = parse('*filter\nCOMMIT');
    expect(result.errors).toEqual([]);
    expect(result.missingFinalNewline).toBe(true);
  });
});

describe('chain declarations (§2.2)', () => {
  it('parses name, policy, counters and ignored trailing words', () => {
    const result = parse('*filter\n:INPUT DROP [12:3456] extra\n:MY - [0:0]\n:NOCOUNT ACCEPT\nCOMMIT\n');
    expect(result.errors).toEqual([]);
    expect(result.tables[0]?.chains.map((chain) => [chain.name.text, chain.policy.text, chain.counters?.packets, chain.counters?.bytes, chain.trailing])).toEqual([
      ['INPUT', 'DROP', '12', '3456', 'extra'],
      ['MY', '-', '0', '0', undefined],
      ['NOCOUNT', 'ACCEPT', undefined, undefined, undefined],
    ]);
  });

  it('malformed chain lines and counters', () => {
    const missingPolicy = parse('*filter\n:INPUT\nCOMMIT\n');
    expect(missingPolicy.errors.map(errorAt)).toEqual(['syntax/bad-chain-line@2:1']);
    expect(missingPolicy.errors[0]?.expected).toContain(':INPUT ACCEPT');
    expect(errorsOf('*filter\n:\nCOMMIT\n')).toEqual(['syntax/bad-chain-line@2:1']);
    expect(errorsOf('*filter\n:INPUT ACCEPT bar\nCOMMIT\n')).toEqual(['syntax/bad-counters@2:15']);
    expect(parse('*filter\n:INPUT ACCEPT bar\nCOMMIT\n').statements[1]).toMatchObject({ kind: 'invalid', text: ':INPUT ACCEPT bar' });
  });

  it('malformed rule counters', () => {
    const result = parse('*filter\n[1:2 -A INPUT -j ACCEPT\n[12] -A INPUT\n[a:b] -A INPUT\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/bad-counters@2:1', 'syntax/bad-counters@3:1', 'syntax/bad-counters@4:1']);
    expect(result.errors.map((error) => error.message)).toEqual([
      expect.stringContaining('closing `]`'),
      expect.stringContaining('`:`'),
      expect.stringContaining('two numbers'),
    ]);
  });
});

describe('bad input bytes and lines', () => {
  it('CRLF: one error at the first \\r, then read as LF', () => {
    const result = parse('*filter\r\n-A INPUT -j ACCEPT\r\nCOMMIT\r\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/crlf@1:8']);
    expect(result.errors[0]?.message).toBe('CRLF line endings: iptables-restore does not accept `\\r` (convert with dos2unix)');
    expect(result.crlf).toBe(true);
    expect(result.tables[0]?.commands).toHaveLength(1);
    expect(print(result)).toBe('*filter\n-A INPUT -j ACCEPT\nCOMMIT\n');
  });

  it('a UTF-8 BOM is reported at 1:1 and skipped', () => {
    const result = parse('\uFEFF*filter\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/bom@1:1']);
    expect(result.bom).toBe(true);
    expect(result.tables[0]?.name).toBe('filter');
    expect(print(result)).toBe('*filter\nCOMMIT\n');
  });

  it('NUL/control bytes: one error per line, the line kept verbatim', () => {
    const result = parse('*filter\n-A INPUT\0 -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/binary@2:9']);
    expect(result.errors[0]?.message).toBe('line contains NUL/control bytes: not iptables-save text');
    expect(result.statements[1]).toMatchObject({ kind: 'invalid', text: '-A INPUT\0 -j ACCEPT' });
    expect(result.tables[0]?.commands).toHaveLength(1);
  });

  it('binary garbage does not flood: repeats are capped with a summary', () => {
    const garbage = Array.from({ length: 50 }, (_, i) => `\x01\x02garbage${i}\x00`).join('\n');
    const result = parse(garbage);
    const binary = result.errors.filter((error) => error.code === 'syntax/binary');
    expect(binary).toHaveLength(REPEATED_ERROR_LIMIT + 1);
    expect(binary.at(-1)?.message).toMatch(/^30 more errors like this/);
  });

  it('empty input', () => {
    const result = parse('');
    expect(result.errors.map(errorAt)).toEqual(['syntax/empty@1:1']);
    expect(result.errors[0]?.message).toBe('empty input: no tables');
    expect(print(result)).toBe('');
    expect(parse('# only a comment\n\n').errors.map((error) => error.code)).toEqual(['syntax/empty']);
  });

  /** `-m comment --comment <n × c>` repeated: long lines made of words iptables accepts. */
  const comments = (count: number, length: number, char = 'x'): string => ` -m comment --comment ${char.repeat(length)}`.repeat(count);

  it('a line of 10240 bytes or more is reported and still parsed', () => {
    const result = parse(`*filter\n-A INPUT${comments(11, 1000)} -j ACCEPT\nCOMMIT\n`);
    expect(result.errors.map(errorAt)).toEqual(['syntax/line-too-long@2:1']);
    expect(result.errors[0]?.message).toContain('11261 bytes');
    expect(result.tables[0]?.commands).toHaveLength(1);
    expect(parse(`*filter\n-A INPUT${comments(10, 1000)}\nCOMMIT\n`).errors).toEqual([]);
  });

  it('line length counts UTF-8 bytes', () => {
    expect(errorsOf(`*filter\n-A INPUT${comments(11, 500, 'é')}\nCOMMIT\n`)).toEqual(['syntax/line-too-long@2:1']);
  });

  it('argv limits: 251 words per rule, words under 1024 bytes', () => {
    const many = parse(`*filter\n-A INPUT${' -m mark --mark 1'.repeat(63)}\nCOMMIT\n`);
    expect(many.errors.map(errorAt)).toEqual(['syntax/too-many-words@2:1']);
    expect(many.errors[0]?.message).toContain('254 words');
    expect(many.tables[0]?.commands).toHaveLength(1);
    const long = parse(`*filter\n-A INPUT -m comment --comment ${'x'.repeat(1024)}\nCOMMIT\n`);
    expect(long.errors.map(errorAt)).toEqual(['syntax/word-too-long@2:31']);
    expect(parse(`*filter\n-A INPUT -m comment --comment ${'x'.repeat(1023)}\nCOMMIT\n`).errors).toEqual([]);
    const hostile = parse(`*filter\n-A INPUT${' -m foo --bar'.repeat(5000)}\nCOMMIT\n`);
    expect(hostile.errors.map(errorAt)).toEqual(['syntax/line-too-long@2:1', 'syntax/too-many-words@2:1']);
    expect(hostile.statements[1]?.kind).toBe('invalid');
  });

  it('a whitespace-only line is not blank', () => {
    const result = parse('*filter\n  \t\n\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/blank-with-spaces@2:1']);
    expect(result.statements.map((statement) => statement.kind)).toEqual(['table', 'invalid', 'blank', 'commit']);
  });

  it('collects every error of a file in one run', () => {
    const result = parse('-A INPUT\n*filter\n-A INPUT --bogus\n:X\n-A INPUT -j ACCEPT\n*nat\n');
    expect(result.errors.map(errorAt)).toEqual([
      'syntax/outside-table@1:1',
      'syntax/unknown-option@3:10',
      'syntax/bad-chain-line@4:1',
      'syntax/nested-table@6:1',
      'syntax/missing-commit@6:1',
    ]);
    expect(result.tables[0]?.commands).toHaveLength(1);
  });

  it('never throws, whatever the input', () => {
    for (const input of ['\0', '\r', '"', '*', ':', '[', '!', '-', '--', '-A', '\uFEFF', '\n\n', ' ', '\t\n', '\uD800']) {
      expect(() => parse(input)).not.toThrow();
      expect(() => print(parse(input))).not.toThrow();
    }
  });
});
