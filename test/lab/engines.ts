/**
 * Docker engines the lab can run: Debian's docker.io of three releases.
 *
 * - 20.10: bookworm's docker.io, installed on the machine (dockerd, containerd, docker on PATH).
 * - 26.1: trixie's docker.io + containerd + docker-cli.
 * - 28.5: sid's docker.io + containerd + docker-cli (Docker 28's firewall layout).
 *
 * 26.1 and 28.5 are fetched on first use with apt itself, but with a private
 * sources list, lists and archive cache under .lab-cache/apt/ (the machine's
 * apt configuration and dpkg database are not touched): apt checks the Release
 * signature against the Debian archive keyring and every .deb against the
 * signed hashes. The packages are unpacked with `dpkg-deb -x` and a bin dir of
 * links is made: dockerd, docker-proxy, containerd, containerd-shim-runc-v2 and
 * the matching docker client from the packages, runc from the machine (sid's
 * runc needs a newer glibc than bookworm's; the OCI runtime does not shape the
 * firewall).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { whichSync } from './docker.js';
import { runOk } from './exec.js';
import { LAB_DIR, type BinariesSpec, type Scenario } from './scenario.js';

export const ENGINES = ['20.10', '26.1', '28.5'] as const;
export type EngineId = (typeof ENGINES)[number];
export const DEFAULT_ENGINE: EngineId = '20.10';

interface DebianEngine {
  suite: string;
  /** docker.io's upstream version must start with this (the suite may move on; then the lab says so). */
  versionPrefix: string;
}

const DEBIAN_ENGINES: Record<Exclude<EngineId, '20.10'>, DebianEngine> = {
  '26.1': { suite: 'trixie', versionPrefix: '26.1.' },
  '28.5': { suite: 'sid', versionPrefix: '28.5.' },
};

const PACKAGES = ['docker.io', 'containerd', 'docker-cli'] as const;
const MIRROR = process.env.IPTLINT_LAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export const CACHE_DIR = process.env.IPTLINT_LAB_CACHE ?? join(LAB_DIR, '..', '..', '.lab-cache');

export function isEngineId(value: string): value is EngineId {
  return (ENGINES as readonly string[]).includes(value);
}

/** Where an engine's captures live: 20.10 keeps fixtures/docker/, the others fixtures/docker-<engine>/. */
export function fixtureDirName(engine: EngineId): string {
  return engine === DEFAULT_ENGINE ? 'docker' : `docker-${engine}`;
}

export function scenarioEngine(scenario: Scenario): EngineId {
  return scenario.daemon?.engine ?? DEFAULT_ENGINE;
}

/** The scenario as run on `engine` (what a capture's scenario.json records). */
export function withEngine(scenario: Scenario, engine: EngineId): Scenario {
  if (scenarioEngine(scenario) === engine) return scenario;
  return { ...scenario, daemon: { ...scenario.daemon, engine } };
}

/** What engine.json records about a prepared engine. */
export interface PreparedEngine {
  engine: EngineId;
  suite: string;
  mirror: string;
  packages: { name: string; version: string; file: string; sha256: string }[];
  binDir: string;
  runc: string;
}

function aptOptions(aptDir: string): string[] {
  return [
    '-o', `Dir::Etc::SourceList=${join(aptDir, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(aptDir, 'lists')}`,
    '-o', `Dir::Cache=${join(aptDir, 'cache')}`,
    '-o', 'Dir::Etc::Preferences=/dev/null',
    '-o', 'Dir::Etc::PreferencesParts=/dev/null',
    // The private directories belong to root; apt's _apt sandbox user could not write them.
    '-o', 'APT::Sandbox::User=root',
    '-o', 'Acquire::Retries=3',
  ];
}

async function candidateVersion(aptDir: string, pkg: string): Promise<string> {
  const result = await runOk('apt-cache', [...aptOptions(aptDir), 'show', '--no-all-versions', pkg], { timeoutMs: 120_000 });
  const match = /^Version: (\S+)$/m.exec(result.stdout);
  if (!match) throw new Error(`apt-cache show ${pkg}: no Version in\n${result.stdout.slice(0, 400)}`);
  return match[1] as string;
}

/** engine.json of a complete engine directory (its links resolve), else undefined. */
function readyEngine(stamp: string): PreparedEngine | undefined {
  if (!existsSync(stamp)) return undefined;
  const prepared = JSON.parse(readFileSync(stamp, 'utf8')) as PreparedEngine;
  return existsSync(join(prepared.binDir, 'dockerd')) && existsSync(join(prepared.binDir, 'runc')) ? prepared : undefined;
}

