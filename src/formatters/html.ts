/**
 * `--format html`: one self-contained page per run (inline CSS and script,
 * no fetches, works from file://): per dump a summary, the findings grouped
 * by Docker network and rule with their source lines, and — when check had
 * Docker state — the packet model's isolation matrix (click a cell for its
 * witness packet and rule path), the exposure table and the chain graph as a
 * table. Every text from a dump is escaped; the matrix data is embedded as
 * script-safe JSON and written into the page with textContent only.
 */
import { parse } from '../../grammar/index.js';
import { detectGeneration } from '../docker/index.js';
import { chainGraph, type TableGraph } from '../graph/index.js';
import { buildModel } from '../model/build.js';
import type { Model } from '../model/types.js';
import type { ReachJson } from '../packet/reach-render.js';
import { REPORT_CSS, REPORT_SCRIPT } from './html-assets.js';
import { escapeHtml as h, jsonForScript } from './html-escape.js';
import { summarize } from './summary.js';
import type { CheckedFileReport, FileReport, Finding, Formatter, Severity } from './types.js';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export const formatHtml: Formatter = (reports, options) => {
  const summary = summarize(reports);
  const title = `${options.tool.name} report`;
  const sections = reports.map((report, index) => (report.status === 'checked' ? checkedSection(report, index) : unreadableSection(report)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p class="muted">${h(`${options.tool.name} ${options.tool.version}`)}: ${summary.filesChecked} dump${summary.filesChecked === 1 ? '' : 's'} checked${summary.filesUnreadable > 0 ? `, ${summary.filesUnreadable} unreadable` : ''}; <span id="total-findings">${summary.problems}</span> finding${summary.problems === 1 ? '' : 's'} (${summary.error} error, ${summary.warning} warning, ${summary.info} info).</p>
</header>
<main>
${sections.join('\n')}
</main>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
};

function unreadableSection(report: Extract<FileReport, { status: 'unreadable' }>): string {
  return `<section><h2>${h(report.file)}</h2><p class="sev-error">Not checked: ${h(report.error)}</p></section>`;
}

interface DumpFacts {
  model: Model;
  generation: string;
  networks: { name: string; bridge: string }[];
}

function dumpFacts(report: CheckedFileReport): DumpFacts {
  const result = parse(report.source, { file: report.file, ...(report.format ? { format: report.format } : {}), ...(report.family ? { family: report.family } : {}) });
  const model = buildModel(result);
  const detection = detectGeneration(model);
  const generation = detection.generation === null ? 'no Docker rules found' : `${detection.generation} (Docker ${detection.versions})`;
  return { model, generation, networks: report.reach?.networks.map(({ name, bridge }) => ({ name, bridge })) ?? [] };
}

function checkedSection(report: CheckedFileReport, index: number): string {
  const facts = dumpFacts(report);
  const id = `dump-${index}`;
  const parts = [
    `<section aria-labelledby="${id}">`,
    `<h2 id="${id}">${h(report.file)}</h2>`,
    summaryBlock(report, facts),
    findingsBlock(report, facts),
  ];
  if (report.reach) parts.push(matrixBlock(report.reach, index), exposureBlock(report.reach), notesBlock(report.reach));
  else parts.push('<p class="muted">No isolation matrix or exposure table: run <code>iptlint check</code> with <code>--docker-networks</code> and <code>--docker-containers</code> to prove them with the packet model.</p>');
  parts.push(graphBlock(chainGraph(facts.model)), '</section>');
  return parts.join('\n');
}

function summaryBlock(report: CheckedFileReport, facts: DumpFacts): string {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of report.findings) counts[finding.severity]++;
  const networks = facts.networks.map((network) => `${network.name} (${network.bridge})`).join(', ');
  return `<h3>Summary</h3>
<dl class="summary">
<dt>Host dump</dt><dd><code>${h(report.file)}</code>${report.family ? ` (${report.family}${report.format ? `, ${report.format === 'save' ? 'iptables-save' : 'iptables -S'}` : ''})` : ''}</dd>
<dt>Docker generation</dt><dd>${h(facts.generation)}</dd>
${networks ? `<dt>Docker networks</dt><dd>${h(networks)}</dd>` : ''}
</dl>
<table class="counts">
<caption>Findings by severity</caption>
<thead><tr>${SEVERITIES.map((severity) => `<th scope="col">${severity}</th>`).join('')}<th scope="col">total</th></tr></thead>
<tbody><tr>${SEVERITIES.map((severity) => `<td class="sev-${severity}" data-severity="${severity}">${counts[severity]}</td>`).join('')}<td>${report.findings.length}</td></tr></tbody>
</table>`;
}

/** The dump's lines, each escaped and split into words once however many findings point at it. */
class SourceView {
  private readonly escaped = new Map<number, string | undefined>();
  private readonly words = new Map<number, ReadonlySet<string>>();

  constructor(private readonly lines: readonly string[]) {}

  /** Line `number` (1-based) as HTML text, or undefined past the end. */
  html(number: number): string | undefined {
    if (!this.escaped.has(number)) {
      const line = this.lines[number - 1];
      this.escaped.set(number, line === undefined ? undefined : h(line));
    }
    return this.escaped.get(number);
  }

  wordsOf(number: number): ReadonlySet<string> {
    let words = this.words.get(number);
    if (!words) this.words.set(number, (words = new Set(splitWords(this.lines[number - 1] ?? ''))));
    return words;
  }
}

function splitWords(text: string): string[] {
  return text.split(/[\s(),:]+/);
}

/** `network "appnet"` in the message, else a network whose bridge the message or the rule names. */
function networkOf(finding: Finding, view: SourceView, networks: DumpFacts['networks']): string | undefined {
  const named = /network "([^"]+)"/.exec(finding.message)?.[1];
  if (named !== undefined) return named;
  const inMessage = new Set(splitWords(finding.message));
  const inLine = view.wordsOf(finding.span.line);
  return networks.find((network) => inMessage.has(network.bridge) || inLine.has(network.bridge))?.name;
}

