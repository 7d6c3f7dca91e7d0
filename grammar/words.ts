/**
 * Small helpers over Words and Spans: splitting a word that carries an
 * attached value (`-s1.2.3.4`, `--dport=22`), re-quoting a value so that
 * iptables-restore reads it back unchanged, and joining spans.
 */
import type { Span, Word } from './ast.js';

/**
 * A word of the input as the lexer finds it. A dump has ~15 words per rule
 * and few of their spans are ever read (diagnostics, fixes), so the position
 * is kept as numbers in the word and `span` builds a Span when asked: one
 * object per word instead of two, which is most of the parser's garbage
 * collection on big dumps. Each read gives a fresh Span the caller may keep
 * or change.
 */
export class SourceWord implements Word {
  constructor(
    public text: string,
    public raw: string,
    /** 1-based line (0 while the lexer has not placed the word yet, see parser.ts). */
    public line: number,
    public column: number,
    public endColumn: number,
    public offset: number,
  ) {}

  get span(): Span {
    return { line: this.line, column: this.column, endLine: this.line, endColumn: this.endColumn, offset: this.offset };
  }

  /** The plain `Word` shape, span included, for JSON output and snapshots. */
  toJSON(): Word {
    return { text: this.text, raw: this.raw, span: this.span };
  }
}

/** A word at `span` (which must lie on one line). */
export function wordAt(text: string, raw: string, span: Span): Word {
  return new SourceWord(text, raw, span.line, span.column, span.endColumn, span.offset);
}

export function spanFrom(start: Span, end: Span): Span {
  return { line: start.line, column: start.column, endLine: end.endLine, endColumn: end.endColumn, offset: start.offset };
}

/** Moves the end of `span` (an object this layer owns) to the end of `end`. */
export function extendSpan(span: Span, end: Span): void {
  span.endLine = end.endLine;
  span.endColumn = end.endColumn;
}

/** A zero-width span just after `span`. */
export function spanAfter(span: Span): Span {
  return { line: span.endLine, column: span.endColumn, endLine: span.endLine, endColumn: span.endColumn, offset: span.offset + (span.endColumn - span.column) };
}

/**
 * How to write `text` as one argv word for `add_param_to_argv()`: bare when it
 * has no blank, newline or `"` (outside quotes `\` and `'` are ordinary),
 * otherwise in double quotes with `"` and `\` escaped.
 */
export function quoteWord(text: string): string {
  if (text !== '' && !/[ \t\n\r"]/.test(text)) return text;
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The part of `word` from text index `start` to `end`. When the cut falls in
 * the unquoted head of the word the raw text and columns are exact; inside
 * quotes the piece is re-quoted and keeps the whole word's span.
 */
export function sliceWord(word: Word, start: number, end: number = word.text.length): Word {
  const text = word.text.substring(start, end);
  if (word.raw === word.text) {
    return wordAt(text, text, shiftedSpan(word.span, start, end));
  }
  const firstQuote = word.raw.indexOf('"');
  const rawEnd = end === word.text.length ? word.raw.length : end;
  if (end <= firstQuote || (start <= firstQuote && end === word.text.length)) {
    return wordAt(text, word.raw.substring(start, rawEnd), shiftedSpan(word.span, start, rawEnd));
  }
  return wordAt(text, quoteWord(text), word.span);
}

function shiftedSpan(span: Span, start: number, end: number): Span {
  return {
    line: span.line,
    column: span.column + start,
    endLine: span.endLine,
    endColumn: span.column + end,
    offset: span.offset + start,
  };
}
