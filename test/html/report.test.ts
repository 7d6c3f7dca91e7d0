/// <reference lib="dom" />
/**
 * The HTML report of real lab captures, opened from file:// in headless
 * Chromium: its DOM must agree with the JSON output, a matrix cell shows its
 * witness when clicked, dump text stays text, and the page fetches nothing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReachJson } from '../../src/packet/reach-render.js';
import { runMain, type JsonOut } from '../cli/run-cli.js';
import { scratchDir } from '../scratch.js';
import { launchChromium, recordingPage } from './chromium.js';

const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const work = scratchDir('iptlint-html-');

function dockerState(dir: string): string[] {
  return ['--docker-networks', `${dir}/networks.json`, '--docker-containers', `${dir}/containers.json`];
}

interface Loaded {
  page: Page;
  requests: string[];
  url: string;
}

let browser: Browser;

async function open(args: string[], name: string): Promise<Loaded> {
  const html = await runMain(['check', ...args, '--format', 'html']);
  expect(html.stderr).toBe('');
  const file = join(work, `${name}.html`);
  writeFileSync(file, html.stdout);
  const { page, requests } = await recordingPage(browser);
  const url = pathToFileURL(file).href;
  await page.goto(url);
  return { page, requests, url };
}

async function jsonOf(args: string[]): Promise<JsonOut> {
  return JSON.parse((await runMain(['check', ...args, '--format', 'json'])).stdout) as JsonOut;
}

async function reachOf(dump: string, dir: string): Promise<ReachJson> {
  return JSON.parse((await runMain(['reach', dump, ...dockerState(dir), '--format', 'json'])).stdout) as ReachJson;
}

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('check --format html: healthy multi-network capture with its Docker state', () => {
  const dir = 'fixtures/docker/multi-network';
  const args = [`${dir}/iptables.rules`, ...dockerState(dir)];
  let loaded: Loaded;

  beforeAll(async () => {
    loaded = await open(args, 'multi-network');
  }, 60_000);

  it('matrix cells = networks², exposure rows and findings as many as in the JSON output', async () => {
    const reach = await reachOf(`${dir}/iptables.rules`, dir);
    const json = await jsonOf(args);
    const { page } = loaded;
    expect(reach.networks.length).toBe(6);
    expect(await page.locator('table.matrix button[data-cell]').count()).toBe(reach.networks.length ** 2);
    expect(await page.locator('table.matrix tbody th[scope="row"]').allTextContents()).toEqual(reach.networks.map((network) => network.name));
    expect(await page.locator('tr.exposure-row').count()).toBe(reach.exposure.length);
    expect(reach.exposure.length).toBeGreaterThan(0);
    expect(await page.locator('.finding').count()).toBe(json.findings.length);
    expect(await page.locator('#total-findings').textContent()).toBe(String(json.summary.problems));
    for (const severity of ['error', 'warning', 'info'] as const) {
      expect(await page.locator(`table.counts td[data-severity="${severity}"]`).textContent()).toBe(String(json.summary.counts[severity]));
    }
  });

  it('summary names the Docker generation; the chain graph lists every chain', async () => {
    const { page } = loaded;
    expect(await page.locator('dl.summary').textContent()).toContain('G2 (Docker 18.03.1, 18.05–27.x)');
    const chains = await page.locator('table.chain-graph tbody th[scope="row"]').allTextContents();
    expect(chains).toEqual(expect.arrayContaining(['FORWARD', 'DOCKER-USER', 'DOCKER-ISOLATION-STAGE-2', 'POSTROUTING']));
  });

  it('a cell without a traced witness says so when clicked', async () => {
    const { page } = loaded;
    await page.locator('table.matrix tbody tr').nth(1).locator('button').nth(2).click();
    const panel = page.locator('.witness');
    expect(await panel.textContent()).toMatch(/^appnet → dbnet \(ipv4\): blocked/);
  });

  it('the page made no request but for itself', () => {
    expect(loaded.requests).toEqual([loaded.url]);
  });

  it('dark mode and print change the colours, not the content', async () => {
    const { page } = loaded;
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(dark).not.toBe(light);
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
  });
});

describe('check --format html: broken-isolation-deleted (a real isolation gap)', () => {
  const dir = 'fixtures/docker/broken-isolation-deleted';
  const args = [`${dir}/iptables.rules`, ...dockerState(dir)];

  it('clicking the gap cell shows its witness packet and rule path; screenshot saved', async () => {
    const { page, requests, url } = await open(args, 'broken-isolation-deleted');
    const reach = await reachOf(`${dir}/iptables.rules`, dir);
    const gap = reach.matrix.find((cell) => cell.from === 'appnet' && cell.to === 'dbnet');
    expect(gap?.status).toBe('open');
    expect(gap?.witness).toBeDefined();
    const button = page.getByRole('button', { name: 'appnet to dbnet: open' });
    await button.click();
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    const panel = page.locator('.witness');
    const text = (await panel.textContent()) ?? '';
    const packet = gap?.witness?.packet;
    expect(text).toContain(`Witness packet: ${packet?.proto} ${packet?.src}:${packet?.sport} → ${packet?.dst}:${packet?.dport}`);
    expect(text).toContain('Rule path of the request');
    const hops = await panel.locator('ol').first().locator('li').count();
    expect(hops).toBe(gap?.witness?.request.length);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
    expect(requests).toEqual([url]);
  }, 60_000);
});

describe('check --format html: hostile text in the dump', () => {
  it('a --comment "<script>…" and hostile chain names are shown as text; no script of theirs runs', async () => {
    const capture = readFileSync('fixtures/docker/multi-network/iptables.rules', 'utf8');
    const hostile = '-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "</pre><script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>\u2028" -j ACCEPT';
    // Twice, so that duplicate-rule reports it and its source line is shown.
    const dump = capture.replace(/^(-A FORWARD -j DOCKER-USER)$/m, `${hostile}\n${hostile}\n$1`);
    expect(dump).toContain('__pwned');
    const file = join(work, 'hostile.rules');
    writeFileSync(file, dump);
    const { page, requests, url } = await open([file, 'test/graph/data/hostile-names.rules', ...dockerState('fixtures/docker/multi-network')], 'hostile');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    const sources = await page.locator('.finding pre').allTextContents();
    expect(sources.some((text) => text.includes('<script>window.__pwned=1</script>'))).toBe(true);
    const chains = await page.locator('table.chain-graph tbody th[scope="row"]').allTextContents();
    expect(chains).toEqual(expect.arrayContaining(['b\\N}<script>#1;', 'q"];evil->x;//']));
    expect(requests).toEqual([url]);
  }, 60_000);
});
