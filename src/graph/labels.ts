/** Node ids and label texts shared by the DOT and Mermaid printers. */
import type { GraphEdge, GraphNode, TableGraph } from './model.js';

/** `t<table>c<chain>`: ids made of letters and digits only, unique across tables. */
export function nodeIds(graph: TableGraph, tableIndex: number): Map<string, string> {
  return new Map(graph.nodes.map((node, index) => [node.name, `t${tableIndex}c${index}`]));
}

/** `FORWARD (policy DROP)`, `DOCKER-USER`. */
export function nodeLabel(node: GraphNode): string {
  return node.policy === undefined ? node.name : `${node.name} (policy ${node.policy})`;
}

/** `line 12`, `lines 12, 14`, `goto, line 30`. */
export function edgeLabel(edge: GraphEdge): string {
  const lines = `${edge.lines.length > 1 ? 'lines' : 'line'} ${edge.lines.join(', ')}`;
  return edge.via === 'goto' ? `goto, ${lines}` : lines;
}
