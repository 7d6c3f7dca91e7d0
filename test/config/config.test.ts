import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findConfigFile, loadConfig } from '../../src/config/index.js';
import { readSchema } from '../../src/config/schema-file.js';
import { checkJson, EXAMPLE_CONTAINERS, EXAMPLE_DUMP, EXAMPLE_NETWORKS, iptlint, tree } from './helpers.js';

const BASELINE = ['10 port-match-without-protocol error', '34 docker-user-host-port error', '36 unreachable-rule warning'];

describe('config discovery', () => {
  it('walks up from the working directory; the nearest directory wins, and in it .json, .yaml, .yml, package.json in that order', () => {
    const root = tree({
      '.iptlintrc.yml': 'rules: {}\n',
      'package.json': '{"name": "x", "iptlint": {}}',
      'a/.iptlintrc.yaml': 'rules: {}\n',
      'a/.iptlintrc.yml': 'rules: {}\n',
      'a/b/c/dump.rules': EXAMPLE_DUMP,
      'p/package.json': '{"name": "p", "iptlint": {"rules": {}}}',
      'q/package.json': '{"name": "q"}',
      'r/package.json': '{ not json',
    });
    expect(findConfigFile(join(root, 'a/b/c'))).toBe(join(root, 'a/.iptlintrc.yaml'));
    expect(findConfigFile(root)).toBe(join(root, '.iptlintrc.yml'));
    expect(findConfigFile(join(root, 'p'))).toBe(join(root, 'p/package.json'));
    // A package.json without the key (or that is not JSON) is not a configuration: the search goes on up.
    expect(findConfigFile(join(root, 'q'))).toBe(join(root, '.iptlintrc.yml'));
    expect(findConfigFile(join(root, 'r'))).toBe(join(root, '.iptlintrc.yml'));
    writeFileSync(join(root, 'a/.iptlintrc.json'), '{}');
    expect(findConfigFile(join(root, 'a/b'))).toBe(join(root, 'a/.iptlintrc.json'));
  });

  it('--verbose says which configuration applies, or that none was found', async () => {
    const root = tree({ '.iptlintrc.json': '{"rules": {"unreachable-rule": "off"}}', 'dumps/host.rules': EXAMPLE_DUMP });
    const found = await iptlint(join(root, 'dumps'), ['check', '--verbose', 'host.rules']);
    expect(found.stderr.split('\n')[0]).toBe(`config: ${join(root, '.iptlintrc.json')} (found walking up from the working directory)`);
    const inRoot = await iptlint(root, ['check', '--verbose', 'dumps/host.rules']);
    expect(inRoot.stderr.split('\n')[0]).toBe('config: .iptlintrc.json (found walking up from the working directory)');
    const given = await iptlint(root, ['check', '--verbose', '--config', '.iptlintrc.json', 'dumps/host.rules']);
    expect(given.stderr.split('\n')[0]).toBe('config: .iptlintrc.json (--config)');
  });
});

describe('rule settings', () => {
  it('sets severities, turns rules off, and applies overrides to the files their globs match', async () => {
    const config = {
      rules: { 'unreachable-rule': 'off', 'port-match-without-protocol': { severity: 'info' } },
      overrides: [
        { files: ['prod/**/*.rules'], rules: { 'port-match-without-protocol': 'error', 'docker-user-host-port': 'warning' } },
        { files: ['prod/edge/*.rules'], rules: { 'docker-user-host-port': 'off' } },
      ],
    };
    const root = tree({ '.iptlintrc.json': JSON.stringify(config), 'lab/host.rules': EXAMPLE_DUMP, 'prod/db/host.rules': EXAMPLE_DUMP, 'prod/edge/host.rules': EXAMPLE_DUMP });
    const lab = await checkJson(root, ['lab/host.rules']);
    expect(lab.findings).toEqual(['10 port-match-without-protocol info', '34 docker-user-host-port error']);
    expect((await checkJson(root, ['prod/db/host.rules'])).findings).toEqual(['10 port-match-without-protocol error', '34 docker-user-host-port warning']);
    // Globs are relative to the configuration file, wherever iptlint runs from.
    expect((await checkJson(join(root, 'prod'), ['edge/host.rules'])).findings).toEqual(['10 port-match-without-protocol error']);
  });

  it('the findings without a configuration, for comparison', async () => {
    const root = tree({ 'host.rules': EXAMPLE_DUMP });
    expect((await checkJson(root, ['host.rules'])).findings).toEqual(BASELINE);
  });

  it('a syntax code turned off no longer fails the run', async () => {
    const dump = EXAMPLE_DUMP.replace('-A INPUT -s 10.20.0.0/16', '-A INPUT --frobnicate -s 10.20.0.0/16');
    const root = tree({ 'host.rules': dump });
    const before = await checkJson(root, ['host.rules']);
    expect(before.run.code).toBe(2);
    expect(before.findings[0]).toBe('10 syntax/unknown-option error');
    writeFileSync(join(root, '.iptlintrc.yaml'), 'rules:\n  syntax/unknown-option: off\n');
    const after = await checkJson(root, ['host.rules']);
    expect(after.findings.some((finding) => finding.includes('syntax/'))).toBe(false);
    expect(after.run.code).toBe(1);
  });
});

