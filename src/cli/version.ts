import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in iptlint's package.json. Looked up by walking up from this
 * module because it runs from the bundle in `dist/cli/`, from `dist/src/cli/` and, under tests, from `src/cli/`.
 */
function readManifest(): { version: string; homepage?: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (isIptlintManifest(manifest)) return manifest;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return { version: '0.0.0-unknown' };
    dir = parent;
  }
}

function isIptlintManifest(value: unknown): value is { version: string; homepage?: string } {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['name'] === 'iptlint' && typeof record['version'] === 'string' && ['string', 'undefined'].includes(typeof record['homepage']);
}

const manifest = readManifest();

export const toolName = 'iptlint';
export const toolVersion = manifest.version;

/** Name, version and, when package.json has a `homepage`, where the project and its rule docs live (SARIF links to them). */
export const tool = {
  name: toolName,
  version: toolVersion,
  ...(manifest.homepage === undefined ? {} : { informationUri: manifest.homepage }),
} as const;
