/**
 * Hostile content catalogue (test/hardening/formats/hostile.ts): each entry
 * placed in a real dump — as a `--comment`, a chain name, an interface name,
 * an ipset name and a log prefix — and directly in a finding's message, fix,
 * note and file name, then rendered by EVERY registered output format and
 * checked by that format's safety check (formats/safety-checks.ts). A format
 * without a safety check fails this test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { formatterNames, formatters } from '../../src/formatters/index.js';
import type { FileReport } from '../../src/formatters/types.js';
import { saveQuote } from '../property/ruleset.js';
import { REPO, runCli } from '../cli/run-cli.js';
import { HOSTILE, MARK, type HostileText } from './formats/hostile.js';
import { safetyChecks } from './formats/safety-checks.js';

const TOOL = { name: 'iptlint', version: 'catalogue' };
const BASE = readFileSync(`${REPO}/fixtures/docker/default-bridge/iptables.rules`, 'utf8');

/** The rules that carry one hostile text: as a comment, interface, ipset, log prefix and chain name. */
function hostileRules(hostile: HostileText): string[] {
  const word = saveQuote(hostile.text);
  return [
    `-A HOSTILE -m comment --comment ${word} -j ACCEPT`,
    `-A HOSTILE -i ${word} -j ACCEPT`,
    `-A HOSTILE -m set --match-set ${word} src -j ACCEPT`,
    `-A HOSTILE -j LOG --log-prefix ${word}`,
    `-A HOSTILE -j ${word}`,
    `-A HOSTILE -o ${word} -j ${word}`,
  ];
}

/**
 * The real Docker capture with a chain whose first rule drops everything, so
 * every hostile rule after it is unreachable (or, with control characters,
 * a syntax error) and quoted back in a finding.
 */
function hostileDump(entries: readonly HostileText[]): string {
  const rules = [':HOSTILE - [0:0]', '-A INPUT -j HOSTILE', '-A HOSTILE -j DROP', ...entries.flatMap(hostileRules)];
  return BASE.replace(/\*filter\n((?::.*\n)*)/, (header) => `${header}${rules.join('\n')}\n`);
}

function directFinding(hostile: HostileText): Finding {
  const span = { line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0 };
  return {
    ruleId: 'unreachable-rule',
    severity: 'warning',
    category: 'structure',
    message: `message ${hostile.text}`,
    fix: `fix ${hostile.text}`,
    file: `dir/${hostile.text}.rules`,
    span,
    related: [{ message: `note ${hostile.text}`, span }],
  };
}

function render(name: string, reports: readonly FileReport[], color: boolean): string {
  return formatters[name as keyof typeof formatters](reports, { color, tool: TOOL });
}

describe('hostile content catalogue', () => {
  it('every output format has a safety check', () => {
    const missing = formatterNames.filter((name) => safetyChecks[name] === undefined);
    expect(missing, 'register a check in test/hardening/formats/safety-checks.ts').toEqual([]);
  });

  for (const hostile of HOSTILE) {
    describe(hostile.name, () => {
      it('in a real dump: every format renders it safely', () => {
        if (hostile.directOnly) return;
        const text = hostileDump([hostile]);
        const { findings } = checkText(text, { file: 'hostile.rules' });
        expect(findings.filter((finding) => finding.ruleId.startsWith('internal'))).toEqual([]);
        // Every hostile rule is reported, so its text is quoted in the output.
        const lines = text.split('\n');
        const hostileLines = hostileRules(hostile).map((rule) => lines.indexOf(rule) + 1);
        for (const line of hostileLines) expect(findings.some((finding) => finding.span.line === line), `a finding on line ${line}`).toBe(true);
        const reports: FileReport[] = [{ status: 'checked', file: 'hostile.rules', source: text, findings }];
        for (const name of formatterNames) {
          for (const color of [false, true]) (safetyChecks[name] as (output: string, context: { color: boolean }) => void)(render(name, reports, color), { color });
        }
      });

      it('in a finding and a file name: every format renders it safely, JSON formats keep it verbatim', () => {
        const finding = directFinding(hostile);
        const reports: FileReport[] = [
          { status: 'checked', file: finding.file, source: `${hostile.text}\n`, findings: [finding] },
          { status: 'unreadable', file: `${hostile.text}.rules`, error: `error ${hostile.text}` },
        ];
        for (const name of formatterNames) {
          for (const color of [false, true]) {
            const check = safetyChecks[name];
            if (!check) throw new Error(`no safety check for format ${name}`);
            check(render(name, reports, color), { color, verbatim: `message ${hostile.text}` });
          }
        }
      });
    });
  }

  it('stylish shows escapes as visible text, like the README says', () => {
    const finding = directFinding({ name: 'mixed', text: `\x1b[31mred\u202e\r\x9b` });
    const output = render('stylish', [{ status: 'checked', file: finding.file, source: 'x\n', findings: [finding] }], false);
    expect(output).toContain(String.raw`message \x1b[31mred\u202e\r\x9b`);
    expect(output).toContain(String.raw`dir/\x1b[31mred\u202e\r\x9b.rules:1:1`);
  });

  it('trace and reach print input-derived names (bidi overrides, C1 controls) as visible escapes', () => {
    const chain = `X\u202eY\u009b31m${MARK}`;
    const dump = `*filter\n:INPUT ACCEPT [0:0]\n:${chain} - [0:0]\n-A INPUT -m comment --comment "\u202eevil" -j ${chain}\n-A ${chain} -j DROP\nCOMMIT\n`;
    const packet = ['--src', '198.51.100.7', '--dst', '192.0.2.1', '--in', 'eth0', '--dport', '22', '--host-addr', '192.0.2.1/24=eth0'];
    for (const argv of [['trace', '-', ...packet], ['reach', '-', '--host-addr', '192.0.2.1/24=eth0']]) {
      for (const color of [true, false]) {
        const result = runCli([...argv, color ? '--color' : '--no-color'], { stdin: dump });
        expect(result.stderr).toBe('');
        safetyChecks['stylish']?.(result.stdout, { color });
        if (argv[0] === 'trace') expect(result.stdout).toContain(String.raw`X\u202eY\x9b31m${MARK}`);
      }
    }
  });

  it('the CLI prints a hostile dump safely, on stdout and stderr, in every format', () => {
    const dump = hostileDump(HOSTILE.filter((entry) => !entry.directOnly && entry.name !== 'very long'));
    for (const name of formatterNames) {
      const result = runCli(['check', '--format', name, '-'], { stdin: dump, env: { FORCE_COLOR: '1' } });
      // 2: the control characters make some lines syntax errors (still rendered, safely).
      expect(result.code, result.stderr).toBe(2);
      (safetyChecks[name] as (output: string, context: { color: boolean }) => void)(result.stdout, { color: true });
      expect(result.stderr).toBe('');
    }
    expect(dump).toContain(MARK);
  });
});
