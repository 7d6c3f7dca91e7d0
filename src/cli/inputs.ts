/**
 * Turns FILE arguments into the inputs to read: `-` or nothing is stdin,
 * glob patterns are expanded here (so quoting works on every shell), and
 * each input is read into text (stdin: parsed as it arrives) or an
 * explanation of why it could not be.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ParseOptions, ParseResult } from '../../grammar/index.js';
import { formatBytes, InputTooLargeError, MAX_INPUT_BYTES_CEILING, readFileWithin } from '../input-limit.js';
import { decodeDump } from './decode.js';
import { expandGlob, hasGlobMagic } from './glob.js';
import type { CliIo } from './io.js';
import { streamDump } from './stdin-dump.js';
import { UsageError } from './usage-error.js';

export const STDIN_NAME = '<stdin>';

export type InputSource = { kind: 'stdin'; name: typeof STDIN_NAME } | { kind: 'file'; name: string };

export type LoadedInput =
  | {
      ok: true;
      name: string;
      text: string;
      /** Stdin's parse, made while it arrived (absent for files, and for binary input). */
      parsed?: ParseResult;
    }
  | { ok: false; name: string; error: string; hint: string };

/** Reading stdin from a terminal would wait for typing that never comes; say what to do instead. */
export function refuseTerminalStdin(stdinIsTTY: boolean): void {
  if (stdinIsTTY) {
    throw new UsageError('no input: stdin is a terminal', 'give a FILE, or pipe a dump in: sudo iptables-save | iptlint check');
  }
}

export async function resolveInputs(args: readonly string[], cwd: string): Promise<InputSource[]> {
  if (args.length === 0) return [{ kind: 'stdin', name: STDIN_NAME }];
  const sources: InputSource[] = [];
  const seen = new Set<string>();
  const add = (source: InputSource): void => {
    const key = source.kind === 'stdin' ? source.kind : resolve(cwd, source.name);
    if (seen.has(key)) return;
    seen.add(key);
    sources.push(source);
  };
  for (const arg of args) {
    if (arg === '-') {
      add({ kind: 'stdin', name: STDIN_NAME });
    } else if (hasGlobMagic(arg) && !(await exists(resolve(cwd, arg)))) {
      const matches = await expandGlob(arg, cwd);
      if (matches.length === 0) {
        throw new UsageError(`no files match '${arg}'`, 'check the pattern; iptlint expands *, ?, [..] and ** itself');
      }
      for (const name of matches) add({ kind: 'file', name });
    } else {
      add({ kind: 'file', name: arg });
    }
  }
  return sources;
}

/**
 * Reads one input, refusing it when it is larger than `maxBytes` (before
 * reading a regular file, or as soon as stdin passes the limit).
 */
export async function loadInput(
  source: InputSource,
  io: Pick<CliIo, 'cwd' | 'stdinChunks'>,
  maxBytes: number,
  parseOptions: ParseOptions,
): Promise<LoadedInput> {
  try {
    if (source.kind === 'stdin') return { ok: true, name: source.name, ...(await streamDump(io.stdinChunks(), maxBytes, parseOptions)) };
    const bytes = readFileWithin(resolve(io.cwd, source.name), maxBytes);
    if (bytes.length > maxBytes) throw new InputTooLargeError(maxBytes, bytes.length);
    return { ok: true, name: source.name, text: decodeDump(bytes) };
  } catch (error) {
    return { ok: false, name: source.name, ...describeReadError(error) };
  }
}

function describeReadError(error: unknown): { error: string; hint: string } {
  if (error instanceof InputTooLargeError) {
    return {
      error: error.message,
      hint: `pass a larger --max-input-size (at most ${formatBytes(MAX_INPUT_BYTES_CEILING)}; iptlint needs about 40 bytes of memory per byte of dump), or split the dump per table`,
    };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return { error: 'no such file or directory', hint: 'check the path; use - to read a dump from stdin' };
    case 'EISDIR':
      return { error: 'is a directory', hint: "pass the dump files inside it, e.g. 'DIR/*.rules'" };
    case 'EACCES':
    case 'EPERM':
      return { error: 'permission denied', hint: 'make the file readable, or pipe it in: sudo cat FILE | iptlint check' };
    case 'ENOTDIR':
      return { error: 'a path component is not a directory', hint: 'check the path' };
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return { error: message, hint: 'check that the input is a readable file' };
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
