/**
 * Mermaid flowchart of the chain graph: one subgraph per table, chains as
 * nodes with generated ids and quoted labels in which every character other
 * than letters, digits, blank and `_.,-` is written as a `#code;` entity, so
 * no chain name can close the label, start a statement or inject markup.
 */
import type { ChainKind, GraphEdge, TableGraph } from './model.js';
import { edgeLabel, nodeIds, nodeLabel } from './labels.js';

const SAFE = /[A-Za-z0-9 _.,-]/;

/** A Mermaid quoted label with everything but plain characters as numeric entities. */
export function mermaidString(text: string): string {
  let out = '';
  for (const char of text) out += SAFE.test(char) ? char : `#${char.codePointAt(0)};`;
  return `"${out}"`;
}

/** Built-in chains are rectangles, Docker's are stadiums, the user's are rounded boxes; the class says it too. */
const SHAPE: Record<ChainKind, [string, string]> = {
  builtin: ['[', ']'],
  docker: ['([', '])'],
  user: ['(', ')'],
};

const CLASS_DEFS: Record<ChainKind, string> = {
  builtin: 'fill:#dbeafe,stroke:#1e3a8a,stroke-width:2px,color:#0f172a',
  docker: 'fill:#e0f2fe,stroke:#0369a1,color:#0f172a',
  user: 'fill:#f5f5f4,stroke:#44403c,color:#0f172a',
};

export function renderMermaid(graphs: readonly TableGraph[]): string {
  const lines = ['flowchart LR'];
  graphs.forEach((graph, tableIndex) => {
    const ids = nodeIds(graph, tableIndex);
    lines.push(`  subgraph t${tableIndex}[${mermaidString(`table ${graph.table}`)}]`);
    for (const node of graph.nodes) {
      const [open, close] = SHAPE[node.kind];
      lines.push(`    ${ids.get(node.name)}${open}${mermaidString(nodeLabel(node))}${close}:::${node.kind}`);
    }
    lines.push('  end');
    for (const edge of graph.edges) lines.push(`  ${mermaidEdge(edge, ids)}`);
  });
  for (const kind of Object.keys(CLASS_DEFS) as ChainKind[]) lines.push(`  classDef ${kind} ${CLASS_DEFS[kind]}`);
  return lines.join('\n') + '\n';
}

function mermaidEdge(edge: GraphEdge, ids: ReadonlyMap<string, string>): string {
  const arrow = edge.via === 'goto' ? '-.->' : '-->';
  return `${ids.get(edge.from)} ${arrow}|${mermaidString(edgeLabel(edge))}| ${ids.get(edge.to)}`;
}
