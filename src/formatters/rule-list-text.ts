/** `iptlint rules`: one aligned line per rule. */
import type { RuleMeta } from '../engine/types.js';
import { createPalette } from './palette.js';

export function formatRuleListText(rules: readonly RuleMeta[], options: { color: boolean }): string {
  const palette = createPalette(options.color);
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const idWidth = Math.max(2, ...sorted.map((meta) => meta.id.length));
  const categoryWidth = Math.max(8, ...sorted.map((meta) => meta.category.length));
  const lines = sorted.map(
    (meta) =>
      `${meta.id.padEnd(idWidth)}  ${palette.severity[meta.severity](meta.severity.padEnd(7))}  ` +
      `${meta.category.padEnd(categoryWidth)}  ${meta.docs.description}`,
  );
  const header = `${'ID'.padEnd(idWidth)}  ${'DEFAULT'.padEnd(7)}  ${'CATEGORY'.padEnd(categoryWidth)}  DESCRIPTION`;
  return [header, ...lines, '', `${sorted.length} ${sorted.length === 1 ? 'rule' : 'rules'}; details: docs/rules/<id>.md`].join('\n') + '\n';
}
