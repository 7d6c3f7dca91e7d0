/**
 * Small helpers over Words and Spans: splitting a word that carries an
 * attached value (`-s1.2.3.4`, `--dport=22`), re-quoting a value so that
 * iptables-restore reads it back unchanged, and joining spans.
 */
import type { Span, Word } from './ast.js';

/**
 * A word of the input, as LineWords gives it when asked. Few spans are ever
 * read (diagnostics, fixes), so a word keeps its position as numbers and
 * `span` builds a Span when asked (each read gives a fresh Span the caller may
 * keep or change). The end column follows from the length of the raw text,
 * and `raw` is not stored when it equals `text` (nearly always).
 */
export class SourceWord implements Word {
  constructor(
    public text: string,
    /** 1-based line (0 while the lexer has not placed the word yet, see parser.ts). */
    public line: number,
    public column: number,
    public offset: number,
  ) {}

  get raw(): string {
    return this.text;
  }

  get endColumn(): number {
    return this.column + this.text.length;
  }

  get span(): Span {
    return wordSpan(this.line, this.column, this.column + this.text.length, this.offset);
  }

  /** The plain `Word` shape, span included, for JSON output and snapshots. */
  toJSON(): Word {
    return { text: this.text, raw: this.text, span: this.span };
  }
}

/** A word written with quotes or escapes: `raw` differs from `text` and gives the end column. */
export class QuotedSourceWord implements Word {
  constructor(
    public text: string,
    public raw: string,
    public line: number,
    public column: number,
    public offset: number,
  ) {}

  get endColumn(): number {
    return this.column + this.raw.length;
  }

  get span(): Span {
    return wordSpan(this.line, this.column, this.column + this.raw.length, this.offset);
  }

  toJSON(): Word {
    return { text: this.text, raw: this.raw, span: this.span };
  }
}

/** A word whose span is not its raw text (a re-quoted piece of a word keeps the whole word's span). */
class PlacedWord implements Word {
  constructor(
    public text: string,
    public raw: string,
    public line: number,
    public column: number,
    public endColumn: number,
    public offset: number,
  ) {}

  get span(): Span {
    return wordSpan(this.line, this.column, this.endColumn, this.offset);
  }

  toJSON(): Word {
    return { text: this.text, raw: this.raw, span: this.span };
  }
}

function wordSpan(line: number, column: number, endColumn: number, offset: number): Span {
  return { line, column, endLine: line, endColumn, offset };
}

/** A word at `span` (which must lie on one line). */
export function wordAt(text: string, raw: string, span: Span): Word {
  if (span.endColumn - span.column === raw.length) {
    return raw === text ? new SourceWord(text, span.line, span.column, span.offset) : new QuotedSourceWord(text, raw, span.line, span.column, span.offset);
  }
  return new PlacedWord(text, raw, span.line, span.column, span.endColumn, span.offset);
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

/**
 * A word of a command line as an AST node keeps it: its index among the
 * line's words (see LineWords), or the Word itself when it is not one of them
 * (a piece of a word such as the value of `-s1.2.3.4`, a made-up word).
 */
export type WordRef = number | Word;

/**
 * The words of one line, kept as where they are in the source text: a word
 * is cut from the text when it is read. A rule has ~15 words: a string (or
 * even a pointer to a shared one) per word was most of what a parsed dump
 * keeps alive, and every live object costs a copy in each young generation
 * garbage collection it survives. The source text is kept anyway (it is what
 * the input was read into), so a word costs two character codes here.
 *
 * `bounds` has two codes per word, its start and the end of its raw text,
 * counted from the line start; a line too long for 16-bit codes keeps them
 * as numbers. The text of a word written with quotes or escapes is not a
 * piece of the source and is kept as a string (rare).
 */
export class LineWords {
  /** 1-based line; 0 until the parser places the line (the lexer does not count lines). */
  line = 0;

  constructor(
    /** Offset of the line's first character: in `source`, then (once placed) in the input. */
    public lineOffset: number,
    /** The text the line was read from (one batch of the input). */
    private source: string,
    /** Offset of the line's first character in `source`. */
    private sourceStart: number,
    private bounds: string | readonly number[],
    /** (word index, text) pairs for the words whose text differs from the raw text (few lines have any, most of those one). */
    private unquoted: readonly (number | string)[] | undefined,
  ) {}

  /** Takes the words of `from`, for a subclass that keeps a line's node and its words in one object (CommandNode). */
  protected takeWordsOf(from: LineWords): void {
    this.line = from.line;
    this.lineOffset = from.lineOffset;
    this.source = from.source;
    this.sourceStart = from.sourceStart;
    this.bounds = from.bounds;
    this.unquoted = from.unquoted;
  }

  /** Completes the position once the parser knows the line number and where the batch sits. */
  place(line: number, baseOffset: number): void {
    this.line = line;
    this.lineOffset += baseOffset;
  }

  get length(): number {
    return this.bounds.length >> 1;
  }

  text(ref: WordRef): string {
    if (typeof ref !== 'number') return ref.text;
    return this.unquotedText(ref) ?? this.rawText(ref);
  }

  raw(ref: WordRef): string {
    return typeof ref === 'number' ? this.rawText(ref) : ref.raw;
  }

  /** Characters of the raw text (no less than those of the text), without cutting it from the source. */
  rawLength(index: number): number {
    return this.bound(2 * index + 1) - this.bound(2 * index);
  }

  spanOf(ref: WordRef): Span {
    if (typeof ref !== 'number') return ref.span;
    const start = this.bound(2 * ref);
    return wordSpan(this.line, start + 1, this.bound(2 * ref + 1) + 1, this.lineOffset + start);
  }

  word(ref: WordRef): Word {
    if (typeof ref !== 'number') return ref;
    const start = this.bound(2 * ref);
    const raw = this.rawText(ref);
    const text = this.unquotedText(ref);
    return text === undefined ? new SourceWord(raw, this.line, start + 1, this.lineOffset + start) : new QuotedSourceWord(text, raw, this.line, start + 1, this.lineOffset + start);
  }

  /** Every word as an object (for the few `*` and `:` lines, and tests). */
  words(): Word[] {
    const words = new Array<Word>(this.length);
    for (let k = 0; k < words.length; k++) words[k] = this.word(k);
    return words;
  }

  private unquotedText(index: number): string | undefined {
    const pairs = this.unquoted;
    if (pairs === undefined) return undefined;
    for (let k = 0; k < pairs.length; k += 2) if (pairs[k] === index) return pairs[k + 1] as string;
    return undefined;
  }

  private rawText(index: number): string {
    const at = this.sourceStart;
    return this.source.substring(at + this.bound(2 * index), at + this.bound(2 * index + 1));
  }

  private bound(k: number): number {
    const bounds = this.bounds;
    return typeof bounds === 'string' ? bounds.charCodeAt(k) : (bounds[k] as number);
  }
}
