/// <reference lib="dom" />
/**
 * Mermaid output is checked by Mermaid itself: the `mermaid` package (from
 * node_modules, no network) parses and renders it inside headless Chromium,
 * since it needs a DOM. @mermaid-js/parser alone has no flowchart grammar.
 */
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, recordingPage } from '../html/chromium.js';
import { runMain } from '../cli/run-cli.js';

const MERMAID = fileURLToPath(new URL('../../node_modules/mermaid/dist/mermaid.min.js', import.meta.url));

interface Rendered {
  nodes: string[];
  edges: number;
  clusters: number;
}

let browser: Browser;
let page: Page;
let requests: string[];

beforeAll(async () => {
  browser = await launchChromium();
  ({ page, requests } = await recordingPage(browser));
  await page.setContent('<!doctype html><meta charset="utf-8"><body></body>');
  await page.addScriptTag({ path: MERMAID });
  await page.evaluate(() => (window as unknown as { mermaid: { initialize(config: object): void } }).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Parses (throws on a syntax error) and renders; returns the drawn node labels and counts. */
async function render(text: string): Promise<Rendered> {
  return page.evaluate(async (source) => {
    interface Mermaid {
      parse(text: string): Promise<unknown>;
      render(id: string, text: string): Promise<{ svg: string }>;
    }
    const mermaid = (window as unknown as { mermaid: Mermaid }).mermaid;
    await mermaid.parse(source);
    const { svg } = await mermaid.render(`g${Math.random().toString(36).slice(2)}`, source);
    const holder = document.createElement('div');
    holder.innerHTML = svg;
    return {
      nodes: Array.from(holder.querySelectorAll("g.node")).map((node) => node.textContent?.trim() ?? ''),
      edges: holder.querySelectorAll('path.flowchart-link').length,
      clusters: holder.querySelectorAll('g.cluster').length,
    };
  }, text);
}

async function mermaidOf(args: string[]): Promise<string> {
  const result = await runMain(['graph', ...args, '--format', 'mermaid']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('iptlint graph --format mermaid, rendered by Mermaid in Chromium', () => {
  it('multi-network capture: every chain of every table is drawn, FORWARD with its policy', async () => {
    const text = await mermaidOf(['fixtures/docker/multi-network/iptables.rules']);
    const rendered = await render(text);
    expect(rendered.clusters).toBe(2);
    expect(rendered.nodes).toContain('FORWARD (policy DROP)');
    expect(rendered.nodes).toContain('DOCKER-ISOLATION-STAGE-2');
    // filter: 3 built-ins + 4 Docker chains; nat: 4 built-ins + DOCKER.
    expect(rendered.nodes).toHaveLength(12);
    expect(rendered.edges).toBe(text.split('\n').filter((line) => / -(->|\.->)\|/.test(line)).length);
  }, 60_000);

  it('every lab capture (IPv4 and IPv6) parses and renders', async () => {
    const root = fileURLToPath(new URL('../../fixtures/docker/', import.meta.url));
    const dumps = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => ['iptables.rules', 'ip6tables.rules'].map((file) => `fixtures/docker/${entry.name}/${file}`))
      // Scenarios without ip6tables rules captured an empty ip6tables-save.
      .filter((dump) => statSync(fileURLToPath(new URL(`../../${dump}`, import.meta.url))).size > 0);
    expect(dumps.length).toBeGreaterThanOrEqual(17);
    for (const dump of dumps) {
      const rendered = await render(await mermaidOf([dump]));
      expect(rendered.nodes.length, dump).toBeGreaterThan(0);
    }
  }, 120_000);

  it('hostile chain names stay labels: each is drawn verbatim, no extra node or edge appears', async () => {
    const rendered = await render(await mermaidOf(['test/graph/data/hostile-names.rules']));
    expect(rendered.nodes).toEqual(
      expect.arrayContaining(['q"];evil->x;//', 'a];x->y;//', 'b\\N}<script>#1;', 'end]|-->%%{x}']),
    );
    expect(rendered.nodes).toHaveLength(7);
    expect(rendered.edges).toBe(3);
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(1);
  }, 60_000);

  it('made no network request', () => {
    expect(requests.filter((url) => !url.startsWith('about:') && !url.startsWith('data:'))).toEqual([]);
  });
});
