/**
 * A fake host for `iptlint scan --live` without root: a PATH directory of
 * shim programs that log how they were called (and print a fixture dump),
 * and a Docker Engine API on a unix socket that serves a lab capture's
 * inspect JSON the way dockerd does.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO, type CliResult } from '../cli/run-cli.js';

/** Every program a firewall tool could be tempted to run; only the *-save ones may be. */
export const SAVE_PROGRAMS = ['iptables-save', 'iptables-nft-save', 'iptables-legacy-save', 'ip6tables-save', 'ip6tables-nft-save', 'ip6tables-legacy-save'];
export const OTHER_PROGRAMS = [
  'iptables',
  'iptables-nft',
  'iptables-legacy',
  'iptables-restore',
  'iptables-nft-restore',
  'iptables-legacy-restore',
  'ip6tables',
  'ip6tables-nft',
  'ip6tables-legacy',
  'ip6tables-restore',
  'ip6tables-nft-restore',
  'ip6tables-legacy-restore',
  'nft',
  'ebtables',
  'arptables',
  'docker',
  'ip',
  'sh',
  'bash',
  'modprobe',
];

/** What a shim does besides logging: print a file, fail, or hang. */
export type ShimBehaviour = { print: string } | { fail: string } | { hang: true } | { nothing: true };

export interface FakeHost {
  dir: string;
  binDir: string;
  /** `program [arg] [arg]…`, one line per call. */
  calls(): string[];
  cleanup(): void;
}

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

export function fakeHost(behaviours: Record<string, ShimBehaviour>, options: { programs?: readonly string[] } = {}): FakeHost {
  const dir = mkdtempSync(join(tmpdir(), 'iptlint-live-'));
  chmodSync(dir, 0o755);
  const binDir = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  // Readable by `nobody`, for the test that runs the CLI without root.
  mkdirSync(binDir, { mode: 0o755 });
  for (const program of options.programs ?? [...SAVE_PROGRAMS, ...OTHER_PROGRAMS]) {
    const behaviour = behaviours[program] ?? (SAVE_PROGRAMS.includes(program) ? { nothing: true } : { fail: 'not allowed in this test' });
    const action =
      'print' in behaviour
        ? `exec /bin/cat ${quote(behaviour.print)}`
        : 'fail' in behaviour
          ? `printf '%s\\n' ${quote(behaviour.fail)} >&2; exit 1`
          : 'hang' in behaviour
            ? 'exec /bin/sleep 60'
            : 'exit 0';
    const script = `#!/bin/sh\n{ printf '%s' "\${0##*/}"; for arg in "$@"; do printf ' [%s]' "$arg"; done; printf '\\n'; } >> ${quote(log)}\n${action}\n`;
    writeFileSync(join(binDir, program), script, { mode: 0o755 });
  }
  return {
    dir,
    binDir,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}


export interface CliRun extends CliResult {
  json?: unknown;
}

/** Runs the built CLI asynchronously (the fake Docker API lives in this process, so it must keep answering). */
export function runCliAsync(args: readonly string[], env: Record<string, string | undefined>, options: { asUid?: number; timeoutMs?: number } = {}): Promise<CliRun> {
  const fullEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ NO_COLOR: '1', ...env })) if (value !== undefined) fullEnv[key] = value;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: fullEnv, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000, ...(options.asUid === undefined ? {} : { uid: options.asUid, gid: options.asUid }) },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (error && code === null) {
          reject(error);
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

type JsonObject = Record<string, unknown>;

export interface FakeDocker {
  socket: string;
  /** `METHOD URL`, one per request. */
  requests: string[];
  close(): Promise<void>;
}

export interface FakeDockerOptions {
  /** `docker version`'s server fields. */
  version?: { Version: string; ApiVersion: string; MinAPIVersion?: string };
  /** Answer nothing at all to this path prefix (to test timeouts). */
  stallOn?: string;
  /** Container ids listed but gone (404) when inspected. */
  vanish?: string[];
}

/**
 * Serves `networks.json` and `containers.json` of a capture directory like
 * dockerd: the network list without containers, each network and container
 * by id, the container list as summaries.
 */
export async function fakeDocker(dir: string, socket: string, captureDir: string, options: FakeDockerOptions = {}): Promise<FakeDocker> {
  const networks = JSON.parse(readFileSync(join(captureDir, 'networks.json'), 'utf8')) as JsonObject[];
  const containers = JSON.parse(readFileSync(join(captureDir, 'containers.json'), 'utf8')) as JsonObject[];
  const host = JSON.parse(readFileSync(join(captureDir, 'host.json'), 'utf8')) as { versions: { docker: { server: string; apiVersion: string } } };
  const version = options.version ?? { Version: host.versions.docker.server, ApiVersion: host.versions.docker.apiVersion, MinAPIVersion: '1.12' };
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': version.ApiVersion });
    res.end(JSON.stringify(body));
  };
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    requests.push(`${req.method ?? '?'} ${url}`);
    if (options.stallOn && url.startsWith(options.stallOn)) return;
    if (req.method !== 'GET') return send(res, 405, { message: 'read-only fake' });
    if (url === '/version') return send(res, 200, { ...version, Os: 'linux', Arch: 'amd64' });
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(url);
    if (!versioned) return send(res, 404, { message: 'page not found' });
    const path = versioned[2] ?? '';
    if (path === '/networks') return send(res, 200, networks.map((network) => ({ ...network, Containers: {} })));
    const network = /^\/networks\/([^/?]+)$/.exec(path);
    if (network) {
      const found = networks.find((entry) => entry['Id'] === decodeURIComponent(network[1] ?? ''));
      return found ? send(res, 200, found) : send(res, 404, { message: `network ${network[1]} not found` });
    }
    if (path === '/containers/json?all=1') {
      return send(
        res,
        200,
        containers.map((entry) => ({
          Id: entry['Id'],
          Names: [entry['Name']],
          Created: Math.floor(Date.parse(String(entry['Created'])) / 1000),
          State: (entry['State'] as JsonObject)['Status'],
        })),
      );
    }
    const container = /^\/containers\/([^/?]+)\/json$/.exec(path);
    if (container) {
      const id = decodeURIComponent(container[1] ?? '');
      const found = options.vanish?.includes(id) ? undefined : containers.find((entry) => entry['Id'] === id);
      return found ? send(res, 200, found) : send(res, 404, { message: `No such container: ${id}` });
    }
    return send(res, 404, { message: 'page not found' });
  };

  const server: Server = createServer(route);
  await new Promise<void>((resolve) => server.listen(join(dir, socket), resolve));
  return {
    socket: join(dir, socket),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The JSON report with the scan's file names replaced, to compare with `check` of the same dumps. */
export function renameFiles(json: string, names: Record<string, string>): unknown {
  let text = json;
  for (const [from, to] of Object.entries(names)) text = text.replaceAll(JSON.stringify(from).slice(1, -1), to);
  return JSON.parse(text) as unknown;
}
