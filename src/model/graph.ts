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
 * breaking the one reported shows the next on the following run.
 */
export function findCycles(model: Model, table: string): JumpCycle[] {
  const order = model.tables.get(table)?.chainOrder ?? [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const sccStack: string[] = [];
  const cycles: JumpCycle[] = [];
  const position = new Map(order.map((chain, i) => [chain, i]));
  const tableEdges = model.edges.get(table);
  let counter = 0;

  for (const root of order) {
    if (index.has(root)) continue;
    const work: { chain: string; next: number; edges: readonly JumpEdge[] }[] = [{ chain: root, next: 0, edges: tableEdges?.get(root) ?? NO_EDGES }];
    index.set(root, counter);
    low.set(root, counter++);
    sccStack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { chain: string; next: number; edges: readonly JumpEdge[] };
      const edges = frame.edges;
      if (frame.next < edges.length) {
        const to = (edges[frame.next++] as JumpEdge).to;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          sccStack.push(to);
          onStack.add(to);
          work.push({ chain: to, next: 0, edges: tableEdges?.get(to) ?? NO_EDGES });
        } else if (onStack.has(to)) {
          low.set(frame.chain, Math.min(low.get(frame.chain) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.chain, Math.min(low.get(parent.chain) as number, low.get(frame.chain) as number));
      if (low.get(frame.chain) !== index.get(frame.chain)) continue;
      if (sccStack[sccStack.length - 1] === frame.chain) {
        // A single chain (the common case) only loops through a jump to itself.
        sccStack.pop();
        onStack.delete(frame.chain);
        const self = frame.edges.find((edge) => edge.to === frame.chain);
        if (self) cycles.push({ chains: [frame.chain], edges: [self] });
        continue;
      }
      const component = new Set<string>();
      let member: string;
      do {
        member = sccStack.pop() as string;
        onStack.delete(member);
        component.add(member);
      } while (member !== frame.chain);
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
  /** Built-in chains (hooks) of the table from which `chain` is reachable; a built-in chain reaches itself. */
  hooksOf(chain: string): Hook[];
  /** The shortest jump path from the built-in chain `hook` to `chain` (empty when they are the same), or undefined. */
  pathFrom(hook: Hook, chain: string): JumpEdge[] | undefined;
}

/** Which hooks reach each chain: one breadth-first search per built-in chain, O(hooks × edges). */
export function hookReachability(model: Model, table: string): HookReachability {
  const trees = new Map<Hook, Map<string, JumpEdge | null>>();
  const hooksByChain = new Map<string, Hook[]>();
  const tableChains = model.tables.get(table)?.chains;
  const tableEdges = model.edges.get(table);
  for (const hook of builtinChainsOf(table)) {
    if (!tableChains?.has(hook)) continue;
    const parent = new Map<string, JumpEdge | null>([[hook, null]]);
    const queue: string[] = [hook];
    for (let head = 0; head < queue.length; head++) {
      const chain = queue[head] as string;
      let hooks = hooksByChain.get(chain);
      if (!hooks) hooksByChain.set(chain, (hooks = []));
      hooks.push(hook);
      const edges = tableEdges?.get(chain) ?? NO_EDGES;
      for (let i = 0; i < edges.length; i++) {
        const edge = edges[i] as JumpEdge;
        if (parent.has(edge.to)) continue;
        parent.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
    trees.set(hook, parent);
  }
  return {
    hooksOf: (chain) => hooksByChain.get(chain) ?? [],
    pathFrom(hook, chain) {
      const parent = trees.get(hook);
      if (!parent?.has(chain)) return undefined;
      const path: JumpEdge[] = [];
      for (let edge = parent.get(chain); edge; edge = parent.get(edge.from)) path.push(edge);
      return path.reverse();
    },
  };
}
