import { actionIndex } from '../src/model/action-index.js';
import type { Hook } from '../src/model/builtins.js';
import type { HookReachability } from '../src/model/graph.js';
import type { Chain } from '../src/model/types.js';
import type { LintRule } from '../src/engine/types.js';
import { describePath, hooksReaching } from './lib/hooks.js';
import { describeRestriction, TARGET_RESTRICTIONS } from './lib/target-restrictions.js';

const RESTRICTED = Object.entries(TARGET_RESTRICTIONS);

const rule: LintRule = {
  meta: {
    id: 'target-not-allowed',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: 'A target is used in a table or chain the kernel does not allow it in (MASQUERADE outside nat POSTROUTING, REJECT outside filter, DNAT in POSTROUTING…), also when reached through user chains.',
      rationale:
        'Each target is registered for certain tables and hooks. The kernel checks every rule against the hooks its chain is reached from and refuses the whole table otherwise ("x_tables: … target: only valid in … table"), so iptables-restore fails. A user chain inherits the hooks of every chain that jumps to it.',
      bad: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:PORTS - [0:0]\n-A PREROUTING -j PORTS\n-A POSTROUTING -j PORTS\n-A PORTS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\nCOMMIT\n',
      good: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:PORTS - [0:0]\n-A PREROUTING -j PORTS\n-A OUTPUT -j PORTS\n-A PORTS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\nCOMMIT\n',
    },
  },
  check(context) {
    for (const [tableName, table] of context.model.tables) {
      const extensions = actionIndex(context.model, tableName).extensions;
      let reach: HookReachability | undefined;
      for (const [name, restriction] of RESTRICTED) {
        // hooksOf gives one shared list per set of hooks: the verdict is found once per list, not per rule.
        const allowedFor = new Map<readonly Hook[], boolean>();
        for (const r of extensions.get(name) ?? []) {
          if (!r.target) continue;
          if (restriction.tables && !restriction.tables.includes(tableName)) {
            context.report({
              message: `${name} in chain ${r.chain} of table ${tableName}: the kernel only accepts ${name} in ${describeRestriction(restriction)}, so the table fails to load`,
              span: r.target.name.span,
              fix: `move line ${r.span.line} to the *${restriction.tables[0]} table${restriction.hooks ? ` in chain ${restriction.hooks[0]}` : ''}, or use a target valid in ${tableName}`,
            });
            continue;
          }
          const allowedHooks = restriction.hooks;
          if (!allowedHooks) continue;
          reach ??= hooksReaching(context, tableName);
          const hooks = reach.hooksOf(r.chain);
          let allowed = allowedFor.get(hooks);
          if (allowed === undefined) allowedFor.set(hooks, (allowed = hooks.every((hook) => allowedHooks.includes(hook))));
          if (allowed) continue;
          const chain = table.chains.get(r.chain) as Chain;
          const bad = hooks.filter((hook) => !allowedHooks.includes(hook));
          const hook = bad[0] as Hook;
          const path = reach.pathFrom(hook, chain.name) ?? [];
          const via = chain.builtin ? '' : ` (reached as ${describePath(hook, path)})`;
          const lastJump = path[path.length - 1];
          context.report({
            message: `${name} in chain ${chain.name} runs in hook ${bad.join(', ')}${via}, but the kernel only accepts ${name} in ${describeRestriction(restriction)}, so the table fails to load`,
            span: r.target.name.span,
            fix: chain.builtin
              ? `move line ${r.span.line} to chain ${allowedHooks[0]} of table ${tableName}`
              : `stop jumping to ${chain.name} from ${hook}${lastJump ? ` (line ${lastJump.rule.span.line})` : ''}, or move line ${r.span.line} into a chain reached only from ${allowedHooks.join('/')}`,
            related: path.map((edge) => ({ message: `${edge.from} ${edge.via === 'goto' ? 'goes' : 'jumps'} to ${edge.to} here`, span: edge.rule.span })),
          });
        }
      }
    }
  },
};

export default rule;
