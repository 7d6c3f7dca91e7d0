/**
 * Runs the hook of .pre-commit-hooks.yaml the way pre-commit does: select
 * the staged files with the hook's `files` regex, then run `entry` with
 * their names appended; a non-zero exit fails the commit. `iptlint` is the
 * package's bin (bin/iptlint.js), as npm installs it for `language: node`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { globMatcher } from '../../src/cli/glob.js';
import { BIN, REPO } from '../cli/run-cli.js';
import { EXAMPLE_DUMP, tree } from '../config/helpers.js';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  args?: string[];
}

const hooks = parseYaml(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((candidate) => candidate.id === 'iptlint');
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };

const GOOD = readFileSync(join(REPO, 'fixtures/docker/published-ports/iptables.rules'), 'utf8');
const BAD = EXAMPLE_DUMP;

/** Runs `entry args… files…` in `cwd` with `iptlint` resolved to the package's bin, as the installed hook would. */
function runEntry(entry: string, args: readonly string[], files: readonly string[], cwd: string) {
  const [command, ...entryArgs] = entry.split(' ');
  expect(packageJson.bin[command ?? '']).toBe('bin/iptlint.js');
  return spawnSync(process.execPath, [BIN, ...entryArgs, ...args, ...files], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('pre-commit hook', () => {
  it('is a node hook running iptlint check', () => {
    expect(hook).toMatchObject({ id: 'iptlint', entry: 'iptlint check', language: 'node' });
  });

  it('selects iptables dumps by name and nothing else', () => {
    const files = new RegExp(hook?.files ?? '$^');
    const staged = ['fw/edge.rules', 'etc/iptables/rules.v4', 'etc/iptables/rules.v6', 'iptables.save', 'hosts/ip6tables-save', 'db.iptables', 'ip6tables.dump', 'iptables'];
    const others = ['README.md', 'rules.py', 'fw/edge.rules.bak', 'rules.v4.orig', 'docs/iptables.md', 'package.json'];
    expect(staged.filter((name) => files.test(name))).toEqual(staged);
    expect(others.filter((name) => files.test(name))).toEqual([]);
  });

  it('passes a commit of good dumps and fails one with a bad dump, as pre-commit runs it', () => {
    const root = tree({ 'fw/edge.rules': GOOD, 'etc/iptables/rules.v4': GOOD, 'README.md': '# notes\n' });
    const files = new RegExp(hook?.files ?? '$^');
    const staged = ['README.md', 'etc/iptables/rules.v4', 'fw/edge.rules'].filter((name) => files.test(name));
    expect(staged).toEqual(['etc/iptables/rules.v4', 'fw/edge.rules']);
    const good = runEntry(hook?.entry ?? '', hook?.args ?? [], staged, root);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);

    const bad = tree({ 'fw/edge.rules': GOOD, 'fw/docker-host.rules': BAD });
    const failing = runEntry(hook?.entry ?? '', hook?.args ?? [], ['fw/docker-host.rules', 'fw/edge.rules'], bad);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('fw/docker-host.rules:10:29  error');
  });

  it('the README lint-staged recipe runs the same check on the same files', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const recipe = /<!-- lint-staged-example -->\n```json\n([\s\S]*?)```/.exec(readme)?.[1];
    const config = JSON.parse(recipe ?? '{}') as { 'lint-staged': Record<string, string> };
    const entries = Object.entries(config['lint-staged']);
    expect(entries).toHaveLength(1);
    const [pattern, command] = entries[0] ?? ['', ''];
    const staged = ['fw/edge.rules', 'fw/docker-host.rules', 'README.md'];
    // lint-staged matches patterns without a slash against the file's base name.
    const matches = globMatcher(pattern.includes('/') ? pattern : `**/${pattern}`);
    const selected = staged.filter((name) => matches(name));
    expect(selected).toEqual(['fw/edge.rules', 'fw/docker-host.rules']);
    const root = tree({ 'fw/edge.rules': GOOD, 'fw/docker-host.rules': BAD });
    expect(runEntry(command, [], selected, root).status).toBe(1);
    expect(runEntry(command, [], ['fw/edge.rules'], root).status).toBe(0);
  });
});
