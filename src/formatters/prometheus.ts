/**
 * Prometheus text exposition format, for node-exporter's textfile collector:
 * a scheduled scan writes it (atomically, `--output`) to
 * `/var/lib/node_exporter/textfile_collector/iptlint.prom`, and every host of
 * a fleet then exports its findings by rule, severity and file, its parse
 * errors, and when its last scan ran and whether it succeeded.
 */
import type { Severity } from '../engine/types.js';
import { showHiddenCharacters } from './terminal-text.js';
import type { FileReport, Formatter } from './types.js';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Label values escape `\`, `"` and line feeds (the exposition format's only escapes); controls are shown as `\xNN` text first. */
export function escapeLabelValue(value: string): string {
  return showHiddenCharacters(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** HELP text escapes `\` and line feeds. */
function escapeHelp(text: string): string {
  return showHiddenCharacters(text).replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

type Labels = Record<string, string>;

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, help: string, samples: readonly [Labels, number][]): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) this.lines.push(`${name}${renderLabels(labels)} ${value}`);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabelValue(value)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function findingSamples(reports: readonly FileReport[]): [Labels, number][] {
  const counts = new Map<string, { labels: Labels; count: number }>();
  for (const report of reports) {
    if (report.status !== 'checked') continue;
    for (const finding of report.findings) {
      const key = JSON.stringify([report.file, finding.ruleId, finding.severity]);
      const entry = counts.get(key) ?? { labels: { file: report.file, rule: finding.ruleId, severity: finding.severity }, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => [entry.labels, entry.count]);
}

export const formatPrometheus: Formatter = (reports, options) => {
  const checked = reports.filter((report) => report.status === 'checked');
  const totals = new Map<Severity, number>(SEVERITIES.map((severity) => [severity, 0]));
  for (const report of checked) for (const finding of report.findings) totals.set(finding.severity, (totals.get(finding.severity) ?? 0) + 1);
  const now = options.now ?? new Date();

  const out = new Exposition();
  out.family('iptlint_findings', 'Findings of the last iptlint scan, by file, rule and severity.', findingSamples(reports));
  out.family(
    'iptlint_findings_total',
    'Findings of the last iptlint scan, by severity (all files).',
    SEVERITIES.map((severity) => [{ severity }, totals.get(severity) ?? 0]),
  );
  out.family(
    'iptlint_parse_errors',
    'Syntax errors in each dump of the last iptlint scan (lines iptables-restore would reject).',
    checked.map((report) => [{ file: report.file }, report.findings.filter((finding) => finding.category === 'syntax').length]),
  );
  out.family('iptlint_files_checked', 'Dumps the last iptlint scan read and checked.', [[{}, checked.length]]);
  out.family('iptlint_last_scan_timestamp_seconds', 'When the last iptlint scan ran (Unix time).', [[{}, Math.floor(now.getTime() / 1000)]]);
  out.family(
    'iptlint_scan_success',
    'Whether the last iptlint scan could read every input (1) or not (0); findings do not make it fail.',
    [[{}, checked.length === reports.length ? 1 : 0]],
  );
  return out.text();
};
