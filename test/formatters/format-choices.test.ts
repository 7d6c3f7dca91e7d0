import { describe, expect, it } from 'vitest';
import { formatterNames, ruleListFormatNames } from '../../src/formatters/names.js';
import { formatters } from '../../src/formatters/index.js';
import { runMain } from '../cli/run-cli.js';

describe('--format choices', () => {
  it('check offers every formatter, each of which exists', async () => {
    expect([...formatterNames]).toEqual(['stylish', 'json', 'sarif', 'junit', 'github', 'prometheus', 'html']);
    expect(Object.keys(formatters).sort()).toEqual([...formatterNames].sort());
    const help = await runMain(['check', '--help']);
    expect(help.stdout).toContain('[choices: "stylish", "json", "sarif", "junit", "github", "prometheus", "html"]');
  });

  it('rules offers only the formats that describe a rule list, and refuses the report formats', async () => {
    expect([...ruleListFormatNames]).toEqual(['stylish', 'json']);
    for (const format of ['sarif', 'junit', 'github', 'prometheus', 'html']) {
      const result = await runMain(['rules', '--format', format]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`iptlint: invalid value "${format}" for --format: expected one of "stylish", "json"\nhint: run 'iptlint rules --help' for its options\n`);
    }
    expect((await runMain(['rules', '--format', 'json'])).code).toBe(0);
  });
});
