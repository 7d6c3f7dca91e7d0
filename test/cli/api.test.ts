import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { REPO } from './run-cli.js';

describe('public API (src/index.ts)', () => {
  it('exports the documented functions and values', () => {
    for (const name of ['parse', 'print', 'buildModel', 'lint', 'parseErrorFindings', 'checkText', 'formatStylish', 'formatJson', 'toJsonReport', 'formatSarif', 'toSarifLog', 'formatJunit', 'formatGithub', 'formatPrometheus', 'formatHtml', 'writeFileAtomic', 'neutralize', 'summarize']) {
      expect(typeof api[name as keyof typeof api], name).toBe('function');
    }
    expect(api.allRules.length).toBeGreaterThan(0);
    expect(Object.keys(api.formatters).sort()).toEqual(['github', 'html', 'json', 'junit', 'prometheus', 'sarif', 'stylish']);
    expect(api.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('parse → print round-trips, and checkText agrees with parse + buildModel + lint', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -j DOCKER-USR\nCOMMIT\n';
    const parsed = api.parse(text, { file: 'x.rules' });
    expect(api.print(parsed)).toBe(text);
    const viaSteps = [...api.parseErrorFindings(parsed), ...api.lint(api.buildModel(parsed))].map((finding) => finding.ruleId).sort();
    const viaCheck = api.checkText(text, { file: 'x.rules' }).findings.map((finding) => finding.ruleId).sort();
    expect(viaCheck).toEqual(viaSteps);
    expect(viaCheck).toContain('undefined-jump-target');
  });

  it("resolves as the package 'iptlint' from the built dist/", () => {
    const code = "import { checkText, allRules } from 'iptlint'; console.log(typeof checkText, allRules.length > 0);";
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('function true\n');
  });
});
