/**
 * Everything the CLI touches in the process, behind one interface so commands
 * stay testable in-process.
 */
import kleur from 'kleur';
import { InputTooLargeError } from '../input-limit.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Stdin, chunk by chunk as it arrives. */
  stdinChunks(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  stdinIsTTY: boolean;
  cwd: string;
  /** Colour when neither --color nor --no-color is given (kleur: NO_COLOR, FORCE_COLOR, TTY, TERM=dumb). */
  colorByDefault: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdinChunks: () => process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    cwd: process.cwd(),
    colorByDefault: kleur.enabled,
  };
}

/** The chunks as they come; throws InputTooLargeError (and stops the source) as soon as more than `limit` bytes came in. */
export async function* withinLimit(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) throw new InputTooLargeError(limit);
    yield chunk;
  }
}

/** All of a stream's bytes; rejects with InputTooLargeError as soon as more than `limit` came in. */
export async function readAll(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const received: Uint8Array[] = [];
  for await (const chunk of withinLimit(chunks, limit)) received.push(chunk);
  return Buffer.concat(received);
}

/**
 * `iptlint check big.rules | head` closes our stdout early; that is the
 * reader's choice, not an iptlint failure, so leave quietly instead of
 * dying on EPIPE with a stack trace.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') > 0) continue;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && stream === process.stdout) {
        process.stderr.write(`iptlint: cannot write output: ${error.message}\n`);
      }
      process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 2);
    });
  }
}
