/**
 * Bytes to text the parser sees. The BOM is kept (TextDecoder would drop it)
 * so the parser can report it; invalid UTF-8 becomes U+FFFD.
 */
import type { Span } from '../../grammar/ast.js';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeDump(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Where the first NUL is, if any: no iptables text contains one, and
 * linting binary data line by line would only bury the user in noise.
 */
export function firstNul(text: string): Span | undefined {
  const offset = text.indexOf('\0');
  if (offset === -1) return undefined;
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  const column = offset - lineStart + 1;
  return { line, column, endLine: line, endColumn: column + 1, offset };
}
