import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { dockerStateArgs, labCapture, runCli } from './run-cli.js';

const RULE_IDS = new Set(allRules.map((rule) => rule.meta.id));

interface TimingTable {
  stages: Map<string, number>;
  rules: Map<string, number>;
}

/** The `timing` block of stderr: stage label → seconds, and the per-rule lines under "lint rules". */
function timingTable(stderr: string): TimingTable {
  const block = stderr.slice(stderr.indexOf('timing (wall clock, seconds):'));
  expect(block.length).toBeGreaterThan(0);
  const stages = new Map<string, number>();
  const rules = new Map<string, number>();
  for (const line of block.split('\n').slice(1)) {
    const stage = /^ {2}(\S.*?)\s+(\d+\.\d{3})(?:\s+\d+%)?$/.exec(line);
    const rule = /^ {4}(\S+)\s+(\d+\.\d{3})\s+\d+% of lint$/.exec(line);
    if (stage) stages.set(stage[1] as string, Number(stage[2]));
    else if (rule) rules.set(rule[1] as string, Number(rule[2]));
  }
  return { stages, rules };
}

/** The stage rows add up to the total, each rounded to the millisecond. */
function expectRowsToAddUp(stages: Map<string, number>): void {
  const total = stages.get('total') as number;
  const parts = [...stages].filter(([name]) => name !== 'total').reduce((sum, [, seconds]) => sum + seconds, 0);
  expect(Math.abs(parts - total)).toBeLessThanOrEqual(0.0005 * stages.size);
}

/** The stages of loading a Docker host's dump and state, common to check and reach. */
const LOADING_STAGES = [
  "start-up (Node, iptlint's code, arguments)",
  'Docker state (read the JSON)',
  'read dumps (stdin: parsed as it arrives)',
  'parse',
  'model',
];

const dump = `${labCapture('multi-network')}/iptables.rules`;

describe('check --timing', () => {
  const plain = runCli(['check', '--format', 'json', dump, ...dockerStateArgs('multi-network')]);
  const timed = runCli(['check', '--format', 'json', '--timing', dump, ...dockerStateArgs('multi-network')]);

  it('changes neither the report nor the exit code', () => {
    expect(timed.code).toBe(plain.code);
    const findings = (text: string) => (JSON.parse(text) as { findings: unknown[] }).findings;
    expect(findings(timed.stdout)).toEqual(findings(plain.stdout));
    expect(plain.stderr).not.toContain('timing');
  });

  it('prints every stage the run went through, and a total that covers them', () => {
    const { stages } = timingTable(timed.stderr);
    expect([...stages.keys()]).toEqual([
      ...LOADING_STAGES,
      'lint rules',
      'reach (packet model)',
      'report',
      'other',
      'total',
    ]);
    expectRowsToAddUp(stages);
    expect(stages.get('reach (packet model)')).toBeGreaterThan(0);
  });

  it('breaks the lint stage down by rule, slowest first, within the stage', () => {
    const { stages, rules } = timingTable(timed.stderr);
    expect(rules.size).toBe(10);
    for (const id of rules.keys()) expect(RULE_IDS).toContain(id);
    const seconds = [...rules.values()];
    expect(seconds).toEqual([...seconds].sort((a, b) => b - a));
    expect(seconds.reduce((sum, value) => sum + value, 0)).toBeLessThanOrEqual((stages.get('lint rules') as number) + 0.01);
    expect(timed.stderr).toMatch(new RegExp(`\\(${allRules.length - 10} more rules\\)`));
  });

  it('charges stdin parsing to reading, where it happens', () => {
    const result = runCli(['check', '--timing'], { stdin: readFileSync(dump) });
    const { stages } = timingTable(result.stderr);
    expect(stages.has('read dumps (stdin: parsed as it arrives)')).toBe(true);
    expect(stages.has('parse')).toBe(false);
    expect(stages.has('Docker state (read the JSON)')).toBe(false);
    expect(stages.has('model')).toBe(true);
  });

  it('is printed when the run fails too', () => {
    const result = runCli(['check', '--timing', 'no-such-file.rules']);
    expect(result.code).toBe(2);
    expect(timingTable(result.stderr).stages.has('total')).toBe(true);
  });
});

describe('reach --timing', () => {
  const args = ['reach', '--format', 'json', dump, ...dockerStateArgs('multi-network')];
  const plain = runCli(args);
  const timed = runCli([...args, '--timing']);
  const withoutClock = (text: string) => text.replace(/"milliseconds": \d+/, '');

  it('changes neither the report nor the exit code', () => {
    expect(timed.code).toBe(plain.code);
    expect(withoutClock(timed.stdout)).toBe(withoutClock(plain.stdout));
    expect(plain.stderr).not.toContain('timing');
  });

  it('breaks the analysis down by section, after the host is built', () => {
    const { stages, rules } = timingTable(timed.stderr);
    expect([...stages.keys()]).toEqual([
      ...LOADING_STAGES,
      "host model (Docker's inventory, topology)",
      'isolation matrix',
      'outbound access',
      'direct exposure',
      'published ports',
      'reach findings',
      'report',
      'other',
      'total',
    ]);
    expect(rules.size).toBe(0);
    expectRowsToAddUp(stages);
  });
});