async function prepareDebianEngine(engine: Exclude<EngineId, '20.10'>, log: (message: string) => void): Promise<PreparedEngine> {
  const { suite, versionPrefix } = DEBIAN_ENGINES[engine];
  const root = join(CACHE_DIR, 'engines', engine);
  const stamp = join(root, 'engine.json');
  const ready = readyEngine(stamp);
  if (ready) return ready;
  const runc = whichSync('runc');
  if (!runc) throw new Error('runc not found on PATH (apt-get install runc): the fetched engines use the machine\'s runc');

  log(`engine ${engine}: fetching ${PACKAGES.join(', ')} from Debian ${suite} (${MIRROR})`);
  const aptDir = join(CACHE_DIR, 'apt', suite);
  await mkdir(join(aptDir, 'lists', 'partial'), { recursive: true });
  await mkdir(join(aptDir, 'cache', 'archives', 'partial'), { recursive: true });
  await writeFile(join(aptDir, 'sources.list'), `deb [signed-by=${KEYRING}] ${MIRROR} ${suite} main\n`);
  await runOk('apt-get', [...aptOptions(aptDir), '-q', 'update'], { timeoutMs: 600_000 });

  const docker = await candidateVersion(aptDir, 'docker.io');
  if (!docker.replace(/^\d+:/, '').startsWith(versionPrefix)) {
    throw new Error(`Debian ${suite} now ships docker.io ${docker}, not ${versionPrefix}x: the ${engine} engine cannot be fetched from it`);
  }
  // Unpacked beside the final directory, then renamed: a run interrupted half-way leaves no half engine.
  const staging = `${root}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const debs = join(staging, 'debs');
  await mkdir(debs, { recursive: true });
  const pinned = await Promise.all(PACKAGES.map(async (name) => ({ name, version: await candidateVersion(aptDir, name) })));
  await runOk('apt-get', [...aptOptions(aptDir), '-q', 'download', ...pinned.map((p) => `${p.name}=${p.version}`)], {
    timeoutMs: 600_000,
    cwd: debs,
  });
  const files = (await readdir(debs)).filter((f) => f.endsWith('.deb'));
  const packages: PreparedEngine['packages'] = [];
  for (const p of pinned) {
    const file = files.find((f) => f.startsWith(`${p.name}_`));
    if (!file) throw new Error(`apt-get download did not produce ${p.name}_*.deb in ${debs}`);
    await runOk('dpkg-deb', ['-x', join(debs, file), join(staging, 'root')], { timeoutMs: 300_000 });
    const sha256 = (await runOk('sha256sum', [join(debs, file)])).stdout.split(' ')[0] as string;
    packages.push({ ...p, file, sha256 });
  }

  const binDir = join(root, 'bin');
  const finalRoot = join(root, 'root');
  const links: Record<string, string> = {
    dockerd: join(finalRoot, 'usr/sbin/dockerd'),
    'docker-proxy': join(finalRoot, 'usr/sbin/docker-proxy'),
    containerd: join(finalRoot, 'usr/bin/containerd'),
    'containerd-shim-runc-v2': join(finalRoot, 'usr/bin/containerd-shim-runc-v2'),
    docker: join(finalRoot, 'usr/bin/docker'),
    runc,
  };
  await mkdir(join(staging, 'bin'));
  for (const [name, target] of Object.entries(links)) {
    const unpacked = target.replace(finalRoot, join(staging, 'root'));
    if (name !== 'runc' && !existsSync(unpacked)) throw new Error(`${PACKAGES.join('/')} of ${suite} have no ${target.slice(finalRoot.length)}`);
    await symlink(target, join(staging, 'bin', name));
  }
  const prepared: PreparedEngine = { engine, suite, mirror: MIRROR, packages, binDir, runc };
  await writeFile(join(staging, 'engine.json'), `${JSON.stringify(prepared, null, 2)}\n`);
  await rm(debs, { recursive: true, force: true });
  // Another process (a capture beside the live tests) may have finished first: keep its copy, which may be in use.
  const other = readyEngine(stamp);
  if (other) {
    await rm(staging, { recursive: true, force: true });
    return other;
  }
  await rm(root, { recursive: true, force: true });
  await mkdir(join(CACHE_DIR, 'engines'), { recursive: true });
  await rename(staging, root);
  log(`engine ${engine}: ${packages.map((p) => `${p.name} ${p.version}`).join(', ')} → ${binDir}`);
  return prepared;
}

const preparing = new Map<EngineId, Promise<PreparedEngine>>();

/**
 * The binaries of an engine, fetching and unpacking it first if needed. 20.10
 * is the machine's own docker.io: an empty spec (PATH decides).
 */
export async function engineBinaries(engine: EngineId, log: (message: string) => void = () => {}): Promise<BinariesSpec> {
  if (engine === '20.10') return {};
  let pending = preparing.get(engine);
  if (!pending) {
    pending = prepareDebianEngine(engine, log);
    preparing.set(engine, pending);
    pending.catch(() => preparing.delete(engine));
  }
  return { dir: (await pending).binDir };
}

/** engine.json of a prepared engine, if it is there. */
export function preparedEngine(engine: EngineId): PreparedEngine | undefined {
  return readyEngine(join(CACHE_DIR, 'engines', engine, 'engine.json'));
}
