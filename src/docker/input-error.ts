/** The one error the Docker input loaders throw: user-facing, with file, position and key path. */

export interface InputLocation {
  line: number;
  column: number;
}

export class DockerInputError extends Error {
  override readonly name = 'DockerInputError';
  readonly file: string;
  readonly location: InputLocation | undefined;
  /** Where in the document, e.g. `networks[0].icc` or `[2].IPAM.Config[0].Subnet`. */
  readonly keyPath: string | undefined;

  constructor(file: string, message: string, options: { location?: InputLocation; keyPath?: string } = {}) {
    const where = options.location ? `${file}:${options.location.line}:${options.location.column}` : file;
    const key = options.keyPath ? ` (at ${options.keyPath})` : '';
    super(`${where}: ${message}${key}`);
    this.file = file;
    this.location = options.location;
    this.keyPath = options.keyPath;
  }
}

export type KeyPath = readonly (string | number)[];

/** `['networks', 0, 'icc']` → `networks[0].icc`. */
export function formatKeyPath(path: KeyPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text === '' ? '(document root)' : text;
}
