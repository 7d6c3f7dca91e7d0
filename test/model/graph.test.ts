import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { lint } from '../../src/engine/lint.js';
import { buildModel } from '../../src/model/build.js';
import { findCycles, hookReachability, reachableChains, rulesReachableFrom } from '../../src/model/graph.js';
import type { Model } from '../../src/model/types.js';

function filterModel(declarations: string[], rules: string[]): Model {
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...declarations, ...rules, 'COMMIT', ''].join('\n');
  const result = parse(text);
  expect(result.errors).toEqual([]);
  return buildModel(result);
}

/** INPUT → C0 → C1 → … → C(n-1), each chain also with one ACCEPT rule. */
function deepChain(depth: number, closeLoop = false): Model {
  const declarations: string[] = [];
  const rules = ['-A INPUT -j C0'];
  for (let i = 0; i < depth; i++) {
    declarations.push(`:C${i} - [0:0]`);
    rules.push(`-A C${i} -p tcp -m tcp --dport ${(i % 60000) + 1} -j ACCEPT`);
    if (i + 1 < depth) rules.push(`-A C${i} -j C${i + 1}`);
  }
  if (closeLoop) rules.push(`-A C${depth - 1} -j C0`);
  return filterModel(declarations, rules);
}

describe('traversal', () => {
  it('visits reachable chains depth-first, each once, first jump first', () => {
    const m = filterModel([':A - [0:0]', ':B - [0:0]', ':C - [0:0]', ':D - [0:0]'], ['-A INPUT -j A', '-A INPUT -j C', '-A A -j B', '-A A -j C', '-A C -j A']);
    expect(reachableChains(m, 'filter', 'INPUT')).toEqual(['INPUT', 'A', 'B', 'C']);
    expect([...rulesReachableFrom(m, 'filter', 'A')].map((r) => r.id)).toEqual(['filter/A#0', 'filter/A#1', 'filter/C#0']);
  });

  it('walks a chain 50 000 jumps deep, and finds the loop that closes it, without overflowing the stack', () => {
    const depth = 50_000;
    const m = deepChain(depth, true);
    expect(reachableChains(m, 'filter', 'INPUT')).toHaveLength(depth + 1);
    let count = 0;
    for (const _ of rulesReachableFrom(m, 'filter', 'INPUT')) count++;
    expect(count).toBe(1 + depth + depth);
    const reach = hookReachability(m, 'filter');
    expect(reach.hooksOf(`C${depth - 1}`)).toEqual(['INPUT']);
    expect(reach.pathFrom('INPUT', `C${depth - 1}`)).toHaveLength(depth);
    const cycles = findCycles(m, 'filter');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.chains).toHaveLength(depth);
    expect(cycles[0]?.chains[0]).toBe('C0');
    // Every lint rule walks the same graph: none may recurse per chain either.
    expect(lint(m).map((f) => f.ruleId)).toEqual(['jump-cycle']);
  });

  it('handles a 100 000-chain graph (a wide tree with cross links) in linear time', () => {
    const n = 100_000;
    const declarations: string[] = [];
    const rules: string[] = ['-A FORWARD -j N0'];
    for (let i = 0; i < n; i++) {
      declarations.push(`:N${i} - [0:0]`);
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < n) rules.push(`-A N${i} -j N${child}`);
      // Cross links only point to higher-numbered chains, like the tree edges, so the graph stays acyclic.
      if (i % 3 === 0 && i + 7 < n) rules.push(`-A N${i} -j N${i + 7}`);
    }
    const started = performance.now();
    const m = filterModel(declarations, rules);
    const reach = hookReachability(m, 'filter');
    const reachable = reachableChains(m, 'filter', 'FORWARD');
    const cycles = findCycles(m, 'filter');
    expect(reachable).toHaveLength(n + 1);
    expect(reach.hooksOf(`N${n - 1}`)).toEqual(['FORWARD']);
    expect(cycles).toEqual([]);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

describe('cycles', () => {
  it('reports one cycle per strongly connected component, from the first-declared chain', () => {
    const m = filterModel(
      [':A - [0:0]', ':B - [0:0]', ':C - [0:0]', ':SELF - [0:0]', ':X - [0:0]', ':Y - [0:0]'],
      ['-A INPUT -j A', '-A A -j B', '-A B -j C', '-A C -g A', '-A B -j A', '-A SELF -j SELF', '-A X -j Y', '-A Y -j INPUT'],
    );
    const cycles = findCycles(m, 'filter');
    expect(cycles.map((c) => c.chains)).toEqual([['A', 'B'], ['SELF']]);
    const ab = cycles[0];
    expect(ab?.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['A->B', 'B->A']);
  });

  it('finds no cycle in a diamond', () => {
    const m = filterModel([':A - [0:0]', ':B - [0:0]', ':C - [0:0]'], ['-A INPUT -j A', '-A INPUT -j B', '-A A -j C', '-A B -j C']);
    expect(findCycles(m, 'filter')).toEqual([]);
  });
});

describe('hook reachability', () => {
  it('lists every hook that reaches a chain with the shortest path', () => {
    const m = buildModel(
      parse('*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A PREROUTING -j A\n-A OUTPUT -j B\n-A B -j A\nCOMMIT\n'),
    );
    const reach = hookReachability(m, 'mangle');
    expect(reach.hooksOf('A')).toEqual(['PREROUTING', 'OUTPUT']);
    expect(reach.hooksOf('B')).toEqual(['OUTPUT']);
    expect(reach.pathFrom('OUTPUT', 'A')?.map((e) => `${e.from}->${e.to}`)).toEqual(['OUTPUT->B', 'B->A']);
    expect(reach.pathFrom('PREROUTING', 'B')).toBeUndefined();
    expect(reach.pathFrom('OUTPUT', 'OUTPUT')).toEqual([]);
  });
});
