/**
 * Which `*-save` programs this host has, and running one of them. Only
 * these read-only programs are ever executed: by absolute path found on
 * PATH, with execFile (no shell), no arguments, a minimal environment, a
 * timeout and a cap on what they may print.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Family } from '../../grammar/ast.js';

/** `default`: a plain `iptables-save` on a system without the -nft/-legacy variants. */
export type Backend = 'nft' | 'legacy' | 'default';

export interface SaveCommand {
  family: Family;
  backend: Backend;
  /** Program name, e.g. `iptables-nft-save`. */
  program: string;
  /** Absolute path it was found at. */
  path: string;
}

export interface SaveLimits {
  timeoutMs: number;
  maxBytes: number;
}

export type SaveResult =
  | { ok: true; command: SaveCommand; stdout: Uint8Array; stderr: string }
  | { ok: false; command: SaveCommand; error: string; hint: string };

const BASE: Record<Family, string> = { ipv4: 'iptables', ipv6: 'ip6tables' };

/** Report name of one program's output, e.g. `live:iptables-save (nft)`. */
export function liveFileName(family: Family, backend: Backend): string {
  const save = `${BASE[family]}-save`;
  return backend === 'default' ? `live:${save}` : `live:${save} (${backend})`;
}

function findExecutable(name: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    // A relative PATH entry would make the result depend on the working directory.
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: keep looking
    }
  }
  return undefined;
}

/**
 * The save programs of each family: both backends' variants when they exist
 * (plain `iptables-save` is then only a link to one of them), otherwise the
 * plain program. A family with none of them is listed in `missing`.
 */
export function findSaveCommands(pathVar: string): { commands: SaveCommand[]; missing: Family[] } {
  const commands: SaveCommand[] = [];
  const missing: Family[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const found: SaveCommand[] = [];
    for (const backend of ['nft', 'legacy'] as const) {
      const program = `${BASE[family]}-${backend}-save`;
      const path = findExecutable(program, pathVar);
      if (path) found.push({ family, backend, program, path });
    }
    if (found.length === 0) {
      const program = `${BASE[family]}-save`;
      const path = findExecutable(program, pathVar);
      if (path) found.push({ family, backend: 'default', program, path });
    }
    if (found.length === 0) missing.push(family);
    commands.push(...found);
  }
  return { commands, missing };
}

export function runSave(command: SaveCommand, pathVar: string, limits: SaveLimits): Promise<SaveResult> {
  return new Promise((resolve) => {
    execFile(
      command.path,
      [],
      {
        encoding: 'buffer',
        shell: false,
        timeout: limits.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: limits.maxBytes,
        env: { PATH: pathVar, LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        const errorText = stderr.toString('utf8').trim();
        if (!error) {
          resolve({ ok: true, command, stdout, stderr: errorText });
          return;
        }
        resolve({ ok: false, command, ...describeFailure(command, error, errorText, limits) });
      },
    );
  });
}

function describeFailure(
  command: SaveCommand,
  error: ExecFileException,
  stderr: string,
  limits: SaveLimits,
): { error: string; hint: string } {
  const firstLine = stderr.split('\n').find((line) => line.trim() !== '') ?? '';
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return { error: `${command.program} printed more than ${limits.maxBytes} bytes; stopped it`, hint: 'a ruleset this large is not supported by scan --live' };
  }
  if (error.killed || error.signal) {
    const why = error.signal === 'SIGKILL' && error.killed ? `did not finish within ${limits.timeoutMs / 1000} s` : `was killed by ${error.signal ?? 'a signal'}`;
    return { error: `${command.program} ${why}; stopped it`, hint: 'the netfilter lock may be held by another program; retry later or raise --timeout' };
  }
  if (error.code === 'EACCES' || error.code === 'ENOENT') {
    return { error: `cannot run ${command.path}: ${error.code === 'EACCES' ? 'permission denied' : 'not found'}`, hint: 'check the iptables installation' };
  }
  const status = typeof error.code === 'number' ? `exit ${error.code}` : String(error.code ?? error.message);
  const denied = /permission denied|must be root|Operation not permitted/i.test(stderr);
  return {
    error: `${command.program} failed (${status})${firstLine ? `: ${firstLine}` : ''}`,
    hint: denied
      ? 'reading the firewall needs root (or CAP_NET_ADMIN and CAP_NET_RAW): run the scan as root'
      : `run ${command.program} by hand to see what is wrong`,
  };
}
