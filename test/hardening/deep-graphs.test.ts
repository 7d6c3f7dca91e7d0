/**
 * SECURITY.md: "graph walks are iterative (50 000-deep jump chains do not
 * overflow the stack) and jump cycles are detected, not followed" — end to
 * end, through the CLI as a user runs it. A real Docker host capture
 * (multi-network, with its inspect JSON) gets, hung off DOCKER-USER, either a
 * 50 000-deep chain of jumps that ends in RETURN, the same chain closed into a
 * cycle, or a 100 000-chain tree with cross links. `check` (every rule, with
 * the Docker state and the packet model), `trace` and `reach` must finish within
 * the stated limit, without a stack overflow or an internal error; the lint
 * rules give the findings of the unmodified capture, and the cycle is reported
 * once. The packet model walks jumps to a depth limit (a trace past it says
 * "depends", reach loses its certain findings), so only its answering is
 * claimed. The 100 000-chain tree runs through every lint rule (`--no-reach`):
 * the packet model did not finish it within 60 s, so that is not claimed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, type CliResult } from '../cli/run-cli.js';

/** Each command on each of these dumps, on a machine several times overloaded. */
const LIMIT_MS = 120_000;
const DEPTH = 50_000;
const WIDTH = 100_000;
const CAPTURE = join(REPO, 'fixtures/docker/multi-network');
const STATE = ['--docker-networks', join(CAPTURE, 'networks.json'), '--docker-containers', join(CAPTURE, 'containers.json')];
/** A published port of the capture (web1, 8080 → 172.18.0.2:80) and a packet to it. */
const PACKET = ['--in', 'eth0', '--src', '198.51.100.7', '--dst', '172.18.0.2', '--proto', 'tcp', '--dport', '80'];
const HOOK = '-A DOCKER-USER -j RETURN';

interface Graft {
  declarations: string[];
  rules: string[];
}

function deepChain(cycle: boolean): Graft {
  const declarations: string[] = [];
  const rules = ['-A DOCKER-USER -j D0'];
  for (let i = 0; i < DEPTH; i++) {
    declarations.push(`:D${i} - [0:0]`);
    rules.push(i + 1 < DEPTH ? `-A D${i} -j D${i + 1}` : cycle ? `-A D${i} -j D0` : `-A D${i} -j RETURN`);
  }
  return { declarations, rules };
}

/** A binary tree of WIDTH chains with cross links to higher-numbered chains that are not already children (acyclic). */
function wideTree(): Graft {
  const declarations: string[] = [];
  const rules = ['-A DOCKER-USER -j N0'];
  for (let i = 0; i < WIDTH; i++) {
    declarations.push(`:N${i} - [0:0]`);
    for (const child of [2 * i + 1, 2 * i + 2]) if (child < WIDTH) rules.push(`-A N${i} -j N${child}`);
    if (i % 3 === 0 && i + 7 < WIDTH && i + 7 > 2 * i + 2) rules.push(`-A N${i} -j N${i + 7}`);
  }
  return { declarations, rules };
}

/** The capture with the graft's chains declared after DOCKER-USER and its rules before DOCKER-USER's RETURN. */
function grafted(capture: string, graft: Graft): string {
  const lines = capture.split('\n');
  const declaration = lines.indexOf(':DOCKER-USER - [0:0]');
  const hook = lines.indexOf(HOOK);
  if (declaration < 0 || hook < declaration || lines.filter((line) => line === HOOK).length !== 1) throw new Error('the capture changed: no single DOCKER-USER RETURN');
  return [...lines.slice(0, declaration + 1), ...graft.declarations, ...lines.slice(declaration + 1, hook), ...graft.rules, ...lines.slice(hook)].join('\n');
}

function timedCli(args: string[]): CliResult & { milliseconds: number } {
  const started = performance.now();
  const result = runCli(args);
  return { ...result, milliseconds: performance.now() - started };
}

function expectClean(result: CliResult & { milliseconds: number }, codes: number[]): void {
  expect(result.stderr).not.toMatch(/Maximum call stack|RangeError|internal error|please report|\n\s+at /);
  expect(codes, result.stderr.slice(0, 500)).toContain(result.code);
  expect(result.milliseconds).toBeLessThan(LIMIT_MS);
}

