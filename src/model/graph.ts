/**
 * Walks over the jump/goto graph of a table. Everything here is iterative with
 * explicit stacks: chains nested 50 000 deep must not overflow the call stack.
 */
import { builtinChainsOf, type Hook } from './builtins.js';
import type { JumpEdge, Model, Rule } from './types.js';

const NO_EDGES: readonly JumpEdge[] = [];

export function outgoingEdges(model: Model, table: string, chain: string): readonly JumpEdge[] {
  return model.edges.get(table)?.get(chain) ?? NO_EDGES;
}

export function incomingEdges(model: Model, table: string, chain: string): readonly JumpEdge[] {
  return model.incoming.get(table)?.get(chain) ?? NO_EDGES;
}

/** Chains reachable from `start` through jumps and gotos (including `start`), in depth-first preorder. */
export function reachableChains(model: Model, table: string, start: string): string[] {
  const seen = new Set<string>([start]);
  const order: string[] = [];
  const stack: string[] = [start];
  while (stack.length > 0) {
    const chain = stack.pop() as string;
    order.push(chain);
    const edges = outgoingEdges(model, table, chain);
    // Pushed in reverse so the first jump of the chain is visited first.
    for (let i = edges.length - 1; i >= 0; i--) {
      const to = (edges[i] as JumpEdge).to;
      if (!seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return order;
}

/** Every rule of every chain reachable from `start` (each chain once). */
export function* rulesReachableFrom(model: Model, table: string, start: string): Generator<Rule> {
  const chains = model.tables.get(table)?.chains;
  if (!chains) return;
  for (const name of reachableChains(model, table, start)) yield* chains.get(name)?.rules ?? [];
}

export interface JumpCycle {
  /** Chains on the cycle, starting from the one declared first; the cycle returns to `chains[0]`. */
  chains: string[];
  /** `edges[i]` leads from `chains[i]` to `chains[(i + 1) % n]`. */
  edges: JumpEdge[];
}

/**
 * One cycle per strongly connected component that contains a loop (Tarjan's
 * algorithm, iterative). Listing every elementary cycle could be exponential;
 * breaking the one reported shows the next on the following run. The
 * bookkeeping lives in typed arrays indexed by chain number (chainGraph).
 */
export function findCycles(model: Model, table: string): JumpCycle[] {
  const graph = chainGraph(model, table);
  const { names, ids: position } = graph;
  const chainCount = names.length;
  /** Visit number of each chain (-1: not visited yet), its low link, and whether it is on the SCC stack. */
  const index = new Int32Array(chainCount).fill(-1);
  const low = new Int32Array(chainCount);
  const onStack = new Uint8Array(chainCount);
  const sccStack: number[] = [];
  const cycles: JumpCycle[] = [];
  // The depth-first path as parallel stacks: chain and the next of its edges to follow.
  const pathChain: number[] = [];
  const pathNext: number[] = [];
  let counter = 0;
  const enter = (id: number): void => {
    index[id] = counter;
    low[id] = counter++;
    sccStack.push(id);
    onStack[id] = 1;
    pathChain.push(id);
    pathNext.push(graph.firstEdge[id] as number);
  };

  for (let root = 0; root < chainCount; root++) {
    if ((index[root] as number) >= 0) continue;
    enter(root);
    while (pathChain.length > 0) {
      const top = pathChain.length - 1;
      const id = pathChain[top] as number;
      const next = pathNext[top] as number;
      if (next < (graph.firstEdge[id + 1] as number)) {
        pathNext[top] = next + 1;
        const to = graph.edgeTarget[next] as number;
        if ((index[to] as number) < 0) enter(to);
        else if (onStack[to]) low[id] = Math.min(low[id] as number, index[to] as number);
        continue;
      }
      pathChain.pop();
      pathNext.pop();
      if (top > 0) {
        const parent = pathChain[top - 1] as number;
        low[parent] = Math.min(low[parent] as number, low[id] as number);
      }
      if (low[id] !== index[id]) continue;
      if (sccStack[sccStack.length - 1] === id) {
        // A single chain (the common case) only loops through a jump to itself.
        sccStack.pop();
        onStack[id] = 0;
        const first = graph.firstEdge[id] as number;
        for (let e = first, end = graph.firstEdge[id + 1] as number; e < end; e++) {
          if (graph.edgeTarget[e] !== id) continue;
          cycles.push({ chains: [names[id] as string], edges: [graph.edgesOf(id)[e - first] as JumpEdge] });
          break;
        }
        continue;
      }
      const component = new Set<string>();
      let member: number;
      do {
        member = sccStack.pop() as number;
        onStack[member] = 0;
        component.add(names[member] as string);
      } while (member !== id);
      const cycle = cycleWithin(model, table, component, position);
      if (cycle) cycles.push(cycle);
    }
  }
  const rank = (c: JumpCycle): number => position.get(c.chains[0] as string) ?? 0;
  return cycles.sort((a, b) => rank(a) - rank(b));
}

/** A shortest cycle through the component's first-declared chain, or undefined if it has no loop. */
function cycleWithin(model: Model, table: string, component: ReadonlySet<string>, position: ReadonlyMap<string, number>): JumpCycle | undefined {
  let start: string | undefined;
  for (const chain of component) if (start === undefined || (position.get(chain) ?? 0) < (position.get(start) ?? 0)) start = chain;
  if (start === undefined) return undefined;
  const parent = new Map<string, JumpEdge>();
  const queue: string[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const chain = queue[head] as string;
    for (const edge of outgoingEdges(model, table, chain)) {
      if (!component.has(edge.to)) continue;
      if (edge.to === start) {
        const edges: JumpEdge[] = [edge];
        for (let at = chain; at !== start; ) {
          const back = parent.get(at) as JumpEdge;
          edges.unshift(back);
          at = back.from;
        }
        return { chains: edges.map((e) => e.from), edges };
      }
      if (!parent.has(edge.to)) {
        parent.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  return undefined;
}

export interface HookReachability {
  /** Built-in chains (hooks) of the table from which `chain` is reachable, in hook order; a built-in chain reaches itself. */
  hooksOf(chain: string): readonly Hook[];
  /** The shortest jump path from the built-in chain `hook` to `chain` (empty when they are the same), or undefined. */
  pathFrom(hook: Hook, chain: string): JumpEdge[] | undefined;
}

const NO_HOOKS: readonly Hook[] = Object.freeze([]);

/**
 * Which hooks reach each chain: one breadth-first search per built-in chain,
 * O(hooks × edges), kept as one bit per hook. The search trees that `pathFrom`
 * needs are only built for a hook whose path is asked for (reports are rare).
 */
export function hookReachability(model: Model, table: string): HookReachability {
  const tableChains = model.tables.get(table)?.chains;
  const tableEdges = model.edges.get(table);
  const graph = chainGraph(model, table);
  const hooks = builtinChainsOf(table).filter((hook) => tableChains?.has(hook));
  const masks = new Uint8Array(graph.names.length);
  const queue = new Int32Array(graph.names.length);
  hooks.forEach((hook, i) => {
    const bit = 1 << i;
    const start = graph.ids.get(hook) as number;
    masks[start] = (masks[start] as number) | bit;
    queue[0] = start;
    for (let head = 0, tail = 1; head < tail; head++) {
      const from = queue[head] as number;
      for (let e = graph.firstEdge[from] as number, end = graph.firstEdge[from + 1] as number; e < end; e++) {
        const to = graph.edgeTarget[e] as number;
        const mask = masks[to] as number;
        if (mask & bit) continue;
        masks[to] = mask | bit;
        queue[tail++] = to;
      }
    }
  });
  const listsByMask = new Map<number, readonly Hook[]>();
  const trees = new Map<Hook, Map<string, JumpEdge | null>>();
  const treeOf = (hook: Hook): Map<string, JumpEdge | null> | undefined => {
    if (!hooks.includes(hook)) return undefined;
    let parent = trees.get(hook);
    if (parent) return parent;
    parent = new Map<string, JumpEdge | null>([[hook, null]]);
    const queue: string[] = [hook];
    for (let head = 0; head < queue.length; head++) {
      for (const edge of tableEdges?.get(queue[head] as string) ?? NO_EDGES) {
        if (parent.has(edge.to)) continue;
        parent.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
    trees.set(hook, parent);
    return parent;
  };
  return {
    hooksOf(chain) {
      const id = graph.ids.get(chain);
      const mask = id === undefined ? 0 : (masks[id] as number);
      if (mask === 0) return NO_HOOKS;
      let list = listsByMask.get(mask);
      if (!list) listsByMask.set(mask, (list = Object.freeze(hooks.filter((_, i) => mask & (1 << i)))));
      return list;
    },
    pathFrom(hook, chain) {
      const parent = treeOf(hook);
      if (!parent?.has(chain)) return undefined;
      const path: JumpEdge[] = [];
      for (let edge = parent.get(chain); edge; edge = parent.get(edge.from)) path.push(edge);
      return path.reverse();
    },
  };
}

/**
 * A table's jump graph with chains numbered in declaration order (every edge
 * leads to a declared chain: the model only keeps resolved jumps as edges) and
 * the edges in compressed rows: the targets of chain `id` are
 * `edgeTarget[firstEdge[id] .. firstEdge[id + 1])`. Graph walks over numbers
 * and typed arrays instead of a map lookup per edge; built once per model and table.
 */
export interface ChainGraph {
  names: readonly string[];
  ids: ReadonlyMap<string, number>;
  firstEdge: Int32Array;
  edgeTarget: Int32Array;
  edgesOf(id: number): readonly JumpEdge[];
}

const chainGraphs = new WeakMap<Model, Map<string, ChainGraph>>();

export function chainGraph(model: Model, table: string): ChainGraph {
  let graphs = chainGraphs.get(model);
  if (!graphs) chainGraphs.set(model, (graphs = new Map()));
  let graph = graphs.get(table);
  if (!graph) graphs.set(table, (graph = buildChainGraph(model, table)));
  return graph;
}

function buildChainGraph(model: Model, table: string): ChainGraph {
  const names = model.tables.get(table)?.chainOrder ?? [];
  const ids = new Map<string, number>();
  for (let i = 0; i < names.length; i++) ids.set(names[i] as string, i);
  const tableEdges = model.edges.get(table);
  const edgeLists: (readonly JumpEdge[])[] = names.map((name) => tableEdges?.get(name) ?? NO_EDGES);
  const firstEdge = new Int32Array(names.length + 1);
  for (let i = 0; i < names.length; i++) firstEdge[i + 1] = (firstEdge[i] as number) + (edgeLists[i] as readonly JumpEdge[]).length;
  const edgeTarget = new Int32Array(firstEdge[names.length] as number);
  for (let i = 0, e = 0; i < names.length; i++) {
    for (const edge of edgeLists[i] as readonly JumpEdge[]) edgeTarget[e++] = ids.get(edge.to) as number;
  }
  return { names, ids, firstEdge, edgeTarget, edgesOf: (id) => edgeLists[id] as readonly JumpEdge[] };
}
