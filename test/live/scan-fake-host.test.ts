/**
 * `iptlint scan --live` on a fake host (no root needed): shim programs on
 * PATH log every call, a fake Docker Engine API serves real lab captures.
 * Proves that only the *-save programs run, without arguments, that only
 * GET requests reach Docker, and that the scan finds what `check` finds
 * in the same dumps and inspect JSON.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { canDropRoot, STACK_FRAME } from '../cli/run-cli.js';
import { compileSchema } from '../cli/schemas.js';
import { fakeDocker, fakeHost, OTHER_PROGRAMS, renameFiles, runCliAsync, type FakeHost } from './fake-host.js';

const capture = (scenario: string) => `fixtures/docker/${scenario}`;
const serverVersion = (scenario: string): string =>
  (JSON.parse(readFileSync(join(capture(scenario), 'host.json'), 'utf8')) as { versions: { docker: { server: string } } }).versions.docker.server;
const nonEmpty = (path: string): boolean => statSync(path).size > 0;

interface JsonReport {
  files: { file: string; status: string; family?: string; error?: string }[];
  findings: { ruleId: string; file: string; line: number; message: string }[];
}

const hosts: FakeHost[] = [];
afterAll(() => {
  for (const host of hosts) host.cleanup();
});

function host(...args: Parameters<typeof fakeHost>): FakeHost {
  const created = fakeHost(...args);
  hosts.push(created);
  return created;
}

/** The dumps a healthy nft-only host of this scenario prints. */
function nftHost(scenario: string): FakeHost {
  return host({
    'iptables-nft-save': { print: join(process.cwd(), capture(scenario), 'iptables.rules') },
    'ip6tables-nft-save': { print: join(process.cwd(), capture(scenario), 'ip6tables.rules') },
  });
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function docker(fake: FakeHost, scenario: string, options: Parameters<typeof fakeDocker>[3] = {}) {
  const api = await fakeDocker(fake.dir, 'docker.sock', capture(scenario), options);
  closers.push(api.close);
  return api;
}

describe.each(['multi-network', 'broken-stale-dnat', 'ipv6'])('scan --live of a fake %s host', (scenario) => {
  it('runs only the *-save programs, without arguments, asks Docker only with GET, and finds what check finds', async () => {
    const fake = nftHost(scenario);
    const api = await docker(fake, scenario);
    const scan = await runCliAsync(['scan', '--live', '--docker-host', `unix://${api.socket}`, '--format', 'json', '--fail-on', 'never'], { PATH: fake.binDir });
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);

    expect(fake.calls().sort()).toEqual(['ip6tables-legacy-save', 'ip6tables-nft-save', 'iptables-legacy-save', 'iptables-nft-save']);
    expect(api.requests.every((request) => request.startsWith('GET '))).toBe(true);
    expect(api.requests[0]).toBe('GET /version');
    const apiVersion = (JSON.parse(readFileSync(join(capture(scenario), 'host.json'), 'utf8')) as { versions: { docker: { apiVersion: string } } }).versions.docker.apiVersion;
    expect(api.requests.slice(1).every((request) => request.startsWith(`GET /v${apiVersion}/`))).toBe(true);
    expect(api.requests).toContain(`GET /v${apiVersion}/containers/json?all=1`);

    const dumps = ['iptables.rules', 'ip6tables.rules'].map((name) => `${capture(scenario)}/${name}`).filter(nonEmpty);
    const check = await runCliAsync(
      [
        'check',
        ...dumps,
        '--docker-networks',
        `${capture(scenario)}/networks.json`,
        '--docker-containers',
        `${capture(scenario)}/containers.json`,
        '--docker-version',
        serverVersion(scenario),
        '--format',
        'json',
        '--fail-on',
        'never',
      ],
      {},
    );
    expect(check.code).toBe(0);
    const scanned = renameFiles(scan.stdout, {
      'live:iptables-save (nft)': `${capture(scenario)}/iptables.rules`,
      'live:ip6tables-save (nft)': `${capture(scenario)}/ip6tables.rules`,
    }) as JsonReport;
    const checked = JSON.parse(check.stdout) as JsonReport;
    expect(scanned.findings).toEqual(checked.findings);
    expect(scanned.files.filter((file) => dumps.includes(file.file))).toEqual(checked.files);
    // A family without tables is shown as checked and clean, not as an empty-input error.
    expect(scanned.files.map((file) => [file.file, file.status, file.family])).toEqual([
      [`${capture(scenario)}/iptables.rules`, 'checked', 'ipv4'],
      [`${capture(scenario)}/ip6tables.rules`, 'checked', 'ipv6'],
    ]);
  });
});

