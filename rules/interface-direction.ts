import type { BaseOption } from '../grammar/ast.js';
import type { Hook } from '../src/model/builtins.js';
import type { Chain, Rule } from '../src/model/types.js';
import type { LintRule, RuleContext } from '../src/engine/types.js';
import { describePath, hooksReaching } from './lib/hooks.js';

type InterfaceOption = 'in-interface' | 'out-interface';

/** Hooks where the packet has no input (`-i`) or no output (`-o`) interface yet. */
const WITHOUT: Readonly<Record<InterfaceOption, readonly Hook[]>> = {
  'in-interface': ['OUTPUT', 'POSTROUTING'],
  'out-interface': ['PREROUTING', 'INPUT'],
};

const rule: LintRule = {
  meta: {
    id: 'interface-direction',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: '`-o` used where packets have no output interface yet (INPUT, PREROUTING) or `-i` where they have no input interface (OUTPUT, POSTROUTING), also in user chains reached only from those chains.',
      rationale:
        'Routing decides the output interface after PREROUTING, and locally generated packets have no input interface. iptables refuses `-o` in INPUT/PREROUTING and `-i` in OUTPUT/POSTROUTING ("Can\'t use -o with INPUT"), so the restore fails; in a user chain reached only from those hooks the condition is accepted but can never match, so the rule silently does nothing (or, negated, always matches).',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -o eth0 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    // hooksOf gives one shared list per set of hooks: what is unknown is decided once per list.
    const unknownFor = new Map<readonly Hook[], { inUnknown: boolean; outUnknown: boolean }>();
    for (const [tableName, table] of context.model.tables) {
      const reach = hooksReaching(context, tableName);
      for (const chain of table.chains.values()) {
        const hooks = reach.hooksOf(chain.name);
        if (hooks.length === 0) continue;
        let unknown = unknownFor.get(hooks);
        if (unknown === undefined) {
          unknown = { inUnknown: hooks.every((hook) => WITHOUT['in-interface'].includes(hook)), outUnknown: hooks.every((hook) => WITHOUT['out-interface'].includes(hook)) };
          unknownFor.set(hooks, unknown);
        }
        // Most chains are reached from a hook where both interfaces are known.
        const { inUnknown, outUnknown } = unknown;
        if (!inUnknown && !outUnknown) continue;
        for (const r of chain.rules) {
          // The rule's parts, not `r.baseOptions`: that getter builds a new array on each call.
          for (const option of r.command.rule?.parts ?? []) {
            if (option.kind !== 'base') continue;
            if ((option.name === 'in-interface' && inUnknown) || (option.name === 'out-interface' && outUnknown)) {
              reportOption(context, tableName, chain, r, option, option.name, hooks);
            }
          }
        }
      }
    }
  },
};

function reportOption(context: RuleContext, table: string, chain: Chain, r: Rule, option: BaseOption, name: InterfaceOption, hooks: readonly Hook[]): void {
  const flag = name === 'in-interface' ? '-i' : '-o';
  const other = name === 'in-interface' ? '-o' : '-i';
  const direction = name === 'in-interface' ? 'input' : 'output';
  const value = option.values[0]?.text ?? '';
  if (chain.builtin) {
    context.report({
      message: `${flag} ${value} in chain ${chain.name} of table ${table}: packets in ${chain.name} have no ${direction} interface, and iptables rejects ${flag} in ${chain.name}, so the restore fails`,
      span: option.optionWord.span,
      fix: `on line ${r.span.line}, use \`${other} ${value}\` if that interface was meant, or move the rule to a chain where ${flag} is known (FORWARD, ${name === 'in-interface' ? 'INPUT or PREROUTING' : 'OUTPUT or POSTROUTING'})`,
    });
    return;
  }
  const hook = hooks[0] as Hook;
  const path = hooksReaching(context, table).pathFrom(hook, chain.name) ?? [];
  const negated = option.negation !== 'none';
  context.report({
    message: `${negated ? '! ' : ''}${flag} ${value} in chain ${chain.name} ${negated ? 'always matches' : 'never matches'}: ${chain.name} is reached only from ${hooks.join(', ')} (${describePath(hook, path)}), where packets have no ${direction} interface`,
    span: option.optionWord.span,
    severity: 'warning',
    fix: `on line ${r.span.line}, replace \`${flag} ${value}\` with \`${other} ${value}\` if that was meant, or delete the condition`,
    related: path.map((edge) => ({ message: `${edge.from} ${edge.via === 'goto' ? 'goes' : 'jumps'} to ${edge.to} here`, span: edge.rule.span })),
  });
}

export default rule;
