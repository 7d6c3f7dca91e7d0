/** Reads one of the published JSON Schemas in schemas/ (two levels above src/config, three above dist/src/config). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function readSchema(relativePath: string): Record<string, unknown> {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(directory, relativePath);
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8')) as Record<string, unknown>;
    directory = dirname(directory);
  }
  throw new Error(`cannot find ${relativePath} above ${fileURLToPath(import.meta.url)}`);
}
