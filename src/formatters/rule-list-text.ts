/**
 * `iptlint rules`: one aligned line per finding id, the lint rules first
 * (each with a docs page), then the ids other parts of iptlint report.
 */
import type { CatalogEntry } from './rule-catalog.js';
import { defaultSeverity } from './rule-list-json.js';
import { createPalette } from './palette.js';

function byId(a: CatalogEntry, b: CatalogEntry): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function formatRuleListText(catalog: readonly CatalogEntry[], options: { color: boolean }): string {
  const palette = createPalette(options.color);
  const rules = catalog.filter((entry) => entry.source === 'rule').sort(byId);
  const others = catalog.filter((entry) => entry.source !== 'rule');
  const idWidth = Math.max(2, ...catalog.map((entry) => entry.id.length));
  const categoryWidth = Math.max(8, ...catalog.map((entry) => entry.category.length));
  const row = (entry: CatalogEntry): string => {
    const severity = defaultSeverity(entry);
    const shown = severity === 'off' ? palette.gutter(severity.padEnd(7)) : palette.severity[severity](severity.padEnd(7));
    return `${entry.id.padEnd(idWidth)}  ${shown}  ${entry.category.padEnd(categoryWidth)}  ${entry.description}`;
  };
  const header = `${'ID'.padEnd(idWidth)}  ${'DEFAULT'.padEnd(7)}  ${'CATEGORY'.padEnd(categoryWidth)}  DESCRIPTION`;
  const lines = [header, ...rules.map(row)];
  if (others.length > 0) {
    lines.push('', 'Reported by the parser, the packet model, the live scan and the suppression directives:', ...others.map(row));
  }
  lines.push('', `${plural(rules.length, 'rule')} (details: docs/rules/<id>.md) and ${plural(others.length, 'other finding id')}; a config file can set the severity of any of them`);
  return lines.join('\n') + '\n';
}