describe('scan --live: backends', () => {
  it('reports rules in both the legacy and the nft backend, and lints both', async () => {
    const fake = host({
      'iptables-nft-save': { print: join(process.cwd(), capture('multi-network'), 'iptables.rules') },
      'iptables-legacy-save': { print: join(process.cwd(), 'test/cli/data/undefined-jump.rules') },
    });
    const scan = await runCliAsync(['scan', '--live', '--docker-host', `unix://${fake.dir}/absent.sock`, '--format', 'json'], { PATH: fake.binDir });
    const report = JSON.parse(scan.stdout) as JsonReport;
    const validate = compileSchema('findings.schema.json');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.files.map((file) => file.file)).toEqual(['live:iptables-save (nft)', 'live:iptables-save (legacy)', 'live:ip6tables-save (nft)']);
    const both = report.findings.filter((finding) => finding.ruleId === 'live/both-backends');
    expect(both).toHaveLength(1);
    expect(both[0]?.file).toBe('live:iptables-save (legacy)');
    expect(both[0]?.message).toMatch(/^rules found in both legacy and nft backends: iptables-legacy-save shows table\(s\) filter and iptables-nft-save shows filter, nat/);
    expect(report.findings.some((finding) => finding.file === 'live:iptables-save (legacy)' && finding.ruleId === 'undefined-jump-target')).toBe(true);
    expect(scan.code).toBe(1);
    expect(fake.calls().sort()).toEqual(['ip6tables-legacy-save', 'ip6tables-nft-save', 'iptables-legacy-save', 'iptables-nft-save']);
  });

  it('uses plain iptables-save where the -nft/-legacy variants do not exist', async () => {
    const fake = host(
      { 'iptables-save': { print: join(process.cwd(), capture('multi-network'), 'iptables.rules') } },
      { programs: ['iptables-save', 'ip6tables-save', ...OTHER_PROGRAMS] },
    );
    const scan = await runCliAsync(['scan', '--live', '--docker-host', `unix://${fake.dir}/absent.sock`, '--format', 'json', '--fail-on', 'never'], { PATH: fake.binDir });
    expect((JSON.parse(scan.stdout) as JsonReport).files.map((file) => file.file)).toEqual(['live:iptables-save', 'live:ip6tables-save']);
    expect(fake.calls().sort()).toEqual(['ip6tables-save', 'iptables-save']);
    expect(scan.code).toBe(0);
  });

  it('a save program that fails (not root) is an unreadable input with the reason, exit 2', async () => {
    const fake = host({
      'iptables-nft-save': { fail: 'iptables-nft-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)' },
    });
    const scan = await runCliAsync(['scan', '--live', '--docker-host', `unix://${fake.dir}/absent.sock`], { PATH: fake.binDir });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain("iptlint: cannot read 'live:iptables-save (nft)': iptables-nft-save failed (exit 1): iptables-nft-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)");
    expect(scan.stderr).toMatch(/hint: reading the firewall needs root \(or CAP_NET_ADMIN and CAP_NET_RAW\)/);
    expect(scan.stderr).not.toMatch(STACK_FRAME);
  });

  it('a save program that hangs is stopped after --timeout, exit 2', async () => {
    const fake = host({ 'ip6tables-nft-save': { hang: true } });
    const started = Date.now();
    const scan = await runCliAsync(['scan', '--live', '--timeout', '1', '--docker-host', `unix://${fake.dir}/absent.sock`], { PATH: fake.binDir });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain("cannot read 'live:ip6tables-save (nft)': ip6tables-nft-save did not finish within 1 s; stopped it");
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('no save program on PATH (cron) is explained, exit 2', async () => {
    const fake = host({}, { programs: ['iptables', 'nft'] });
    const scan = await runCliAsync(['scan', '--live', '--docker-host', `unix://${fake.dir}/absent.sock`], { PATH: fake.binDir });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain("cannot read 'live:iptables-save': no iptables-save program on PATH");
    expect(scan.stderr).toContain("cron's default PATH does not");
    expect(fake.calls()).toEqual([]);
  });
});

describe('scan --live: Docker', () => {
  it('without a Docker socket it scans anyway and says so on stderr', async () => {
    const fake = nftHost('multi-network');
    const scan = await runCliAsync(['scan', '--live', '--format', 'json', '--fail-on', 'never'], { PATH: fake.binDir, DOCKER_HOST: `unix://${fake.dir}/absent.sock` });
    expect(scan.code).toBe(0);
    expect(scan.stderr).toBe(
      `iptlint: note: scanning without Docker's state: no Docker socket at ${fake.dir}/absent.sock (DOCKER_HOST)\n` +
        'hint: is Docker installed and running? Give the socket with --docker-host unix:///path or DOCKER_HOST; the docker-* rules audit against the state inferred from the rules\n',
    );
    expect((JSON.parse(scan.stdout) as JsonReport).files).toHaveLength(2);
  });

  it('with --require-docker a missing socket fails before any program runs', async () => {
    const fake = nftHost('multi-network');
    const scan = await runCliAsync(['scan', '--live', '--require-docker', '--docker-host', `unix://${fake.dir}/absent.sock`], { PATH: fake.binDir });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(/^iptlint: no Docker socket at .*absent\.sock \(--docker-host\)\nhint: .*nothing was scanned \(--require-docker\)\n$/);
    expect(scan.stdout).toBe('');
    expect(fake.calls()).toEqual([]);
  });

  it.runIf(canDropRoot())('a socket the user may not open is reported as permission denied', async () => {
    const fake = nftHost('multi-network');
    const api = await docker(fake, 'multi-network');
    const scan = await runCliAsync(['scan', '--live', '--require-docker', '--docker-host', `unix://${api.socket}`], { PATH: fake.binDir }, process.getuid?.() === 0 ? { asUid: 65534 } : {});
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain(`iptlint: permission denied on the Docker socket ${api.socket} (--docker-host)\nhint: run the scan as root or as a member of the docker group`);
    expect(api.requests).toEqual([]);
  });

  it('a daemon that does not answer is given up after --timeout', async () => {
    const fake = nftHost('multi-network');
    const api = await docker(fake, 'multi-network', { stallOn: '/version' });
    const scan = await runCliAsync(['scan', '--live', '--require-docker', '--timeout', '1', '--docker-host', `unix://${api.socket}`], { PATH: fake.binDir });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain(`iptlint: Docker API at ${api.socket} (--docker-host): no answer to GET /version within 1 s`);
  });

  it.each([
    ['a newer daemon is spoken to in the newest API this client knows', { Version: '29.1.0', ApiVersion: '1.52', MinAPIVersion: '1.44' }, '/v1.51/'],
    ['an older daemon in its own version', { Version: '17.06.2-ce', ApiVersion: '1.30', MinAPIVersion: '1.12' }, '/v1.30/'],
  ])('API negotiation: %s', async (_, version, prefix) => {
    const fake = nftHost('multi-network');
    const api = await docker(fake, 'multi-network', { version });
    const scan = await runCliAsync(['scan', '--live', '--verbose', '--format', 'json', '--fail-on', 'never', '--docker-host', `unix://${api.socket}`], { PATH: fake.binDir });
    expect(scan.stderr).toContain(`Docker ${version.Version} at ${api.socket} (--docker-host), API ${version.ApiVersion}, spoken ${prefix.slice(2, -1)}`);
    expect(api.requests.slice(1).every((request) => request.startsWith(`GET ${prefix}`))).toBe(true);
  });

  it('a daemon older than API 1.24 is refused with the reason', async () => {
    const fake = nftHost('multi-network');
    const api = await docker(fake, 'multi-network', { version: { Version: '1.11.2', ApiVersion: '1.23' } });
    const scan = await runCliAsync(['scan', '--live', '--require-docker', '--docker-host', `unix://${api.socket}`], { PATH: fake.binDir });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain('Docker 1.11.2 speaks API 1.23, older than 1.24 (Docker 1.12)');
  });

  it('a container removed between the list and its inspect is noted, and the scan goes on', async () => {
    const fake = nftHost('multi-network');
    const containers = JSON.parse(readFileSync(join(capture('multi-network'), 'containers.json'), 'utf8')) as { Id: string }[];
    const gone = containers[0]?.Id ?? '';
    const api = await docker(fake, 'multi-network', { vanish: [gone] });
    const scan = await runCliAsync(['scan', '--live', '--format', 'json', '--fail-on', 'never', '--docker-host', `unix://${api.socket}`], { PATH: fake.binDir });
    expect(scan.stderr).toBe(`iptlint: note: gone while the scan read them: container ${gone.slice(0, 12)}\n`);
    expect(scan.code).toBe(0);
  });

  it('refuses a TCP DOCKER_HOST with a usage error', async () => {
    const fake = nftHost('multi-network');
    const scan = await runCliAsync(['scan', '--live'], { PATH: fake.binDir, DOCKER_HOST: 'tcp://127.0.0.1:2375' });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toBe(
      'iptlint: DOCKER_HOST is "tcp://127.0.0.1:2375": iptlint reads Docker only through a local unix socket (unix:///path/to/docker.sock)\n' +
        'hint: give the socket as --docker-host unix:///path/to/docker.sock\n',
    );
    expect(fake.calls()).toEqual([]);
  });
});

describe('scan --live --policy', () => {
  it('audits against the policy too, exactly like check with the same policy', async () => {
    const fake = nftHost('multi-network');
    const policy = join(fake.dir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\ndockerUser:\n  restrictExternal: true\n  externalInterfaces: [eth0]\n');
    const api = await docker(fake, 'multi-network');
    const scan = await runCliAsync(['scan', '--live', '--policy', policy, '--docker-host', `unix://${api.socket}`, '--format', 'json', '--fail-on', 'never'], { PATH: fake.binDir });
    const check = await runCliAsync(
      [
        'check',
        `${capture('multi-network')}/iptables.rules`,
        '--policy',
        policy,
        '--docker-networks',
        `${capture('multi-network')}/networks.json`,
        '--docker-containers',
        `${capture('multi-network')}/containers.json`,
        '--docker-version',
        serverVersion('multi-network'),
        '--format',
        'json',
        '--fail-on',
        'never',
      ],
      {},
    );
    const scanned = renameFiles(scan.stdout, { 'live:iptables-save (nft)': `${capture('multi-network')}/iptables.rules` }) as JsonReport;
    const checked = JSON.parse(check.stdout) as JsonReport;
    expect(checked.findings.map((finding) => finding.ruleId)).toContain('docker-user-restricts-external');
    expect(scanned.findings).toEqual(checked.findings);
  });

  it('a bad policy file is a located error, exit 2, before anything runs', async () => {
    const fake = nftHost('multi-network');
    const policy = join(fake.dir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\ndockerUser:\n  restrictExternal: maybe\n');
    const scan = await runCliAsync(['scan', '--live', '--policy', policy, '--docker-host', `unix://${fake.dir}/absent.sock`], { PATH: fake.binDir });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(new RegExp(`^iptlint: ${policy.replaceAll('/', '\\/')}:3:\\d+: .*restrictExternal.*\\nhint: fix the policy file; nothing was scanned\\n$`));
    expect(fake.calls()).toEqual([]);
  });
});

describe('scan usage', () => {
  it('needs --live, and takes no files', async () => {
    const fake = nftHost('multi-network');
    const bare = await runCliAsync(['scan'], { PATH: fake.binDir });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe("iptlint: scan needs --live\nhint: 'iptlint scan --live' reads this host's firewall and Docker state; to lint saved dumps use 'iptlint check FILE'\n");
    const withFile = await runCliAsync(['scan', '--live', 'dump.rules'], { PATH: fake.binDir });
    expect(withFile.code).toBe(2);
    expect(withFile.stderr).toBe("iptlint: Unknown argument: dump.rules\nhint: run 'iptlint scan --help' for its options\n");
    const afterDashes = await runCliAsync(['scan', '--live', '--', 'dump.rules'], { PATH: fake.binDir });
    expect(afterDashes.code).toBe(2);
    expect(afterDashes.stderr).toMatch(/^iptlint: scan takes no files, got 'dump\.rules'\n/);
    expect(fake.calls()).toEqual([]);
  });
});

describe('no execution outside the save programs', () => {
  const sourceFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );

  it('only src/live/save-commands.ts starts processes, with execFile and no shell', () => {
    const starters = ['src', 'grammar', 'rules'].flatMap(sourceFiles).filter((file) => /child_process|node:worker_threads/.test(readFileSync(file, 'utf8')));
    expect(starters).toEqual(['src/live/save-commands.ts']);
    const text = readFileSync('src/live/save-commands.ts', 'utf8');
    expect(text).toMatch(/import \{ execFile, type ExecFileException \} from 'node:child_process';/);
    expect(text).not.toMatch(/\b(spawn|spawnSync|execSync|execFileSync|fork)\b|\bexec\(|shell: true/);
    expect(text).toContain('shell: false');
  });
});
