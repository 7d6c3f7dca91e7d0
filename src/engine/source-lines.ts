/**
 * The lines of a dump as findings count them: split on LF only, so a CR stays
 * part of its line (and visible), and without a leading UTF-8 byte order mark.
 * The BOM is not a column: the parser reports it once (`syntax/bom`) and counts
 * line 1's columns from the character after it, as editors show the line.
 * Span offsets still index the text as given, BOM included.
 */
export function sourceLines(source: string): string[] {
  return (source.charCodeAt(0) === 0xfeff ? source.slice(1) : source).split('\n');
}
