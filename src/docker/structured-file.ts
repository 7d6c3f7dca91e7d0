/**
 * Reads a JSON or YAML file into a plain value and keeps the node positions,
 * so that errors about its content can point at line:column and key path.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DockerInputError, formatKeyPath, type InputLocation, type KeyPath } from './input-error.js';

export interface StructuredFile {
  file: string;
  value: unknown;
  /** Position of the node at `path`, or of its nearest existing ancestor. */
  locate(path: KeyPath): InputLocation | undefined;
  /** An error about the node at `path`. */
  error(path: KeyPath, message: string): DockerInputError;
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
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

export function parseStructured(file: string, text: string): StructuredFile {
  // Loaded on first use: the YAML parser's start-up cost is paid only by runs that read Docker state.
  const { LineCounter, parseDocument, isNode } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [firstError] = document.errors;
  if (firstError) {
    const position = lineCounter.linePos(firstError.pos[0]);
    const reason = jsonSyntaxMessage(text) ?? firstError.message.split('\n')[0] ?? firstError.message;
    throw new DockerInputError(file, `not valid JSON/YAML: ${reason}`, { location: { line: position.line, column: position.col } });
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });

  const locate = (path: KeyPath): InputLocation | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) {
        const position = lineCounter.linePos(node.range[0]);
        return { line: position.line, column: position.col };
      }
    }
    return undefined;
  };
  const error = (path: KeyPath, message: string): DockerInputError => {
    const location = locate(path);
    return new DockerInputError(file, message, { keyPath: formatKeyPath(path), ...(location ? { location } : {}) });
  };
  return { file, value, locate, error };
}

export function readStructuredFile(file: string): StructuredFile {
  return parseStructured(file, readText(file));
}
