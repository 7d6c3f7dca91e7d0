/**
 * Text form of a trace: the packet, one line per step (table, chain, rule
 * number and line, the rule, what it did), then the verdict, the NAT
 * rewrites and the reply.
 */
import { protocolName } from '../model/protocols.js';
import { colors, type Colors } from './paint.js';
import type { TraceHop, TraceOutcome, TraceResult, TraceVerdict } from './trace.js';

export interface RenderOptions {
  color?: boolean;
}

function endpoint(address: string, port: number | undefined, family: string): string {
  if (port === undefined) return address;
  return family === 'ipv6' ? `[${address}]:${port}` : `${address}:${port}`;
}

export function describePacket(packet: TraceResult['packet']): string {
  const proto = protocolName(packet.proto);
  const icmp = packet.icmpType !== undefined ? ` type ${packet.icmpType}` : '';
  const from = endpoint(packet.src, packet.sport, packet.family);
  const to = endpoint(packet.dst, packet.dport, packet.family);
  const where = packet.in ? `in ${packet.in}` : 'sent by the host';
  return `${proto}${icmp} ${from} → ${to}  ${where}${packet.out ? `, out ${packet.out}` : ''}  ${packet.state}`;
}

function hopLine(hop: TraceHop, paint: Colors): string {
  const where = `${hop.table.padEnd(8)} ${hop.chain.padEnd(26)}`;
  if (hop.rule === undefined) return `  ${paint.dim(where)} ${hop.action}`;
  const rule = `#${hop.rule} line ${hop.ruleLine ?? '?'}`;
  return `  ${paint.dim(where)} ${rule.padEnd(16)} ${hop.ruleText ?? ''}\n  ${' '.repeat(where.length)} ${' '.repeat(16)} → ${actionPaint(hop.action, paint)}`;
}

function actionPaint(action: string, paint: Colors): string {
  if (/^(ACCEPT|policy ACCEPT)/.test(action)) return paint.good(action);
  if (/^(DROP|REJECT|policy DROP)/.test(action)) return paint.bad(action);
  if (/^(undecided|may match)/.test(action)) return paint.unsure(action);
  return action;
}

function verdictText(verdict: TraceVerdict, paint: Colors): string {
  if (verdict === 'accepted') return paint.good('ACCEPTED');
  if (verdict === 'dropped') return paint.bad('DROPPED');
  return paint.unsure('DEPENDS');
}

function outcomeLines(outcome: TraceOutcome, paint: Colors): string[] {
  const lines = outcome.path.map((hop) => hopLine(hop, paint));
  const where = outcome.out === 'local' ? 'delivered to a socket on the host' : outcome.out ? `out ${outcome.out}` : '';
  lines.push(`${verdictText(outcome.verdict, paint)}${where ? `  ${where}` : ''}`);
  const { destination, source } = outcome.nat;
  if (destination) lines.push(`  ${destination.target} ${destination.from} → ${destination.to}  (line ${destination.ruleLine})`);
  if (source) lines.push(`  ${source.target} ${source.from} → ${source.to}  (line ${source.ruleLine})`);
  for (const hinge of outcome.dependsOn ?? []) {
    lines.push(`  ${paint.unsure('assumes')} line ${hinge.ruleLine} ${hinge.matched ? 'matches' : 'does not match'} (${hinge.why}): ${hinge.ruleText}`);
  }
  return lines;
}

export function renderTrace(result: TraceResult, options: RenderOptions = {}): string {
  const paint = colors(!!options.color);
  const lines = [paint.bold(`packet  ${describePacket(result.packet)}`)];
  if (result.branches && result.branches.length > 1) {
    lines.push(`${paint.unsure('the verdict depends on rules the model cannot decide')}: ${result.branches.length} branches`);
    result.branches.forEach((branch, index) => {
      lines.push(paint.bold(`branch ${index + 1}`), ...outcomeLines(branch, paint));
    });
  } else {
    lines.push(...outcomeLines(result, paint));
  }
  if (result.reply) {
    lines.push(paint.bold('reply   ESTABLISHED, addresses swapped, NAT undone by conntrack'), ...outcomeLines(result.reply, paint));
  }
  if (result.connection) {
    const state = result.connection === 'open' ? paint.good('OPEN') : result.connection === 'closed' ? paint.bad('CLOSED') : paint.unsure('DEPENDS');
    lines.push(`connection ${state}${result.connectionNote ? ` — ${result.connectionNote}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
