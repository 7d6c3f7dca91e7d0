/**
 * Committed captures: fixtures/docker/<scenario>/{iptables.rules, ip6tables.rules,
 * networks.json, containers.json, probes.json, host.json, scenario.json, README.md}.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { checkExpectations, describeExpectation, type CaptureData, type ContainerInspect, type NetworkInspect } from './facts.js';
import { probeSummary, type HostInfo, type LabCapture } from './lab.js';
import { formatProbeFile, type ProbeRecord } from './probe.js';
import { DEFAULT_ENGINE, ENGINES, fixtureDirName, scenarioEngine, type EngineId } from './engines.js';
import { LAB_DIR, parsePublishSpec, type Scenario } from './scenario.js';

export const REPO_ROOT = resolve(LAB_DIR, '..', '..');
export const FIXTURES_ROOT = join(REPO_ROOT, 'fixtures');
/** The 20.10 captures; other engines' are in fixtures/docker-<engine>/ (engineFixtureDir). */
export const DEFAULT_FIXTURE_DIR = join(FIXTURES_ROOT, fixtureDirName(DEFAULT_ENGINE));

export function engineFixtureDir(engine: EngineId): string {
  return join(FIXTURES_ROOT, fixtureDirName(engine));
}

/** Every engine's capture root that exists, with its engine. */
export function engineFixtureDirs(): { engine: EngineId; root: string }[] {
  return ENGINES.map((engine) => ({ engine, root: engineFixtureDir(engine) })).filter((e) => existsSync(e.root));
}

/** Every capture of every engine. */
export function allCaptureDirs(): { engine: EngineId; dir: string }[] {
  return engineFixtureDirs().flatMap(({ engine, root }) => captureDirs(root).map((dir) => ({ engine, dir })));
}

export const CAPTURE_FILES = [
  'iptables.rules',
  'ip6tables.rules',
  'networks.json',
  'containers.json',
  'probes.json',
  'host.json',
  'scenario.json',
  'README.md',
] as const;

export function captureDirs(root = DEFAULT_FIXTURE_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(root, e.name))
    .sort();
}

export function readCapture(dir: string): CaptureData {
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    scenario: JSON.parse(read('scenario.json')) as Scenario,
    iptables: read('iptables.rules'),
    ip6tables: read('ip6tables.rules'),
    networks: JSON.parse(read('networks.json')) as NetworkInspect[],
    containers: JSON.parse(read('containers.json')) as ContainerInspect[],
    probes: JSON.parse(read('probes.json')) as ProbeRecord[],
    host: JSON.parse(read('host.json')) as HostInfo,
  };
}

export function captureData(capture: LabCapture): CaptureData {
  return {
    scenario: capture.scenario,
    iptables: capture.iptables,
    ip6tables: capture.ip6tables,
    networks: JSON.parse(capture.networksJson) as NetworkInspect[],
    containers: JSON.parse(capture.containersJson) as ContainerInspect[],
    probes: capture.probes,
    host: capture.host,
  };
}

export function regenerateCommand(scenario: Scenario, fixtureRoot: string): string {
  const engine = scenarioEngine(scenario);
  const engineArg = engine === DEFAULT_ENGINE ? '' : ` --engine ${engine}`;
  const out = resolve(fixtureRoot) === engineFixtureDir(engine) ? '' : ` --out ${fixtureRoot}`;
  return `npm run lab:capture --${engineArg}${out} ${scenario.name}`;
}

/** Paths inside the repository (the engine cache) relative to it, so that READMEs do not name a checkout. */
function displayPath(path: string): string {
  return path.startsWith(`${REPO_ROOT}/`) ? relative(REPO_ROOT, path) : path;
}

