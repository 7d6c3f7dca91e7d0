/**
 * The two lines printed under a finding: the offending source line and a
 * `^~~~` marker under the span, like a compiler (actionlint, rustc).
 */
import type { Span } from '../../grammar/ast.js';
import { toDisplayLine } from './terminal-text.js';

export interface Excerpt {
  lineNumber: number;
  /** The source line, neutralised and cut to a window around the span. */
  code: string;
  /** Blanks then `^~~~`, aligned under `code`. */
  marker: string;
}

/** Longest stretch of a source line shown; a 1 MB line is cut around the span. */
const MAX_CELLS = 200;
/** Context kept left of the span when a long line is cut. */
const LEFT_CONTEXT = 40;
/** Only this many UTF-16 units around the span are looked at, however long the line. */
const SCAN_UNITS = 4 * MAX_CELLS;
const ELLIPSIS = '…';

export function sourceExcerpt(lines: readonly string[], span: Span): Excerpt | undefined {
  if (span.line < 1 || span.line > lines.length) return undefined;
  const fullLine = lines[span.line - 1] ?? '';
  const spanStart = clamp(span.column - 1, 0, fullLine.length);
  const spanEnd = span.endLine === span.line ? clamp(span.endColumn - 1, spanStart, fullLine.length) : fullLine.length;

  // Cut the line to a scan window first so the work per finding is bounded.
  let from = 0;
  let to = fullLine.length;
  if (fullLine.length > SCAN_UNITS) {
    from = Math.max(0, spanStart - LEFT_CONTEXT);
    if (isLowSurrogate(fullLine.charCodeAt(from))) from--;
    to = Math.min(fullLine.length, from + SCAN_UNITS);
    if (isLowSurrogate(fullLine.charCodeAt(to))) to++;
  }
  const display = toDisplayLine(fullLine.slice(from, to));
  const units = display.pieces.length;
  const startCell = display.cells[spanStart - from] ?? 0;
  const spanCells = Math.max(1, (display.cells[Math.min(spanEnd - from, units)] ?? startCell) - startCell);

  const totalCells = display.cells[units] ?? 0;
  let windowStart = 0;
  if (totalCells > MAX_CELLS) windowStart = Math.max(0, Math.min(startCell - LEFT_CONTEXT, totalCells - MAX_CELLS));
  const windowEnd = windowStart + MAX_CELLS;
  const cutLeft = from > 0 || windowStart > 0;
  const cutRight = to < fullLine.length || totalCells > windowEnd;

  let code = cutLeft ? ELLIPSIS : '';
  for (let unit = 0; unit < units; unit++) {
    const cell = display.cells[unit] ?? 0;
    const next = display.cells[unit + 1] ?? cell;
    if (cell >= windowStart && next <= windowEnd) code += display.pieces[unit] ?? '';
  }
  if (cutRight) code += ELLIPSIS;

  const indent = startCell - windowStart + (cutLeft ? ELLIPSIS.length : 0);
  const width = Math.min(spanCells, Math.max(1, windowEnd - startCell));
  return { lineNumber: span.line, code, marker: ' '.repeat(indent) + '^' + '~'.repeat(width - 1) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
