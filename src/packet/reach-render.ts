/**
 * Text and JSON forms of a reach report. The text is meant to be read at a
 * glance: a matrix per family, one line per network for outbound access, a
 * table of exposed container ports, then the findings.
 */
import type { Family } from '../../grammar/ast.js';
import type { Finding } from '../engine/types.js';
import type { Rule } from '../model/types.js';
import { ruleText } from './evaluator.js';
import { colors, type Colors } from './paint.js';
import { describeWitness } from './reach-findings.js';
import type { DockerUserCheck, Exposure, MatrixCell, OutboundEntry, ReachReport } from './reach.js';
import type { ReachStatus, Witness } from './reach-query.js';

const FAMILY_LABEL: Record<Family, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

function mark(status: ReachStatus, uncertain: boolean, paint: Colors): string {
  const symbol = status === 'open' ? '✓' : status === 'partial' ? '~' : status === 'closed' ? '·' : '?';
  const text = uncertain && status !== 'depends' ? `${symbol}?` : symbol;
  if (status === 'open') return paint.good(text);
  if (status === 'partial') return paint.unsure(text);
  if (status === 'depends') return paint.unsure(text);
  return paint.dim(text);
}

function pad(text: string, width: number): string {
  // Colour codes do not take room on screen.
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\x1b\[[0-9;]*m/g, '').length;
  return text + ' '.repeat(Math.max(0, width - visible));
}

function matrixLines(report: ReachReport, family: Family, paint: Colors): string[] {
  const cells = report.matrix.filter((cell) => cell.family === family);
  if (cells.length === 0) return [];
  const names = [...new Set(cells.map((cell) => cell.from))];
  const width = Math.max(...names.map((name) => name.length), 4);
  const index = names.map((_, i) => String(i + 1));
  const column = Math.max(...index.map((label) => label.length)) + 2;
  const lines = [paint.bold(`${FAMILY_LABEL[family]} isolation — rows: from, columns: to`)];
  lines.push(`  ${' '.repeat(width + index.length.toString().length + 2)}${index.map((label) => pad(label, column)).join('')}`);
  names.forEach((from, row) => {
    const marks = names.map((to) => {
      const cell = cells.find((candidate) => candidate.from === from && candidate.to === to);
      return pad(cell ? mark(cell.status, cell.uncertain, paint) : ' ', column);
    });
    lines.push(`  ${pad(String(row + 1), index.length.toString().length)} ${pad(from, width)} ${marks.join('')}`);
  });
  lines.push(paint.dim('  ✓ every protocol and port   ~ some   · nothing   ? depends on rules the model cannot decide'));
  for (const cell of cells) {
    if (cell.status === 'closed') continue;
    if (cell.from === cell.to && cell.status === 'open') continue;
    lines.push(`  ${cell.from} → ${cell.to}: ${cell.open.length > 0 ? cell.open.map((line) => line.trim()).join(' ') : cell.status}`);
    for (const hinge of cell.dependsOn ?? []) lines.push(`    ${paint.unsure('depends on')} ${hinge}`);
  }
  const pairs = report.containerPairs.filter((pair) => pair.family === family);
  if (pairs.length > 0) {
    lines.push('  containers where a network pair is only partly open:');
    for (const pair of pairs.slice(0, 40)) lines.push(`    ${pair.from} → ${pair.to}: ${pair.open.join('; ')}`);
    if (pairs.length > 40) lines.push(`    … ${pairs.length - 40} more`);
  }
  return lines;
}

function outboundLines(report: ReachReport, family: Family, paint: Colors): string[] {
  const entries = report.outbound.filter((entry) => entry.family === family);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map((entry) => entry.network.length));
  const lines = [paint.bold(`${FAMILY_LABEL[family]} outbound — containers to the outside`)];
  for (const entry of entries) {
    const detail = entry.status === 'closed' ? blockedBy(entry.witness) : entry.status === 'partial' ? entry.open.join('; ') : '';
    lines.push(`  ${pad(entry.network, width)}  ${mark(entry.status, entry.uncertain, paint)} ${pad(entry.status, 8)} ${[entry.masquerade, detail].filter(Boolean).join('; ')}`);
  }
  return lines;
}

function blockedBy(witness: Witness | undefined): string {
  if (!witness) return '';
  if (witness.decidedBy) return `blocked by line ${witness.decidedBy.span.line}: ${ruleText(witness.decidedBy)}`;
  if (witness.decidedByPolicy) return `blocked by the ${witness.decidedByPolicy.chain} policy ${witness.decidedByPolicy.policy}`;
  return witness.why ?? '';
}

function viaText(exposure: Exposure): string {
  if (exposure.via === 'direct') return `direct ${exposure.address}`;
  const hosts = exposure.hostAddresses === 'any host address' ? '*' : (exposure.hostAddresses ?? '*');
  return `${hosts}:${exposure.hostPorts ?? '?'} ${exposure.via === 'proxy' ? 'docker-proxy' : 'DNAT'}`;
}

