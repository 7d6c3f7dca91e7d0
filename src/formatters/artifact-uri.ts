/**
 * Where a reported file is, as a URI for SARIF: relative to the working
 * directory (base id `%SRCROOT%`) when the file is inside it, so code
 * scanning maps it onto the repository; an absolute `file:` URI otherwise.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The name the CLI gives standard input (src/cli/inputs.ts). */
const STDIN_NAME = '<stdin>';

export const SRCROOT = '%SRCROOT%';

export interface ArtifactUri {
  uri: string;
  uriBaseId?: typeof SRCROOT;
  /** The report came from standard input, not from a file. */
  stdin: boolean;
}

export function artifactUri(file: string, cwd: string | undefined): ArtifactUri {
  if (file === STDIN_NAME) return { uri: 'stdin', stdin: true };
  const base = cwd ?? (isAbsolute(file) ? undefined : '');
  if (base === undefined) return { uri: pathToFileURL(file).href, stdin: false };
  const inside = base === '' ? file : relative(base, resolve(base, file));
  if (inside === '' || inside.split(sep)[0] === '..' || isAbsolute(inside)) {
    return { uri: pathToFileURL(resolve(base || '.', file)).href, stdin: false };
  }
  return { uri: inside.split(sep).map(encodeSegment).join('/'), uriBaseId: SRCROOT, stdin: false };
}

/** The working directory as the absolute, `/`-terminated URI that `%SRCROOT%` stands for. */
export function srcrootUri(cwd: string): string {
  const href = pathToFileURL(cwd).href;
  return href.endsWith('/') ? href : href + '/';
}

/**
 * Percent-encodes everything a URI path segment cannot hold literally (RFC
 * 3986 pchar). A lone surrogate (a name that was not valid UTF-16) becomes
 * U+FFFD first, as encodeURIComponent throws on it.
 */
function encodeSegment(segment: string): string {
  const wellFormed = segment.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return encodeURIComponent(wellFormed).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
