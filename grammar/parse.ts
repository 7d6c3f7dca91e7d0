/**
 * `parse()`: input text → ParseResult.
 *
 * The text is processed in batches of whole lines (about 64 K characters
 * each): lex → parse → build, batch after batch. Everything the lexer makes
 * for a batch (tokens, words) lives until the batch is built; small batches
 * let it die young instead of being copied by the garbage collector (~15%
 * less parse time on a 115k-rule dump than 256 K batches). Whole-input facts (BOM, CRLF, format, family) are
 * decided first by single scans (input-scan.ts).
 */
import type { DumpFormat, Family, ParseError, ParseResult } from './ast.js';
import { DumpBuilder } from './builder.js';
import { ErrorCollector } from './error-collector.js';
import { detectFamily, detectFormat, hasByteOrderMark, spanAt } from './input-scan.js';
import { endOfInput, lexLines } from './lexer.js';
import { parseLines } from './parser.js';

export interface ParseOptions {
  /** Shown in messages; defaults to `<stdin>`. */
  file?: string;
  /** `auto` (default): any `*table` line means `save`, otherwise `list`. */
  format?: 'save' | 'list' | 'auto';
  /** Table of `iptables -S` lines before any `# table: X` line (default `filter`). */
  table?: string;
  family?: Family;
}

const BATCH_CHARS = 1 << 16;

/** Never throws: an internal failure becomes a located ParseError. */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  const file = typeof options.file === 'string' ? options.file : '<stdin>';
  let run: ParseRun | undefined;
  try {
    run = new ParseRun(typeof text === 'string' ? text : String(text), file, options);
    return run.parse();
  } catch (error) {
    return (run ?? new ParseRun('', file, {})).failed(error);
  } finally {
    endOfInput();
  }
}

class ParseRun {
  private readonly errors = new ErrorCollector();
  private readonly bom: boolean;
  private readonly start: number;
  private readonly format: DumpFormat;
  private readonly family: Family;
  private readonly builder: DumpBuilder;
  /** Where the run is, for locating an internal failure. */
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    options: ParseOptions,
  ) {
    this.bom = hasByteOrderMark(text);
    this.start = this.bom ? 1 : 0;
    this.format = options.format === 'save' || options.format === 'list' ? options.format : detectFormat(text, this.start);
    this.family = options.family ?? detectFamily(text);
    this.builder = new DumpBuilder({ format: this.format, defaultTable: options.table ?? 'filter' }, this.errors);
  }

  parse(): ParseResult {
    const { text } = this;
    if (this.bom) {
      this.errors.add({
        code: 'syntax/bom',
        message: 'the input starts with a UTF-8 byte order mark: iptables-restore would read it as part of the first line (save the file without BOM)',
        expected: 'the first line without a byte order mark',
        span: { line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0 },
      });
    }
    const crlfAt = text.indexOf('\r\n');
    if (crlfAt >= 0) {
      this.errors.add({
        code: 'syntax/crlf',
        message: 'CRLF line endings: iptables-restore does not accept `\\r` (convert with dos2unix)',
        expected: 'LF (\\n) line endings',
        span: spanAt(text, crlfAt),
      });
    }

    let lineNumber = 1;
    for (let position = this.start; position < text.length; ) {
      let end = Math.min(text.length, position + BATCH_CHARS);
      if (end < text.length) {
        const newline = text.indexOf('\n', end - 1);
        end = newline < 0 ? text.length : newline + 1;
      }
      this.position = position;
      lineNumber = this.parseLines(text.slice(position, end), position, lineNumber);
      position = end;
    }
    this.builder.finish(text.length - this.start);
    return this.result(this.errors.finish());
  }

  failed(error: unknown): ParseResult {
    const reason = error instanceof Error ? error.message : 'unknown failure';
    const failure: ParseError = {
      code: 'internal/parser-failure',
      message: `iptlint failed while reading this part of the input (${reason}); the rest of the file was not read — please report this`,
      span: spanAt(this.text, Math.min(this.position, this.text.length)),
    };
    return this.result([...this.errors.finish(), failure]);
  }

  private result(errors: ParseError[]): ParseResult {
    return {
      file: this.file,
      format: this.format,
      family: this.family,
      statements: this.builder.statements,
      tables: this.builder.tables,
      errors,
      crlf: this.text.includes('\r\n'),
      bom: this.bom,
      missingFinalNewline: this.text.length > this.start && !this.text.endsWith('\n'),
    };
  }

  /** Lex, parse and build one batch; returns the number of the line after it. */
  private parseLines(text: string, baseOffset: number, firstLine: number): number {
    this.position = baseOffset;
    const lexed = lexLines(text);
    for (const error of lexed.errors) {
      this.errors.add({ code: 'internal/lexer', message: `lexer: ${error.message}`, span: spanAt(this.text, baseOffset + error.offset) });
    }
    const parsed = parseLines(lexed.tokens, { text, baseOffset }, firstLine);
    for (const error of parsed.errors) {
      this.errors.add({ code: 'internal/parser', message: `parser: ${error.message}`, span: spanAt(this.text, error.offset) });
    }
    for (const line of parsed.lines) this.builder.addLine(line);
    const last = parsed.lines[parsed.lines.length - 1];
    return last === undefined ? firstLine : last.line.number + 1;
  }
}
