/**
 * Turns parsed lines into statements and table blocks, and reports the
 * structural errors iptables-restore would stop at
 * (`iptables-restore.c: ip46tables_restore_main()`,
 * `xtables-restore.c: xtables_restore_parse_line()`, iptables-format.md §1.1):
 * lines outside a table, `*` inside an open table, COMMIT without a table,
 * a table left open at EOF, malformed chain lines and counters, blank-only
 * lines, over-long lines.
 *
 * A line that is malformed in itself becomes an InvalidLine (kept verbatim);
 * a well-formed line in the wrong place keeps its statement and gets an error.
 */
import type {
  CommandLine,
  CommentLine,
  CommitLine,
  Counters,
  DumpFormat,
  InvalidLine,
  ParseError,
  Span,
  Statement,
  TableBlock,
  TableHeader,
  Word,
} from './ast.js';
import type { ErrorCollector } from './error-collector.js';
import type { ChainLineSyntax, CommandLineSyntax, LineSyntax, TableLineSyntax } from './parser.js';
import { readCommandLine, type CommandReading } from './rule-spec.js';
import { ChainNode, CountersNode, wholeLineSpan, type LinePosition } from './nodes.js';
import { extendSpan } from './words.js';

export const KNOWN_TABLES: readonly string[] = ['filter', 'nat', 'mangle', 'raw', 'security'];

/** `fgets(buffer, 10240, in)` in iptables-restore: longer lines are cut into pieces. */
export const RESTORE_LINE_BUFFER = 10240;

/** `add_argv()` stops at 254 argv entries (`MAX_ARGC` 255); iptables-restore adds 3 (`progname -t TABLE`). */
const MAX_RULE_WORDS = 251;
/** Beyond this a line is not read at all, which bounds the work on hostile input. */
const UNREAD_WORDS = 4096;
/** `struct xt_param_buf` buffer size (since v1.8.3). */
const MAX_WORD_BYTES = 1024;

const LISTING_LINES = '-P, -N and -A lines (or read the input as iptables-save format)';

export interface BuilderOptions {
  format: DumpFormat;
  /** Table of `iptables -S` lines before any `# table: X` line. */
  defaultTable: string;
}

export class DumpBuilder {
  readonly statements: Statement[] = [];
  readonly tables: TableBlock[] = [];
  /** save: the table between `*name` and COMMIT; list: the table commands go to. */
  private current: TableBlock | undefined;
  private lastCommitted: TableBlock | undefined;
  private lastLine = 0;

  constructor(
    private readonly options: BuilderOptions,
    private readonly errors: ErrorCollector,
  ) {}

  addLine(syntax: LineSyntax): void {
    const { line, source } = syntax;
    this.lastLine = line.number;
    // The nodes of rule and chain lines keep their position as numbers: no Span unless there is an error.
    if (syntax.control === undefined && line.end - line.start < RESTORE_LINE_BUFFER / 3) {
      if (syntax.kind === 'command') return this.addCommand(syntax);
      if (syntax.kind === 'chain') return this.addChain(syntax);
    }
    const span = lineSpan(syntax);
    if (line.end - line.start >= RESTORE_LINE_BUFFER / 3) this.checkLineLength(syntax, span);
    if (syntax.control !== undefined) {
      this.error('syntax/binary', 'line contains NUL/control bytes: not iptables-save text', syntax.control, 'printable text');
      return this.pushInvalid(syntax);
    }
    switch (syntax.kind) {
      case 'empty':
        return this.push({ kind: 'blank', span });
      case 'comment':
        return this.addComment(commentLine(source.text.slice(line.start + 1, line.end), span));
      case 'table-header':
        return this.addTableHeader(syntax, span);
      case 'chain':
        return this.addChain(syntax);
      case 'commit':
        return this.addCommit({ kind: 'commit', span });
      case 'command':
        return this.addCommand(syntax);
    }
  }

  /** End of input: a table still open was never committed; no table at all is an empty input. */
  finish(inputLength: number): void {
    const open = this.current;
    if (this.options.format === 'save' && open !== undefined) {
      const at = open.header?.span ?? open.span;
      this.error(
        'syntax/missing-commit',
        `table \`${open.name}\` opened here is never committed: the input ends at line ${this.lastLine} without \`COMMIT\``,
        at,
        'COMMIT',
      );
    }
    const hasContent = this.statements.some((s) => s.kind === 'table' || s.kind === 'chain' || s.kind === 'command' || s.kind === 'commit' || s.kind === 'invalid');
    if (this.tables.length === 0 && !hasContent) {
      const message = inputLength === 0 || this.statements.length === 0 ? 'empty input: no tables' : 'no tables: the input has only comments and blank lines';
      this.error('syntax/empty', message, { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0 }, this.options.format === 'save' ? '*filter (or another table) … COMMIT' : '-P/-N/-A lines');
    }
  }

