/**
 * Compiler-style terminal output:
 *
 *     dump.rules:14:1  warning  message  rule-id
 *        |
 *     14 | -A FORWARD -j ACCEPT
 *        | ^~~~~~~~~~~~~~~~~~~~
 *        = fix: …
 *
 * followed by a one-line summary. Everything taken from the input is
 * neutralised before it reaches the terminal.
 */
import { createPalette, type Palette } from './palette.js';
import { compareFindings } from '../engine/lint.js';
import { sourceLines } from '../engine/source-lines.js';
import { sourceExcerpt } from './source-excerpt.js';
import { summarize, type Summary } from './summary.js';
import { neutralize } from './terminal-text.js';
import type { CheckedFileReport, Finding, Formatter } from './types.js';

export const formatStylish: Formatter = (reports, options) => {
  const palette = createPalette(options.color);
  const blocks: string[] = [];
  for (const report of reports) {
    if (report.status !== 'checked' || report.findings.length === 0) continue;
    const lines = sourceLines(report.source);
    for (const finding of [...report.findings].sort(compareFindings)) blocks.push(formatFinding(report, lines, finding, palette));
  }
  blocks.push(summaryLine(summarize(reports), palette));
  return blocks.join('\n\n') + '\n';
};

function formatFinding(report: CheckedFileReport, lines: readonly string[], finding: Finding, palette: Palette): string {
  const { span } = finding;
  const file = neutralize(report.file);
  const head = [
    palette.path(`${file}:${span.line}:${span.column}`),
    palette.severity[finding.severity](finding.severity),
    neutralize(finding.message),
    palette.ruleId(finding.ruleId),
  ].join('  ');
  const out = [head];

  const excerpt = sourceExcerpt(lines, span);
  const gutterWidth = String(excerpt?.lineNumber ?? span.line).length + 1;
  const bar = palette.gutter(' '.repeat(gutterWidth) + '|');
  if (excerpt) {
    out.push(bar);
    out.push(palette.gutter(String(excerpt.lineNumber).padStart(gutterWidth - 1) + ' |') + ' ' + excerpt.code);
    out.push(bar + ' ' + palette.severity[finding.severity](excerpt.marker));
  }
  const note = (label: string, text: string, paint: (t: string) => string): void => {
    const indent = ' '.repeat(gutterWidth + 2 + label.length + 2);
    const body = neutralizeLines(text).join('\n' + indent);
    out.push(palette.gutter(' '.repeat(gutterWidth) + '=') + ' ' + paint(`${label}: ${body}`));
  };
  if (finding.fix !== undefined) note('fix', finding.fix, palette.fix);
  for (const related of finding.related ?? []) {
    note('note', `${file}:${related.span.line}:${related.span.column}: ${related.message}`, (t) => t);
  }
  return out.join('\n');
}

/** Keeps a multi-line fix readable: neutralises each line, not the newlines between them. */
function neutralizeLines(text: string): string[] {
  return text.split('\n').map(neutralize);
}

function summaryLine(summary: Summary, palette: Palette): string {
  const unreadable = summary.filesUnreadable > 0 ? `${plural(summary.filesUnreadable, 'file')} could not be read` : '';
  if (summary.problems === 0) {
    const checked = `${plural(summary.filesChecked, 'file')} checked`;
    return unreadable ? palette.summaryBad(`✖ ${unreadable} (${checked})`) : palette.summaryGood(`✔ no problems (${checked})`);
  }
  const counts = `${plural(summary.error, 'error')}, ${plural(summary.warning, 'warning')}, ${summary.info} info`;
  return palette.summaryBad(`✖ ${plural(summary.problems, 'problem')} (${counts})${unreadable ? '; ' + unreadable : ''}`);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
