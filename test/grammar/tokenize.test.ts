import { describe, expect, it } from 'vitest';
import { lexLines } from '../../grammar/lexer.js';
import { parseLines, type LineSyntax } from '../../grammar/parser.js';
import { parse, type Word } from '../../grammar/index.js';
import { errorAt, ruleOf } from './helpers.js';

/** The lines of `text` as the lexer + parser see them. */
function linesOf(text: string): LineSyntax[] {
  const lexed = lexLines(text);
  expect(lexed.errors).toEqual([]);
  const parsed = parseLines(lexed.tokens, { text, baseOffset: 0 }, 1);
  expect(parsed.errors).toEqual([]);
  return parsed.lines;
}

/** The argv words of a single command line. */
function argv(line: string): Word[] {
  const [syntax] = linesOf(`${line}\n`);
  if (syntax?.kind !== 'command') throw new Error(`not a command line: ${line}`);
  return syntax.words.words();
}

const texts = (line: string): string[] => argv(line).map((word) => word.text);

describe('argv words (xshared.c add_param_to_argv, iptables-format.md §4.1)', () => {
  it('splits on spaces and tabs, runs collapse', () => {
    expect(texts('-A  INPUT\t-j\t\tACCEPT')).toEqual(['-A', 'INPUT', '-j', 'ACCEPT']);
  });

  it('a quote opens in the middle of a word and the word continues', () => {
    expect(texts('foo"bar baz" next')).toEqual(['foobar baz', 'next']);
  });

  it('the closing quote ends the word at once', () => {
    expect(texts('"foo"bar')).toEqual(['foo', 'bar']);
  });

  it('"" is one empty word', () => {
    expect(texts('a "" b')).toEqual(['a', '', 'b']);
  });

  it('inside quotes backslash takes the next character literally', () => {
    expect(texts(String.raw`"a\"b" "c\\d" "it\'s" "x\ y"`)).toEqual(['a"b', 'c\\d', "it's", 'x y']);
  });

  it('outside quotes backslash and single quotes are ordinary', () => {
    expect(texts(String.raw`a\b 'foo bar'`)).toEqual(['a\\b', "'foo", "bar'"]);
  });

  it('# and ! inside a line are ordinary text', () => {
    expect(texts('x #y !z "a # b"')).toEqual(['x', '#y', '!z', 'a # b']);
  });

  it('keeps the raw source text and exact columns', () => {
    const words = argv('-m comment  --comment "a b"c');
    expect(words.map((word) => word.raw)).toEqual(['-m', 'comment', '--comment', '"a b"', 'c']);
    expect(words.map((word) => word.text)).toEqual(['-m', 'comment', '--comment', 'a b', 'c']);
    expect((words[3] as Word).span).toEqual({ line: 1, column: 23, endLine: 1, endColumn: 28, offset: 22 });
    expect((words[4] as Word).span).toEqual({ line: 1, column: 28, endLine: 1, endColumn: 29, offset: 27 });
  });

  it('places every word exactly, whether its columns are stored or follow from one blank between words', () => {
    for (const line of ['[1:2] -A X -m comment --comment "a b" -j ACCEPT', '-A X  -m comment\t--comment "a\\"b" -j ACCEPT', '  -A X -j ACCEPT']) {
      for (const word of argv(line)) {
        expect(line.slice(word.span.column - 1, word.span.endColumn - 1)).toBe(word.raw);
        expect(word.span.offset).toBe(word.span.column - 1);
      }
    }
    expect(argv('[1:2] -A X -m comment --comment "a b" -j ACCEPT').map((word) => word.span.column)).toEqual([7, 10, 12, 15, 23, 33, 39, 42]);
  });

  it('an unterminated quote swallows the rest of the line and is marked', () => {
    const [syntax] = linesOf('-A INPUT "abc def\n');
    expect(syntax?.kind).toBe('command');
    if (syntax?.kind !== 'command') return;
    expect(syntax.words.text(syntax.words.length - 1)).toBe('abc def');
    expect(syntax.unterminatedQuote).toMatchObject({ line: 1, column: 10 });
  });
});

describe('line kinds (iptables-restore.c, iptables-format.md §1.1)', () => {
  const kinds = (text: string): string[] => linesOf(text).map((line) => line.kind);

  it('recognises lines by their first column', () => {
    expect(kinds('# c\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT\nCOMMIT\n\n')).toEqual(['comment', 'table-header', 'chain', 'command', 'commit', 'empty']);
  });

  it('# not in column 1 is not a comment; COMMIT with a trailing blank is not COMMIT', () => {
    expect(kinds(' # c\nCOMMIT \nCOMMITX\n')).toEqual(['command', 'command', 'command']);
  });

  it('* and : lines are split like strtok, without quote handling', () => {
    const [chain] = linesOf(':x"y z" ACCEPT\n');
    expect(chain?.kind === 'chain' ? chain.words.map((word) => word.text) : []).toEqual(['x"y', 'z"', 'ACCEPT']);
  });

  it('a last line without newline is still a line', () => {
    const lines = linesOf('*filter\nCOMMIT');
    expect(lines.map((line) => [line.kind, line.line.terminated])).toEqual([
      ['table-header', true],
      ['commit', false],
    ]);
  });
});

describe('quoting through parse()', () => {
  it('comment values keep their quoting in raw', () => {
    const command = ruleOf(String.raw`-m comment --comment "it\'s \"quoted\"" -j ACCEPT`);
    const option = command.rule?.parts[0]?.kind === 'match' ? command.rule.parts[0].options[0] : undefined;
    expect(option?.values[0]?.text).toBe(`it's "quoted"`);
    expect(option?.values[0]?.raw).toBe(String.raw`"it\'s \"quoted\""`);
  });

  it('an empty comment "" is a value', () => {
    const command = ruleOf('-m comment --comment "" -j ACCEPT');
    const option = command.rule?.parts[0]?.kind === 'match' ? command.rule.parts[0].options[0] : undefined;
    expect(option?.values.map((value) => value.text)).toEqual(['']);
  });

  it('an unterminated quote is an error located at the opening quote', () => {
    const result = parse('*filter\n-A INPUT -m comment --comment "abc -j ACCEPT\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/unterminated-quote@2:31']);
    expect(result.errors[0]?.message).toContain('never closed');
    expect(result.statements[1]).toMatchObject({ kind: 'invalid', text: '-A INPUT -m comment --comment "abc -j ACCEPT' });
    expect(result.tables[0]?.commit).toBeDefined();
  });

  it("shell single quotes split the value and are reported as a bare word", () => {
    const result = parse("*filter\n-A INPUT -m comment --comment 'two words' -j ACCEPT\nCOMMIT\n");
    expect(result.errors.map(errorAt)).toEqual(['syntax/unexpected-word@2:36']);
    expect(result.errors[0]?.message).toContain('single quotes');
  });
});