  // ------------------------------------------------------------ lines

  private addComment(comment: CommentLine): void {
    this.push(comment);
    if (comment.directive?.kind === 'table' && this.options.format === 'list') {
      this.current = this.openTable(comment.directive.table, comment.span);
    }
  }

  private addTableHeader(syntax: TableLineSyntax, span: Span): void {
    const [name] = syntax.words;
    if (name === undefined) {
      this.error('syntax/missing-table-name', 'table name missing after `*`', span, '*filter, *nat, *mangle, *raw or *security');
      this.pushInvalid(syntax);
      if (this.options.format === 'save') this.current ??= this.openTable('', span);
      return;
    }
    const header: TableHeader = { kind: 'table', name, span };
    const trailing = trailingText(syntax, 1);
    if (trailing !== undefined) header.trailing = trailing;
    this.push(header);

    if (this.options.format === 'list') {
      this.error('syntax/unexpected-in-list', '`*table` lines belong to iptables-save format, but this input is read as an `iptables -S` listing', span, LISTING_LINES);
      return;
    }
    if (!KNOWN_TABLES.includes(name.text)) {
      this.error('syntax/unknown-table', `unknown table \`${name.text}\``, name.span, KNOWN_TABLES.join(', '));
    }
    if (this.current !== undefined) {
      const open = this.current;
      this.error(
        'syntax/nested-table',
        `\`*${name.text}\` while table \`${open.name}\` (line ${open.span.line}) is still open: iptables-restore reads this line as a rule and fails`,
        span,
        'COMMIT before the next table',
      );
    }
    const table = this.openTable(name.text, span);
    table.header = header;
    this.current = table;
  }

  private addChain(syntax: ChainLineSyntax): void {
    const [name, policy, counters] = syntax.words;
    if (name === undefined) {
      this.error('syntax/bad-chain-line', 'chain declaration without a chain name', lineSpan(syntax), ':CHAIN POLICY [packets:bytes]');
      return this.pushInvalid(syntax);
    }
    if (policy === undefined) {
      this.error('syntax/bad-chain-line', `chain \`${name.text}\` has no policy`, lineSpan(syntax), `:${name.text} ACCEPT|DROP|- [packets:bytes]`);
      return this.pushInvalid(syntax);
    }
    const chain = new ChainNode(name, policy, linePosition(syntax));
    if (counters !== undefined) {
      const parsed = parseCounters(counters);
      if (parsed === undefined) {
        this.error('syntax/bad-counters', `invalid chain counters \`${counters.text}\``, counters.span, '[packets:bytes]');
        return this.pushInvalid(syntax);
      }
      chain.counters = parsed;
    }
    const trailing = trailingText(syntax, 3);
    if (trailing !== undefined) chain.trailing = trailing;
    this.push(chain);

    if (this.options.format === 'list') {
      this.error('syntax/unexpected-in-list', '`:CHAIN` lines belong to iptables-save format, but this input is read as an `iptables -S` listing', chain.span, LISTING_LINES);
      return;
    }
    const table = this.current;
    if (table === undefined) {
      this.error('syntax/outside-table', `chain declaration outside a table${this.afterCommitHint()}`, chain.span, '*filter (or another table) before it');
      return;
    }
    table.chains.push(chain);
    extendSpan(table.span, chain.span);
  }

  private addCommit(commit: CommitLine): void {
    this.push(commit);
    if (this.options.format === 'list') {
      this.error('syntax/unexpected-in-list', '`COMMIT` belongs to iptables-save format, but this input is read as an `iptables -S` listing', commit.span, LISTING_LINES);
      return;
    }
    const table = this.current;
    if (table === undefined) {
      const message =
        this.lastCommitted !== undefined
          ? `COMMIT without an open table: table \`${this.lastCommitted.name}\` was already committed at line ${this.lastCommitted.commit?.span.line ?? '?'}`
          : 'COMMIT before any `*table` line';
      this.error('syntax/commit-outside-table', message, commit.span, '*table before COMMIT');
      return;
    }
    table.commit = commit;
    extendSpan(table.span, commit.span);
    this.closeTable();
  }

