/**
 * Docker's own rulesets (captured listings, firewall unit-test goldens and
 * replayed older generations, in ../shared/docker-rules) are what iptlint sees
 * most: the structural rules must not fire on any of them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/engine/lint.js';
import { structuralRules } from '../../rules/index.js';

const shared = join(import.meta.dirname, '..', '..', '..', 'shared', 'docker-rules');
const folders = ['iptabler-golden-v29', 'iptablesdoc', 'reconstructed'];
const files = existsSync(shared)
  ? folders.flatMap((folder) => readdirSync(join(shared, folder)).filter((f) => !f.startsWith('README')).map((f) => join(folder, f)))
  : [];

describe.skipIf(files.length === 0)('Docker rulesets lint clean', () => {
  it('covers every generation', () => expect(files.length).toBeGreaterThan(100));
  it('no structural finding in any of them', () => {
    const problems: string[] = [];
    for (const file of files) {
      const { findings } = checkText(readFileSync(join(shared, file), 'utf8'), { file, rules: structuralRules });
      for (const f of findings) if (f.category !== 'syntax') problems.push(`${file}:${f.span.line}:${f.span.column} ${f.ruleId}: ${f.message}`);
    }
    expect(problems).toEqual([]);
  });
});
