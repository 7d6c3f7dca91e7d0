/** JSON files must be JSON (YAML, which parses them for positions, also takes trailing commas and comments). */

/** `file:line:col: not valid JSON: reason`, or undefined when `text` is valid JSON. */
export function jsonSyntaxError(file: string, text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    return `${file}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}: not valid JSON: ${reason}`;
  }
}
