/**
 * actionlint-style data tests: every dump in ok/ lints clean; every dump in
 * err/<rule-id>/ produces exactly the findings its `# expect: LINE:COL RULE [SEVERITY]`
 * header lines state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { structuralRules } from '../../rules/index.js';

const here = import.meta.dirname;
const okDir = join(here, 'ok');
const errDir = join(here, 'err');

function rulesFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rules'))
    .sort();
}

interface Expectation {
  line: number;
  column: number;
  ruleId: string;
  severity?: string;
}

function expectations(text: string): Expectation[] {
  return [...text.matchAll(/^# expect: (\d+):(\d+) (\S+)(?: (error|warning|info))?$/gm)].map((m) => {
    const expectation: Expectation = { line: Number(m[1]), column: Number(m[2]), ruleId: m[3] as string };
    if (m[4] !== undefined) expectation.severity = m[4];
    return expectation;
  });
}

function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.span.line}:${f.span.column} ${f.ruleId} ${f.severity}: ${f.message}`).join('\n');
}

/** The chain named on a line: `-A CHAIN`, `:CHAIN`, `-N CHAIN`… */
function chainOfLine(line: string): string | undefined {
  return /^(?:\[\d+:\d+\] )?(?:-[A-Z] |:)(\S+)/.exec(line)?.[1];
}

describe('ok dumps lint clean', () => {
  const files = rulesFiles(okDir);
  it('has dumps', () => expect(files.length).toBeGreaterThanOrEqual(5));
  for (const file of files) {
    it(file, () => {
      const { findings } = checkText(readFileSync(join(okDir, file), 'utf8'), { file });
      expect(describeFindings(findings)).toBe('');
    });
  }
});

describe('err dumps produce exactly their expected findings', () => {
  const ruleDirs = readdirSync(errDir).sort();
  it('every structural rule has err cases and every folder is a rule', () => {
    expect(ruleDirs).toEqual(structuralRules.map((r) => r.meta.id).sort());
  });
  for (const ruleId of ruleDirs) {
    for (const file of rulesFiles(join(errDir, ruleId))) {
      it(`${ruleId}/${file}`, () => {
        const text = readFileSync(join(errDir, ruleId, file), 'utf8');
        const expected = expectations(text);
        expect(expected.length, 'the file states its expected findings').toBeGreaterThan(0);
        expect(expected.every((e) => e.ruleId === ruleId), `all expectations are for ${ruleId}`).toBe(true);
        const { findings } = checkText(text, { file });
        const got = findings.map((f) => `${f.span.line}:${f.span.column} ${f.ruleId}`);
        expect(got, describeFindings(findings)).toEqual(expected.map((e) => `${e.line}:${e.column} ${e.ruleId}`));
        const lines = text.split('\n');
        for (const [i, e] of expected.entries()) {
          const finding = findings[i] as Finding;
          if (e.severity !== undefined) expect(finding.severity).toBe(e.severity);
          expect(finding.fix, 'every finding says how to fix it').toBeTruthy();
          const chain = chainOfLine(lines[e.line - 1] ?? '');
          if (chain !== undefined) expect(finding.message, 'the message names the chain').toContain(chain);
        }
      });
    }
  }
});