describe('rule options', () => {
  const withDuplicate = EXAMPLE_DUMP.replace(
    '-A FORWARD -j DOCKER-USER\n',
    '-A INPUT -s 10.20.0.0/16 -p tcp -m tcp --dport 22 -m comment --comment "ops: ssh" -j ACCEPT\n-A INPUT -s 10.20.0.0/16 -p tcp -m tcp --dport 22 -m comment --comment "backup: ssh" -j ACCEPT\n-A FORWARD -j DOCKER-USER\n',
  );
  const withChain = EXAMPLE_DUMP.replace(':DOCKER-USER - [0:0]\n', ':DOCKER-USER - [0:0]\n:f2b-sshd - [0:0]\n').replace('COMMIT\n', '-A f2b-sshd -s 203.0.113.9/32 -j REJECT --reject-with icmp-port-unreachable\n-A f2b-sshd -j RETURN\nCOMMIT\n');

  it('duplicate-rule.ignoreComments: false keeps rules with different comments apart', async () => {
    const root = tree({ 'host.rules': withDuplicate });
    expect((await checkJson(root, ['host.rules'])).findings).toContain('12 duplicate-rule warning');
    writeFileSync(join(root, '.iptlintrc.yaml'), 'rules:\n  duplicate-rule:\n    options:\n      ignoreComments: false\n');
    expect((await checkJson(root, ['host.rules'])).findings).not.toContain('12 duplicate-rule warning');
  });

  it('duplicate-rule.ignoreChains and unreferenced-chain.ignoreChains take chain names with *', async () => {
    const root = tree({ 'host.rules': withDuplicate, 'f2b.rules': withChain });
    expect((await checkJson(root, ['f2b.rules'])).findings).toContain('10 unreferenced-chain info');
    writeFileSync(join(root, '.iptlintrc.json'), JSON.stringify({ rules: { 'unreferenced-chain': { options: { ignoreChains: ['f2b-*'] } }, 'duplicate-rule': { options: { ignoreChains: ['INP*'] } } } }));
    expect((await checkJson(root, ['f2b.rules'])).findings).toEqual(BASELINE.map((entry) => entry.replace(/^(\d+)/, (line) => String(Number(line) + 1))));
    expect((await checkJson(root, ['host.rules'])).findings).not.toContain('12 duplicate-rule warning');
  });

  it('overrides merge options key by key', async () => {
    const root = tree({ 'a/host.rules': withDuplicate });
    writeFileSync(join(root, '.iptlintrc.yaml'), 'rules:\n  duplicate-rule:\n    options: {ignoreComments: false}\noverrides:\n  - files: ["a/*"]\n    rules:\n      duplicate-rule:\n        options: {ignoreChains: [OUTPUT]}\n');
    expect((await checkJson(root, ['a/host.rules'])).findings).not.toContain('12 duplicate-rule warning');
    const config = loadConfig('.iptlintrc.yaml', root);
    expect(config.overrides[0]?.rules['duplicate-rule']).toEqual({ options: { ignoreChains: ['OUTPUT'] } });
  });
});

