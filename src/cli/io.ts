/**
 * Everything the CLI touches in the process, behind one interface so commands
 * stay testable in-process.
 */
import kleur from 'kleur';
import { InputTooLargeError } from '../input-limit.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of stdin; rejects with InputTooLargeError as soon as more than `limit` bytes came in. */
  readStdin(limit: number): Promise<Uint8Array>;
  stdinIsTTY: boolean;
  cwd: string;
  /** Colour when neither --color nor --no-color is given (kleur: NO_COLOR, FORCE_COLOR, TTY, TERM=dumb). */
  colorByDefault: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: readProcessStdin,
    stdinIsTTY: process.stdin.isTTY === true,
    cwd: process.cwd(),
    colorByDefault: kleur.enabled,
  };
}

async function readProcessStdin(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > limit) {
      process.stdin.destroy();
      throw new InputTooLargeError(limit);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
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