function table(rows: string[][]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

export function renderReadme(data: CaptureData, fixtureRoot: string): string {
  const { scenario, host } = data;
  const v = host.versions;
  const outcomes = checkExpectations(data);
  const lines: string[] = [
    `# ${scenario.name}`,
    '',
    scenario.description,
    '',
    'Captured by the iptlint Real-Docker lab (`test/lab/`, format in `test/lab/README.md`). Regenerate with:',
    '',
    '```sh',
    regenerateCommand(scenario, fixtureRoot),
    '```',
    '',
    table([
      ['Component', 'Version'],
      ['dockerd', `${v.docker.server} (API ${v.docker.apiVersion}), ${code(displayPath(v.docker.dockerdBinary))}`],
      ...(host.daemon.engine?.packages
        ? [[`engine ${host.daemon.engine.id}`, `Debian ${host.daemon.engine.suite ?? '?'}: ${host.daemon.engine.packages.map((p) => `${p.name} ${p.version}`).join(', ')}`]]
        : []),
      ['docker client', `${v.docker.client} (API ${v.docker.clientApiVersion})`],
      ['containerd / runc', `${v.docker.containerd ?? '?'} / ${v.docker.runc ?? '?'}`],
      ['iptables', `${v.iptables}; ${v.ip6tables}`],
      ['kernel', v.kernel],
      ['busybox (image)', v.busybox],
      ['captured', host.capturedAt],
    ]),
    '',
    '## Setup',
    '',
    `- dockerd flags: ${host.daemon.flags.length > 0 ? host.daemon.flags.map(code).join(' ') : 'none beyond the lab defaults'}`,
    `- host sysctls set before dockerd: ${
      Object.entries(scenario.host?.sysctlsBeforeDaemon ?? {})
        .map(([k, val]) => code(`${k}=${val}`))
        .join(', ') || 'none'
    }`,
    `- host namespace at capture: ${['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables']
      .map((k) => code(`${k}=${host.sysctls.atCapture[k] ?? '?'}`))
      .join(', ')}`,
    `- link: host ${host.link.host4}${host.link.host6 ? ` / ${host.link.host6}` : ''}, external ${host.link.external4}${host.link.external6 ? ` / ${host.link.external6}` : ''}; the external host ${
      host.externalRoutesContainerSubnets ? 'routes every container subnet via the Docker host' : 'has no routes to the container subnets'
    }`,
    '',
  ];
  const networks = data.networks.filter((n) => !['host', 'none'].includes(n.Name));
  lines.push(
    table([
      ['Network', 'Subnets', 'Internal', 'Options'],
      ...networks.map((n) => [
        n.Name,
        (n.IPAM.Config ?? []).map((c) => c.Subnet ?? '').join(', '),
        n.Internal ? 'yes' : 'no',
        Object.entries(n.Options ?? {})
          .map(([k, val]) => code(`${k}=${val}`))
          .join(' '),
      ]),
    ]),
    '',
  );
  const specs = [...scenario.containers, ...(scenario.edits ?? []).flatMap((e) => ('addContainer' in e ? [e.addContainer] : []))];
  lines.push(
    table([
      ['Container', 'Networks', 'Addresses', 'Published'],
      ...data.containers.map((c) => {
        const name = c.Name.replace(/^\//, '');
        const spec = specs.find((s) => s.name === name);
        return [
          name,
          Object.keys(c.NetworkSettings.Networks).join(', '),
          Object.values(c.NetworkSettings.Networks)
            .flatMap((n) => [n.IPAddress, n.GlobalIPv6Address].filter(Boolean))
            .join(', '),
          (spec?.publish ?? []).map((p) => code(parsePublishSpec(p).raw)).join(' '),
        ];
      }),
    ]),
    '',
  );
  if (host.edits.length > 0) {
    lines.push('## Hand edits (as run, after the containers started)', '');
    for (const edit of host.edits) {
      const what =
        edit.argv !== undefined
          ? code(`${edit.action} ${edit.argv.join(' ')}`)
          : edit.sysctl
            ? code(`sysctl ${Object.entries(edit.sysctl).map(([k, val]) => `${k}=${val}`).join(' ')}`)
            : `${edit.action} ${code(edit.container ?? '')}`;
      lines.push(`1. ${what}${edit.note ? ` — ${edit.note}` : ''}`);
    }
    lines.push('');
  }
  lines.push('## Probe results', '', probeSummary(data.probes), '');
  if (outcomes.length > 0) {
    lines.push('What this capture demonstrates (checked by `test/lab/fixtures.test.ts`):', '');
    for (const o of outcomes) {
      lines.push(`- ${o.failures.length === 0 ? '✅' : '❌'} ${describeExpectation(o.expectation)} — ${o.expectation.why}`);
    }
    lines.push('');
  }
  lines.push(
    '## Files',
    '',
    '- `iptables.rules`, `ip6tables.rules`: `iptables-save` / `ip6tables-save` in the Docker host namespace, unedited.',
    '- `networks.json`: `docker network inspect` of every network; `containers.json`: `docker inspect` of every container.',
    '- `probes.json`: kernel probe results (format in `test/lab/README.md`).',
    '- `host.json`: versions, sysctls, interfaces, routes, the hand edits as run, timings.',
    '- `scenario.json`: the scenario file this was captured from.',
    '',
  );
  return lines.join('\n');
}

/** The scenario as committed next to its capture; its $schema path would not resolve there. */
function scenarioCopy(scenario: Scenario): Scenario {
  const copy = { ...scenario };
  delete copy.$schema;
  return copy;
}

/** Writes a capture into <root>/<scenario>/, replacing any previous one only once everything is written. */
export async function writeCapture(capture: LabCapture, root = DEFAULT_FIXTURE_DIR): Promise<string> {
  const dir = join(root, capture.scenario.name);
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const data = captureData(capture);
  const files: Record<(typeof CAPTURE_FILES)[number], string> = {
    'iptables.rules': capture.iptables,
    'ip6tables.rules': capture.ip6tables,
    'networks.json': capture.networksJson,
    'containers.json': capture.containersJson,
    'probes.json': formatProbeFile(capture.probes),
    'host.json': `${JSON.stringify(capture.host, null, 2)}\n`,
    'scenario.json': `${JSON.stringify(scenarioCopy(capture.scenario), null, 2)}\n`,
    'README.md': renderReadme(data, root),
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(staging, name), content);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return dir;
}

/** fixtures/docker/README.md: one line per capture. */
export function renderIndex(root = DEFAULT_FIXTURE_DIR): string {
  const engine = ENGINES.find((e) => resolve(root) === engineFixtureDir(e));
  const engineArg = engine && engine !== DEFAULT_ENGINE ? ` --engine ${engine}` : '';
  const lines = [
    `# Real-Docker lab captures${engine ? ` (Docker ${engine})` : ''}`,
    '',
    'Each directory is one scenario of `test/lab/scenarios/`, run by the iptlint Real-Docker lab on a real kernel:',
    'raw `iptables-save`/`ip6tables-save`, `docker inspect` output and kernel probe results. Format and method: `test/lab/README.md`.',
    `Regenerate all with \`npm run lab:capture${engineArg ? ` --${engineArg}` : ''}\`, one with \`npm run lab:capture --${engineArg} <scenario>\`.`,
    '',
    '| Scenario | Docker | What it is | Probes |',
    '|---|---|---|---|',
  ];
  for (const dir of captureDirs(root)) {
    const data = readCapture(dir);
    const name = data.scenario.name;
    const summary = data.probes.length === 0 ? '' : `${data.probes.filter((p) => p.result === 'open').length} open / ${data.probes.filter((p) => p.result === 'blocked').length} blocked`;
    lines.push(`| [${name}](${name}/README.md) | ${data.host.versions.docker.server} | ${data.scenario.description.replace(/\|/g, '\\|')} | ${summary} |`);
  }
  return `${lines.join('\n')}\n`;
}

export async function writeIndex(root = DEFAULT_FIXTURE_DIR): Promise<void> {
  await writeFile(join(root, 'README.md'), renderIndex(root));
}
