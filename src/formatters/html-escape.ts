/** Escaping for the HTML report: everything that comes from a dump goes through one of these. */
import { showHiddenCharacters } from './terminal-text.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return showHiddenCharacters(text).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] as string);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as
 * \\u escapes so no `</script>` or `<!--` can end or bend the block, and
 * U+2028/U+2029 escaped for older parsers that treat them as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
