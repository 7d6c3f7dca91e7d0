/**
 * Token vocabulary of iptables-save / iptables-restore text.
 *
 * iptables-restore looks at a line's first column to decide what the line is
 * (iptables-format.md §1.1): `#` comment, `*` table, `:` chain, exactly
 * `COMMIT`; anything else inside a table is a command line. The lexer
 * therefore produces one token per line, line end included, and splits the
 * line into its words while matching it, carrying them as the token payload:
 * - command lines by the quoting rules of `xshared.c: add_param_to_argv()` (§4.1),
 *   after `[p:b]` counters in column 1 (`tokenize_rule_counters()`);
 * - `*` and `:` lines by `strtok(" \t\n")`, which knows no quotes.
 *
 * One token per line keeps chevrotain's per-token cost off the ~15 words of a
 * typical rule; every pattern is a hand-written scanner (no backtracking
 * regexes) with `start_chars_hint`, so the first-character dispatch stays on.
 *
 * A line's words go straight into their compact record (LineWords), whose
 * position is provisional: no line number yet and offsets relative to the
 * lexed text; the parser, which knows line numbers and where the text sits in
 * the input, fills them in (so does it for the `[p:b]` counters word).
 */
import { createToken, type CustomPatternMatcherReturn, type TokenType } from './chevrotain.js';
import { LineWords, SourceWord } from './words.js';

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;
const DEL = 127;

/** The words of one line, found while lexing it. */
export interface LinePayload {
  /** Offset just after the line's content (before `\n` / `\r\n`). */
  contentEnd: number;
  /** Set for `*`, `:` and command lines. */
  words?: LineWords;
  /** `[p:b]` counters in column 1 of a command line (text up to the first `]`). */
  counters?: SourceWord;
  /** Offset of a `"` that is never closed, or -1. */
  unterminatedQuoteAt: number;
  /** Offset of the first NUL/control byte of the line, or -1. */
  controlAt: number;
  /** Offset just after the last word (a smaller line end means trailing blanks). */
  lastWordEnd: number;
}

/** A `\r` only ends a line as part of `\r\n` (CRLF input is reported, then read as LF). */
function isLineEnd(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === NL || (c === CR && text.charCodeAt(i + 1) === NL);
}

function endOfLine(text: string, offset: number): number {
  let i = text.indexOf('\n', offset);
  // A `\r` at the very end of the input is content, not half of a line end.
  if (i < 0) return text.length;
  if (i > offset && text.charCodeAt(i - 1) === CR) i--;
  return i;
}

/** NUL and other C0 controls except tab, DEL, and a `\r` not followed by `\n`. */
function isControl(c: number, text: string, i: number): boolean {
  if (c >= SPACE) return c === DEL;
  if (c === TAB || c === NL) return false;
  return c !== CR || text.charCodeAt(i + 1) !== NL;
}

function findControl(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (isControl(text.charCodeAt(i), text, i)) return i;
  }
  return -1;
}

/**
 * The words of the line being lexed, written in place and copied out at the
 * end of the line: two bounds per word (start and raw end, from the line
 * start), and (index, text) pairs for words written with quotes.
 */
let lineBounds: Uint16Array = new Uint16Array(256);
let wideBounds: number[] | undefined;
let lineWordCount = 0;
const quotedTexts: (number | string)[] = [];
let quotedTextCount = 0;

function takeLineWords(text: string, lineStart: number): LineWords {
  const count = lineWordCount;
  const bounds = wideBounds ?? boundsText(2 * count);
  const unquoted = quotedTextCount > 0 ? quotedTexts.slice(0, quotedTextCount) : undefined;
  lineWordCount = 0;
  quotedTextCount = 0;
  wideBounds = undefined;
  return new LineWords(lineStart, text, lineStart, bounds, unquoted);
}

/** The first `length` bounds as a string of char codes, made in pieces small enough to pass as arguments. */
function boundsText(length: number): string {
  const PIECE = 4096;
  if (length <= PIECE) return Reflect.apply(String.fromCharCode, null, lineBounds.subarray(0, length)) as string;
  let text = '';
  for (let at = 0; at < length; at += PIECE) text += Reflect.apply(String.fromCharCode, null, lineBounds.subarray(at, Math.min(length, at + PIECE))) as string;
  return text;
}

