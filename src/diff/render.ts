/** `iptlint diff` output: text for people, JSON (the DiffReport of types.ts) for tools. */
import { stringifyJson } from '../formatters/json-text.js';
import { neutralize } from '../formatters/terminal-text.js';
import type { DiffChange, DiffReport } from './types.js';

export function diffJson(report: DiffReport): string {
  return stringifyJson(report, 2) + '\n';
}

export function renderDiff(report: DiffReport): string {
  const lines = [
    `${report.old.files.join(' + ')} → ${report.new.files.join(' + ')}`,
    `(networks matched by ${report.matchedBy.networks}, containers by ${report.matchedBy.containers}; counters, dates and layout ignored)`,
    '',
  ];
  const security = report.changes.filter((change) => change.securityRelevant);
  const other = report.changes.filter((change) => !change.securityRelevant);
  if (report.changes.length === 0) lines.push('No changes.');
  if (security.length > 0) lines.push(`Security-relevant changes (${security.length}):`, ...security.map(changeLine), '');
  if (other.length > 0) lines.push(`Other changes (${other.length}):`, ...other.map(changeLine), '');
  if (report.changes.length > 0) lines.push(`${report.changes.length} change${report.changes.length === 1 ? '' : 's'}, ${security.length} security-relevant`);
  return lines.join('\n') + '\n';
}

function changeLine(change: DiffChange): string {
  const family = change.family === 'ipv6' ? '[ipv6] ' : '';
  const where = [change.old && `was ${change.old.file}:${change.old.line}`, change.new && `now ${change.new.file}:${change.new.line}`].filter(Boolean).join(', ');
  const rule = change.kind.startsWith('docker-') && change.rule !== undefined && !change.message.endsWith(change.rule) ? `\n      ${neutralize(change.rule)}` : '';
  return `  ${family}${neutralize(change.message)}${where ? `  (${neutralize(where)})` : ''}${rule}`;
}
