/**
 * What a rule's `-j`/`-g` does, once the table's chains are known.
 */
import type { TargetSpec } from '../../grammar/ast.js';
import { STANDARD_VERDICTS } from './builtins.js';
import type { Rule, RuleAction, Verdict } from './types.js';

/**
 * Extension targets that end the traversal of the packet (return an absolute
 * verdict, not XT_CONTINUE): the NAT family, REJECT, NFQUEUE, TPROXY and the
 * xtables-addons tarpits.
 */
const TERMINAL_TARGETS: ReadonlySet<string> = new Set([
  'REJECT',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'REDIRECT',
  'NETMAP',
  'SAME',
  'NFQUEUE',
  'TPROXY',
  'MIRROR',
  'TARPIT',
  'DELUDE',
  'CHAOS',
]);

export function isTerminalTarget(name: string): boolean {
  return TERMINAL_TARGETS.has(name);
}

/**
 * A name is a chain jump when the table has such a chain (iptables looks up
 * chains before extensions), and also when it is neither a known extension nor
 * given options: then it can only be meant as a chain, one that does not exist.
 */
export function classifyTarget(target: TargetSpec | undefined, chainExists: (name: string) => boolean, name = target?.name.text ?? ''): RuleAction {
  if (!target) return { kind: 'none' };
  if (target.via === 'goto') return { kind: 'goto', chain: name, resolved: chainExists(name) };
  if (STANDARD_VERDICTS.has(name)) return { kind: 'verdict', verdict: name as Verdict };
  if (chainExists(name)) return { kind: 'jump', chain: name, resolved: true };
  if (target.known || target.options.length > 0) return { kind: 'extension', name, terminal: isTerminalTarget(name) };
  return { kind: 'jump', chain: name, resolved: false };
}

/** The action of a rule without `-j`/`-g`, shared by all of them. */
export const NO_ACTION: RuleAction = { kind: 'none' };

/**
 * classifyTarget for every rule of one table. Rules with the same outcome
 * share one object: a dump with 100 000 `-j ACCEPT`, `-j DNAT` or
 * `-j KUBE-MARK-MASQ` rules keeps a few objects, not one per rule. A jump to a
 * chain of the table depends only on `-j`/`-g` and the name; any other outcome
 * also on whether the target is a known extension or has options.
 */
export class TableActions {
  /** Indexed by (goto ? 2 : 0) + (extension-like ? 1 : 0). */
  private readonly byKind: Map<string, RuleAction>[] = [new Map(), new Map(), new Map(), new Map()];
  private readonly jumps = new Map<string, RuleAction>();
  private readonly gotos = new Map<string, RuleAction>();
  private readonly noChain = (): boolean => false;

  constructor(private readonly chains: ReadonlyMap<string, unknown>) {}

  classify(target: TargetSpec | undefined, name: string | undefined): RuleAction {
    if (!target) return NO_ACTION;
    const named = name ?? target.name.text;
    const jump = target.via !== 'goto';
    // A standard verdict is never a jump to a chain, even when a chain has its name.
    if (!(jump && STANDARD_VERDICTS.has(named)) && this.chains.has(named)) {
      const resolved = jump ? this.jumps : this.gotos;
      let action = resolved.get(named);
      if (action === undefined) {
        action = jump ? { kind: 'jump', chain: named, resolved: true } : { kind: 'goto', chain: named, resolved: true };
        resolved.set(named, action);
      }
      return action;
    }
    const cache = this.byKind[(jump ? 0 : 2) + (target.known || target.options.length > 0 ? 1 : 0)] as Map<string, RuleAction>;
    let action = cache.get(named);
    if (action === undefined) {
      action = classifyTarget(target, this.noChain, named);
      cache.set(named, action);
    }
    return action;
  }
}

/** The rule ends traversal of its chain for every packet that reaches it. */
export function endsChainUnconditionally(rule: Rule): boolean {
  const action = rule.action;
  // The action first: `unconditional` computes the rule's predicates, which most rules never need.
  const terminates = action.kind === 'verdict' || action.kind === 'goto' || (action.kind === 'extension' && action.terminal);
  return terminates && rule.unconditional;
}
