/**
 * Which built-in hooks reach each chain, computed once per lint run and shared
 * by the rules that need it (target restrictions, interface direction).
 */
import type { Hook } from '../../src/model/builtins.js';
import { hookReachability, type HookReachability } from '../../src/model/graph.js';
import type { JumpEdge } from '../../src/model/types.js';
import type { RuleContext } from '../../src/engine/types.js';

export function hooksReaching(context: RuleContext, table: string): HookReachability {
  return context.memo(`hook-reachability:${table}`, () => hookReachability(context.model, table));
}

/** `FORWARD → DOCKER-USER (line 9) → MYCHAIN (line 14)` */
export function describePath(hook: Hook, path: readonly JumpEdge[]): string {
  return [hook, ...path.map((edge) => `${edge.to} (line ${edge.rule.span.line})`)].join(' → ');
}
