/**
 * JSON text safe to print: JSON.stringify leaves DEL, C1 controls (U+0080–
 * U+009F, which include the 8-bit CSI and OSC), bidi overrides and line
 * separators raw inside strings, so `cat report.json` could still drive a
 * terminal. They are written as \uXXXX escapes instead: the document parses
 * to the same values.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export function stringifyJson(value: unknown, indent?: number): string {
  // These characters can only occur inside string literals, so replacing them in the text is safe.
  return JSON.stringify(value, null, indent).replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
