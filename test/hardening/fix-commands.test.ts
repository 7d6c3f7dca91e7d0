/**
 * Fix hints are shell commands that users paste, built from words of an
 * untrusted dump: a comment `$(…)` or a chain named `a;b` must reach
 * iptables as one literal word, never run.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/engine/lint.js';
import { g2Example } from '../../src/docker/doc-examples.js';
import { shellWord } from '../../src/docker/fix-command.js';
import { dockerRules } from '../../rules/docker-index.js';

/** The argv a POSIX shell builds from `command` (without running the command itself). */
function argvOf(command: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = ['$(printf injected)', '`id`', 'a;b', "it's", 'a b', '*', '~root', '$HOME', 'x\ny', '"q"', '\\', '-x', '', '!x', 'ä€'];

describe('shell quoting of fix commands', () => {
  it('every hostile word reaches the shell as itself', () => {
    expect(argvOf(HOSTILE.map(shellWord).join(' '))).toEqual(HOSTILE);
  });

  it('inert words, `!` and <fill-in> markers stay bare, as people write them', () => {
    for (const word of ['-A', 'DOCKER-USER', '172.17.0.0/16', '8080:8090', '!', '--ctorigdstport', '<subnet>']) expect(shellWord(word)).toBe(word);
  });

  it('a DOCKER-USER rule with a command substitution in its comment: the fix keeps the comment as one literal word', () => {
    const comment = '$(printf injected)';
    const dump = g2Example({
      replace: '-A DOCKER-USER -j RETURN',
      with: `-A DOCKER-USER -p tcp -m tcp --dport 8080 -m comment --comment "${comment}" -j DROP\n-A DOCKER-USER -j RETURN`,
    });
    const { findings } = checkText(dump, { file: 'hostile.rules', rules: dockerRules });
    const fix = findings.find((finding) => finding.ruleId === 'docker-user-host-port')?.fix;
    expect(fix).toBeDefined();
    expect(argvOf(fix ?? '')).toEqual([
      'iptables', '-t', 'filter', '-R', 'DOCKER-USER', '1',
      '-p', 'tcp', '-m', 'conntrack', '--ctorigdstport', '8080', '-m', 'comment', '--comment', comment, '-j', 'DROP',
    ]);
  });
});
