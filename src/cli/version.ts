import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in iptlint's package.json. Looked up by walking up from this
 * module because it runs both from `dist/src/cli/` and, under tests, from `src/cli/`.
 */
function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (isIptlintManifest(manifest)) return manifest.version;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0-unknown';
    dir = parent;
  }
}

function isIptlintManifest(value: unknown): value is { version: string } {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['name'] === 'iptlint' && typeof record['version'] === 'string';
}

export const toolName = 'iptlint';
export const toolVersion = readVersion();

export const tool = { name: toolName, version: toolVersion } as const;
