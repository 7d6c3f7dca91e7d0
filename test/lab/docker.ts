/**
 * The lab's private Docker engine: its own containerd and dockerd inside the
 * host namespace, each with its own state directories, sockets and pidfile,
 * so that several labs (and a real Docker on the machine) never meet.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile, copyFile, chmod } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { run, runOk, sleep, type RunOptions, type RunResult, CommandError } from './exec.js';
import { spawnTracked, stopTracked, type TrackedProcess } from './processes.js';
import type { BinariesSpec } from './scenario.js';

export interface DockerBinaries {
  /** Put first on the daemons' PATH: runc, containerd-shim-runc-v2 and docker-proxy come from here. */
  dir?: string;
  dockerd: string;
  containerd: string;
  client: string;
  dockerProxy?: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function whichSync(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Default engine: whatever dockerd/containerd are on PATH (Debian's 20.10) and
 * the client shipped with it. With `dir` (an extracted docker-ce/containerd.io
 * .deb's usr/bin), everything comes from there unless named explicitly.
 */
export function resolveBinaries(spec: BinariesSpec = {}): DockerBinaries {
  const fromDir = (name: string): string | undefined => (spec.dir && isExecutable(join(spec.dir, name)) ? join(spec.dir, name) : undefined);
  const dockerd = spec.dockerd ?? fromDir('dockerd') ?? whichSync('dockerd') ?? 'dockerd';
  const containerd = spec.containerd ?? fromDir('containerd') ?? whichSync('containerd') ?? 'containerd';
  const client =
    spec.client ??
    fromDir('docker') ??
    (isExecutable(join(dirname(dockerd), 'docker')) ? join(dirname(dockerd), 'docker') : undefined) ??
    (isExecutable('/usr/bin/docker') ? '/usr/bin/docker' : undefined) ??
    whichSync('docker') ??
    'docker';
  const binaries: DockerBinaries = { dockerd, containerd, client };
  if (spec.dir) binaries.dir = spec.dir;
  const proxy = fromDir('docker-proxy');
  if (proxy) binaries.dockerProxy = proxy;
  return binaries;
}

export interface EngineVersions {
  server: string;
  apiVersion: string;
  client: string;
  clientApiVersion: string;
  containerd?: string;
  runc?: string;
  dockerInit?: string;
  dockerdBinary: string;
}

export interface DockerEngine {
  socket: string;
  containerd: TrackedProcess;
  dockerd: TrackedProcess;
  binaries: DockerBinaries;
  versions: EngineVersions;
  /** `docker -H unix://SOCK …`; fails loudly. */
  cli(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Same, but returns failures instead of throwing. */
  tryCli(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

export interface EngineOptions {
  runDir: string;
  hostNsPath: string;
  cgroupName: string;
  binaries: DockerBinaries;
  flags: readonly string[];
  /** Called with each process as soon as it runs, so that teardown can find it even if start-up fails later. */
  onProcess: (process: TrackedProcess) => void;
}

function daemonEnv(binaries: DockerBinaries): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('DOCKER_') && key !== 'CONTAINERD_ADDRESS' && key !== 'NOTIFY_SOCKET') env[key] = value;
  }
  const dirs = [binaries.dir, dirname(binaries.dockerd), dirname(binaries.containerd)].filter((d): d is string => !!d && d !== '.');
  env.PATH = [...new Set(dirs), env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'].join(delimiter);
  return env;
}

async function tail(file: string | undefined, lines = 25): Promise<string> {
  if (!file) return '';
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function dockerdMajor(dockerd: string): Promise<number> {
  const result = await runOk(dockerd, ['--version'], { timeoutMs: 20_000 });
  const match = /version (\d+)\.(\d+)/.exec(result.stdout);
  if (!match) throw new Error(`cannot read the version of ${dockerd}: ${result.stdout}`);
  return Number(match[1]);
}

export async function startEngine(options: EngineOptions): Promise<DockerEngine> {
  const { runDir, binaries } = options;
  const env = daemonEnv(binaries);
  const containerdDir = join(runDir, 'containerd');
  const containerdSocket = join(runDir, 'containerd.sock');
  const socket = join(runDir, 'docker.sock');
  await mkdir(containerdDir, { recursive: true });
  await mkdir(join(runDir, 'cli'), { recursive: true });

  // A config of our own: without it containerd would use /var/lib/containerd and the system socket.
  const containerdConfig = join(runDir, 'containerd.toml');
  await writeFile(
    containerdConfig,
    [
      'version = 2',
      `root = ${JSON.stringify(join(containerdDir, 'root'))}`,
      `state = ${JSON.stringify(join(containerdDir, 'state'))}`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = ${JSON.stringify(containerdSocket)}`,
      '[ttrpc]',
      '  address = ""',
      '[debug]',
      '  address = ""',
      '[metrics]',
      '  address = ""',
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = ${JSON.stringify(join(containerdDir, 'opt'))}`,
      '',
    ].join('\n'),
  );
  const containerd = await spawnTracked('containerd', 'nsenter', [`--net=${options.hostNsPath}`, binaries.containerd, '--config', containerdConfig], {
    env,
    logFile: join(runDir, 'containerd.log'),
  });
  options.onProcess(containerd);
  for (let i = 0; !existsSync(containerdSocket); i++) {
    if (containerd.child.exitCode !== null || i > 200) {
      throw new Error(`containerd did not come up:\n${await tail(containerd.logFile)}`);
    }
    await sleep(50);
  }

  // 20.10 would otherwise write /etc/docker/key.json; later versions reject the key.
  const daemonConfig: Record<string, unknown> = {};
  if ((await dockerdMajor(binaries.dockerd)) < 23) daemonConfig['deprecated-key-path'] = join(runDir, 'key.json');
  await writeFile(join(runDir, 'daemon.json'), `${JSON.stringify(daemonConfig, null, 2)}\n`);

  const dockerdArgs = [
    `--net=${options.hostNsPath}`,
    binaries.dockerd,
    '--config-file',
    join(runDir, 'daemon.json'),
    '--data-root',
    join(runDir, 'data'),
    '--exec-root',
    join(runDir, 'exec'),
    '-H',
    `unix://${socket}`,
    '--pidfile',
    join(runDir, 'docker.pid'),
    '--containerd',
    containerdSocket,
    '--storage-driver',
    'vfs',
    '--exec-opt',
    'native.cgroupdriver=cgroupfs',
    '--cgroup-parent',
    `/${options.cgroupName}`,
    ...(binaries.dockerProxy ? ['--userland-proxy-path', binaries.dockerProxy] : []),
    ...options.flags,
  ];
  const dockerd = await spawnTracked('dockerd', 'nsenter', dockerdArgs, { env, logFile: join(runDir, 'dockerd.log') });
  options.onProcess(dockerd);

  const cliEnv: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(runDir, 'cli') };
  delete cliEnv.DOCKER_HOST;
  delete cliEnv.DOCKER_CONTEXT;
  delete cliEnv.DOCKER_API_VERSION;
  const tryCli = (args: readonly string[], runOptions: RunOptions = {}): Promise<RunResult> =>
    run(binaries.client, ['-H', `unix://${socket}`, ...args], { timeoutMs: 120_000, env: cliEnv, ...runOptions });
  const cli = async (args: readonly string[], runOptions: RunOptions = {}): Promise<RunResult> => {
    const result = await tryCli(args, runOptions);
    if (result.code !== 0 || result.timedOut) throw new CommandError(result);
    return result;
  };

  let versionJson: string | undefined;
  for (let i = 0; ; i++) {
    if (dockerd.child.exitCode !== null || dockerd.child.signalCode !== null) {
      throw new Error(`dockerd exited during start-up:\n${await tail(dockerd.logFile)}`);
    }
    if (existsSync(socket)) {
      const result = await tryCli(['version', '--format', '{{json .}}'], { timeoutMs: 10_000 });
      if (result.code === 0) {
        versionJson = result.stdout;
        break;
      }
    }
    if (i > 600) throw new Error(`dockerd did not answer within 60 s:\n${await tail(dockerd.logFile)}`);
    await sleep(100);
  }
  const parsed = JSON.parse(versionJson) as {
    Client: { Version: string; ApiVersion: string };
    Server: { Version: string; ApiVersion: string; Components?: { Name: string; Version: string; Details?: { GitCommit?: string } }[] };
  };
  // A newer client (e.g. Docker 28's) must not ask a 20.10 daemon for API features it lacks.
  cliEnv.DOCKER_API_VERSION = parsed.Server.ApiVersion;
  const component = (name: string): string | undefined => parsed.Server.Components?.find((c) => c.Name.toLowerCase() === name)?.Version;
  const versions: EngineVersions = {
    server: parsed.Server.Version,
    apiVersion: parsed.Server.ApiVersion,
    client: parsed.Client.Version,
    clientApiVersion: parsed.Client.ApiVersion,
    dockerdBinary: binaries.dockerd,
  };
  const containerdVersion = component('containerd');
  const runcVersion = component('runc');
  const initVersion = component('docker-init');
  if (containerdVersion) versions.containerd = containerdVersion;
  if (runcVersion) versions.runc = runcVersion;
  if (initVersion) versions.dockerInit = initVersion;

  return {
    socket,
    containerd,
    dockerd,
    binaries,
    versions,
    cli,
    tryCli,
    async stop() {
      await stopTracked(dockerd, 15_000);
      await stopTracked(containerd, 10_000);
    },
  };
}

export const LAB_IMAGE = 'iptlint-lab/busybox:1';

/** Container entrypoint: an HTTP server on 80 and on every port in LAB_TCP_PORTS. */
const SERVE_SCRIPT = `#!/bin/sh
echo "$LAB_NAME" > /www/name
for port in 80 $LAB_TCP_PORTS; do
  httpd -p "$port" -h /www || exit 1
done
exec sleep 2147483647
`;

/** CGI answer "NAME CLIENT-ADDRESS": who served the probe and which source address it saw. */
const WHO_SCRIPT = `#!/bin/sh
echo "Content-Type: text/plain"
echo
echo "$(cat /www/name) $REMOTE_ADDR"
`;

const BUSYBOX_LINKS = ['sh', 'httpd', 'nc', 'ping', 'ping6', 'ip', 'sleep', 'cat', 'echo', 'ls', 'wget', 'ps', 'ifconfig', 'route', 'netstat'];

/** A root filesystem tarball holding only the static busybox, ready for `docker import`. */
export async function buildImageTarball(workDir: string, busybox: string): Promise<string> {
  const root = join(workDir, 'image-root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'www', 'cgi-bin'), { recursive: true });
  await mkdir(join(root, 'lab'), { recursive: true });
  await mkdir(join(root, 'tmp'), { recursive: true });
  await copyFile(busybox, join(root, 'bin', 'busybox'));
  await chmod(join(root, 'bin', 'busybox'), 0o755);
  for (const link of BUSYBOX_LINKS) await symlink('busybox', join(root, 'bin', link));
  await writeFile(join(root, 'lab', 'serve'), SERVE_SCRIPT, { mode: 0o755 });
  await writeFile(join(root, 'www', 'cgi-bin', 'who'), WHO_SCRIPT, { mode: 0o755 });
  await writeFile(join(root, 'www', 'index.html'), 'iptlint lab\n');
  const tarball = join(workDir, 'image.tar');
  await runOk('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', tarball, '.']);
  return tarball;
}

export async function importImage(engine: DockerEngine, tarball: string): Promise<void> {
  await engine.cli(['import', '--change', 'CMD ["/lab/serve"]', '--change', 'ENV PATH=/bin', tarball, LAB_IMAGE]);
}

