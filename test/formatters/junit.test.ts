import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { escapeXml, formatJunit } from '../../src/formatters/junit.js';
import { runMain, type JsonOut } from '../cli/run-cli.js';
import { finding, report, TOOL } from './fixtures.js';
import { realCases, type RealCase } from './real-reports.js';

const XSD = fileURLToPath(new URL('./junit.xsd', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'iptlint-junit-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let fileCount = 0;
function saved(xml: string): string {
  const path = join(workDir, `report-${fileCount++}.xml`);
  writeFileSync(path, xml);
  return path;
}

/** xmllint (Debian libxml2-utils): schema validation and XPath queries on a saved report. */
function xmllint(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('xmllint', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`xmllint is needed (apt-get install libxml2-utils): ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The XPath result as xmllint prints it, without the line feed it ends with. */
function xpath(path: string, expression: string): string {
  const result = xmllint(['--xpath', expression, path]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.replace(/\n$/, '');
}

function validateAgainstXsd(path: string): void {
  const result = xmllint(['--noout', '--schema', XSD, path]);
  expect(result.code, result.stderr).toBe(0);
}

describe('junit formatter on real findings', () => {
  const cases = realCases();
  const outputs = new Map<string, { path: string; json: JsonOut }>();
  beforeAll(async () => {
    for (const testCase of cases) {
      const junit = await runMain(['check', '--format', 'junit', ...testCase.args]);
      const json = await runMain(['check', '--format', 'json', ...testCase.args]);
      outputs.set(testCase.name, { path: saved(junit.stdout), json: JSON.parse(json.stdout) as JsonOut });
    }
  });

  it.each(cases.map((testCase): [string, RealCase] => [testCase.name, testCase]))('%s validates against the JUnit XSD and its counts add up', (name) => {
    const output = outputs.get(name);
    if (!output) throw new Error(`no output for ${name}`);
    validateAgainstXsd(output.path);
    expect(xpath(output.path, 'string(/testsuites/@tests)')).toBe(xpath(output.path, 'count(//testcase)'));
    expect(xpath(output.path, 'string(/testsuites/@failures)')).toBe(xpath(output.path, 'count(//testcase[failure])'));
    expect(xpath(output.path, 'string(/testsuites/@errors)')).toBe(xpath(output.path, 'count(//testcase[error])'));
    const suites = Number(xpath(output.path, 'count(/testsuites/testsuite)'));
    expect(suites).toBe(output.json.files.length);
    for (let i = 1; i <= suites; i++) {
      const suite = `/testsuites/testsuite[${i}]`;
      expect(xpath(output.path, `string(${suite}/@tests)`)).toBe(xpath(output.path, `count(${suite}/testcase)`));
      expect(xpath(output.path, `string(${suite}/@failures)`)).toBe(xpath(output.path, `count(${suite}/testcase[failure])`));
      expect(xpath(output.path, `string(${suite}/@errors)`)).toBe(xpath(output.path, `count(${suite}/testcase[error])`));
    }
  });

  it.each(cases.map((testCase) => testCase.name))('%s: a test case per rule and file; failures are the rules with findings, errors the parse errors and unreadable files', (name) => {
    const output = outputs.get(name);
    if (!output) throw new Error(`no output for ${name}`);
    const findings = output.json.findings;
    const failing = new Set(findings.filter((f) => !f.ruleId.startsWith('syntax/')).map((f) => `${f.file}\0${f.ruleId}`));
    const syntax = new Set(findings.filter((f) => f.ruleId.startsWith('syntax/')).map((f) => `${f.file}\0${f.ruleId}`));
    const unreadable = output.json.files.filter((file) => file.status === 'unreadable');
    expect(xpath(output.path, 'count(//testcase[failure])')).toBe(String(failing.size));
    expect(xpath(output.path, 'count(//testcase[error])')).toBe(String(syntax.size + unreadable.length));
    for (const file of output.json.files.filter((entry) => entry.status === 'checked')) {
      const names = new Set(
        xpath(output.path, `//testcase[@classname="${file.file}"]/@name`)
          .split('\n')
          .map((attr) => attr.replace(/^\s*name="(.*)"$/, '$1')),
      );
      for (const rule of allRules) expect(names.has(rule.meta.id), `${file.file} ${rule.meta.id}`).toBe(true);
    }
    for (const key of [...failing, ...syntax]) {
      const [file, ruleId] = key.split('\0') as [string, string];
      const tag = ruleId.startsWith('syntax/') ? 'error' : 'failure';
      const body = xpath(output.path, `string(//testcase[@classname="${file}"][@name="${ruleId}"]/${tag})`);
      for (const f of findings.filter((x) => x.file === file && x.ruleId === ruleId)) {
        expect(body).toContain(`${f.file}:${f.line}:${f.column} ${f.message}`);
        if (f.fix !== undefined) expect(body).toContain(`fix: ${f.fix}`);
      }
    }
    for (const file of unreadable) {
      expect(xpath(output.path, `string(//testcase[@classname="${file.file}"]/error/@message)`)).toBe(`cannot read ${file.file}: no such file or directory`);
    }
  });
});

describe('junit XML escaping', () => {
  const hostile = `q" a' lt< gt> amp& nul\u0000 bel\u0007 esc\u001b[31m vt\u000b ff\u000c ffff\uffff fffe\ufffe lone\udc00 pair\ud83d\ude00 cr\r tab\t nl\n cdata]]> end`;
  /** What an XML parser must give back: everything but the characters XML 1.0 cannot carry. */
  const visible = hostile
    .replace('\u0000', '\\x00')
    .replace('\u0007', '\\x07')
    .replace('\u001b', '\\x1b')
    .replace('\u000b', '\\x0b')
    .replace('\u000c', '\\x0c')
    .replace('\uffff', '\\uffff')
    .replace('\ufffe', '\\ufffe')
    .replace('\udc00', '\\udc00');

  it('escapes the XML specials and makes forbidden characters visible; a parser reads back the same text', () => {
    const file = `dumps/a"<&>'\u001b.rules`;
    const xml = formatJunit([report([finding({ ruleId: 'duplicate-rule', message: hostile, fix: undefined })], undefined, file)], { color: false, tool: TOOL });
    const path = saved(xml);
    validateAgainstXsd(path);
    const message = xpath(path, 'string(//testcase[failure]/failure/@message)');
    expect(message).toBe(`1 finding (error): ${visible}`);
    expect(xpath(path, 'string(//testcase[failure]/failure)')).toBe(`${file.replace('\u001b', '\\x1b')}:4:15 ${visible}`);
    expect(xpath(path, 'string(//testcase[failure]/@classname)')).toBe(file.replace('\u001b', '\\x1b'));
  });

  it('keeps tab, LF and CR in attributes as character references, so attribute normalisation cannot eat them', () => {
    expect(escapeXml('a\tb\nc\rd', true)).toBe('a&#9;b&#10;c&#13;d');
    expect(escapeXml('a\tb\nc\rd', false)).toBe('a\tb\nc&#13;d');
  });
});
