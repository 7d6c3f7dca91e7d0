/**
 * Makes untrusted text (dump lines, messages quoting them, file names) safe to
 * print on a terminal: control characters, ANSI escapes, bidi overrides and
 * other invisible characters become visible escapes such as `\x1b`, so a
 * crafted dump can neither recolour nor rewrite the user's terminal, nor hide
 * what it contains.
 */

/** C0 controls (tab included), DEL and C1 controls. */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** Zero-width and direction-changing characters ("Trojan Source"), line/paragraph separators, BOM. */
function isInvisibleFormat(code: number): boolean {
  return (
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff
  );
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/** The visible form of one UTF-16 unit or surrogate pair (`char`). */
function escapeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (char === '\t') return '\\t';
  if (char === '\r') return '\\r';
  if (char === '\n') return '\\n';
  if (isControl(code)) return `\\x${hex(code, 2)}`;
  if (isInvisibleFormat(code)) return `\\u${hex(code, 4)}`;
  // A lone surrogate (input was not valid UTF-16).
  if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) return `\\u${hex(code, 4)}`;
  return char;
}

/** Terminal cells a printed character takes: 2 for East Asian wide/fullwidth and emoji, else 1. */
function cellWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x300 && code <= 0x36f) return 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Every character `escapeChar` changes: controls (tab and line feed included), invisible formatting, lone surrogates. */
const ESCAPED = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The same, but tabs and line feeds are kept. */
const HIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Like `neutralize`, but keeps tabs and line feeds: for formats whose own
 * escaping handles line structure (HTML text, Prometheus labels) and that
 * must still never carry raw controls or invisible direction changes.
 */
export function showHiddenCharacters(text: string): string {
  return text.replace(HIDDEN, escapeChar);
}

/** Whole-string neutralisation, for messages and file names. */
export function neutralize(text: string): string {
  return text.replace(ESCAPED, escapeChar);
}

/**
 * A source line prepared for display: `pieces[i]` is what UTF-16 unit `i`
 * prints as (the second unit of a surrogate pair prints as ''), and
 * `cells[i]` is the terminal column where it starts; `cells[length]` is the
 * total width. Lets the caret line be placed under neutralised text.
 */
export interface DisplayLine {
  pieces: string[];
  cells: number[];
}

export function toDisplayLine(text: string): DisplayLine {
  const pieces: string[] = [];
  const cells: number[] = [];
  let cell = 0;
  for (const char of text) {
    const shown = escapeChar(char);
    const width = shown === char ? cellWidth(char) : shown.length;
    pieces.push(shown);
    cells.push(cell);
    if (char.length === 2) {
      pieces.push('');
      cells.push(cell);
    }
    cell += width;
  }
  cells.push(cell);
  return { pieces, cells };
}

const SGR = /\x1b\[[0-9;]*m/y;

/**
 * A whole rendered report made safe after the fact, for renderers that
 * print input-derived names (chains, comments, networks) as they are: every
 * character `neutralize` would escape is escaped, except the line breaks and
 * — when colour is on — SGR colour sequences (`ESC [ … m`), which are the
 * renderer's own (a dump line carrying ESC is a syntax error and never
 * rendered).
 */
export function neutralizeReport(text: string, color: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (color && text.charCodeAt(i) === 0x1b) {
      SGR.lastIndex = i;
      const sequence = SGR.exec(text);
      if (sequence) {
        out += sequence[0];
        i += sequence[0].length;
        continue;
      }
    }
    // One code point: a surrogate pair, or a lone surrogate on its own.
    const char = String.fromCodePoint(text.codePointAt(i) ?? 0);
    out += char === '\n' ? char : escapeChar(char);
    i += char.length;
  }
  return out;
}
