/**
 * The scheduled-scan examples in docs/ are real: the systemd units pass
 * `systemd-analyze verify`, the Kubernetes manifests have the settings the
 * docs promise, and every iptlint command line in them parses with the
 * CLI's own parser and runs against a fake host.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseArgs } from '../../src/cli/args.js';
import { BIN } from '../cli/run-cli.js';
import { fakeDocker, fakeHost, runCliAsync, type FakeHost } from './fake-host.js';

const SERVICE = 'docs/iptlint-scan.service';
const TIMER = 'docs/iptlint-scan.timer';
const DAEMONSET = 'docs/iptlint-scan-daemonset.yaml';
const CRONJOB = 'docs/iptlint-scan-cronjob.yaml';

/** `ExecStart=` command lines, split into words (the units use no quoting or specifiers, which is checked). */
function execStarts(unit: string): string[][] {
  return readFileSync(unit, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('ExecStart='))
    .map((line) => {
      const command = line.slice('ExecStart='.length);
      if (/["'%$\\]/.test(command)) throw new Error(`${unit}: keep ExecStart free of quotes, % specifiers and $ variables: ${command}`);
      return command.split(/\s+/).filter(Boolean);
    });
}

interface Container {
  command?: string[];
  args: string[];
  env?: { name: string; value: string }[];
  securityContext: { runAsUser: number; allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; capabilities: { drop: string[]; add: string[] } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface PodSpec {
  hostNetwork: boolean;
  containers: Container[];
  volumes: { name: string; hostPath: { path: string; type: string } }[];
}

function podSpec(manifest: string): PodSpec {
  const doc = parseYaml(readFileSync(manifest, 'utf8')) as { kind: string; spec: { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } } };
  const spec = doc.kind === 'CronJob' ? doc.spec.jobTemplate?.spec.template.spec : doc.spec.template?.spec;
  if (!spec) throw new Error(`${manifest}: no pod template`);
  return spec;
}

/** The documented line with its `--output FILE` moved into `dir` (same file name), and that path. */
function outputInto(argv: readonly string[], dir: string): { argv: string[]; output?: string } {
  const at = argv.findIndex((word) => word === '--output' || word === '-o');
  if (at === -1) return { argv: [...argv] };
  const output = join(dir, basename(argv[at + 1] ?? 'report'));
  return { argv: [...argv.slice(0, at + 1), output, ...argv.slice(at + 2)], output };
}

/** `iptlint scan …` lines of the shell and cron snippets of a Markdown file (from `from` to the next heading of its level, if given). */
function snippetScans(file: string, from?: string): [string, string[]][] {
  let text = readFileSync(file, 'utf8');
  if (from !== undefined) {
    const start = text.indexOf(`\n${from}\n`);
    if (start === -1) throw new Error(`${file}: no heading ${from}`);
    const level = from.split(' ')[0] ?? '##';
    const end = text.indexOf(`\n${level} `, start + from.length + 2);
    text = text.slice(start, end === -1 ? undefined : end);
  }
  const found = [...text.matchAll(/^(?:sudo |\*\/15 \* \* \* \* root )?iptlint (scan [^#\n]*?)\s*(?:#.*)?$/gm)].map((match): [string, string[]] => [
    `${file}: iptlint ${match[1] ?? ''}`,
    (match[1] ?? '').split(/\s+/),
  ]);
  if (found.length === 0) throw new Error(`${file}: no iptlint scan snippet found`);
  return found;
}

/** The documented socket paths do not exist here: the fake host's socket stands in. */
function withSocket(argv: readonly string[], socket: string): string[] {
  const at = argv.indexOf('--docker-host');
  return at === -1 ? [...argv] : [...argv.slice(0, at + 1), `unix://${socket}`, ...argv.slice(at + 2)];
}

const documented: [string, string[]][] = [
  ...snippetScans('README.md', '## Scheduled scans'),
  ...snippetScans('docs/scheduled-scans.md'),
  ...execStarts(SERVICE).map((words, index): [string, string[]] => {
    if (words[0] !== '/usr/local/bin/iptlint') throw new Error(`${SERVICE}: ExecStart must run /usr/local/bin/iptlint, not ${words[0]}`);
    return [`${SERVICE} ExecStart #${index + 1}`, words.slice(1)];
  }),
  ...[DAEMONSET, CRONJOB].map((manifest): [string, string[]] => {
    const [container] = podSpec(manifest).containers;
    if (container?.args[0] !== 'iptlint') throw new Error(`${manifest}: the container's args must start with iptlint`);
    return [manifest, container?.args.slice(1) ?? []];
  }),
];

const systemdAnalyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
const inCi = Boolean(process.env.CI);
if (!systemdAnalyze && !inCi) console.warn('\n⚠ SKIPPING systemd-analyze verify of docs/iptlint-scan.{service,timer}: systemd-analyze not found\n');

describe('docs: systemd units', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iptlint-units-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(systemdAnalyze || inCi)('pass systemd-analyze verify', () => {
    // verify insists that ExecStart's program exists: point it at this checkout's CLI.
    writeFileSync(join(dir, 'iptlint-scan.service'), readFileSync(SERVICE, 'utf8').replaceAll('/usr/local/bin/iptlint', BIN));
    copyFileSync(TIMER, join(dir, 'iptlint-scan.timer'));
    const result = spawnSync('systemd-analyze', ['verify', join(dir, 'iptlint-scan.service'), join(dir, 'iptlint-scan.timer')], { encoding: 'utf8', cwd: dir });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the service only gets the capabilities reading the rulesets needs, and the timer runs it', () => {
    const service = readFileSync(SERVICE, 'utf8');
    expect(service).toMatch(/^CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW$/m);
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^ProtectSystem=strict$/m);
    expect(readFileSync(TIMER, 'utf8')).toMatch(/^Unit=iptlint-scan\.service$/m);
  });
});

describe('docs: Kubernetes manifests', () => {
  it.each([DAEMONSET, CRONJOB])('%s: host network, NET_ADMIN + NET_RAW only, docker.sock mounted read-only', (manifest) => {
    const spec = podSpec(manifest);
    expect(spec.hostNetwork).toBe(true);
    const [container] = spec.containers;
    expect(container?.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] });
    expect(container?.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container?.securityContext.readOnlyRootFilesystem).toBe(true);
    const socketMount = container?.volumeMounts.find((mount) => mount.name === 'docker-sock');
    expect(socketMount?.readOnly).toBe(true);
    expect(spec.volumes.find((volume) => volume.name === 'docker-sock')?.hostPath).toEqual({ path: '/var/run/docker.sock', type: 'Socket' });
    expect(container?.env).toEqual([{ name: 'DOCKER_HOST', value: `unix://${socketMount?.mountPath}` }]);
  });

  it('the DaemonSet writes into the node-exporter textfile directory, repeating exactly its args', () => {
    const spec = podSpec(DAEMONSET);
    const [container] = spec.containers;
    expect(container?.command).toEqual(['/bin/sh', '-c', 'while :; do "$0" "$@"; sleep 900; done']);
    const output = container?.args[container.args.indexOf('--output') + 1] ?? '';
    const mount = container?.volumeMounts.find((entry) => output.startsWith(`${entry.mountPath}/`));
    expect(spec.volumes.find((volume) => volume.name === mount?.name)?.hostPath.path).toBe('/var/lib/node_exporter/textfile_collector');
  });
});

describe('docs: every documented iptlint command line', () => {
  const hosts: FakeHost[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(() => {
    for (const host of hosts) host.cleanup();
  });

  it.each(documented)('%s parses as a scan and runs on a fake host', async (_, argv) => {
    const parsed = await parseArgs(argv);
    expect(parsed.command).toBe('scan');

    const capture = 'fixtures/docker/broken-docker-user-hostport';
    const fake = fakeHost({
      'iptables-nft-save': { print: join(process.cwd(), capture, 'iptables.rules') },
      'ip6tables-nft-save': { print: join(process.cwd(), capture, 'ip6tables.rules') },
    });
    hosts.push(fake);
    const api = await fakeDocker(fake.dir, 'docker.sock', capture);
    closers.push(api.close);
    const run = outputInto(argv, fake.dir);
    const result = await runCliAsync(withSocket(run.argv, api.socket), { PATH: fake.binDir, DOCKER_HOST: `unix://${api.socket}` });
    const report = run.output === undefined ? result.stdout : readFileSync(run.output, 'utf8');
    // No error and no note (--verbose adds its own lines).
    expect(result.stderr).not.toMatch(/^iptlint:/m);
    // This host has an error finding: exit 1, unless --fail-on never (jobs fail only when the scan could not run).
    expect(result.code).toBe(argv.includes('never') ? 0 : 1);
    expect(report).toMatch(/docker-user-host-port/);
    expect(fake.calls().sort()).toEqual(['ip6tables-legacy-save', 'ip6tables-nft-save', 'iptables-legacy-save', 'iptables-nft-save']);
  });
});
