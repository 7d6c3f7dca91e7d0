import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from '../../src/formatters/github.js';
import { runMain, type JsonOut } from '../cli/run-cli.js';
import { finding, report, span, TOOL } from './fixtures.js';
import { dockerCaptureCases } from './real-reports.js';

interface Annotation {
  level: string;
  properties: Record<string, string>;
  message: string;
}

/** Reads a workflow command line back the way the Actions runner does (split on the first `::`, then unescape). */
function parseCommand(line: string): Annotation {
  const match = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const unescapeData = (text: string) => text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
  const unescapeProperty = (text: string) => unescapeData(text.replaceAll('%3A', ':').replaceAll('%2C', ','));
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',')) {
    const at = pair.indexOf('=');
    properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
  }
  return { level: match[1] ?? '', properties, message: unescapeData(match[3] ?? '') };
}

function annotations(text: string): Annotation[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(parseCommand);
}

describe('github formatter', () => {
  it.each(dockerCaptureCases().map((testCase) => [testCase.name, testCase.args] as const))(
    '%s: one annotation per finding, at its file, line and columns, titled by the rule',
    async (_name, args) => {
      const text = (await runMain(['check', '--format', 'github', ...args])).stdout;
      const json = JSON.parse((await runMain(['check', '--format', 'json', ...args])).stdout) as JsonOut & {
        findings: (JsonOut['findings'][number] & { endLine: number; endColumn: number })[];
      };
      const parsed = annotations(text);
      expect(parsed.length).toBe(json.findings.length);
      parsed.forEach((annotation, i) => {
        const f = json.findings[i];
        if (!f) throw new Error('more annotations than findings');
        expect(annotation.level).toBe({ error: 'error', warning: 'warning', info: 'notice' }[f.severity]);
        expect(annotation.properties).toMatchObject({ file: f.file, line: String(f.line), col: String(f.column), endLine: String(f.endLine), title: f.ruleId });
        if (f.endLine === f.line) expect(annotation.properties['endColumn']).toBe(String(Math.max(f.column, f.endColumn - 1)));
        expect(annotation.message).toBe(f.fix === undefined ? f.message : `${f.message}\nFix: ${f.fix}`);
      });
    },
  );

  it('escapes % CR LF in messages and also : and , in properties, so a hostile value cannot end the command', () => {
    expect(escapeData('100% a\r\nb::c')).toBe('100%25 a%0D%0Ab::c');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    const file = 'dumps/x,line=1::y%0A.rules';
    const message = 'fake::error file=/etc/passwd::boom %0A\r\nnext\u001b[31m';
    const text = formatGithub([report([finding({ message, fix: undefined, span: span(4, 15, 29) })], undefined, file)], { color: false, tool: TOOL });
    expect(text.split('\n').filter((line) => line !== '')).toHaveLength(1);
    const [annotation] = annotations(text);
    expect(annotation?.properties).toEqual({ file, line: '4', col: '15', endLine: '4', endColumn: '28', title: 'undefined-jump-target' });
    // Line breaks survive as such; the escape sequence is shown, not sent to the log viewer.
    expect(annotation?.message).toBe('fake::error file=/etc/passwd::boom %0A\nnext\\x1b[31m');
  });

  it('uses notice for info findings, leaves endColumn out of multi-line spans and reports unreadable inputs', () => {
    const text = formatGithub(
      [
        report([finding({ severity: 'info', fix: undefined, span: span(2, 3, 4, 3) })]),
        { status: 'unreadable', file: 'gone.rules', error: 'no such file or directory' },
      ],
      { color: false, tool: TOOL },
    );
    const [info, unreadable] = annotations(text);
    expect(info?.level).toBe('notice');
    expect(info?.properties).toEqual({ file: 'host.rules', line: '2', col: '3', endLine: '3', title: 'undefined-jump-target' });
    expect(unreadable).toEqual({ level: 'error', properties: { file: 'gone.rules', title: 'iptlint: unreadable input' }, message: 'cannot read gone.rules: no such file or directory' });
  });

  it('prints nothing when there is nothing to annotate', () => {
    expect(formatGithub([report([])], { color: false, tool: TOOL })).toBe('');
  });
});
