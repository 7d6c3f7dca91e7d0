/**
 * Reads a JSON or YAML file into a plain value and keeps the node positions,
 * so that errors about its content can point at line:column and key path.
 */
import type { Document, LineCounter } from 'yaml';
import { DEFAULT_MAX_INPUT_BYTES, InputTooLargeError, readFileWithin } from '../input-limit.js';
import { packageOnFirstUse } from '../package-on-first-use.js';
import { DockerInputError, formatKeyPath, type InputLocation, type KeyPath } from './input-error.js';

export interface StructuredFile {
  file: string;
  value: unknown;
  /** Position of the node at `path`, or of its nearest existing ancestor. */
  locate(path: KeyPath): InputLocation | undefined;
  /** Position of the key that names the node at `path` (for unknown or misspelt keys), else as `locate`. */
  locateKey(path: KeyPath): InputLocation | undefined;
  /** An error about the node at `path`. */
  error(path: KeyPath, message: string): DockerInputError;
}

/** Only YAML files, and JSON files with an error to locate, need the YAML parser. */
const yamlPackageOnce = packageOnFirstUse<typeof import('yaml')>('yaml');

// Like readFileSync(file, 'utf8'): a byte order mark stays in the text.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The file's text; refused (before reading it whole) when larger than `maxBytes`. */
export function readText(file: string, maxBytes = DEFAULT_MAX_INPUT_BYTES): string {
  try {
    return utf8.decode(readFileWithin(file, maxBytes));
  } catch (cause) {
    if (cause instanceof InputTooLargeError) throw new DockerInputError(file, `${cause.message}; pass a larger --max-input-size if this file is real`);
    const reason = cause instanceof Error && 'code' in cause && cause.code === 'ENOENT' ? 'file not found' : `cannot read file (${String(cause)})`;
    throw new DockerInputError(file, reason);
  }
}

/** JSON's own message is clearer than YAML's for a JSON file; the position comes from the YAML parser either way. */
function jsonSyntaxMessage(text: string): string | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (cause) {
    return cause instanceof Error ? cause.message.replace(/ in JSON at position \d+.*$/, '') : undefined;
  }
}

/**
 * A JSON file (what `docker inspect` prints, often megabytes) is parsed with
 * JSON.parse; the YAML parser, which knows node positions, runs only when an
 * error has to point somewhere. Anything else goes through the YAML parser.
 */
export function parseStructured(file: string, text: string): StructuredFile {
  const json = /^\s*[[{]/.test(text) ? parseJson(text) : undefined;
  let parsed: { document: Document.Parsed; lineCounter: LineCounter } | undefined;
  const positioned = () => (parsed ??= parseYaml(file, text));
  const value: unknown = json ? json.value : positioned().document.toJS({ maxAliasCount: 100 });

  const locate = (path: KeyPath): InputLocation | undefined => {
    const { document, lineCounter } = positioned();
    const { isNode } = yamlPackageOnce();
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) {
        const position = lineCounter.linePos(node.range[0]);
        return { line: position.line, column: position.col };
      }
    }
    return undefined;
  };
  const locateKey = (path: KeyPath): InputLocation | undefined => {
    const { document, lineCounter } = positioned();
    const { isMap, isNode } = yamlPackageOnce();
    const last = path.at(-1);
    const parent: unknown = path.length <= 1 ? document.contents : document.getIn(path.slice(0, -1), true);
    const pair = typeof last === 'string' && isMap(parent) ? parent.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === last) : undefined;
    const key: unknown = pair?.key;
    if (isNode(key) && key.range) {
      const position = lineCounter.linePos(key.range[0]);
      return { line: position.line, column: position.col };
    }
    return locate(path);
  };
  const error = (path: KeyPath, message: string): DockerInputError => {
    const location = locate(path);
    return new DockerInputError(file, message, { keyPath: formatKeyPath(path), ...(location ? { location } : {}) });
  };
  return { file, value, locate, locateKey, error };
}

/** The value when the text is valid JSON with unique keys per object; undefined sends it to the YAML parser (and its errors). */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return hasDuplicateKey(text) ? undefined : { value };
  } catch {
    return undefined;
  }
}

/**
 * JSON.parse keeps the last of repeated keys silently; the YAML parser
 * reports them. A scan of the (already valid) JSON text finds repeats:
 * strings are skipped with indexOf, and a string followed by `:` inside an
 * object is a key.
 */
const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

function hasDuplicateKey(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      const end = closingQuote(text, i);
      const keys = stack[stack.length - 1];
      let next = end + 1;
      while (next < text.length && text.charCodeAt(next) <= 32) next++;
      if (keys && text.charCodeAt(next) === COLON) {
        const raw = text.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (keys.has(name)) return true;
        keys.add(name);
      }
      i = end;
    } else if (char === 123) stack.push(new Set());
    else if (char === 91) stack.push(null);
    else if (char === 125 || char === 93) stack.pop();
  }
  return false;
}

/** The `"` that closes the string opening at `start`: the first one not escaped by an odd run of backslashes. */
function closingQuote(text: string, start: number): number {
  for (let from = start + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let before = quote - 1;
    while (text.charCodeAt(before) === BACKSLASH) before--;
    if ((quote - 1 - before) % 2 === 0) return quote;
    from = quote + 1;
  }
}

function parseYaml(file: string, text: string): { document: Document.Parsed; lineCounter: LineCounter } {
  const { LineCounter: Counter, parseDocument } = yamlPackageOnce();
  const lineCounter = new Counter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [firstError] = document.errors;
  if (firstError) {
    const position = lineCounter.linePos(firstError.pos[0]);
    const reason = jsonSyntaxMessage(text) ?? firstError.message.split('\n')[0] ?? firstError.message;
    throw new DockerInputError(file, `not valid JSON/YAML: ${reason}`, { location: { line: position.line, column: position.col } });
  }
  return { document, lineCounter };
}

export function readStructuredFile(file: string, maxBytes = DEFAULT_MAX_INPUT_BYTES): StructuredFile {
  return parseStructured(file, readText(file, maxBytes));
}

/**
 * A value that never was a file (e.g. JSON from the Docker Engine API):
 * errors name `file` and the key path, without a line and column.
 */
export function structuredValue(file: string, value: unknown): StructuredFile {
  return {
    file,
    value,
    locate: () => undefined,
    locateKey: () => undefined,
    error: (path, message) => new DockerInputError(file, message, { keyPath: formatKeyPath(path) }),
  };
}
