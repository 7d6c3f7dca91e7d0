/**
 * The rules of each table grouped by what their action is, so that an
 * analysis about a few kinds of action (undefined jumps, restricted targets,
 * rules that end their chain) visits those rules, not every rule. buildModel
 * fills it while it resolves the actions; a model made any other way gets it
 * from one walk on first use.
 */
import type { Model, Rule, RuleAction, Table } from './types.js';

export interface ActionIndex {
  /** `-j`/`-g` to a name that is no chain of the table (and, for `-j`, no extension). */
  unresolved: Rule[];
  /** Rules with an extension target, by target name. */
  extensions: Map<string, Rule[]>;
  /** Rules whose action can end the traversal of their chain: verdicts, gotos, terminal extensions. */
  terminating: Rule[];
}

export class ActionIndexBuilder {
  readonly index: ActionIndex = { unresolved: [], extensions: new Map(), terminating: [] };

  add(rule: Rule, action: RuleAction): void {
    switch (action.kind) {
      case 'verdict':
        this.index.terminating.push(rule);
        return;
      case 'jump':
        if (!action.resolved) this.index.unresolved.push(rule);
        return;
      case 'goto':
        if (!action.resolved) this.index.unresolved.push(rule);
        this.index.terminating.push(rule);
        return;
      case 'extension': {
        const list = this.index.extensions.get(action.name);
        if (list) list.push(rule);
        else this.index.extensions.set(action.name, [rule]);
        if (action.terminal) this.index.terminating.push(rule);
        return;
      }
      case 'none':
        return;
    }
  }
}

const indexes = new WeakMap<Model, Map<string, ActionIndex>>();

/** Called by buildModel with the indexes it built. */
export function rememberActionIndexes(model: Model, byTable: Map<string, ActionIndex>): void {
  indexes.set(model, byTable);
}

/** The table's rules grouped by action, in the table's chain order and rule order. */
export function actionIndex(model: Model, table: string): ActionIndex {
  let byTable = indexes.get(model);
  if (!byTable) indexes.set(model, (byTable = new Map()));
  let index = byTable.get(table);
  if (!index) {
    const builder = new ActionIndexBuilder();
    const found = model.tables.get(table);
    if (found) for (const rule of rulesInChainOrder(found)) builder.add(rule, rule.action);
    byTable.set(table, (index = builder.index));
  }
  return index;
}

function* rulesInChainOrder(table: Table): Generator<Rule> {
  for (const name of table.chainOrder) yield* table.chains.get(name)?.rules ?? [];
}
