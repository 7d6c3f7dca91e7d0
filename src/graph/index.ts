/** The chain graph and its DOT and Mermaid printers. */
export { chainGraph, chainKind, type ChainKind, type GraphEdge, type GraphNode, type GraphOptions, type TableGraph } from './model.js';
export { dotString, renderDot } from './dot.js';
export { mermaidString, renderMermaid } from './mermaid.js';
