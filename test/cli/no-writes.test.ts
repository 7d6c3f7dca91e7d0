/**
 * SECURITY.md: "No writes except where asked: --output and --baseline files."
 * Every command runs as a user would run it (the real binary, a fresh working
 * directory, HOME, TMPDIR and XDG_* pointed at empty directories of their own),
 * and afterwards those directories and the repository hold exactly what they
 * held before, plus the files named by --output / --baseline.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './run-cli.js';

const CAPTURE = join(REPO, 'fixtures/docker/multi-network');
const DUMP = join(CAPTURE, 'iptables.rules');
const STATE = ['--docker-networks', join(CAPTURE, 'networks.json'), '--docker-containers', join(CAPTURE, 'containers.json')];
const RECAPTURE = join(REPO, 'fixtures/docker-recapture/multi-network/iptables.rules');
const FORMATS = ['stylish', 'json', 'sarif', 'junit', 'github', 'prometheus', 'html'];
const PACKET = ['--in', 'eth0', '--src', '198.51.100.7', '--dst', '172.18.0.2', '--proto', 'tcp', '--dport', '80'];

/** What other test files write while this one runs (git-ignored outputs, vitest's cache), and git's own directory. */
const NOT_OURS = new Set(['.git', 'artifacts', 'bench/out', '.lab-cache', 'node_modules/.vite', 'node_modules/.vitest'].map((path) => join(REPO, path)));

/** Every file and directory under `root` with its size and modification time. */
function snapshot(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (NOT_OURS.has(path)) continue;
      const stat = statSync(path, { throwIfNoEntry: false });
      entries.set(relative(root, path), stat ? `${entry.isDirectory() ? 'dir' : stat.size} ${stat.mtimeMs}` : 'gone');
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return entries;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, state] of after) if (before.get(path) !== state) changed.push(before.has(path) ? `changed ${path}` : `new ${path}`);
  for (const path of before.keys()) if (!after.has(path)) changed.push(`removed ${path}`);
  return changed.sort();
}

interface Invocation {
  name: string;
  args: string[];
  stdin?: string;
  /** Files the command was asked to write, relative to its working directory. */
  writes?: string[];
  /** Its exit code: the command did its work (or refused, for bad input and `scan` without `--live`). */
  code: number;
}

const invocations: Invocation[] = [
  ...FORMATS.map((format) => ({ name: `check --format ${format}`, args: ['check', '--format', format, ...STATE, DUMP], code: 0 })),
  ...FORMATS.map((format) => ({
    name: `check --format ${format} --output`,
    args: ['check', '--format', format, '--output', `report.${format}`, DUMP],
    writes: [`report.${format}`],
    code: 0,
  })),
  { name: 'check of bad input on stdin', args: ['check', '-'], stdin: 'x', code: 2 },
  { name: 'check --reach with Docker state', args: ['check', '--reach', ...STATE, DUMP], code: 0 },
  { name: 'check --update-baseline', args: ['check', '--baseline', 'base.json', '--update-baseline', DUMP], writes: ['base.json'], code: 0 },
  { name: 'check --baseline (reads it)', args: ['check', '--baseline', 'base.json', DUMP], code: 0 },
  { name: 'fmt', args: ['fmt', DUMP], code: 0 },
  { name: 'fmt --check', args: ['fmt', '--check', DUMP], code: 0 },
  { name: 'rules', args: ['rules'], code: 0 },
  { name: 'rules --format json', args: ['rules', '--format', 'json'], code: 0 },
  { name: 'trace', args: ['trace', ...STATE, ...PACKET, DUMP], code: 0 },
  { name: 'trace --batch', args: ['trace', '--batch', DUMP], stdin: '{"in":"eth0","src":"198.51.100.7","dst":"172.18.0.2","proto":"tcp","dport":80}\n', code: 0 },
  { name: 'reach', args: ['reach', ...STATE, DUMP], code: 0 },
  { name: 'reach --format json', args: ['reach', '--format', 'json', ...STATE, DUMP], code: 0 },
  { name: 'graph --format dot', args: ['graph', '--format', 'dot', DUMP], code: 0 },
  { name: 'graph --format mermaid', args: ['graph', '--format', 'mermaid', DUMP], code: 0 },
  { name: 'diff', args: ['diff', DUMP, RECAPTURE], code: 0 },
  { name: 'diff --format json', args: ['diff', '--format', 'json', DUMP, RECAPTURE], code: 0 },
  { name: 'scan without --live', args: ['scan'], code: 2 },
];

describe('no writes outside --output and --baseline', () => {
  let sandbox: string;
  let cwd: string;
  const env: Record<string, string> = {};
  let repoBefore: Map<string, string>;

  beforeAll(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'iptlint-no-writes-'));
    cwd = join(sandbox, 'cwd');
    mkdirSync(cwd);
    const dirs = { HOME: 'home', TMPDIR: 'tmp', XDG_CONFIG_HOME: 'xdg-config', XDG_CACHE_HOME: 'xdg-cache', XDG_DATA_HOME: 'xdg-data', XDG_STATE_HOME: 'xdg-state', XDG_RUNTIME_DIR: 'xdg-runtime' };
    for (const [variable, dir] of Object.entries(dirs)) {
      env[variable] = join(sandbox, dir);
      mkdirSync(join(sandbox, dir));
    }
    repoBefore = snapshot(REPO);
  });

  afterAll(() => {
    rmSync(sandbox, { recursive: true, force: true });
  });

  it.each(invocations)('$name writes only what it was asked to', ({ args, stdin, writes = [], code }) => {
    const before = snapshot(sandbox);
    const result = runCli(args, { cwd, env, ...(stdin === undefined ? {} : { stdin }) });
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).not.toMatch(/internal error|please report|\n\s+at /);
    const found = changes(before, snapshot(sandbox));
    // A new file also changes its directory's modification time.
    const asked = writes.map((file) => `${before.has(join('cwd', file)) ? 'changed' : 'new'} ${join('cwd', file)}`);
    const allowed = new Set([...asked, ...(writes.length > 0 ? ['changed cwd'] : [])]);
    expect(found.filter((change) => !allowed.has(change))).toEqual([]);
    for (const change of asked) expect(found).toContain(change);
  });

  it('the repository is as it was', () => {
    expect(changes(repoBefore, snapshot(REPO))).toEqual([]);
  });
});
