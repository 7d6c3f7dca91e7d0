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
 * breaking the one reported shows the next on the following run. Chains are
 * numbered by declaration order and the bookkeeping lives in arrays indexed by
 * that number: one map lookup per edge instead of several per step.
 */
export function findCycles(model: Model, table: string): JumpCycle[] {
  const order = model.tables.get(table)?.chainOrder ?? [];
  const position = new Map(order.map((chain, i) => [chain, i]));
  const names = order.slice();
  const idOf = (chain: string): number => {
    let id = position.get(chain);
    if (id === undefined) {
      id = names.length;
      position.set(chain, id);
      names.push(chain);
    }
    return id;
  };
  const tableEdges = model.edges.get(table);
  const edgesOf = (id: number): readonly JumpEdge[] => tableEdges?.get(names[id] as string) ?? NO_EDGES;
  /** Visit number of each chain (-1: not visited yet), its low link, and whether it is on the SCC stack. */
  const index: number[] = [];
  const low: number[] = [];
  const onStack: boolean[] = [];
  const visit = (id: number): void => {
    while (index.length <= id) {
      index.push(-1);
      low.push(-1);
      onStack.push(false);
    }
  };
  visit(names.length - 1);
  const sccStack: number[] = [];
  const cycles: JumpCycle[] = [];
  // The depth-first path as parallel stacks: chain, next edge to follow, that chain's edges.
  const pathChain: number[] = [];
  const pathNext: number[] = [];
  const pathEdges: (readonly JumpEdge[])[] = [];
  let counter = 0;
  const enter = (id: number): void => {
    index[id] = counter;
    low[id] = counter++;
    sccStack.push(id);
    onStack[id] = true;
    pathChain.push(id);
    pathNext.push(0);
    pathEdges.push(edgesOf(id));
  };

  for (let root = 0; root < order.length; root++) {
    if ((index[root] as number) >= 0) continue;
    enter(root);
    while (pathChain.length > 0) {
      const top = pathChain.length - 1;
      const id = pathChain[top] as number;
      const edges = pathEdges[top] as readonly JumpEdge[];
      const next = pathNext[top] as number;
      if (next < edges.length) {
        pathNext[top] = next + 1;
        const to = idOf((edges[next] as JumpEdge).to);
        visit(to);
        if ((index[to] as number) < 0) enter(to);
        else if (onStack[to]) low[id] = Math.min(low[id] as number, index[to] as number);
        continue;
      }
      pathChain.pop();
      pathNext.pop();
      pathEdges.pop();
      if (top > 0) {
        const parent = pathChain[top - 1] as number;
        low[parent] = Math.min(low[parent] as number, low[id] as number);
      }
      if (low[id] !== index[id]) continue;
      if (sccStack[sccStack.length - 1] === id) {
        // A single chain (the common case) only loops through a jump to itself.
        sccStack.pop();
        onStack[id] = false;
        const self = edges.find((edge) => edge.to === names[id]);
        if (self) cycles.push({ chains: [names[id] as string], edges: [self] });
        continue;
      }
      const component = new Set<string>();
      let member: number;
      do {
        member = sccStack.pop() as number;
        onStack[member] = false;
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
  const hooks = builtinChainsOf(table).filter((hook) => tableChains?.has(hook));
  const masks = new Map<string, number>();
  hooks.forEach((hook, i) => {
    const bit = 1 << i;
    masks.set(hook, (masks.get(hook) ?? 0) | bit);
    const queue: string[] = [hook];
    for (let head = 0; head < queue.length; head++) {
      const edges = tableEdges?.get(queue[head] as string) ?? NO_EDGES;
      for (let e = 0; e < edges.length; e++) {
        const to = (edges[e] as JumpEdge).to;
        const mask = masks.get(to) ?? 0;
        if (mask & bit) continue;
        masks.set(to, mask | bit);
        queue.push(to);
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
      const mask = masks.get(chain);
      if (mask === undefined) return NO_HOOKS;
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
