/**
 * JUnit XML, the report format CI servers (GitLab, Jenkins, Azure Pipelines,
 * CircleCI…) show as test results: one <testsuite> per input file and in it
 * one <testcase> per lint rule (classname = file, name = rule id). A rule
 * with findings fails, its <failure> listing them as `file:line:col message`
 * with the fix; a parse error is an <error> test case named by its code, and
 * an input that could not be read is a test case with an <error>.
 */
import { compareFindings } from '../engine/lint.js';
import { lintRuleIds } from './rule-catalog.js';
import type { CheckedFileReport, FileReport, Finding, Formatter } from './types.js';

/** Name of the test case that stands for reading an input that could not be read. */
export const UNREADABLE_CASE = 'read';

interface TestCase {
  name: string;
  classname: string;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string; body: string };
}

/**
 * Text as XML 1.0 can carry it: the five specials as entities, and characters
 * XML 1.0 forbids (C0 controls other than tab, LF and CR; lone surrogates;
 * U+FFFE, U+FFFF) as visible `\xNN`/`\uNNNN` escapes, since no XML parser
 * accepts them even as character references. In attributes, tab, LF and CR
 * become character references so that attribute normalisation keeps them.
 */
/** Characters escapeUnit may change; everything else is copied a run at a time (per-character appends cost gigabytes on big reports). */
const SPECIAL = /[&<>"'\u0000-\u001f\ud800-\udfff\ufffe\uffff]/g;

export function escapeXml(text: string, inAttribute: boolean): string {
  let out = '';
  let copied = 0;
  SPECIAL.lastIndex = 0;
  for (let match = SPECIAL.exec(text); match !== null; match = SPECIAL.exec(text)) {
    const at = match.index;
    const code = text.charCodeAt(at);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(at + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        SPECIAL.lastIndex = at + 2;
        continue;
      }
    }
    out += text.slice(copied, at) + escapeUnit(text.charAt(at), code, inAttribute);
    copied = at + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function escapeUnit(char: string, code: number, inAttribute: boolean): string {
  switch (char) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case "'":
      return '&apos;';
    case '\t':
    case '\n':
    case '\r':
      return inAttribute ? `&#${code};` : char === '\r' ? '&#13;' : char;
  }
  if (code < 0x20) return `\\x${code.toString(16).padStart(2, '0')}`;
  if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return char;
}

function findingLine(file: string, finding: Finding): string {
  const where = `${file}:${finding.span.line}:${finding.span.column}`;
  return `${where} ${finding.message}${finding.fix === undefined ? '' : `\n  fix: ${finding.fix}`}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function checkedCases(report: CheckedFileReport): TestCase[] {
  const byRule = new Map<string, Finding[]>();
  for (const finding of [...report.findings].sort(compareFindings)) {
    const list = byRule.get(finding.ruleId) ?? [];
    list.push(finding);
    byRule.set(finding.ruleId, list);
  }
  const cases: TestCase[] = [];
  // Parse errors first, as errors: the dump could not be read as iptables-restore would.
  for (const [ruleId, findings] of byRule) {
    if (findings[0]?.category !== 'syntax') continue;
    const body = findings.map((finding) => findingLine(report.file, finding)).join('\n');
    cases.push({ name: ruleId, classname: report.file, error: { message: `${plural(findings.length, 'syntax error')}: ${findings[0].message}`, type: ruleId, body } });
  }
  const ruleIds = [...new Set([...lintRuleIds(), ...[...byRule.keys()].filter((id) => byRule.get(id)?.[0]?.category !== 'syntax')])];
  for (const ruleId of ruleIds) {
    const findings = byRule.get(ruleId) ?? [];
    const first = findings[0];
    if (first === undefined) {
      cases.push({ name: ruleId, classname: report.file });
      continue;
    }
    const body = findings.map((finding) => findingLine(report.file, finding)).join('\n');
    const severities = [...new Set(findings.map((finding) => finding.severity))].join('/');
    cases.push({ name: ruleId, classname: report.file, failure: { message: `${plural(findings.length, 'finding')} (${severities}): ${first.message}`, type: ruleId, body } });
  }
  return cases;
}

function unreadableCase(file: string, error: string): TestCase {
  return { name: UNREADABLE_CASE, classname: file, error: { message: `cannot read ${file}: ${error}`, type: 'unreadable', body: error } };
}

function renderCase(testCase: TestCase): string {
  const head = `    <testcase name="${escapeXml(testCase.name, true)}" classname="${escapeXml(testCase.classname, true)}" time="0"`;
  const problem = testCase.failure ? ['failure', testCase.failure] as const : testCase.error ? ['error', testCase.error] as const : undefined;
  if (problem === undefined) return `${head}/>`;
  const [tag, detail] = problem;
  return [
    `${head}>`,
    `      <${tag} message="${escapeXml(detail.message, true)}" type="${escapeXml(detail.type, true)}">${escapeXml(detail.body, false)}</${tag}>`,
    '    </testcase>',
  ].join('\n');
}

function renderSuite(file: string, cases: readonly TestCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  return [
    `  <testsuite name="${escapeXml(file, true)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="0">`,
    ...cases.map(renderCase),
    '  </testsuite>',
  ].join('\n');
}

export const formatJunit: Formatter = (reports: readonly FileReport[], options) => {
  const suites = reports.map((report) => ({
    file: report.file,
    cases: report.status === 'unreadable' ? [unreadableCase(report.file, report.error)] : checkedCases(report),
  }));
  const count = (pick: (c: TestCase) => unknown): number => suites.reduce((sum, suite) => sum + suite.cases.filter(pick).length, 0);
  const tests = suites.reduce((sum, suite) => sum + suite.cases.length, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(options.tool.name, true)}" tests="${tests}" failures="${count((c) => c.failure)}" errors="${count((c) => c.error)}" time="0">`,
    ...suites.map((suite) => renderSuite(suite.file, suite.cases)),
    '</testsuites>',
    '',
  ].join('\n');
};
