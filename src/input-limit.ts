/**
 * The size limit on every input iptlint reads (dumps, Docker state, policy):
 * checked before the whole input is read — by the file's size when it has
 * one, by counting bytes while reading otherwise (pipes, FIFOs, stdin) — so
 * a multi-GB or endless input is refused with a clear message instead of
 * exhausting memory. iptlint holds about 40 bytes of memory per byte of
 * dump, so the default leaves the largest real dumps (a million-rule
 * kube-proxy dump is ~110 MB) inside Node's default heap.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const DEFAULT_MAX_INPUT_BYTES = 128 * 2 ** 20;
/** A JavaScript string cannot hold much more than 512 Mi characters (V8's limit), so no dump can be larger. */
export const MAX_INPUT_BYTES_CEILING = 511 * 2 ** 20;

export class InputTooLargeError extends Error {
  override readonly name = 'InputTooLargeError';

  constructor(
    readonly limit: number,
    /** Size of the file when known; unknown for a stream cut off at the limit. */
    readonly size?: number,
  ) {
    super(`larger than the input size limit of ${formatBytes(limit)}${size === undefined ? '' : ` (it has ${formatBytes(size)})`}`);
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30 };

/** `512MiB`, `64m`, `1.5G`, `100000` (bytes) → bytes; K, M and G are powers of 1024. Undefined when not a size. */
export function parseByteSize(text: string): number | undefined {
  const parsed = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const multiplier = parsed ? UNITS[(parsed[2] ?? '').toLowerCase()] : undefined;
  if (!parsed || multiplier === undefined) return undefined;
  const bytes = Math.floor(Number(parsed[1]) * multiplier);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

const CHUNK = 1 << 20;

/**
 * Reads a file, refusing it (InputTooLargeError) when it is larger than
 * `limit`: a regular file by its size before reading anything, anything else
 * (FIFO, character device, /dev/stdin) as soon as `limit + 1` bytes came in.
 */
export function readFileWithin(path: string, limit: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (stats.isFile() && stats.size > limit) throw new InputTooLargeError(limit, stats.size);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(CHUNK, limit + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) throw new InputTooLargeError(limit, stats.isFile() ? stats.size : undefined);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