  private addCommand(syntax: CommandLineSyntax): void {
    if (syntax.words.length === 0 && syntax.counters === undefined) {
      this.error('syntax/blank-with-spaces', 'line contains only blanks: iptables-restore does not skip it (it fails with "no command specified")', lineSpan(syntax), 'an empty line');
      return this.pushInvalid(syntax);
    }
    let counters: Counters | undefined;
    if (syntax.counters !== undefined) {
      counters = parseCounters(syntax.counters);
      if (counters === undefined) {
        this.error('syntax/bad-counters', countersProblem(syntax.counters.text), syntax.counters.span, '[packets:bytes]');
        return this.pushInvalid(syntax);
      }
    }
    if (syntax.unterminatedQuote !== undefined) {
      this.error(
        'syntax/unterminated-quote',
        'unterminated `"`: the quote opened here is never closed, so the rest of the line would become one word',
        syntax.unterminatedQuote,
        'a closing `"`',
      );
      return this.pushInvalid(syntax);
    }
    if (syntax.words.length === 1 && syntax.words.text(0) === 'COMMIT' && counters === undefined) {
      this.error('syntax/commit-trailing-blank', '`COMMIT` followed by blanks: iptables-restore only recognises a line that is exactly `COMMIT`', lineSpan(syntax), 'COMMIT');
      this.pushInvalid(syntax);
      this.closeTable();
      return;
    }

    if (!this.checkWords(syntax)) return this.pushInvalid(syntax);
    const reading = this.readCommand(syntax, counters);
    for (const error of reading.errors) this.errors.add(error);
    const command = reading.command;
    if (command === undefined) return this.pushInvalid(syntax);
    this.push(command);
    this.placeCommand(command);
  }

  /** A bug in the option reader costs one line (reported), not the rest of the file. */
  private readCommand(syntax: CommandLineSyntax, counters: Counters | undefined): CommandReading {
    const position = linePosition(syntax);
    try {
      return readCommandLine({ words: syntax.words, counters, position, trailingBlank: syntax.lastWordEnd < syntax.line.end });
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown failure';
      return { errors: [{ code: 'internal/rule-reader', message: `iptlint could not read this line (${reason}) — please report this`, span: lineSpan(syntax) }] };
    }
  }

  private placeCommand(command: CommandLine): void {
    let table = this.current;
    if (table === undefined) {
      if (this.options.format === 'save') {
        this.error('syntax/outside-table', `rule line outside a table${this.afterCommitHint()}`, command.span, '*filter (or another table) before it');
        return;
      }
      table = this.openTable(this.options.defaultTable, command.span);
      this.current = table;
    }
    table.commands.push(command);
    extendSpan(table.span, command.span);
  }

  /**
   * iptables-restore's argv limits (`xshared.c: add_argv()`, `add_param()`):
   * at most 251 words per rule, each under 1024 bytes. Returns false when the
   * line is too big to be worth reading at all.
   */
  private checkWords(syntax: CommandLineSyntax): boolean {
    const words = syntax.words;
    if (words.length > MAX_RULE_WORDS) {
      this.error(
        'syntax/too-many-words',
        `line has ${words.length} words: iptables-restore takes at most ${MAX_RULE_WORDS} per rule ("Parser cannot handle more arguments")`,
        lineSpan(syntax),
        `at most ${MAX_RULE_WORDS} words`,
      );
      if (words.length > UNREAD_WORDS) return false;
    }
    for (let k = 0; k < words.length; k++) {
      if (words.rawLength(k) * 3 < MAX_WORD_BYTES) continue;
      const bytes = Buffer.byteLength(words.text(k));
      if (bytes >= MAX_WORD_BYTES) {
        this.error('syntax/word-too-long', `a word of ${bytes} bytes: iptables-restore refuses words of ${MAX_WORD_BYTES} bytes or more ("Parameter too long!")`, words.spanOf(k), `under ${MAX_WORD_BYTES} bytes`);
      }
    }
    return true;
  }