/** Offset after the line end that follows `contentEnd` (if any). */
function afterLineEnd(text: string, contentEnd: number): number {
  const c = text.charCodeAt(contentEnd);
  if (c === NL) return contentEnd + 1;
  return c === CR && text.charCodeAt(contentEnd + 1) === NL ? contentEnd + 2 : contentEnd;
}

/** The token image runs from the line start through its line end. */
function matchedLine(text: string, offset: number, payload: LinePayload): CustomPatternMatcherReturn {
  const result = [text.substring(offset, afterLineEnd(text, payload.contentEnd))] as CustomPatternMatcherReturn;
  result.payload = payload;
  return result;
}

/**
 * Splits `text[start, end)` into argv words as `add_param_to_argv()` does:
 * blanks separate words; outside quotes `\` and `'` are ordinary; `"` opens a
 * quote in the middle of a word; inside quotes `\X` is X and the closing `"`
 * ends the word at once (`""` is an empty word, `"a"b` two words). An
 * unterminated quote takes the rest of the line.
 */
function splitArgv(text: string, start: number, end: number, lineStart: number, payload: LinePayload): void {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) i++;
    else i = scanArgvWord(text, i, end, lineStart, payload);
  }
}

/** Scans the word starting at `wordStart`; returns the offset after it. */
function scanArgvWord(text: string, wordStart: number, end: number, lineStart: number, payload: LinePayload): number {
  let i = wordStart;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) break;
    if (c === QUOTE) return scanQuotedTail(text, wordStart, i, end, lineStart, payload);
    if ((c < SPACE || c === DEL) && payload.controlAt < 0 && isControl(c, text, i)) payload.controlAt = i;
  }
  addWord(payload, undefined, wordStart, i, lineStart);
  return i;
}

/** Forgets the last line's scratch texts, so a finished parse keeps no piece of its input alive. */
export function clearLexerState(): void {
  quotedTexts.fill(0);
}

/** The rest of a word from its first `"` on; returns the offset after the word. */
function scanQuotedTail(text: string, wordStart: number, quoteAt: number, end: number, lineStart: number, payload: LinePayload): number {
  let value = text.substring(wordStart, quoteAt);
  let segmentStart = quoteAt + 1;
  for (let i = segmentStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      value += text.substring(segmentStart, i);
      addWord(payload, value, wordStart, i + 1, lineStart);
      return i + 1;
    }
    if (c === BACKSLASH && i + 1 < end) {
      // Keep the escaped character: the next segment starts at it, and the loop steps over it.
      value += text.substring(segmentStart, i);
      segmentStart = ++i;
    } else if (c < SPACE && payload.controlAt < 0 && isControl(c, text, i)) {
      payload.controlAt = i;
    }
  }
  if (payload.unterminatedQuoteAt < 0) payload.unterminatedQuoteAt = quoteAt;
  addWord(payload, value + text.substring(segmentStart, end), wordStart, end, lineStart);
  return end;
}

/** The word at `text[start, end)`; `unquoted` is its text when that is not the raw text (quotes, escapes). */
function addWord(payload: LinePayload, unquoted: string | undefined, start: number, end: number, lineStart: number): void {
  if (unquoted !== undefined) {
    quotedTexts[quotedTextCount++] = lineWordCount;
    quotedTexts[quotedTextCount++] = unquoted;
  }
  const k = 2 * lineWordCount++;
  const from = start - lineStart;
  const to = end - lineStart;
  if (wideBounds === undefined && to > 0xffff) wideBounds = Array.from(lineBounds.subarray(0, k));
  if (wideBounds !== undefined) {
    wideBounds.push(from, to);
  } else {
    if (k + 2 > lineBounds.length) lineBounds = growBounds(lineBounds);
    lineBounds[k] = from;
    lineBounds[k + 1] = to;
  }
  payload.lastWordEnd = end;
}

function growBounds(bounds: Uint16Array): Uint16Array {
  const grown = new Uint16Array(bounds.length * 2);
  grown.set(bounds);
  return grown;
}

