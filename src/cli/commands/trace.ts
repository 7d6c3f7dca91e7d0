import { stringifyJson } from '../../formatters/json-text.js';
import { neutralizeReport } from '../../formatters/terminal-text.js';
import { InputTooLargeError } from '../../input-limit.js';
import { renderTrace, traceBatch, tracePacket, TraceInputError, type TraceRequest } from '../../packet/index.js';
import type { PacketSettings, ParsedCommand } from '../args.js';
import { ExitCode } from '../exit-code.js';
import { readAll, type CliIo } from '../io.js';
import { loadHost } from '../packet-host.js';
import { UsageError } from '../usage-error.js';

type TraceCommand = Extract<ParsedCommand, { command: 'trace' }>;

/** Exit 0 when the packet is accepted, 1 when dropped or undecided, 2 on bad input. */
export async function runTrace(cmd: TraceCommand, io: CliIo): Promise<ExitCode> {
  const host = await loadHost(cmd, io);
  if (!host) return ExitCode.failure;
  if (cmd.batch) {
    const text = new TextDecoder().decode(await readBatch(io, cmd.parse.maxInputBytes));
    for await (const line of traceBatch(host, lines(text))) io.stdout(line + '\n');
    return ExitCode.ok;
  }
  try {
    const result = tracePacket(host, request(cmd.packet));
    io.stdout(cmd.format === 'json' ? stringifyJson(result, 2) + '\n' : neutralizeReport(renderTrace(result, { color: cmd.color ?? io.colorByDefault }), cmd.color ?? io.colorByDefault));
    return result.verdict === 'accepted' ? ExitCode.ok : ExitCode.findings;
  } catch (error) {
    if (error instanceof TraceInputError) throw new UsageError(error.message, "run 'iptlint trace --help' for the packet options");
    throw error;
  }
}

async function readBatch(io: CliIo, limit: number): Promise<Uint8Array> {
  try {
    return await readAll(io.stdinChunks(), limit);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new UsageError(`the --batch packets on stdin are ${error.message}`, 'pass a larger --max-input-size, or split the batch');
    throw error;
  }
}

function request(packet: PacketSettings): TraceRequest {
  if (packet.src === undefined || packet.dst === undefined) {
    throw new UsageError('trace needs --src and --dst', 'e.g. --in eth0 --src 198.51.100.7 --dst 192.0.2.1 --proto tcp --dport 8080');
  }
  return { ...packet, src: packet.src, dst: packet.dst, proto: packet.proto ?? 'tcp' };
}

async function* lines(text: string): AsyncGenerator<string> {
  for (const line of text.split('\n')) if (line.trim() !== '') yield line;
}