describe('Docker state and input settings', () => {
  it('Docker paths are relative to the configuration file, and command-line options override them key by key', async () => {
    const root = tree({
      'state/net.json': EXAMPLE_NETWORKS,
      'state/ctr.json': EXAMPLE_CONTAINERS,
      'iptlint/.iptlintrc.yaml': 'docker:\n  networks: ../state/net.json\n  containers: ../state/ctr.json\n',
      'iptlint/dumps/host.rules': EXAMPLE_DUMP,
    });
    const run = await iptlint(join(root, 'iptlint/dumps'), ['check', '--verbose', 'host.rules']);
    expect(run.stderr).toContain('expected state from inspect: 2 network(s): bridge (docker0), svcnet (br-317c7a807626)');
    writeFileSync(join(root, 'iptlint/.iptlintrc.yaml'), 'docker:\n  networks: state/missing.json\n');
    const missing = await iptlint(join(root, 'iptlint/dumps'), ['check', 'host.rules']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe(`iptlint: ${join(root, 'iptlint/state/missing.json')}: file not found`);
    const overridden = await iptlint(join(root, 'iptlint/dumps'), ['check', '--verbose', '--docker-networks', '../../state/net.json', 'host.rules']);
    expect(overridden.stderr).toContain('expected state from inspect: 2 network(s)');
  });

  it('default input options come from the configuration; --input-format overrides', async () => {
    const root = tree({ '.iptlintrc.json': '{"input": {"format": "list"}}', 'host.rules': EXAMPLE_DUMP });
    const asList = await checkJson(root, ['host.rules']);
    expect(asList.run.code).toBe(2);
    expect(asList.findings[0]).toMatch(/ syntax\/unexpected-in-list error$/);
    expect((await checkJson(root, ['--input-format', 'save', 'host.rules'])).findings).toEqual(BASELINE);
  });
});

describe('bad configuration files', () => {
  const cases: [file: string, content: string, message: string][] = [
    ['.iptlintrc.json', '{"rules": {"duplicate-rule": "warning",}}', '.iptlintrc.json:1:40: not valid JSON: Expected double-quoted property name'],
    ['.iptlintrc.yaml', 'rules:\n  duplicate-rule: [warning\n', '.iptlintrc.yaml:3:1: not valid JSON/YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['.iptlintrc.yaml', 'rule:\n  duplicate-rule: warning\n', '.iptlintrc.yaml:1:1: unknown key "rule": expected one of "rules", "overrides", "docker", "input" (at rule)'],
    ['.iptlintrc.json', '{\n  "rules": {\n    "duplicate-rule": "warn"\n  }\n}\n', '.iptlintrc.json:3:23: expected a severity ("error", "warning", "info" or "off") or an object with "severity" and/or "options" (at rules.duplicate-rule)'],
    ['.iptlintrc.yml', 'rules:\n  dupliate-rule: off\n', '.iptlintrc.yml:2:3: unknown rule "dupliate-rule": did you mean "duplicate-rule"? (at rules.dupliate-rule)'],
    ['.iptlintrc.yaml', 'rules:\n  syntax/unknown-optoin: off\n', '.iptlintrc.yaml:2:3: unknown rule "syntax/unknown-optoin": did you mean "syntax/unknown-option", "syntax/unknown-table"? (at rules.syntax/unknown-optoin)'],
    ['.iptlintrc.yaml', 'rules:\n  duplicate-rule:\n    options:\n      ignoreComments: "no"\n', '.iptlintrc.yaml:4:23: expected boolean, found the string "no" (at rules.duplicate-rule.options.ignoreComments)'],
    ['.iptlintrc.yaml', 'rules:\n  duplicate-rule:\n    options:\n      ignoreComment: false\n', '.iptlintrc.yaml:4:7: unknown key "ignoreComment": its options are ignoreComments, ignoreChains (at rules.duplicate-rule.options.ignoreComment)'],
    ['.iptlintrc.yaml', 'rules:\n  jump-cycle:\n    options: {max: 3}\n', '.iptlintrc.yaml:3:15: unknown key "max": this rule takes no options (at rules.jump-cycle.options.max)'],
    ['.iptlintrc.yaml', 'rules:\n  unreferenced-chain:\n    options:\n      ignoreChains: ["f2b-*", 3]\n', '.iptlintrc.yaml:4:31: expected string, found number 3 (at rules.unreferenced-chain.options.ignoreChains[1])'],
    ['.iptlintrc.yaml', 'rules:\n  duplicate-rule:\n    severity: error\n    opts: {}\n', '.iptlintrc.yaml:4:5: unknown key "opts": expected one of "severity", "options" (at rules.duplicate-rule.opts)'],
    ['.iptlintrc.yaml', 'rules:\n  unused-suppression:\n    options: {}\n', '.iptlintrc.yaml:3:14: unused-suppression is not a lint rule and takes no options (at rules.unused-suppression.options)'],
    ['.iptlintrc.yaml', 'overrides:\n  - rules: {jump-cycle: off}\n', '.iptlintrc.yaml:2:5: missing required key "files" (at overrides[0])'],
    ['.iptlintrc.yaml', 'overrides:\n  - files: []\n    rules: {}\n', '.iptlintrc.yaml:2:12: must NOT have fewer than 1 items (at overrides[0].files)'],
    ['.iptlintrc.yaml', 'docker:\n  version: twenty\n', '.iptlintrc.yaml:2:12: found the string "twenty", expected a Docker version such as "20.10.24" (at docker.version)'],
    ['.iptlintrc.yaml', 'input:\n  format: iptables\n', '.iptlintrc.yaml:2:11: must be one of "auto", "save", "list" (at input.format)'],
    ['.iptlintrc.yaml', '- rules\n', '.iptlintrc.yaml:1:1: expected object, found an array (at (document root))'],
    ['.iptlintrc.json', '{"__proto__": {"polluted": true}}', '.iptlintrc.json:1:2: unknown key "__proto__": expected one of "rules", "overrides", "docker", "input" (at __proto__)'],
    ['.iptlintrc.json', '{"rules": {"__proto__": "off"}}', '.iptlintrc.json:1:12: unknown rule "__proto__": run \'iptlint rules\' for the rule ids (at rules.__proto__)'],
    ['package.json', '{\n  "name": "x",\n  "iptlint": {\n    "rules": {"unreachable-rule": "of"}\n  }\n}\n', 'package.json:4:35: expected a severity ("error", "warning", "info" or "off") or an object with "severity" and/or "options" (at iptlint.rules.unreachable-rule)'],
  ];

  it.each(cases)('%s: %j', async (file, content, message) => {
    const root = tree({ [file]: content, 'host.rules': EXAMPLE_DUMP });
    const run = await iptlint(root, ['check', 'host.rules']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `iptlint: ${message}\nhint: fix the configuration file (its schema: schemas/config.schema.json; rule ids: 'iptlint rules'); nothing was checked\n`,
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('--config names a missing file, or a package.json without the key', async () => {
    const root = tree({ 'host.rules': EXAMPLE_DUMP, 'other/package.json': '{"name": "x"}' });
    expect((await iptlint(root, ['check', '--config', 'nope.json', 'host.rules'])).stderr.split('\n')[0]).toBe('iptlint: nope.json: configuration file not found');
    expect((await iptlint(root, ['check', '--config', 'other/package.json', 'host.rules'])).stderr.split('\n')[0]).toBe(
      'iptlint: other/package.json: has no "iptlint" key: put the settings under "iptlint", or pass a .iptlintrc.json with --config',
    );
  });

  it('an empty YAML file is a configuration that sets nothing', async () => {
    const root = tree({ '.iptlintrc.yaml': '', 'host.rules': EXAMPLE_DUMP });
    expect((await checkJson(root, ['host.rules'])).findings).toEqual(BASELINE);
  });
});

describe('published schema', () => {
  it('compiles in ajv strict mode and accepts the README example', async () => {
    const schema = readSchema('schemas/config.schema.json');
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /<!-- config-example -->\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    expect(validate(parseYaml(example ?? ''))).toBe(true);
    const root = tree({ '.iptlintrc.yaml': example ?? '', 'host.rules': EXAMPLE_DUMP, 'docker/networks.json': EXAMPLE_NETWORKS, 'docker/containers.json': EXAMPLE_CONTAINERS });
    expect((await iptlint(root, ['check', 'host.rules'])).stderr).toBe('');
  });
});
