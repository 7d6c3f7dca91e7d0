/**
 * Line grammar of iptables-save / iptables-restore text (chevrotain,
 * embedded actions: the parser emits one `LineSyntax` per source line, no CST).
 *
 *   lines := { line }
 *   line  := EmptyLine | CommentLine | TableLine | ChainLine | CommitLine | CommandLine
 *
 * Each line token includes its line end, which only the last line of an input
 * may lack, and carries the line's words (tokens.ts). What the words mean —
 * getopt-like option parsing, tables — is decided later, in rule-spec.ts and
 * builder.ts.
 *
 * Positions: the lexer tracks offsets only; the parser counts lines, knows
 * where the batch sits in the input, and completes the words' spans.
 */
import { EmbeddedActionsParser, type IToken, type TokenType } from './chevrotain.js';
import type { Span, Word } from './ast.js';
import { LineWords, type SourceWord } from './words.js';
import { ALL_TOKENS, ChainLine, CommandLine, CommentLine, CommitLine, EmptyLine, TableLine, type LinePayload } from './tokens.js';

/** Where a line is, in the text handed to the parser (one batch of lines). */
export interface SourceLine {
  /** 1-based line number in the whole input. */
  number: number;
  /** Offset of the first character, relative to the batch text. */
  start: number;
  /** Offset just after the last content character (before `\n` / `\r\n`). */
  end: number;
  /** The line had a line terminator (false only for the last line of a file). */
  terminated: boolean;
}

export interface LineSource {
  /** The batch text the offsets refer to. */
  text: string;
  /** Offset of the batch in the whole input. */
  baseOffset: number;
}

interface LineSyntaxBase {
  line: SourceLine;
  source: LineSource;
  /** The first NUL/control byte on the line: the line is not text. */
  control?: Span;
}

export interface EmptyLineSyntax extends LineSyntaxBase {
  kind: 'empty';
}
export interface CommentLineSyntax extends LineSyntaxBase {
  kind: 'comment';
}
export interface TableLineSyntax extends LineSyntaxBase {
  kind: 'table-header';
  words: Word[];
}
export interface ChainLineSyntax extends LineSyntaxBase {
  kind: 'chain';
  words: Word[];
}
export interface CommitLineSyntax extends LineSyntaxBase {
  kind: 'commit';
}
export interface CommandLineSyntax extends LineSyntaxBase {
  kind: 'command';
  /** The `[p:b]` text in column 1, as a word. */
  counters?: Word;
  words: LineWords;
  /** Position of a `"` that is never closed (xtables would swallow the rest of the line). */
  unterminatedQuote?: Span;
  /** Offset (batch-relative) just after the last word. */
  lastWordEnd: number;
}

export type LineSyntax =
  | EmptyLineSyntax
  | CommentLineSyntax
  | TableLineSyntax
  | ChainLineSyntax
  | CommitLineSyntax
  | CommandLineSyntax;

export interface ParsedBatch {
  lines: LineSyntax[];
  /** Syntax errors chevrotain reported (none are expected: every token sequence is a line). */
  errors: { message: string; offset: number }[];
}

class LineParser extends EmbeddedActionsParser {
  private source: LineSource = { text: '', baseOffset: 0 };
  private lineNumber = 1;
  private out: LineSyntax[] = [];

  constructor() {
    super(ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  run(tokens: IToken[], source: LineSource, firstLineNumber: number): ParsedBatch {
    this.source = source;
    this.lineNumber = firstLineNumber;
    this.out = [];
    this.input = tokens;
    this.lines();
    const errors = this.errors.map((e) => ({ message: e.message, offset: source.baseOffset + Math.max(0, e.token.startOffset) }));
    const lines = this.out;
    this.out = [];
    return { lines, errors };
  }

  /** The alternatives are built once: chevrotain would otherwise get a new array per line. */
  private readonly lineAlternatives = [
    { ALT: () => this.line(EmptyLine, 'empty') },
    { ALT: () => this.line(CommentLine, 'comment') },
    { ALT: () => this.line(TableLine, 'table-header') },
    { ALT: () => this.line(ChainLine, 'chain') },
    { ALT: () => this.line(CommitLine, 'commit') },
    { ALT: () => this.line(CommandLine, 'command') },
  ];

  public lines = this.RULE('lines', () => {
    this.MANY(() => this.OR(this.lineAlternatives));
  });

  private line(type: TokenType, kind: LineSyntax['kind']): void {
    const token = this.CONSUME(type);
    this.ACTION(() => this.out.push(this.lineSyntax(kind, token)));
  }

  private lineSyntax(kind: LineSyntax['kind'], token: IToken): LineSyntax {
    const payload = token.payload as LinePayload | undefined;
    const line = this.nextLine(token, payload);
    const syntax = { kind, line, source: this.source } as LineSyntax;
    if (payload === undefined) return syntax;
    const number = line.number;
    if (payload.controlAt >= 0) syntax.control = this.pointSpan(payload.controlAt, number, line.start);
    if (syntax.kind !== 'table-header' && syntax.kind !== 'chain' && syntax.kind !== 'command') return syntax;
    const base = this.source.baseOffset;
    const words = payload.words ?? new LineWords(line.start, this.source.text, line.start, '', undefined);
    words.place(number, base);
    if (syntax.kind !== 'command') {
      syntax.words = words.words();
      return syntax;
    }
    syntax.words = words;
    syntax.lastWordEnd = payload.lastWordEnd;
    if (payload.counters !== undefined) {
      placeWord(payload.counters, number, base);
      syntax.counters = payload.counters;
    }
    if (payload.unterminatedQuoteAt >= 0) syntax.unterminatedQuote = this.pointSpan(payload.unterminatedQuoteAt, number, line.start);
    return syntax;
  }

  private pointSpan(offset: number, line: number, lineStart: number): Span {
    const column = offset - lineStart + 1;
    return { line, column, endLine: line, endColumn: column + 1, offset: this.source.baseOffset + offset };
  }

  /** The line of `token`, which starts the current line and runs through its line end. */
  private nextLine(token: IToken, payload: LinePayload | undefined): SourceLine {
    const start = token.startOffset;
    const after = start + token.image.length;
    const terminated = token.image.charCodeAt(token.image.length - 1) === 0x0a;
    let end = payload?.contentEnd ?? after;
    if (payload === undefined && terminated) end = after - (token.image.charCodeAt(token.image.length - 2) === 0x0d ? 2 : 1);
    const line: SourceLine = { number: this.lineNumber, start, end, terminated };
    this.lineNumber++;
    return line;
  }
}

/** Completes the provisional counters word from the lexer (line 0, batch-relative offset). */
function placeWord(word: SourceWord, line: number, baseOffset: number): void {
  word.line = line;
  word.offset += baseOffset;
}

let sharedParser: LineParser | undefined;

/** Parses the tokens of one batch of whole lines. */
export function parseLines(tokens: IToken[], source: LineSource, firstLineNumber: number): ParsedBatch {
  sharedParser ??= new LineParser();
  return sharedParser.run(tokens, source, firstLineNumber);
}
