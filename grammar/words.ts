/**
 * Small helpers over Words and Spans: splitting a word that carries an
 * attached value (`-s1.2.3.4`, `--dport=22`), re-quoting a value so that
 * iptables-restore reads it back unchanged, and joining spans.
 */
import type { Span, Word } from './ast.js';

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
    return { text, raw: text, span: shiftedSpan(word.span, start, end) };
  }
  const firstQuote = word.raw.indexOf('"');
  const rawEnd = end === word.text.length ? word.raw.length : end;
  if (end <= firstQuote || (start <= firstQuote && end === word.text.length)) {
    return { text, raw: word.raw.substring(start, rawEnd), span: shiftedSpan(word.span, start, rawEnd) };
  }
  return { text, raw: quoteWord(text), span: { ...word.span } };
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