function findingsBlock(report: CheckedFileReport, facts: DumpFacts): string {
  if (report.findings.length === 0) return '<h3>Findings</h3><p>No findings.</p>';
  const view = new SourceView(report.source.split(/\r?\n/));
  const groups = new Map<string, Map<string, Finding[]>>();
  const hostWide = 'Host-wide (no single network)';
  for (const finding of report.findings) {
    const group = networkOf(finding, view, facts.networks);
    const key = group === undefined ? hostWide : `Network ${group}`;
    let byRule = groups.get(key);
    if (!byRule) groups.set(key, (byRule = new Map()));
    const list = byRule.get(finding.ruleId) ?? [];
    list.push(finding);
    byRule.set(finding.ruleId, list);
  }
  const ordered = [...groups.keys()].sort((a, b) => (a === hostWide ? 1 : b === hostWide ? -1 : a.localeCompare(b)));
  const out = ['<h3>Findings</h3>'];
  for (const group of ordered) {
    out.push(`<h4>${h(group)}</h4>`);
    for (const [ruleId, findings] of groups.get(group) as Map<string, Finding[]>) {
      out.push(`<details open><summary><code>${h(ruleId)}</code> (${findings.length})</summary>`);
      for (const finding of findings) out.push(findingBlock(finding, view));
      out.push('</details>');
    }
  }
  return out.join('\n');
}

function findingBlock(finding: Finding, view: SourceView): string {
  const source = view.html(finding.span.line);
  const related = (finding.related ?? [])
    .map((entry) => {
      const line = view.html(entry.span.line);
      return `<li>line ${entry.span.line}: ${h(entry.message)}${line === undefined ? '' : `<pre>${line}</pre>`}</li>`;
    })
    .join('');
  return `<div class="finding" data-rule="${h(finding.ruleId)}" data-severity="${finding.severity}">
<p><span class="sev-${finding.severity}">${finding.severity}</span> ${h(finding.message)}</p>
<p class="muted">${h(finding.file)}:${finding.span.line}:${finding.span.column}</p>
${source === undefined ? '' : `<pre>${source}</pre>`}
${finding.fix === undefined ? '' : `<p>Fix: ${h(finding.fix)}</p>`}
${related ? `<ul>${related}</ul>` : ''}
</div>`;
}

const STATUS_TEXT: Record<string, string> = { open: 'open', partial: 'partly open', closed: 'blocked', depends: 'depends' };

