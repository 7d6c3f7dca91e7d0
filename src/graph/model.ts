/**
 * The jump/goto graph of a ruleset as plain data, per table: chains as nodes
 * (built-in, user or Docker's), parallel jumps between two chains merged into
 * one edge that keeps every rule's line number. The DOT and Mermaid printers
 * and the HTML report all draw from this.
 */
import { reachableChains } from '../model/graph.js';
import type { Model, Table } from '../model/types.js';

export type ChainKind = 'builtin' | 'docker' | 'user';

export interface GraphNode {
  name: string;
  kind: ChainKind;
  /** Built-in chains only. */
  policy?: string;
  ruleCount: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  via: 'jump' | 'goto';
  /** Lines of the rules that jump, ascending. */
  lines: number[];
}

export interface TableGraph {
  table: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphOptions {
  /** Only this table. */
  table?: string;
  /** Only the chains reachable from this chain (in every table that has it). */
  chain?: string;
}

/** Docker creates every chain whose name starts with DOCKER (DOCKER-USER included: it is Docker's hook for the user). */
export function chainKind(name: string, builtin: boolean): ChainKind {
  if (builtin) return 'builtin';
  return name.startsWith('DOCKER') ? 'docker' : 'user';
}

/** Tables in dump order; with `chain`, only the tables that have it. */
export function chainGraph(model: Model, options: GraphOptions = {}): TableGraph[] {
  const graphs: TableGraph[] = [];
  for (const table of model.tables.values()) {
    if (options.table !== undefined && table.name !== options.table) continue;
    if (options.chain !== undefined && !table.chains.has(options.chain)) continue;
    graphs.push(tableGraph(model, table, options.chain));
  }
  return graphs;
}

function tableGraph(model: Model, table: Table, start: string | undefined): TableGraph {
  const included = start === undefined ? table.chainOrder : reachableChains(model, table.name, start);
  const keep = new Set(included);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const name of table.chainOrder) {
    if (!keep.has(name)) continue;
    const chain = table.chains.get(name);
    if (!chain) continue;
    nodes.push({
      name,
      kind: chainKind(name, chain.builtin),
      ...(chain.builtin && chain.policy !== undefined ? { policy: chain.policy } : {}),
      ruleCount: chain.rules.length,
    });
    const merged = new Map<string, GraphEdge>();
    for (const edge of model.edges.get(table.name)?.get(name) ?? []) {
      if (!keep.has(edge.to)) continue;
      const key = `${edge.via}\0${edge.to}`;
      const line = edge.rule.span.line;
      const existing = merged.get(key);
      if (existing) existing.lines.push(line);
      else merged.set(key, { from: name, to: edge.to, via: edge.via, lines: [line] });
    }
    for (const edge of merged.values()) {
      edge.lines.sort((a, b) => a - b);
      edges.push(edge);
    }
  }
  return { table: table.name, nodes, edges };
}
