import { describe, expect, it } from 'vitest';
import { formatStylish } from '../../src/formatters/stylish.js';
import { DUMP, finding, report, span, TOOL } from './fixtures.js';

const plain = { color: false, tool: TOOL };
const ESC = '\x1b';

describe('stylish formatter', () => {
  it('prints location, severity, message and rule id, then the source line with a caret under the span', () => {
    const out = formatStylish([report([finding()])], plain);
    expect(out).toBe(
      [
        'host.rules:4:15  error  FORWARD jumps to chain "DOCKER-MISSING", which is not declared  undefined-jump-target',
        '  |',
        '4 | -A FORWARD -j DOCKER-MISSING',
        '  |               ^~~~~~~~~~~~~~',
        '  = fix: declare it with ":DOCKER-MISSING - [0:0]" or remove the rule',
        '',
        '✖ 1 problem (1 error, 0 warnings, 0 info)',
        '',
      ].join('\n'),
    );
  });

  it('puts the caret under the exact columns of the span', () => {
    const out = formatStylish([report([finding({ span: span(4, 1, 3) })])], plain).split('\n');
    const code = out[2] ?? '';
    const marker = out[3] ?? '';
    const offset = code.indexOf('-A FORWARD');
    expect(marker.indexOf('^')).toBe(offset);
    expect(marker.slice(offset)).toBe('^~');
  });

  it('sorts findings by position and summarises counts per severity', () => {
    const out = formatStylish(
      [
        report([
          finding({ severity: 'info', span: span(4, 4, 11), ruleId: 'b' }),
          finding({ severity: 'warning', span: span(2, 1, 7), ruleId: 'a' }),
          finding({ span: span(4, 1, 3), ruleId: 'c' }),
        ]),
      ],
      plain,
    );
    const heads = out.split('\n').filter((line) => line.startsWith('host.rules:'));
    expect(heads.map((line) => line.split('  ')[0])).toEqual(['host.rules:2:1', 'host.rules:4:1', 'host.rules:4:4']);
    expect(out.trimEnd().split('\n').at(-1)).toBe('✖ 3 problems (1 error, 1 warning, 1 info)');
  });

  it('says there are no problems when there are none', () => {
    expect(formatStylish([report([]), report([], DUMP, 'b.rules')], plain)).toBe('✔ no problems (2 files checked)\n');
  });

  it('mentions unreadable files in the summary', () => {
    const out = formatStylish([report([]), { status: 'unreadable', file: 'x', error: 'no such file or directory' }], plain);
    expect(out).toBe('✖ 1 file could not be read (1 file checked)\n');
  });

  it('neutralises ANSI escapes and control characters from the dump, the message and the file name', () => {
    const source = `*filter\n-A INPUT -m comment --comment "${ESC}[2J${ESC}]0;pwned\x07" -j ACCEPT\u202e\nCOMMIT\n`;
    const line = source.split('\n')[1] ?? '';
    const quoted = span(2, line.indexOf('"') + 1, line.lastIndexOf('"') + 2);
    const out = formatStylish(
      [report([finding({ message: `bad ${ESC}[31m "x"`, span: quoted, fix: `a\rb` })], source, `evil${ESC}[1m.rules`)],
      plain,
    );
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\x07');
    expect(out).not.toContain('\r');
    expect(out).not.toContain('\u202e');
    expect(out).toContain('"\\x1b[2J\\x1b]0;pwned\\x07" -j ACCEPT\\u202e');
    expect(out).toContain(`evil\\x1b[1m.rules:2:${quoted.column}`);
    expect(out).toContain('bad \\x1b[31m "x"');
    const lines = out.split('\n');
    const code = lines.find((line) => line.startsWith('2 |')) ?? '';
    const marker = lines[lines.indexOf(code) + 1] ?? '';
    // The caret sits under the opening quote even though the escapes widened the line.
    expect(code.charAt(marker.indexOf('^'))).toBe('"');
    expect(code.charAt(marker.lastIndexOf('~'))).toBe('"');
    expect(code.charAt(marker.lastIndexOf('~') + 1)).toBe(' ');
  });

  it('places the caret after wide characters by terminal cells', () => {
    const source = '*filter\n-A INPUT -m comment --comment "日本語" -j DROP\nCOMMIT\n';
    const column = source.split('\n')[1]!.indexOf('-j') + 1;
    const out = formatStylish([report([finding({ span: span(2, column, column + 2) })], source)], plain);
    const lines = out.split('\n');
    const marker = lines.find((line) => line.includes('^')) ?? '';
    // "日本語" is 3 characters but 6 cells wide.
    expect(marker.indexOf('^') - '  | '.length).toBe(column - 1 + 3);
  });

  it('cuts a very long line to a window around the span', () => {
    const long = '-A INPUT ' + '-m comment --comment x '.repeat(50_000) + '-j BOGUS';
    const source = `*filter\n${long}\nCOMMIT\n`;
    const column = long.indexOf('BOGUS') + 1;
    const out = formatStylish([report([finding({ span: span(2, column, column + 5) })], source)], plain);
    expect(out.length).toBeLessThan(1_000);
    const lines = out.split('\n');
    const code = lines.find((line) => line.startsWith('2 |')) ?? '';
    const marker = lines[lines.indexOf(code) + 1] ?? '';
    expect(code).toContain('…');
    expect(code.slice(marker.indexOf('^'), marker.indexOf('^') + 5)).toBe('BOGUS');
  });

  it('marks a span that runs past the end of its line up to the end of the line', () => {
    const out = formatStylish([report([finding({ span: span(4, 15, 3, 5) })])], plain);
    expect(out).toContain('  |               ^~~~~~~~~~~~~~\n');
  });

  it('marks an empty span at the end of input with a single caret', () => {
    const source = '*filter\n:INPUT ACCEPT [0:0]\n';
    const out = formatStylish([report([finding({ span: span(3, 1, 1), fix: 'expected COMMIT' })], source)], plain);
    expect(out).toContain('3 | \n  | ^\n');
  });

  it('prints related locations as notes', () => {
    const out = formatStylish(
      [report([finding({ related: [{ message: 'declared here', span: span(3, 1, 8) }] })])],
      plain,
    );
    expect(out).toContain('  = note: host.rules:3:1: declared here');
  });

  it('colours only when asked to', () => {
    expect(formatStylish([report([finding()])], plain)).not.toContain(ESC);
    const coloured = formatStylish([report([finding()])], { color: true, tool: TOOL });
    expect(coloured).toContain(`${ESC}[31m`);
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(formatStylish([report([finding()])], plain));
  });
});