function matrixBlock(reach: ReachJson, index: number): string {
  const cells = reach.matrix.map((cell) => ({
    ...cell,
    statusText: `${STATUS_TEXT[cell.status] ?? cell.status}${cell.from === cell.to ? ' (same network)' : ''}${cell.uncertain ? ' (uncertain)' : ''}`,
  }));
  const out = ['<h3>Isolation matrix</h3>', '<p class="legend">Can a container on the row\'s network open connections to the column\'s network? <span class="st-closed">blocked</span><span class="st-partial">partly open</span><span class="st-open">open</span><span class="st-depends">depends</span> <span class="no-print muted">Select a cell to see its witness packet and rule path.</span></p>'];
  for (const family of reach.families) {
    const names = reach.networks.map((network) => network.name);
    const position = new Map<string, number>();
    cells.forEach((cell, at) => {
      if (cell.family === family) position.set(`${cell.from}\0${cell.to}`, at);
    });
    out.push(`<table class="matrix" id="matrix-${index}-${family}"><caption>${family === 'ipv4' ? 'IPv4' : 'IPv6'}: rows are the source network, columns the destination</caption>`);
    out.push(`<thead><tr><th scope="col">from \\ to</th>${names.map((name) => `<th scope="col">${h(name)}</th>`).join('')}</tr></thead><tbody>`);
    for (const from of names) {
      const row = names.map((to) => {
        const at = position.get(`${from}\0${to}`);
        if (at === undefined) return '<td class="muted">n/a</td>';
        const cell = cells[at] as (typeof cells)[number];
        // Within one network, open is Docker's default (icc), not a gap: no alarm colour.
        const look = from === to && cell.status === 'open' ? 'self' : cell.status;
        return `<td><button type="button" class="st-${h(look)}" data-cell="${at}" aria-pressed="false" aria-label="${h(`${from} to ${to}: ${cell.statusText}`)}">${h(cell.statusText)}</button></td>`;
      });
      out.push(`<tr><th scope="row">${h(from)}</th>${row.join('')}</tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push(`<div class="witness" role="region" aria-live="polite" aria-label="Witness of the selected cell"><p class="muted">No cell selected.</p></div>`);
  out.push(`<script type="application/json" class="reach-data">${jsonForScript(cells)}</script>`);
  return out.join('\n');
}

function exposureBlock(reach: ReachJson): string {
  if (reach.exposure.length === 0) return '<h3>Exposure</h3><p>Nothing is reachable from outside.</p>';
  const rows = reach.exposure.map((entry) => {
    const host = entry.hostPorts === undefined ? '—' : `${entry.hostAddresses ?? 'any'}:${entry.hostPorts}`;
    const container = `${entry.container ?? entry.address}${entry.network === undefined ? '' : ` (${entry.network})`}`;
    const restrictions = entry.restrictedBy.length === 0 ? 'none' : entry.restrictedBy.map((rule) => `line ${rule.ruleLine}: ${rule.ruleText} (${rule.action})`).join('; ');
    const status = `${STATUS_TEXT[entry.status] ?? entry.status}${entry.uncertain ? ' (uncertain)' : ''}`;
    return `<tr class="exposure-row"><td>${h(entry.family)}</td><td><code>${h(host)}</code></td><td>${h(container)}</td><td><code>${h(`${entry.address}:${entry.ports}/${entry.proto}`)}</code></td><td>${h(entry.via)}${entry.published ? '' : ' (not published)'}</td><td>${h(entry.sources)} via ${h(entry.interfaces.join(', '))}</td><td>${h(restrictions)}</td><td class="st-${h(entry.status)}">${h(status)}</td></tr>`;
  });
  return `<h3>Exposure</h3>
<table class="exposure"><caption>What hosts outside can reach: host port → container port</caption>
<thead><tr><th scope="col">Family</th><th scope="col">Host address:port</th><th scope="col">Container (network)</th><th scope="col">Container port</th><th scope="col">Via</th><th scope="col">Reachable from</th><th scope="col">DOCKER-USER restrictions</th><th scope="col">Status</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function notesBlock(reach: ReachJson): string {
  if (reach.notes.length === 0) return '';
  return `<h4>Assumptions of the packet model</h4><ul>${reach.notes.map((note) => `<li>${h(note)}</li>`).join('')}</ul>`;
}

function graphBlock(graphs: readonly TableGraph[]): string {
  const out = ['<h3>Chain graph</h3>', '<p class="muted">Each chain with the chains it jumps (or goes) to and the lines of those rules.</p>'];
  for (const graph of graphs) {
    out.push(`<table class="chain-graph"><caption>Table ${h(graph.table)}</caption><thead><tr><th scope="col">Chain</th><th scope="col">Kind</th><th scope="col">Policy</th><th scope="col">Rules</th><th scope="col">Jumps to (lines)</th></tr></thead><tbody>`);
    for (const node of graph.nodes) {
      const edges = graph.edges
        .filter((edge) => edge.from === node.name)
        .map((edge) => `${h(edge.to)}${edge.via === 'goto' ? ' (goto)' : ''}: ${edge.lines.join(', ')}`)
        .join('<br>');
      out.push(`<tr><th scope="row"><code>${h(node.name)}</code></th><td>${node.kind === 'builtin' ? 'built-in' : node.kind === 'docker' ? 'Docker' : 'user'}</td><td>${h(node.policy ?? '—')}</td><td>${node.ruleCount}</td><td>${edges || '—'}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  return out.join('\n');
}