  private checkLineLength(syntax: LineSyntax, span: Span): void {
    const { line, source } = syntax;
    const bytes = Buffer.byteLength(source.text.slice(line.start, line.end)) + (line.terminated ? 1 : 0);
    if (bytes < RESTORE_LINE_BUFFER) return;
    this.error(
      'syntax/line-too-long',
      `line is ${bytes} bytes long: iptables-restore reads lines into a ${RESTORE_LINE_BUFFER}-byte buffer and would cut this one into pieces`,
      span,
      `at most ${RESTORE_LINE_BUFFER - 1} bytes including the line end`,
    );
  }

  // ------------------------------------------------------------ tables

  private openTable(name: string, span: Span): TableBlock {
    const table: TableBlock = { name, chains: [], commands: [], span: { ...span } };
    this.tables.push(table);
    return table;
  }

  private closeTable(): void {
    if (this.current !== undefined) this.lastCommitted = this.current;
    this.current = undefined;
  }

  private afterCommitHint(): string {
    const last = this.lastCommitted;
    return last !== undefined ? ` (table \`${last.name}\` was committed at line ${last.commit?.span.line ?? last.span.endLine})` : '';
  }

  // ------------------------------------------------------------ helpers

  private push(statement: Statement): void {
    this.statements.push(statement);
  }

  private pushInvalid(syntax: LineSyntax): void {
    const invalid: InvalidLine = { kind: 'invalid', text: syntax.source.text.slice(syntax.line.start, syntax.line.end), span: lineSpan(syntax) };
    this.push(invalid);
  }

  private error(code: string, message: string, span: Span, expected?: string): void {
    const error: ParseError = { code, message, span };
    if (expected !== undefined) error.expected = expected;
    this.errors.add(error);
  }
}

function linePosition(syntax: LineSyntax): LinePosition {
  const { line, source } = syntax;
  return { line: line.number, offset: source.baseOffset + line.start, length: line.end - line.start };
}

function lineSpan(syntax: LineSyntax): Span {
  const { line, offset, length } = linePosition(syntax);
  return wholeLineSpan(line, offset, length);
}

/** Text after the first `count` words of a `*`/`:` line (iptables ignores it), or undefined. */
function trailingText(syntax: TableLineSyntax | ChainLineSyntax, count: number): string | undefined {
  const first = syntax.words[count];
  if (first === undefined) return undefined;
  const start = first.span.offset - syntax.source.baseOffset;
  return syntax.source.text.slice(start, syntax.line.end).replace(/[ \t]+$/, '');
}

/** `[PACKETS:BYTES]`, both decimal (checked by hand: this runs for every chain line). */
function parseCounters(word: Word): Counters | undefined {
  const text = word.text;
  const last = text.length - 1;
  if (text.charCodeAt(0) !== 0x5b || text.charCodeAt(last) !== 0x5d) return undefined;
  const colon = text.indexOf(':');
  if (colon < 2 || colon > last - 2 || !isDigits(text, 1, colon) || !isDigits(text, colon + 1, last)) return undefined;
  return new CountersNode(text.slice(1, colon), text.slice(colon + 1, last), word.span);
}

function isDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** `xshared.c: tokenize_rule_counters()` wording: "need ]", "need :". */
function countersProblem(text: string): string {
  if (!text.endsWith(']')) return `rule counters \`${text}\` need a closing \`]\``;
  if (!text.includes(':')) return `rule counters \`${text}\` need \`:\` between packets and bytes`;
  return `rule counters \`${text}\` must be two numbers`;
}

const GENERATED = /^ Generated by (\S+) v(.*?) on (.*)$/;
const COMPLETED = /^ Completed on (.*)$/;
const TABLE_SEPARATOR = /^ table: (\S+)[ \t]*$/;
const NFT_NOTICE = /^ (?:Warning: |Table `)/;

function commentLine(text: string, span: Span): CommentLine {
  const comment: CommentLine = { kind: 'comment', text, span };
  let match: RegExpExecArray | null;
  if ((match = GENERATED.exec(text)) !== null) {
    comment.directive = { kind: 'generated', program: match[1] as string, version: match[2] as string, date: match[3] as string };
  } else if ((match = COMPLETED.exec(text)) !== null) {
    comment.directive = { kind: 'completed', date: match[1] as string };
  } else if ((match = TABLE_SEPARATOR.exec(text)) !== null) {
    comment.directive = { kind: 'table', table: match[1] as string };
  } else if (NFT_NOTICE.test(text)) {
    comment.directive = { kind: 'nft-notice', message: text.slice(1) };
  }
  return comment;
}