function exposureLines(report: ReachReport, paint: Colors): string[] {
  if (report.exposure.length === 0) return [paint.bold('exposure — nothing in any container is reachable from outside')];
  const rows = report.exposure.map((exposure) => {
    const flags: string[] = [];
    if (!exposure.published) flags.push(paint.bad('not published'));
    else if (exposure.via === 'direct') flags.push(paint.unsure('published port, reachable directly'));
    if (exposure.uncertain) flags.push(paint.unsure('depends on undecidable rules'));
    const restricted = exposure.restrictedBy.map((rule) => `line ${rule.ruleLine}`).join(', ');
    return [
      FAMILY_LABEL[exposure.family],
      exposure.container ?? '?',
      exposure.ports ? `${exposure.proto}/${exposure.ports}` : exposure.proto,
      viaText(exposure),
      exposure.sources,
      mark(exposure.status, false, paint) + ' ' + exposure.status,
      restricted || '-',
      flags.join(', '),
    ];
  });
  const header = ['FAMILY', 'CONTAINER', 'PORT', 'VIA', 'SOURCES', 'STATUS', 'RESTRICTED BY', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').replace(/\x1b\[[0-9;]*m/g, '').length)));
  const line = (row: string[]): string => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, (widths[column] ?? 0) + 2))).join('')}`.trimEnd();
  return [paint.bold('exposure — container ports reachable from outside'), paint.dim(line(header)), ...rows.map(line)];
}

function dockerUserLines(report: ReachReport, paint: Colors): string[] {
  if (report.dockerUser.length === 0) return [];
  const lines = [paint.bold('DOCKER-USER rules that never see the traffic they name')];
  for (const check of report.dockerUser) {
    lines.push(`  line ${check.ruleLine}: ${check.ruleText}`);
    for (const miss of check.missesPorts) lines.push(`    misses host port ${miss.hostPort}/${miss.proto}: FORWARD sees ${miss.container ?? '?'}:${miss.containerPort}`);
    if (check.suggestion) lines.push(`    ${paint.good('instead:')} ${check.suggestion}`);
  }
  return lines;
}

function findingLines(findings: readonly Finding[], paint: Colors): string[] {
  if (findings.length === 0) return [paint.good('no reach findings')];
  const lines = [paint.bold(`${findings.length} finding${findings.length === 1 ? '' : 's'}`)];
  for (const finding of findings) {
    const severity = finding.severity === 'error' ? paint.bad(finding.severity) : finding.severity === 'warning' ? paint.unsure(finding.severity) : finding.severity;
    lines.push(`  ${pad(severity, 8)} ${finding.file}:${finding.span.line}  ${paint.dim(finding.ruleId)}`, `    ${finding.message}`);
    if (finding.fix) lines.push(`    ${paint.good('fix:')} ${finding.fix}`);
  }
  return lines;
}

export interface ReachRenderOptions {
  color?: boolean;
}

export function renderReach(report: ReachReport, findings: readonly Finding[], options: ReachRenderOptions = {}): string {
  const paint = colors(!!options.color);
  const sections: string[][] = [];
  for (const family of report.families) {
    sections.push(matrixLines(report, family, paint));
    sections.push(outboundLines(report, family, paint));
  }
  sections.push(exposureLines(report, paint), dockerUserLines(report, paint), findingLines(findings, paint));
  if (report.notes.length > 0) sections.push([paint.dim('notes'), ...report.notes.map((note) => paint.dim(`  - ${note}`))]);
  return `${sections
    .filter((section) => section.length > 0)
    .map((section) => section.join('\n'))
    .join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------
// JSON

export interface RuleRef {
  table: string;
  chain: string;
  rule: number;
  line: number;
  text: string;
}

function ruleRef(rule: Rule): RuleRef {
  return { table: rule.table, chain: rule.chain, rule: rule.index + 1, line: rule.span.line, text: ruleText(rule) };
}

export interface WitnessJson extends Omit<Witness, 'decidedBy' | 'rules'> {
  decidedBy?: RuleRef;
  summary: string;
}

function witnessJson(witness: Witness | undefined): WitnessJson | undefined {
  if (!witness) return undefined;
  const { decidedBy, rules: _rules, ...rest } = witness;
  void _rules;
  return { ...rest, ...(decidedBy ? { decidedBy: ruleRef(decidedBy) } : {}), summary: describeWitness(witness) };
}

type WithWitnessJson<T extends { witness?: Witness }> = Omit<T, 'witness'> & { witness?: WitnessJson };
type DockerUserMiss = DockerUserCheck['missesPorts'][number];

/** `reachJson`'s shape: the report with rules as references and witnesses with their paths. */
export interface ReachJson {
  families: ReachReport['families'];
  networks: ReachReport['networks'];
  matrix: WithWitnessJson<MatrixCell>[];
  containerPairs: ReachReport['containerPairs'];
  outbound: WithWitnessJson<OutboundEntry>[];
  exposure: (WithWitnessJson<Omit<Exposure, 'dnatRule'>> & { dnatRule?: RuleRef })[];
  dockerUser: (Omit<DockerUserCheck, 'rule' | 'missesPorts'> & { rule: RuleRef; missesPorts: WithWitnessJson<DockerUserMiss>[] })[];
  findings: readonly Finding[];
  notes: string[];
  stats: ReachReport['stats'];
}

/** The report as plain JSON (rules as references, witnesses with their paths). */
export function reachJson(report: ReachReport, findings: readonly Finding[]): ReachJson {
  return {
    families: report.families,
    networks: report.networks,
    matrix: report.matrix.map((cell) => ({ ...cell, witness: witnessJson(cell.witness) })),
    containerPairs: report.containerPairs,
    outbound: report.outbound.map((entry) => ({ ...entry, witness: witnessJson(entry.witness) })),
    exposure: report.exposure.map((entry) => {
      const { dnatRule, witness, ...rest } = entry;
      return { ...rest, ...(dnatRule ? { dnatRule: ruleRef(dnatRule) } : {}), witness: witnessJson(witness) };
    }),
    dockerUser: report.dockerUser.map((check) => {
      const { rule, missesPorts, ...rest } = check;
      return { ...rest, rule: ruleRef(rule), missesPorts: missesPorts.map((miss) => ({ ...miss, witness: witnessJson(miss.witness) })) };
    }),
    findings,
    notes: report.notes,
    stats: report.stats,
  };
}
