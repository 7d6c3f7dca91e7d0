import { describe, expect, it } from 'vitest';
import type { BaseOption, CommandLine, MatchSpec, TargetSpec } from '../../grammar/ast.js';
import { parse, print } from '../../grammar/index.js';

/** The command of a one-rule filter table. */
function onlyCommand(rule: string): CommandLine {
  const result = parse(`*filter\n${rule}\nCOMMIT\n`);
  const command = result.tables[0]?.commands[0];
  if (command === undefined) throw new Error(`no command: ${JSON.stringify(result.errors)}`);
  return command;
}

/** 1-based column of the first `needle` at or after `from` in `line`. */
const columnOf = (line: string, needle: string, from = 0): number => line.indexOf(needle, from) + 1;

describe('nodes kept compact: words past the packed limits read the same', () => {
  it('a line too long for 16-bit word bounds (a 70 000-character comment)', () => {
    const comment = 'x'.repeat(70000);
    const line = `-A INPUT -m comment --comment "${comment}" ! -s 10.0.0.1/32 -j ACCEPT`;
    const command = onlyCommand(line);
    const [match, source, target] = command.rule?.parts ?? [];
    expect((match as MatchSpec).options[0]?.values[0]?.text).toBe(comment);
    const option = source as BaseOption;
    expect(option.negation).toBe('prefix');
    expect(option.bangSpan?.column).toBe(columnOf(line, '! -s'));
    expect(option.span.column).toBe(columnOf(line, '! -s'));
    expect(option.optionWord.span.column).toBe(columnOf(line, '-s 10'));
    expect(option.values[0]).toMatchObject({ text: '10.0.0.1/32', span: { line: 2, column: columnOf(line, '10.0.0.1'), offset: 8 + columnOf(line, '10.0.0.1') - 1 } });
    expect((target as TargetSpec).name.span.column).toBe(columnOf(line, 'ACCEPT'));
    expect(print(parse(`*filter\n${line}\nCOMMIT\n`))).toBe(`*filter\n${line}\nCOMMIT\n`);
  });

  it('options, matches and targets past word 1022 of a line', () => {
    const filler = Array.from({ length: 400 }, (_, k) => `-m comment --comment c${k}`).join(' ');
    const line = `-A INPUT ${filler} -p tcp --dport ! 22 ! -s 10.0.0.1 -g OTHER`;
    const command = onlyCommand(line);
    const parts = command.rule?.parts ?? [];
    const tail = parts.slice(-4);
    expect(tail.map((part) => part.kind)).toEqual(['base', 'match', 'base', 'target']);
    const dport = (tail[1] as MatchSpec).options[0];
    expect(dport).toMatchObject({ name: 'dport', negation: 'infix' });
    expect(dport?.values.map((word) => word.text)).toEqual(['22']);
    expect(dport?.bangSpan?.column).toBe(columnOf(line, '! 22'));
    expect((tail[1] as MatchSpec).matchWord).toBeUndefined();
    expect((tail[1] as MatchSpec).name.text).toBe('tcp');
    const source = tail[2] as BaseOption;
    expect(source.negation).toBe('prefix');
    expect(source.span.column).toBe(columnOf(line, '! -s'));
    const target = tail[3] as TargetSpec;
    expect([target.via, target.known, target.jumpWord.text, target.name.text]).toEqual(['goto', false, '-g', 'OTHER']);
    expect(target.name.span.column).toBe(columnOf(line, 'OTHER'));
    expect(command.chain?.text).toBe('INPUT');
    expect(print(parse(`*filter\n${line}\nCOMMIT\n`))).toBe(`*filter\n${line}\nCOMMIT\n`);
  });

  it('a command line with the rarer parts (-4, -I with a rule number)', () => {
    const command = onlyCommand('-4 -I INPUT 2 -j ACCEPT');
    expect([command.command, command.commandWord.text, command.chain?.text, command.ruleNumber?.text, command.familyOnly]).toEqual(['insert', '-I', 'INPUT', '2', 'ipv4']);
    expect(command.trailingBlank).toBe(false);
  });

  it('a chain line keeps its name, policy and counters with their columns', () => {
    const result = parse('*filter\n:INPUT  DROP [5:700]\n:MINE - [0:0]\nCOMMIT\n');
    const [input, mine] = result.tables[0]?.chains ?? [];
    expect(input?.name).toMatchObject({ text: 'INPUT', span: { line: 2, column: 2, endColumn: 7, offset: 9 } });
    expect(input?.policy).toMatchObject({ text: 'DROP', span: { line: 2, column: 9, endColumn: 13, offset: 16 } });
    expect(input?.counters).toMatchObject({ packets: '5', bytes: '700', span: { line: 2, column: 14, endColumn: 21, offset: 21 } });
    expect(mine?.counters).toMatchObject({ packets: '0', bytes: '0', span: { line: 3, column: 9, endColumn: 14 } });
    expect(print(result)).toBe('*filter\n:INPUT DROP [5:700]\n:MINE - [0:0]\nCOMMIT\n');
  });
});
