/**
 * Finds the configuration for a run: walking up from the working directory,
 * the first directory with `.iptlintrc.json`, `.iptlintrc.yaml`,
 * `.iptlintrc.yml` or a package.json with an `iptlint` key (checked in that
 * order) wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_FILE_NAMES = ['.iptlintrc.json', '.iptlintrc.yaml', '.iptlintrc.yml'] as const;

export function findConfigFile(cwd: string): string | undefined {
  let directory = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(directory, name);
      if (existsSync(candidate)) return candidate;
    }
    const packageJson = join(directory, 'package.json');
    if (existsSync(packageJson) && hasIptlintKey(packageJson)) return packageJson;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** A package.json that is not valid JSON is some other tool's problem: it is not our configuration. */
function hasIptlintKey(file: string): boolean {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && Object.hasOwn(value, 'iptlint');
  } catch {
    return false;
  }
}
