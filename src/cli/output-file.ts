/**
 * Writes a report file so that a reader never sees half of it: the text goes
 * to a temporary file in the same directory, is flushed to disk, and only
 * then renamed over the target (rename within one file system is atomic). A
 * failure at any step removes the temporary file and leaves the previous
 * report as it was. For `--output` of check and any later command.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { neutralize } from '../formatters/terminal-text.js';

/** The file operations used, so that tests can make one of them fail. */
export interface OutputFs {
  openSync(path: string, flags: string, mode: number): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  statSync(path: string): { mode: number; isDirectory(): boolean };
}

export class OutputFileError extends Error {
  constructor(
    /** The target as given. */
    readonly path: string,
    /** What failed, e.g. `permission denied (EACCES)`. */
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'OutputFileError';
  }
}

/** New files get rw-r--r-- (less the umask); a replaced file keeps its permissions. */
const NEW_FILE_MODE = 0o644;

export function writeFileAtomic(path: string, text: string, options: { cwd?: string; fs?: OutputFs } = {}): void {
  const ops = options.fs ?? fs;
  const target = resolve(options.cwd ?? process.cwd(), path);
  const mode = existingMode(ops, target, path);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = ops.openSync(temp, 'wx', mode);
    const bytes = Buffer.from(text, 'utf8');
    for (let written = 0; written < bytes.length; ) written += ops.writeSync(fd, bytes, written, bytes.length - written);
    ops.fsyncSync(fd);
    ops.closeSync(fd);
    fd = undefined;
    ops.renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeQuietly(ops, fd);
    removeQuietly(ops, temp);
    throw outputError(path, error);
  }
  syncDirectory(ops, dirname(target));
}

function existingMode(ops: OutputFs, target: string, path: string): number {
  try {
    const stat = ops.statSync(target);
    if (stat.isDirectory()) throw new OutputFileError(path, 'it is a directory', 'give a file name, e.g. --output reports/iptlint.sarif');
    return stat.mode & 0o7777;
  } catch (error) {
    if (error instanceof OutputFileError) throw error;
    if (errorCode(error) === 'ENOENT') return NEW_FILE_MODE;
    throw outputError(path, error);
  }
}

/** Makes the rename itself durable; some file systems cannot sync a directory, which is no reason to fail. */
function syncDirectory(ops: OutputFs, directory: string): void {
  let fd: number | undefined;
  try {
    fd = ops.openSync(directory, 'r', 0);
    ops.fsyncSync(fd);
  } catch {
    // best effort: the report is already complete under its name
  } finally {
    if (fd !== undefined) closeQuietly(ops, fd);
  }
}

function closeQuietly(ops: OutputFs, fd: number): void {
  try {
    ops.closeSync(fd);
  } catch {
    // already failing: the first error is the one to report
  }
}

function removeQuietly(ops: OutputFs, path: string): void {
  try {
    ops.unlinkSync(path);
  } catch {
    // never created, or already gone
  }
}

const REASONS: Record<string, [reason: string, hint: string]> = {
  ENOENT: ['its directory does not exist', 'create the directory first, or write to an existing one'],
  ENOTDIR: ['a part of the path is not a directory', 'check the path'],
  EACCES: ['permission denied', 'write to a directory you can write to, or fix its permissions'],
  EPERM: ['operation not permitted', 'write to a directory you can write to, or fix its permissions'],
  EROFS: ['the file system is read-only', 'write to a writable file system'],
  ENOSPC: ['no space left on the device', 'free some space, or write elsewhere'],
  EDQUOT: ['disk quota exceeded', 'free some space, or write elsewhere'],
  EISDIR: ['it is a directory', 'give a file name, e.g. --output reports/iptlint.sarif'],
  EIO: ['input/output error', 'check the disk, or write elsewhere'],
};

function outputError(path: string, error: unknown): OutputFileError {
  if (error instanceof OutputFileError) return error;
  const code = errorCode(error);
  const known = code === undefined ? undefined : REASONS[code];
  if (known) return new OutputFileError(path, `${known[0]} (${code})`, `${known[1]}; the previous file, if any, is unchanged`);
  const message = error instanceof Error ? error.message : String(error);
  return new OutputFileError(path, message, 'the previous file, if any, is unchanged');
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** For a command's `--output`: writes the report, or prints why not and returns false (exit 2). */
export function writeOutput(path: string, text: string, io: { cwd: string; stderr(text: string): void }): boolean {
  try {
    writeFileAtomic(path, text, { cwd: io.cwd });
    return true;
  } catch (error) {
    if (!(error instanceof OutputFileError)) throw error;
    io.stderr(`iptlint: ${neutralize(error.message)}\nhint: ${neutralize(error.hint)}\n`);
    return false;
  }
}
