import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { ENGINE_FINDING_IDS, SUPPRESSION_CHECKS, SYNTAX_CODES } from '../../src/engine/finding-ids.js';
import { ruleCatalog } from '../../src/formatters/rule-catalog.js';
import { defaultSeverity } from '../../src/formatters/rule-list-json.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(join(REPO, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('finding ids a configuration may name', () => {
  it('SYNTAX_CODES lists exactly the syntax/… codes the parser and the CLI emit', () => {
    const emitted = new Set<string>();
    for (const file of [...sourceFiles('grammar'), ...sourceFiles('src')]) {
      if (file.endsWith('finding-ids.ts')) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(/['"`](syntax\/[a-z0-9-]+)/g)) emitted.add(match[1] ?? '');
    }
    expect(Object.keys(SYNTAX_CODES).sort()).toEqual([...emitted].sort());
  });

  it('no lint rule shares an id with the engine', () => {
    const ruleIds = allRules.map((rule) => rule.meta.id);
    expect(ruleIds.filter((id) => ENGINE_FINDING_IDS.includes(id))).toEqual([]);
  });

  it('the rule catalogue (SARIF, `iptlint rules`) describes every id a configuration may name, once', () => {
    const catalog = ruleCatalog();
    const ids = catalog.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...allRules.map((rule) => rule.meta.id), ...ENGINE_FINDING_IDS].sort());
  });

  it('the catalogue gives the suppression checks the default severities the suppression pass uses', () => {
    const catalog = new Map(ruleCatalog().map((entry) => [entry.id, entry]));
    for (const [id, severity] of Object.entries(SUPPRESSION_CHECKS)) {
      const entry = catalog.get(id);
      expect(entry && defaultSeverity(entry), id).toBe(severity);
    }
  });
});
