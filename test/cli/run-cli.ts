/**
 * Runs the built CLI (`node bin/iptlint.js`) the way a user does. `npm test`
 * builds first; after editing sources run `npm run build` before vitest.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/iptlint.js', import.meta.url));
/** Test data, as a path relative to the repo root (the CLI's cwd in tests). */
export const DATA = 'test/cli/data';

if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) {
  throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** When running as root, run the CLI as `nobody` instead (with util-linux setpriv), so permissions apply. */
  dropRoot?: boolean;
}

/** Colour-related variables are cleared so each test states the environment it means. */
/** A committed real-Docker lab capture, and the flags that give `check` its inspect JSON. */
export const labCapture = (scenario: string): string => `fixtures/docker/${scenario}`;
export const dockerStateArgs = (scenario: string): string[] => [
  '--docker-networks',
  `${labCapture(scenario)}/networks.json`,
  '--docker-containers',
  `${labCapture(scenario)}/containers.json`,
];

const NEUTRAL_ENV = { NO_COLOR: undefined, FORCE_COLOR: undefined, NODE_DISABLE_COLORS: undefined, IPTLINT_DEBUG: undefined };

export function runCli(args: readonly string[], options: CliOptions = {}): CliResult {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...NEUTRAL_ENV, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const asNobody = options.dropRoot === true && process.getuid?.() === 0;
  const command = asNobody ? 'setpriv' : process.execPath;
  const prefix = asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [];
  const result = spawnSync(command, [...prefix, BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env,
    input: options.stdin ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs `main()` in this process with captured output: for test matrices where
 * spawning one Node per case would only repeat what the spawned tests prove.
 */
export async function runMain(args: readonly string[], stdin = '', cwd = REPO): Promise<CliResult & { code: number }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdinChunks: () => inPieces(new TextEncoder().encode(stdin)),
    stdinIsTTY: false,
    cwd,
    colorByDefault: false,
  });
  return { code, stdout, stderr };
}

/**
 * Stdin as a pipe delivers it: in pieces whose cuts fall anywhere, inside a
 * line or a UTF-8 sequence (the in-process runs exercise streaming parse).
 */
function inPieces(bytes: Uint8Array, size = 4093): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}

/**
 * Whether `dropRoot` can work here: not root (nothing to drop), or root with
 * setpriv and a checkout that `nobody` can read (not one under /root).
 */
export function canDropRoot(): boolean {
  if (process.getuid?.() !== 0) return true;
  const probe = spawnSync(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(BIN)})`],
    { stdio: 'ignore' },
  );
  return probe.status === 0;
}

/** Parses `--format json` output. */
export function runJson(args: readonly string[], options: CliOptions = {}): CliResult & { json: JsonOut } {
  // Before the files, so that a `--` among them does not swallow the option.
  const result = runCli([...args.slice(0, 1), '--format', 'json', ...args.slice(1)], options);
  return { ...result, json: JSON.parse(result.stdout) as JsonOut };
}

export interface JsonOut {
  files: { file: string; status: string }[];
  findings: { ruleId: string; severity: 'error' | 'warning' | 'info'; file: string; line: number; column: number; message: string; fix?: string }[];
  summary: { problems: number; counts: { error: number; warning: number; info: number } };
}

/** Node prints "    at fn (file:line:col)" frames in a stack trace. */
export const STACK_FRAME = /^\s+at .+[(:]\d+/m;
