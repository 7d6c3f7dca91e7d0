/**
 * A dump on stdin, parsed while it arrives: `iptables-save | iptlint check`
 * parses each batch of lines as soon as it is there instead of waiting for
 * the writer to finish, and no copy of all the bytes is kept. Binary data
 * (a NUL byte) stops the parse: the caller refuses it as a whole.
 */
import { DumpParser, type ParseOptions, type ParseResult } from '../../grammar/index.js';
import { withinLimit } from './io.js';

export interface StreamedDump {
  text: string;
  /** Absent when the input is binary. */
  parsed?: ParseResult;
}

/** Rejects with InputTooLargeError as soon as more than `maxBytes` came in. */
export async function streamDump(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number, options: ParseOptions): Promise<StreamedDump> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let parser: DumpParser | undefined = new DumpParser(options);
  /** The text once it turned out to be binary (the parser was dropped). */
  const binary: string[] = [];
  const take = (piece: string): void => {
    if (parser === undefined) {
      binary.push(piece);
    } else if (piece.includes('\0')) {
      binary.push(parser.text(), piece);
      parser = undefined;
    } else {
      parser.write(piece);
    }
  };
  for await (const chunk of withinLimit(chunks, maxBytes)) take(decoder.decode(chunk, { stream: true }));
  take(decoder.decode());
  if (parser === undefined) return { text: binary.join('') };
  const parsed = parser.end();
  return { text: parser.text(), parsed };
}