/** Splits `text[start, end)` like `strtok(s, " \t\n")`: runs of non-blanks, quotes included. */
function splitStrtok(text: string, start: number, end: number, lineStart: number, payload: LinePayload): void {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    const wordStart = i;
    for (let c = text.charCodeAt(i); i < end && c !== SPACE && c !== TAB; c = text.charCodeAt(++i));
    addWord(payload, undefined, wordStart, i, lineStart);
  }
}

function emptyPayload(contentEnd: number, lastWordEnd: number): LinePayload {
  return { contentEnd, unterminatedQuoteAt: -1, controlAt: -1, lastWordEnd };
}

/** `*table` / `:CHAIN …`: the marker, then strtok words. */
function strtokLine(marker: number) {
  return (text: string, offset: number): CustomPatternMatcherReturn | null => {
    if (text.charCodeAt(offset) !== marker) return null;
    const end = endOfLine(text, offset);
    const payload = emptyPayload(end, offset + 1);
    payload.controlAt = findControl(text, offset, end);
    splitStrtok(text, offset + 1, end, offset, payload);
    payload.words = takeLineWords(text, offset);
    return matchedLine(text, offset, payload);
  };
}

function commentLine(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text.charCodeAt(offset) !== 0x23) return null;
  const end = endOfLine(text, offset);
  const payload = emptyPayload(end, end);
  payload.controlAt = findControl(text, offset, end);
  return matchedLine(text, offset, payload);
}

/** legacy restore wants exactly "COMMIT\n"; nft (≥ 1.8.4) also takes it at EOF. */
function commitLine(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!text.startsWith('COMMIT', offset)) return null;
  const after = offset + 6;
  if (after !== text.length && !isLineEnd(text, after)) return null;
  return matchedLine(text, offset, emptyPayload(after, after));
}

/** Any other non-empty line: optional `[p:b]` counters, then argv words. */
function commandLine(text: string, offset: number): CustomPatternMatcherReturn | null {
  const end = endOfLine(text, offset);
  if (end === offset) return null;
  const payload = emptyPayload(end, offset);
  let wordsStart = offset;
  if (text.charCodeAt(offset) === 0x5b) {
    // tokenize_rule_counters(): everything up to the first `]`; without one the line is bad ("need ]").
    const close = text.indexOf(']', offset);
    wordsStart = close >= 0 && close < end ? close + 1 : end;
    const raw = text.substring(offset, wordsStart);
    payload.counters = new SourceWord(raw, 0, 1, offset);
    payload.lastWordEnd = wordsStart;
    payload.controlAt = findControl(text, offset, wordsStart);
  }
  splitArgv(text, wordsStart, end, offset, payload);
  payload.words = takeLineWords(text, offset);
  return matchedLine(text, offset, payload);
}

/** Every UTF-16 code unit that can start a line (anything but `\n`). */
function lineStartChars(): number[] {
  const codes: number[] = [];
  for (let code = 0; code <= 0xffff; code++) if (code !== NL) codes.push(code);
  return codes;
}

/** A line with nothing on it: only its line end. */
export const EmptyLine = createToken({ name: 'EmptyLine', pattern: /\r?\n/, line_breaks: true });

export const CommentLine = createToken({
  name: 'CommentLine',
  pattern: { exec: commentLine },
  line_breaks: true,
  start_chars_hint: ['#'],
});

export const TableLine = createToken({
  name: 'TableLine',
  pattern: { exec: strtokLine(0x2a) },
  line_breaks: true,
  start_chars_hint: ['*'],
});

export const ChainLine = createToken({
  name: 'ChainLine',
  pattern: { exec: strtokLine(0x3a) },
  line_breaks: true,
  start_chars_hint: [':'],
});

export const CommitLine = createToken({
  name: 'CommitLine',
  pattern: { exec: commitLine },
  line_breaks: true,
  start_chars_hint: ['C'],
});

export const CommandLine = createToken({
  name: 'CommandLine',
  pattern: { exec: commandLine },
  line_breaks: true,
  start_chars_hint: lineStartChars(),
});

/**
 * Order matters: the first pattern that matches wins. Every token starts at a
 * line start, because each one runs through the end of its line.
 */
export const ALL_TOKENS: TokenType[] = [EmptyLine, CommentLine, TableLine, ChainLine, CommitLine, CommandLine];
