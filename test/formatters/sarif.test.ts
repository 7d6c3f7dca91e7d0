import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { fingerprintFindings } from '../../src/engine/fingerprint.js';
import { sourceLines } from '../../src/engine/source-lines.js';
import { REACH_RULES } from '../../src/packet/reach-findings.js';
import { FINGERPRINT_KEY, toSarifLog, type SarifLog } from '../../src/formatters/sarif.js';
import { REPO, runCli, runMain } from '../cli/run-cli.js';
import { finding, report, span, TOOL } from './fixtures.js';
import { realCases, type RealCase } from './real-reports.js';
import { compileSarifSchema, runMultitool } from './sarif-validators.js';

const validate = compileSarifSchema();
const workDir = mkdtempSync(join(tmpdir(), 'iptlint-sarif-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { homepage: string; version: string };

/** Every `syntax/…` code the grammar and the CLI can produce, read from their sources. */
function syntaxCodesInSources(): string[] {
  const codes = new Set<string>();
  for (const dir of ['grammar', 'src/cli']) {
    for (const file of readdirSync(join(REPO, dir)).filter((name) => name.endsWith('.ts'))) {
      for (const match of readFileSync(join(REPO, dir, file), 'utf8').matchAll(/'(syntax\/[a-z0-9-]+)'/g)) codes.add(match[1] ?? '');
    }
  }
  return [...codes].sort();
}

async function sarifOf(args: readonly string[]): Promise<{ log: SarifLog; text: string }> {
  const result = await runMain(['check', '--format', 'sarif', ...args]);
  return { log: JSON.parse(result.stdout) as SarifLog, text: result.stdout };
}

describe('sarif formatter on real findings', () => {
  const cases = realCases();
  const outputs: (RealCase & { log: SarifLog; text: string })[] = [];
  const files: string[] = [];
  beforeAll(async () => {
    for (const testCase of cases) {
      const output = { ...testCase, ...(await sarifOf(testCase.args)) };
      outputs.push(output);
      files.push(join(workDir, `${output.name}.sarif`));
      writeFileSync(join(workDir, `${output.name}.sarif`), output.text);
    }
  });
  const outputNamed = (name: string) => outputs.find((output) => output.name === name);

  it('has findings to judge: most captures report results, the syntax case parse errors', () => {
    expect(outputs.length).toBe(cases.length);
    expect(outputs.filter((output) => output.log.runs[0].results.length > 0).length).toBeGreaterThanOrEqual(cases.length - 1);
    const syntax = outputNamed('syntax-errors');
    expect(new Set(syntax?.log.runs[0].results.map((r) => r.ruleId))).toEqual(
      new Set(['syntax/unterminated-quote', 'syntax/crlf', 'syntax/missing-commit', 'syntax/bom']),
    );
  });

  it.each(cases.map((testCase) => testCase.name))('%s is valid against the SARIF 2.1.0 JSON Schema', (name) => {
    expect(validate(outputNamed(name)?.log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('passes the SARIF SDK validator (sarif-multitool validate) with no error or warning', { timeout: 300_000 }, () => {
    expect(runMultitool(files, workDir)).toEqual([]);
  });

  it('points each result at its rule, its file and the source text', () => {
    for (const output of outputs) {
      const run = output.log.runs[0];
      for (const result of run.results) {
        expect(run.tool.driver.rules[result.ruleIndex]?.id, output.name).toBe(result.ruleId);
        const location = result.locations[0]?.physicalLocation;
        const artifact = run.artifacts[location?.artifactLocation.index ?? -1];
        expect(artifact?.location.uri).toBe(location?.artifactLocation.uri);
        const lines = sourceLines(readFileSync(join(REPO, location?.artifactLocation.uri ?? ''), 'utf8'));
        expect(location?.region?.snippet?.text).toBe(lines[(location?.region?.startLine ?? 0) - 1]);
      }
    }
  });

  it('records an unreadable input as a failed invocation with a notification, not as a result', () => {
    const run = outputNamed('unreadable')?.log.runs[0];
    expect(run?.invocations[0].executionSuccessful).toBe(false);
    expect(run?.invocations[0].toolExecutionNotifications?.[0]?.message.text).toBe('cannot read test/formatters/no-such-file.rules: no such file or directory');
    expect(run?.artifacts.map((a) => a.location.uri)).toContain('test/formatters/no-such-file.rules');
    const checked = outputNamed('example')?.log.runs[0];
    expect(checked?.invocations[0]).not.toHaveProperty('toolExecutionNotifications');
    expect(checked?.invocations[0].executionSuccessful).toBe(true);
  });
});

describe('sarif tool.driver.rules', () => {
  const log = toSarifLog([report([])], { color: false, tool: { ...TOOL, informationUri: manifest.homepage } });
  const rules = log.runs[0].tool.driver.rules;
  const byId = new Map(rules.map((rule) => [rule.id, rule]));

  it('lists every lint rule, every syntax code the parser emits, every reach id, the live scan\'s, the suppression checks and internal-error', () => {
    const others = [...Object.keys(REACH_RULES), 'live/both-backends', 'unused-suppression', 'invalid-suppression', 'suppression-without-reason', 'internal-error'];
    const expected = [...allRules.map((rule) => rule.meta.id), ...syntaxCodesInSources(), ...others];
    expect(syntaxCodesInSources().length).toBeGreaterThan(30);
    expect([...byId.keys()].sort()).toEqual([...new Set(expected)].sort());
  });

  it('gives lint rules help from their docs (description, rationale, bad and good example) and a link to their page', () => {
    for (const { meta } of allRules) {
      const rule = byId.get(meta.id);
      expect(rule?.helpUri).toBe(`${manifest.homepage}/blob/main/docs/rules/${meta.id}.md`);
      expect(rule?.help.text).toContain(meta.docs.bad.trim());
      expect(rule?.help.text).toContain(meta.docs.good.trim());
      expect(rule?.help.markdown).toContain(meta.docs.bad.trim());
      expect(rule?.fullDescription.text).toContain(meta.docs.rationale.trim().slice(1));
      expect(rule?.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[meta.severity]);
    }
  });

  it('scores security rules for GitHub (security-severity) and only those', () => {
    for (const rule of rules) {
      const security = rule.properties.tags.includes('security');
      expect(rule.properties['security-severity'] !== undefined, rule.id).toBe(security);
      if (security) expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
    }
    expect(byId.get('docker-user-host-port')?.properties['security-severity']).toBe('8.0');
    expect(byId.get('reach/direct-container-access')?.properties['security-severity']).toBe('5.0');
  });

  it('links the packet model\'s findings to their pages too', () => {
    for (const id of Object.keys(REACH_RULES)) expect(byId.get(id)?.helpUri, id).toBe(`${manifest.homepage}/blob/main/docs/rules/${id}.md`);
    expect(byId.get('syntax/crlf')).not.toHaveProperty('helpUri');
  });

  it('marks the checks a config file must turn on as disabled by default', () => {
    expect(byId.get('suppression-without-reason')?.defaultConfiguration).toEqual({ level: 'warning', enabled: false });
    expect(byId.get('unused-suppression')?.defaultConfiguration).toEqual({ level: 'warning' });
  });

  it('names each rule in Pascal case, as SARIF consumers show it', () => {
    expect(byId.get('undefined-jump-target')?.name).toBe('UndefinedJumpTarget');
    expect(byId.get('syntax/unterminated-quote')?.name).toBe('SyntaxUnterminatedQuote');
  });

  it('takes the version and home page from package.json in the CLI', () => {
    const driver = (JSON.parse(runCli(['check', '--format', 'sarif', 'examples/docker-host.rules']).stdout) as SarifLog).runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'iptlint', version: manifest.version, semanticVersion: manifest.version, informationUri: manifest.homepage });
  });

  it('describes a rule id it does not know from the finding, so ruleIndex stays valid', () => {
    const run = toSarifLog([report([finding({ ruleId: 'suppression/unused', severity: 'warning', category: 'structure' })])], { color: false, tool: TOOL }).runs[0];
    const result = run.results[0];
    expect(run.tool.driver.rules[result?.ruleIndex ?? -1]).toMatchObject({ id: 'suppression/unused', defaultConfiguration: { level: 'warning' } });
    expect(validate({ ...log, runs: [run] }), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('sarif results', () => {
  const cwd = '/srv/repo';
  const options = { color: false, tool: TOOL, cwd };

  it('carries message with fix, level, region, related locations and the fingerprint of the finding', () => {
    const findings = [finding({ related: [{ message: 'declared here', span: span(2, 1, 20) }] }), finding({ severity: 'info', fix: undefined, span: span(3, 1, 21) })];
    const run = toSarifLog([report(findings)], options).runs[0];
    const fingerprints = fingerprintFindings(findings, report(findings).source);
    // Results come in source order: the info finding on line 3 first.
    expect(run.results[1]).toMatchObject({
      ruleId: 'undefined-jump-target',
      level: 'error',
      message: { text: 'FORWARD jumps to chain "DOCKER-MISSING", which is not declared\nFix: declare it with ":DOCKER-MISSING - [0:0]" or remove the rule' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'host.rules', uriBaseId: '%SRCROOT%', index: 0 },
            region: { startLine: 4, startColumn: 15, endLine: 4, endColumn: 29, snippet: { text: '-A FORWARD -j DOCKER-MISSING' } },
          },
        },
      ],
      relatedLocations: [{ id: 1, message: { text: 'declared here' }, physicalLocation: { region: { startLine: 2, snippet: { text: ':INPUT ACCEPT [0:0]' } } } }],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprints[0] },
    });
    expect(run.results[0]).toMatchObject({ level: 'note', message: { text: 'FORWARD jumps to chain "DOCKER-MISSING", which is not declared' } });
    expect(run.results[0]?.partialFingerprints[FINGERPRINT_KEY]).toBe(fingerprints[1]);
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///srv/repo/' } });
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('leaves out snippets longer than 4 KB: a finding spanning a whole big table does not copy it into the log', () => {
    const rules = Array.from({ length: 200 }, (_, i) => `-A INPUT -s 10.0.${i >> 8}.${i & 255}/32 -m comment --comment "${'x'.repeat(40)}" -j ACCEPT`);
    const source = ['*filter', ':INPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
    const whole = finding({ span: span(1, 1, 7, rules.length + 3) });
    const one = finding({ span: span(3, 1, 9) });
    const regions = toSarifLog([report([whole, one], source)], options).runs[0].results.map((result) => result.locations[0]?.physicalLocation.region);
    expect(regions[0]).toEqual({ startLine: 1, startColumn: 1, endLine: rules.length + 3, endColumn: 7 });
    expect(regions[1]?.snippet).toEqual({ text: rules[0] });
  });

  it('keeps a finding\'s fingerprint when lines above it are added, so code scanning keeps the alert', async () => {
    const dump = readFileSync(join(REPO, 'examples/docker-host.rules'), 'utf8');
    const shifted = `# reviewed 2026-11-28\n# second comment\n${dump}`;
    const path = join(workDir, 'shifted.rules');
    writeFileSync(path, shifted);
    const before = (await sarifOf(['examples/docker-host.rules'])).log.runs[0].results;
    const after = (await sarifOf([path])).log.runs[0].results;
    expect(after.map((r) => r.partialFingerprints)).toEqual(before.map((r) => r.partialFingerprints));
    expect(after.map((r) => r.locations[0]?.physicalLocation.region?.startLine)).toEqual(
      before.map((r) => (r.locations[0]?.physicalLocation.region?.startLine ?? 0) + 2),
    );
  });

  it('makes URIs relative to the working directory and percent-encodes what a URI cannot hold', () => {
    const uris = (file: string) => toSarifLog([report([finding()], undefined, file)], options).runs[0].results[0]?.locations[0]?.physicalLocation.artifactLocation;
    expect(uris('dumps/host a#1%.rules')).toEqual({ uri: 'dumps/host%20a%231%25.rules', uriBaseId: '%SRCROOT%', index: 0 });
    expect(uris('/srv/repo/dumps/x.rules')).toEqual({ uri: 'dumps/x.rules', uriBaseId: '%SRCROOT%', index: 0 });
    expect(uris('/etc/iptables/rules.v4')).toEqual({ uri: 'file:///etc/iptables/rules.v4', index: 0 });
    expect(uris('../other/x.rules')).toEqual({ uri: pathToFileURL('/srv/other/x.rules').href, index: 0 });
    for (const file of ['dumps/host a#1%.rules', 'ü/\uD800x.rules', '/etc/iptables/rules.v4']) {
      expect(validate(toSarifLog([report([finding()], undefined, file)], options)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('names standard input `stdin`, marked as a standard stream, without a base directory', async () => {
    const result = await runMain(['check', '--format', 'sarif'], readFileSync(join(REPO, 'examples/docker-host.rules'), 'utf8'));
    const run = (JSON.parse(result.stdout) as SarifLog).runs[0];
    expect(run.artifacts).toEqual([{ location: { uri: 'stdin' }, roles: ['analysisTarget', 'standardStream'] }]);
    expect(run.results[0]?.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: 'stdin', index: 0 });
  });

  it('keeps hostile text intact as JSON strings and stays valid', () => {
    const hostile = 'quote " backslash \\ nul \u0000 esc \u001b[31m bidi \u202e lone \uDC00 <&>';
    const log = toSarifLog([report([finding({ message: hostile, fix: hostile })], `*filter\n${hostile}\nCOMMIT\n`)], options);
    const text = JSON.stringify(log);
    expect(JSON.parse(text)).toEqual(log);
    expect(log.runs[0].results[0]?.message.text).toBe(`${hostile}\nFix: ${hostile}`);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });
});
