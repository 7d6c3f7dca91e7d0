/**
 * Regenerates fixtures/kernel/ from the real kernel. Run as root from the
 * repository root:
 *
 *     npx tsx scripts/kernel-fixtures/make.ts
 *
 * Every ruleset is loaded into its own `iptlint-kfx-gen-*` network namespace,
 * which is deleted afterwards (also on failure and on SIGINT/SIGTERM/SIGHUP).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Family } from '../../grammar/ast.js';
import { captureSource, loadIpsets, restoreSource } from './capture.js';
import { BACKENDS, FIXTURES_DIR, REPO_ROOT, SOURCES, fixturePath, type Backend } from './manifest.js';
import {
  NETNS_PREFIX,
  deleteLiveNetns,
  liveKernelUnavailableReason,
  runInChecked,
  runInMerged,
  stopOnSignals,
  toolName,
  withNetns,
} from './netns.js';
import { countRules, renderReadme, renderRefusals, type BulkRefusal, type BulkStats, type FixtureFile } from './readme.js';
import { loadCandidates, readCandidates, type Refusal } from './tcases.js';

const REGENERATE = 'npx tsx scripts/kernel-fixtures/make.ts';
const TCASES_PATH = process.env.IPTLINT_TCASES ?? join(REPO_ROOT, '../shared/netfilter-corpus/t-cases.jsonl');

let namespaceCount = 0;
function nextNamespace(): string {
  namespaceCount += 1;
  return `${NETNS_PREFIX}gen-${process.pid}-${namespaceCount}`;
}

const written: FixtureFile[] = [];

function writeFixture(path: string, text: string, what: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  written.push({ path: relative(FIXTURES_DIR, path), bytes: Buffer.byteLength(text), rules: countRules(text), what });
  console.log(`wrote ${relative(REPO_ROOT, path)}`);
}

function logWarnings(label: string, warnings: readonly string[]): void {
  for (const warning of warnings) console.warn(`${label}: ${warning.trim()}`);
}

async function captureSources(): Promise<void> {
  for (const source of SOURCES) {
    for (const backend of BACKENDS) {
      const capture = await withNetns(nextNamespace(), (ns) => captureSource(ns, source, backend));
      logWarnings(`${backend}/${source.name}`, capture.warnings);
      writeFixture(fixturePath(backend, source.name, 'save'), capture.save, source.description);
      if (capture.list !== undefined) {
        writeFixture(fixturePath(backend, source.name, 'list'), capture.list, `\`iptables -S\` listing of ${source.name}`);
      }
    }
  }
}

/** iptables-nft-save 2>&1 while legacy tables exist in the same namespace. */
async function captureLegacyWarning(): Promise<void> {
  const source = SOURCES.find((candidate) => candidate.name === 'docker-host');
  if (!source) throw new Error('docker-host source missing');
  const text = await withNetns(nextNamespace(), async (ns) => {
    await loadIpsets(ns, source);
    for (const backend of BACKENDS) await restoreSource(ns, source, backend);
    return runInMerged(ns, toolName(source.family, 'nft', 'save'), []);
  });
  writeFixture(fixturePath('nft', 'legacy-tables-present', 'save'), text, 'docker-host in both backends; `iptables-nft-save 2>&1` (legacy warning line)');
}

function bulkName(family: Family): string {
  return family === 'ipv6' ? 'tcases-ip6' : 'tcases';
}

async function captureBulk(family: Family, backend: Backend): Promise<{ stats: BulkStats; refused: Refusal[] }> {
  const candidates = readCandidates(TCASES_PATH, family);
  const { save, outcome } = await withNetns(nextNamespace(), async (ns) => {
    const loaded = await loadCandidates(ns, family, backend, candidates);
    const saved = await runInChecked(ns, toolName(family, backend, 'save'), []);
    return { outcome: loaded, save: saved.stdout };
  });
  const stats: BulkStats = {
    backend,
    family,
    candidates: candidates.length,
    accepted: outcome.accepted.length,
    refusedAtParse: outcome.refused.filter((refusal) => refusal.stage === 'parse').length,
    refusedByKernel: outcome.refused.filter((refusal) => refusal.stage === 'kernel').length,
  };
  const what = `${stats.accepted} of ${stats.candidates} OK ${family} rules of the netfilter extension tests, loaded together`;
  writeFixture(fixturePath(backend, bulkName(family), 'save'), save, what);
  return { stats, refused: outcome.refused };
}

async function captureAllBulk(): Promise<BulkStats[]> {
  const stats: BulkStats[] = [];
  const refusals: BulkRefusal[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const backend of BACKENDS) {
      const result = await captureBulk(family, backend);
      stats.push(result.stats);
      refusals.push(...result.refused.map((refusal) => ({ ...refusal, backend, family })));
    }
  }
  writeFileSync(join(FIXTURES_DIR, 'tcases-refused.md'), renderRefusals(refusals));
  return stats;
}

/** First line a command prints, or undefined when it is missing or fails. */
function commandOutput(command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function writeReadme(bulk: BulkStats[]): void {
  const toolVersions = BACKENDS.map((backend) => {
    const tool = toolName('ipv4', backend, 'save');
    return commandOutput(tool, ['--version']) ?? `${tool}: version unknown`;
  });
  const debianVersion = commandOutput('dpkg-query', ['-W', '-f', '${Version}', 'iptables']);
  const readme = renderReadme({
    regenerate: REGENERATE,
    toolVersions,
    iptablesPackage: debianVersion === undefined ? 'not installed from a Debian package' : `iptables ${debianVersion}`,
    kernel: commandOutput('uname', ['-srv']) ?? 'unknown',
    countersSources: SOURCES.filter((source) => source.counters).map((source) => source.name),
    generatedAt: new Date().toISOString(),
    files: [...written].sort((a, b) => a.path.localeCompare(b.path)),
    bulk,
  });
  writeFileSync(join(FIXTURES_DIR, 'README.md'), readme);
}

async function main(): Promise<void> {
  const unavailable = await liveKernelUnavailableReason(`${NETNS_PREFIX}gen-${process.pid}-probe`);
  if (unavailable) throw new Error(`cannot load rulesets into the kernel: ${unavailable}`);
  if (!existsSync(TCASES_PATH)) throw new Error(`t-case corpus not found at ${TCASES_PATH} (set IPTLINT_TCASES)`);
  for (const backend of BACKENDS) rmSync(join(FIXTURES_DIR, backend), { recursive: true, force: true });
  await captureSources();
  await captureLegacyWarning();
  writeReadme(await captureAllBulk());
}

const stoppedBy = stopOnSignals();
try {
  await main();
} finally {
  await deleteLiveNetns();
  const signal = stoppedBy();
  if (signal) {
    console.error(`stopped by ${signal}; namespaces removed, fixtures/kernel/ is incomplete`);
    process.kill(process.pid, signal);
  }
}