interface CheckJson {
  findings: { ruleId: string; message: string }[];
}

function ruleIds(stdout: string): string[] {
  return (JSON.parse(stdout) as CheckJson).findings.map((finding) => finding.ruleId).sort();
}

function verdict(stdout: string): string {
  return (JSON.parse(stdout) as { verdict: string }).verdict;
}

interface ReachJson {
  matrix: unknown;
  exposure: unknown;
  findings: { ruleId: string }[];
}

function reachSummary(stdout: string): unknown {
  const reach = JSON.parse(stdout) as ReachJson;
  return { matrix: reach.matrix, exposure: reach.exposure, findings: reach.findings.map((finding) => finding.ruleId).sort() };
}

describe('deep and wide jump graphs, end to end', () => {
  let dir: string;
  const capture = readFileSync(join(CAPTURE, 'iptables.rules'), 'utf8');
  const dumps = { deep: '', cycle: '', wide: '', original: join(CAPTURE, 'iptables.rules') };
  const baseline = { check: [] as string[], lint: [] as string[], reach: undefined as unknown };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iptlint-deep-'));
    for (const [name, graft] of [['deep', deepChain(false)], ['cycle', deepChain(true)], ['wide', wideTree()]] as const) {
      dumps[name] = join(dir, `${name}.rules`);
      writeFileSync(dumps[name], grafted(capture, graft));
    }
    baseline.check = ruleIds(runCli(['check', '--format', 'json', ...STATE, dumps.original]).stdout);
    baseline.lint = ruleIds(runCli(['check', '--format', 'json', '--no-reach', ...STATE, dumps.original]).stdout);
    baseline.reach = reachSummary(runCli(['reach', '--format', 'json', ...STATE, dumps.original]).stdout);
  }, LIMIT_MS);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('50 000 deep: check (every rule, Docker state, packet model) finishes; the lint rules find what they find on the capture', () => {
    const result = timedCli(['check', '--format', 'json', ...STATE, dumps.deep]);
    expectClean(result, [0, 1]);
    expect(baseline.check.filter((id) => id.startsWith('reach/')).length).toBeGreaterThan(0);
    expect(ruleIds(result.stdout).filter((id) => !id.startsWith('reach/'))).toEqual(baseline.lint);
  }, LIMIT_MS);

  it('50 000 deep: trace follows the jumps down to its depth limit and answers', () => {
    const result = timedCli(['trace', '--format', 'json', ...STATE, ...PACKET, dumps.deep]);
    expectClean(result, [0, 1]);
    expect(['accepted', 'depends']).toContain(verdict(result.stdout));
  }, LIMIT_MS);

  it('50 000 deep: reach answers for every pair of networks of the capture', () => {
    const result = timedCli(['reach', '--format', 'json', ...STATE, dumps.deep]);
    expectClean(result, [0, 1]);
    const pairs = (summary: unknown): unknown => ((summary as { matrix: { from: string; to: string }[] }).matrix ?? []).map(({ from, to }) => `${from}→${to}`);
    expect(pairs(reachSummary(result.stdout))).toEqual(pairs(baseline.reach));
  }, LIMIT_MS);

  it('100 000 chains with cross links: every lint rule, Docker rules included, finds what it finds on the capture', () => {
    const result = timedCli(['check', '--format', 'json', '--no-reach', ...STATE, dumps.wide]);
    expectClean(result, [0, 1]);
    expect(ruleIds(result.stdout)).toEqual(baseline.lint);
  }, LIMIT_MS);

  it('a 50 000-chain cycle: check reports it once, as a jump cycle through all its chains', () => {
    const result = timedCli(['check', '--format', 'json', ...STATE, dumps.cycle]);
    expectClean(result, [1, 2]);
    const cycles = (JSON.parse(result.stdout) as CheckJson).findings.filter((finding) => finding.ruleId === 'jump-cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toContain('D0');
  }, LIMIT_MS);

  it('a 50 000-chain cycle: trace and reach finish instead of looping', () => {
    for (const args of [
      ['trace', '--format', 'json', ...STATE, ...PACKET, dumps.cycle],
      ['reach', '--format', 'json', ...STATE, dumps.cycle],
    ]) {
      const result = timedCli(args);
      expectClean(result, [0, 1]);
      expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    }
  }, 2 * LIMIT_MS);
});
