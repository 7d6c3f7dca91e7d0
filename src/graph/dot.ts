/**
 * Graphviz DOT of the chain graph: one cluster per table, chains as nodes
 * with generated ids (names only ever appear inside escaped labels, so no
 * chain name can end a string or open a new statement), jumps as solid and
 * gotos as dashed edges labelled with their rules' line numbers.
 */
import type { ChainKind, GraphEdge, TableGraph } from './model.js';
import { edgeLabel, nodeIds, nodeLabel } from './labels.js';

const NODE_STYLE: Record<ChainKind, string> = {
  builtin: 'shape=box, style="filled,bold", fillcolor="#dbeafe", color="#1e3a8a"',
  docker: 'shape=box, style="filled,rounded", fillcolor="#e0f2fe", color="#0369a1"',
  user: 'shape=ellipse, style=filled, fillcolor="#f5f5f4", color="#44403c"',
};

/** A DOT double-quoted string: `\` and `"` escaped, control characters shown as `\xNN` text. */
export function dotString(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `"${out}"`;
}

export function renderDot(graphs: readonly TableGraph[], title: string): string {
  const lines = [`digraph ${dotString(title)} {`, '  rankdir=LR;', '  node [fontname="monospace"];', '  edge [fontname="monospace", fontsize=10];'];
  graphs.forEach((graph, tableIndex) => {
    const ids = nodeIds(graph, tableIndex);
    lines.push(`  subgraph cluster_${tableIndex} {`, `    label=${dotString(`table ${graph.table}`)};`);
    for (const node of graph.nodes) lines.push(`    ${ids.get(node.name)} [label=${dotString(nodeLabel(node))}, ${NODE_STYLE[node.kind]}, class=${node.kind}];`);
    lines.push('  }');
    for (const edge of graph.edges) lines.push(`  ${dotEdge(edge, ids)}`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

function dotEdge(edge: GraphEdge, ids: ReadonlyMap<string, string>): string {
  const style = edge.via === 'goto' ? ', style=dashed' : '';
  return `${ids.get(edge.from)} -> ${ids.get(edge.to)} [label=${dotString(edgeLabel(edge))}${style}];`;
}

