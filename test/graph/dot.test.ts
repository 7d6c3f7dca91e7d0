/** `iptlint graph` as DOT, checked by Graphviz's own `dot` on real captures. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, runMain } from '../cli/run-cli.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Renders DOT to SVG with Graphviz; fails the test with dot's message when the DOT is invalid. */
function dotToSvg(text: string, label: string): string {
  const result = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8' });
  if (result.error) throw result.error;
  expect(result.stderr, label).toBe('');
  expect(result.status, label).toBe(0);
  return result.stdout;
}

/** The text of every node (`<g class="node …">`) of an SVG made by dot, entities decoded. */
function svgNodeLabels(svg: string): string[] {
  const labels: string[] = [];
  for (const match of svg.matchAll(/<g id="node\d+" class="node[^"]*">([\s\S]*?)<\/g>/g)) {
    const texts = [...(match[1] as string).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((text) => decodeXml(text[1] as string));
    labels.push(texts.join(' '));
  }
  return labels;
}

function decodeXml(text: string): string {
  return text.replace(/&(#\d+|lt|gt|amp|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[entity] as string;
  });
}

async function graph(args: string[]): Promise<string> {
  const result = await runMain(['graph', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

function realDumps(): string[] {
  const dumps: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(`${REPO}${dir}`, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(rules|list)$/.test(entry.name) && statSync(`${REPO}${path}`).size > 0) dumps.push(path);
    }
  };
  walk('fixtures/docker');
  walk('fixtures/kernel');
  return dumps;
}

describe('iptlint graph --format dot', () => {
  it('every real capture (lab and kernel fixtures) gives DOT that Graphviz renders', async () => {
    const dumps = realDumps();
    expect(dumps.length).toBeGreaterThan(50);
    for (const dump of dumps) dotToSvg(await graph([dump]), dump);
  }, 120_000);

  it('multi-network: one cluster per table, Docker chains apart from built-ins, parallel jumps merged with every line', async () => {
    const text = await graph(['fixtures/docker/multi-network/iptables.rules']);
    expect(text.match(/subgraph cluster_\d+/g)).toHaveLength(2);
    expect(text).toMatch(/\[label="FORWARD \(policy DROP\)", shape=box, style="filled,bold".*class=builtin\]/);
    expect(text).toMatch(/\[label="DOCKER-USER", shape=box, style="filled,rounded".*class=docker\]/);
    // FORWARD jumps to DOCKER once per bridge that has published ports or icc (lines 13, 18, 21, 25, 29).
    expect(text).toContain('t0c1 -> t0c3 [label="lines 13, 18, 21, 25, 29"];');
    const svg = dotToSvg(text, 'multi-network');
    expect(svgNodeLabels(svg)).toEqual(expect.arrayContaining(['FORWARD (policy DROP)', 'DOCKER-ISOLATION-STAGE-2', 'PREROUTING (policy ACCEPT)']));
  });

  it('--table and --chain keep what is reachable from the chain', async () => {
    const text = await graph(['fixtures/docker/multi-network/iptables.rules', '--table', 'filter', '--chain', 'DOCKER-ISOLATION-STAGE-1']);
    const labels = svgNodeLabels(dotToSvg(text, 'focused'));
    expect(labels.sort()).toEqual(['DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2']);
    expect(text).toContain('label="table filter"');
    expect(text).not.toContain('table nat');
  });

  it('--chain without --table looks in every table that has the chain', async () => {
    const text = await graph(['fixtures/docker/multi-network/iptables.rules', '--chain', 'DOCKER']);
    expect(text).toContain('label="table filter"');
    expect(text).toContain('label="table nat"');
  });

  it('gotos are dashed', async () => {
    const text = await graph(['test/graph/data/hostile-names.rules']);
    expect(text).toContain('[label="goto, line 12", style=dashed];');
  });

  it('hostile chain names stay inside their labels: Graphviz draws each name verbatim and nothing else', async () => {
    const svg = dotToSvg(await graph(['test/graph/data/hostile-names.rules']), 'hostile');
    expect(svgNodeLabels(svg).sort()).toEqual(
      ['FORWARD (policy ACCEPT)', 'INPUT (policy DROP)', 'OUTPUT (policy ACCEPT)', 'a];x->y;//', 'b\\N}<script>#1;', 'end]|-->%%{x}', 'q"];evil->x;//'].sort(),
    );
    expect(svg.match(/class="edge"/g)).toHaveLength(3);
  });

  it('unknown --table or --chain: a located usage error, exit 2', async () => {
    const table = await runMain(['graph', 'fixtures/docker/multi-network/iptables.rules', '--table', 'raw']);
    expect(table.code).toBe(2);
    expect(table.stderr).toBe("iptlint: fixtures/docker/multi-network/iptables.rules has no table 'raw'\nhint: use one of its tables: filter, nat\n");
    const chain = await runMain(['graph', 'fixtures/docker/multi-network/iptables.rules', '--chain', 'docker']);
    expect(chain.code).toBe(2);
    expect(chain.stderr).toMatch(/^iptlint: no chain 'docker' in any table of fixtures\/docker\/multi-network\/iptables.rules\nhint: chain names are case-sensitive/);
  });

  it('a dump with syntax errors is refused with its errors (exit 2), from the built CLI', () => {
    const result = runCli(['graph', 'test/cli/data/syntax-and-lint.rules']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/syntax-and-lint\.rules:\d+:\d+ {2}error/);
  });
});
