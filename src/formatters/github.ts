/**
 * GitHub Actions workflow commands: one `::error`, `::warning` or `::notice`
 * line per finding, which the runner turns into an annotation on the file
 * and line (in the job summary, and on the diff of a pull request):
 *
 *     ::error file=host.rules,line=4,col=15,endLine=4,endColumn=28,title=undefined-jump-target::message%0AFix: …
 *
 * Values are escaped as the runner unescapes them: `%`, CR and LF everywhere,
 * and also `:` and `,` in properties. Other control characters become
 * visible escapes (`\x1b`) so a hostile dump cannot colour or rewrite the log.
 */
import { compareFindings } from '../engine/lint.js';
import { neutralize } from './terminal-text.js';
import type { Formatter, Severity } from './types.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** Data (the message): `%`, CR and LF. */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Property values (file, title): as data, plus `:` and `,` which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** Neutralises each line but keeps the line breaks, which escapeData encodes. */
function visible(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(neutralize)
    .join('\n');
}

function command(name: string, properties: [string, string | number][], message: string): string {
  const props = properties.map(([key, value]) => `${key}=${typeof value === 'number' ? value : escapeProperty(neutralize(value))}`).join(',');
  return `::${name} ${props}::${escapeData(visible(message))}`;
}

export const formatGithub: Formatter = (reports) => {
  const lines: string[] = [];
  for (const report of reports) {
    if (report.status === 'unreadable') {
      lines.push(command('error', [['file', report.file], ['title', 'iptlint: unreadable input']], `cannot read ${report.file}: ${report.error}`));
      continue;
    }
    for (const finding of [...report.findings].sort(compareFindings)) {
      const { span } = finding;
      const properties: [string, string | number][] = [
        ['file', report.file],
        ['line', span.line],
        ['col', span.column],
        ['endLine', span.endLine],
      ];
      // GitHub's endColumn is inclusive and only used on one-line annotations; iptlint's is exclusive.
      if (span.endLine === span.line) properties.push(['endColumn', Math.max(span.column, span.endColumn - 1)]);
      properties.push(['title', finding.ruleId]);
      const message = finding.fix === undefined ? finding.message : `${finding.message}\nFix: ${finding.fix}`;
      lines.push(command(COMMAND[finding.severity], properties, message));
    }
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
};
