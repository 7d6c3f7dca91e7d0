/**
 * Builds the Model: applies each table's chain declarations and command lines
 * in source order, the way iptables-restore would, then resolves the targets
 * and the jump graph once the final set of chains is known.
 */
import type { ChainDeclaration, CommandLine, ParseResult, Span, TableBlock } from '../../grammar/ast.js';
import { ActionIndexBuilder, rememberActionIndexes, type ActionIndex } from './action-index.js';
import { TableActions } from './actions.js';
import { LineIndexBuilder, rememberLineIndex } from './line-index.js';
import { builtinChainsOf, isBuiltinChain, STANDARD_VERDICTS } from './builtins.js';
import { ModelChain, type SpanSource } from './chain.js';
import { ModelEdge } from './edge.js';
import { ModelRule, type RuleScope } from './rule.js';
import { ruleKey } from './rule-key.js';
import type { Chain, JumpEdge, Model, ModelDiagnostic, ModelDiagnosticKind, Rule, Table, TableName } from './types.js';

export function buildModel(parse: ParseResult): Model {
  const builder = new ModelBuilder(parse);
  const blocks = parse.tables;
  for (let b = 0; b < blocks.length; b++) builder.applyBlock(blocks[b] as TableBlock, b);
  return builder.finish();
}

/** Per-table bookkeeping needed while commands are applied. */
interface WorkingTable {
  table: Table;
  scope: RuleScope;
  /** How many rules currently in the table have the given target name (for `-X` in-use checks). */
  referrers: Map<string, number>;
  /** The chain the previous `-A`/`-I` went to: dumps add to one chain many times in a row. */
  lastAdded: Chain | undefined;
  /** One string per target name for the rules: a chain's own name when the target is a chain of the table. */
  shareTargetName: (name: string) => string;
}

class ModelBuilder {
  private readonly tables = new Map<string, WorkingTable>();
  private readonly diagnostics: ModelDiagnostic[] = [];
  /** Target names changed by `-E`: the AST still shows the old name. */
  private readonly renamedTargets = new Map<Rule, string>();
  private readonly keys = new Map<Rule, string>();
  /** Target names that are no chain (verdicts, extensions, unknown names), one string each (see shareTargetName). */
  private readonly otherTargetNames = new Map<string, string>();
  private readonly lines = new LineIndexBuilder();

  constructor(private readonly parse: ParseResult) {}

  applyBlock(block: TableBlock, blockIndex: number): void {
    let working = this.tables.get(block.name);
    if (!working) {
      const table = newTable(block);
      const shareTargetName = (name: string): string => table.chains.get(name)?.name ?? this.shareOtherTargetName(name);
      working = { table, scope: { table: block.name, family: this.parse.family }, referrers: new Map(), lastAdded: undefined, shareTargetName };
      this.tables.set(block.name, working);
    } else {
      working.table.blocks.push(block);
      if (this.parse.format === 'save') this.reopen(working, block);
    }
    // Declarations and commands, each in source order, merged by offset (a span is made on each read: each is read once).
    const { chains, commands } = block;
    let c = 0;
    const offsetOf = (index: number): number => (index < chains.length ? (chains[index] as ChainDeclaration).span.offset : Infinity);
    let nextChain = offsetOf(0);
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i] as CommandLine;
      const offset = command.span.offset;
      while (nextChain <= offset) {
        this.declare(working, chains[c++] as ChainDeclaration);
        nextChain = offsetOf(c);
      }
      if (command.familyOnly !== undefined && command.familyOnly !== this.parse.family) continue;
      // The grammar makes a new Word on each read of `chain`: read once, passed down.
      const chainName = command.chain?.text;
      this.lines.add(blockIndex, block, command, chainName);
      this.apply(working, command, chainName);
    }
    while (c < chains.length) this.declare(working, chains[c++] as ChainDeclaration);
  }

  private shareOtherTargetName(name: string): string {
    const shared = this.otherTargetNames.get(name);
    if (shared !== undefined) return shared;
    this.otherTargetNames.set(name, name);
    return name;
  }

  /** iptables-restore flushes a table when its `*table` line comes again (without --noflush). */
  private reopen(working: WorkingTable, block: TableBlock): void {
    const { table } = working;
    this.diagnose('table-reopened', table.name, block.header?.span ?? block.span, `table ${table.name} is opened a second time; iptables-restore flushes it and deletes its user chains, so everything the earlier *${table.name} block set up is lost`);
    for (const name of [...table.chainOrder]) {
      const chain = table.chains.get(name);
      if (!chain) continue;
      if (chain.builtin) chain.rules = [];
      else table.chains.delete(name);
    }
    compactChainOrder(table);
    working.referrers.clear();
    working.lastAdded = undefined;
  }

  private declare(working: WorkingTable, declaration: ChainDeclaration): void {
    const name = declaration.name.text;
    // Every chain of a table being built was made by addChain.
    const existing = working.table.chains.get(name) as ModelChain | undefined;
    const chain = existing ?? addChain(working.table, name, false, declaration);
    chain.addDeclaration(declaration);
    const policy = declaration.policy.text;
    if (chain.builtin && (policy === 'ACCEPT' || policy === 'DROP')) chain.policy = policy;
  }

  /** Applies a command of the model's family. */
  private apply(working: WorkingTable, command: CommandLine, chainName: string | undefined): void {
    const { table } = working;
    switch (command.command) {
      case 'append': {
        const chain = this.chainForAdding(working, command, chainName);
        if (chain) this.insertRule(working, chain, chain.rules.length, command);
        return;
      }
      case 'insert': {
        const chain = this.chainForAdding(working, command, chainName);
        if (!chain) return;
        const position = command.ruleNumber ? this.ruleNumber(table, chain, command, chain.rules.length + 1) : 1;
        if (position !== null) this.insertRule(working, chain, position - 1, command);
        return;
      }
      case 'replace': {
        const chain = this.existingChain(table, command, chainName);
        if (!chain) return;
        const position = this.ruleNumber(table, chain, command, chain.rules.length);
        if (position === null) return;
        this.removeRule(working, chain, position - 1);
        this.insertRule(working, chain, position - 1, command);
        return;
      }
      case 'delete': {
        const chain = this.existingChain(table, command, chainName);
        if (!chain) return;
        const index = command.ruleNumber ? this.ruleIndexByNumber(table, chain, command) : this.ruleIndexBySpec(table, chain, command);
        if (index !== null) this.removeRule(working, chain, index);
        return;
      }
      case 'check': {
        const chain = this.existingChain(table, command, chainName);
        if (chain) this.ruleIndexBySpec(table, chain, command);
        return;
      }
      case 'new-chain': {
        if (chainName === undefined) return;
        const existing = table.chains.get(chainName);
        if (existing && this.parse.format === 'list' && !existing.builtin) {
          // `iptables -S` output is a listing, not commands: a chain listed again (e.g. an
          // `iptables -S CHAIN` excerpt after the full listing) shows its current rules anew.
          this.flushChain(working, existing);
          return;
        }
        if (existing) {
          this.diagnose('chain-exists', table.name, command.span, `-N ${chainName}: chain ${chainName} already exists in table ${table.name}`, command, chainName);
          return;
        }
        addChain(table, chainName, false, command).createdBy = command;
        return;
      }
      case 'delete-chain':
        if (chainName === undefined) this.deleteAllUserChains(working, command);
        else {
          const chain = this.existingChain(table, command, chainName);
          if (chain) this.deleteChain(working, chain, command);
        }
        return;
      case 'flush':
        if (chainName === undefined) for (const chain of table.chains.values()) this.flushChain(working, chain);
        else {
          const chain = this.existingChain(table, command, chainName);
          if (chain) this.flushChain(working, chain);
        }
        return;
      case 'zero': {
        if (chainName === undefined) return;
        const chain = this.existingChain(table, command, chainName);
        if (chain && command.ruleNumber) this.ruleNumber(table, chain, command, chain.rules.length);
        return;
      }
      case 'policy': {
        const chain = this.existingChain(table, command, chainName);
        const policy = command.argument?.text;
        // Refused policies (user chain, not ACCEPT/DROP, DROP in nat) are reported by lint rules from the AST.
        const accepted = policy === 'ACCEPT' || (policy === 'DROP' && table.name !== 'nat');
        if (chain?.builtin && accepted) chain.policy = policy;
        return;
      }
      case 'rename-chain':
        this.renameChain(working, command, chainName);
        return;
      case 'list':
      case 'list-rules':
        return;
    }
  }

  /** `-A`/`-I` on a chain that was never declared: kept (flagged implicit) so its rules are still analysed. */
  private chainForAdding(working: WorkingTable, command: CommandLine, name: string | undefined): Chain | undefined {
    if (name === undefined) return undefined;
    const last = working.lastAdded;
    if (last !== undefined && last.name === name) return last;
    const { table } = working;
    let chain = table.chains.get(name);
    if (!chain) {
      chain = addChain(table, name, false, command.chain ?? command);
      chain.implicit = true;
    }
    working.lastAdded = chain;
    return chain;
  }

  private existingChain(table: Table, command: CommandLine, name: string | undefined): Chain | undefined {
    if (name === undefined) return undefined;
    const chain = table.chains.get(name);
    if (!chain) this.diagnose('chain-not-found', table.name, command.chain?.span ?? command.span, `${command.commandWord.text} ${name}: table ${table.name} has no chain ${name} at this point`, command, name);
    return chain;
  }

  /** The 1-based rule number of the command if it is within 1..max, else a diagnostic and null. */
  private ruleNumber(table: Table, chain: Chain, command: CommandLine, max: number): number | null {
    const text = command.ruleNumber?.text;
    const number = text !== undefined && /^\d+$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
    if (number >= 1 && number <= max) return number;
    const span = command.ruleNumber?.span ?? command.span;
    const count = chain.rules.length;
    this.diagnose('rule-number-out-of-range', table.name, span, `${command.commandWord.text} ${chain.name} ${text ?? ''}: chain ${chain.name} has ${count} rule${count === 1 ? '' : 's'} at this point, so the rule number must be between 1 and ${max}`, command, chain.name);
    return null;
  }

  private ruleIndexByNumber(table: Table, chain: Chain, command: CommandLine): number | null {
    const number = this.ruleNumber(table, chain, command, chain.rules.length);
    return number === null ? null : number - 1;
  }

  private ruleIndexBySpec(table: Table, chain: Chain, command: CommandLine): number | null {
    const wanted = ruleKey(command.rule, this.parse.family);
    const index = chain.rules.findIndex((rule) => this.keyOf(rule) === wanted);
    if (index >= 0) return index;
    this.diagnose('rule-not-found', table.name, command.span, `${command.commandWord.text} ${chain.name}: no rule identical to this one is in chain ${chain.name} at this point`, command, chain.name);
    return null;
  }

  private keyOf(rule: Rule): string {
    let key = this.keys.get(rule);
    if (key === undefined) {
      key = ruleKey(rule.command.rule, this.parse.family);
      this.keys.set(rule, key);
    }
    return key;
  }

  private insertRule(working: WorkingTable, chain: Chain, index: number, command: CommandLine): void {
    const rule = new ModelRule(working.scope, chain.name, command, working.shareTargetName);
    if (index === chain.rules.length) chain.rules = appended(chain.rules, rule);
    else chain.rules.splice(index, 0, rule);
    const target = rule.targetName;
    // ACCEPT/DROP/… can never name a chain: not counting them keeps them out of the map.
    if (target !== undefined && !STANDARD_VERDICTS.has(target)) working.referrers.set(target, (working.referrers.get(target) ?? 0) + 1);
  }

  private removeRule(working: WorkingTable, chain: Chain, index: number): void {
    const [rule] = chain.rules.splice(index, 1);
    if (rule) this.forget(working, rule);
  }

  private flushChain(working: WorkingTable, chain: Chain): void {
    for (const rule of chain.rules) this.forget(working, rule);
    chain.rules = [];
  }

  private forget(working: WorkingTable, rule: Rule): void {
    const target = this.targetName(rule);
    const count = target === undefined ? undefined : working.referrers.get(target);
    if (target !== undefined && count !== undefined) working.referrers.set(target, count - 1);
  }

  /** The chain name the rule's target stands for now: `-E` renames what the AST still shows. */
  private targetName(rule: Rule): string | undefined {
    return this.renamedTargets.get(rule) ?? rule.targetName;
  }

  private deleteChain(working: WorkingTable, chain: Chain, command: CommandLine): boolean {
    const { table } = working;
    const name = chain.name;
    const prefix = `-X ${name}`;
    if (chain.builtin) {
      this.diagnose('builtin-chain', table.name, command.span, `${prefix}: ${name} is a built-in chain of table ${table.name} and cannot be deleted`, command, name);
      return false;
    }
    const users = working.referrers.get(name) ?? 0;
    if (users > 0) {
      this.diagnose('chain-in-use', table.name, command.span, `${prefix}: ${users} rule${users === 1 ? ' still jumps' : 's still jump'} to ${name}, so the chain cannot be deleted`, command, name);
      return false;
    }
    if (chain.rules.length > 0) {
      this.diagnose('chain-not-empty', table.name, command.span, `${prefix}: ${name} still has ${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}; flush it (-F ${name}) before deleting it`, command, name);
      return false;
    }
    // chainOrder is compacted once in finish(): filtering it here would make `-X` of every chain quadratic.
    table.chains.delete(name);
    if (working.lastAdded === chain) working.lastAdded = undefined;
    return true;
  }

  private deleteAllUserChains(working: WorkingTable, command: CommandLine): void {
    for (const chain of [...working.table.chains.values()]) if (!chain.builtin) this.deleteChain(working, chain, command);
  }

  private renameChain(working: WorkingTable, command: CommandLine, chainName: string | undefined): void {
    const { table } = working;
    const chain = this.existingChain(table, command, chainName);
    const newName = command.argument?.text;
    if (!chain || newName === undefined) return;
    const oldName = chain.name;
    if (chain.builtin) {
      this.diagnose('builtin-chain', table.name, command.span, `-E ${oldName} ${newName}: ${oldName} is a built-in chain of table ${table.name} and cannot be renamed`, command, oldName);
      return;
    }
    if (table.chains.has(newName)) {
      this.diagnose('chain-exists', table.name, command.argument?.span ?? command.span, `-E ${oldName} ${newName}: chain ${newName} already exists in table ${table.name}`, command, newName);
      return;
    }
    table.chains.delete(oldName);
    table.chains.set(newName, chain);
    chain.name = newName;
    table.chainOrder = table.chainOrder.map((n) => (n === oldName ? newName : n));
    // Jumps point at the chain itself, not at its name: they follow the rename. `-E` is rare
    // (and already walks chainOrder), so the rules that name the chain are found by a walk.
    const users = working.referrers.get(oldName) ?? 0;
    if (users > 0) {
      working.referrers.delete(oldName);
      for (const each of table.chains.values()) {
        for (const rule of each.rules) if (this.targetName(rule) === oldName) this.renamedTargets.set(rule, newName);
      }
      working.referrers.set(newName, (working.referrers.get(newName) ?? 0) + users);
    }
  }

  private diagnose(kind: ModelDiagnosticKind, table: TableName, span: Span, message: string, command?: CommandLine, chain?: string): void {
    const diagnostic: ModelDiagnostic = { kind, table, message, span };
    if (command) diagnostic.command = command;
    if (chain !== undefined) diagnostic.chain = chain;
    this.diagnostics.push(diagnostic);
  }

  finish(): Model {
    const tables = new Map<string, Table>();
    const edges = new Map<string, Map<string, JumpEdge[]>>();
    const incoming = new Map<string, Map<string, JumpEdge[]>>();
    const actionIndexes = new Map<string, ActionIndex>();
    for (const [name, { table }] of this.tables) {
      tables.set(name, table);
      compactChainOrder(table);
      const outgoingOfTable = new Map<string, JumpEdge[]>();
      const incomingOfTable = new Map<string, JumpEdge[]>();
      const actions = new TableActions(table.chains);
      const byAction = new ActionIndexBuilder();
      for (const name of table.chainOrder) {
        const chain = table.chains.get(name) as Chain;
        let outgoing: JumpEdge[] | undefined;
        const rules = exactSize(chain.rules);
        chain.rules = rules;
        for (let index = 0; index < rules.length; index++) {
          const rule = rules[index] as Rule;
          rule.chain = chain.name;
          rule.index = index;
          const action = actions.classify(rule.target, (this.renamedTargets.size === 0 ? undefined : this.renamedTargets.get(rule)) ?? rule.targetName);
          rule.action = action;
          byAction.add(rule, action);
          if ((action.kind === 'jump' || action.kind === 'goto') && action.resolved) {
            const edge: JumpEdge = new ModelEdge(rule, action.chain);
            outgoing = outgoing === undefined ? [edge] : appended(outgoing, edge);
            const into = incomingOfTable.get(action.chain);
            incomingOfTable.set(action.chain, into === undefined ? [edge] : appended(into, edge));
          }
        }
        if (outgoing !== undefined) outgoingOfTable.set(chain.name, exactSize(outgoing));
      }
      for (const [to, into] of incomingOfTable) if (into.length > EXACT_UP_TO) incomingOfTable.set(to, exactSize(into));
      edges.set(name, outgoingOfTable);
      incoming.set(name, incomingOfTable);
      actionIndexes.set(name, byAction.index);
    }
    const model: Model = { source: this.parse, family: this.parse.family, tables, edges, incoming, diagnostics: this.diagnostics };
    rememberActionIndexes(model, actionIndexes);
    rememberLineIndex(model, this.lines.finish(this.parse.tables));
    return model;
  }
}

/** Drops names of deleted chains from chainOrder, keeping the first position of a name created again. */
function compactChainOrder(table: Table): void {
  // Every chain of the table is in chainOrder: a name too many is there only after a chain was deleted.
  if (table.chainOrder.length === table.chains.size) return;
  const seen = new Set<string>();
  table.chainOrder = table.chainOrder.filter((name) => table.chains.has(name) && !seen.has(name) && seen.add(name));
}

function newTable(block: TableBlock): Table {
  const span = block.header?.span ?? block.span;
  const table: Table = { name: block.name, chains: new Map(), chainOrder: [], blocks: [block], span };
  const header: SpanSource = { span };
  for (const hook of builtinChainsOf(block.name)) {
    const chain = addChain(table, hook, true, header);
    chain.policy = 'ACCEPT';
  }
  return table;
}

function addChain(table: Table, name: string, builtin: boolean, spanSource: SpanSource): ModelChain {
  const chain = new ModelChain(table.name, name, builtin || isBuiltinChain(table.name, name), spanSource);
  table.chains.set(name, chain);
  table.chainOrder.push(name);
  return chain;
}

/**
 * Lists up to this length are grown by copying (`concat` makes an array of
 * the exact size), longer ones by `push` and trimmed once at the end. The
 * model keeps a few lists per chain, and a big dump has tens of thousands of
 * chains with a few rules or edges each: grown by `push`, each would keep
 * room for 16 more elements, and trimming them all at the end would leave
 * the outgrown copies (long-lived, so old-generation garbage) behind.
 */
const EXACT_UP_TO = 8;

function appended<T>(list: T[], item: T): T[] {
  if (list.length >= EXACT_UP_TO) {
    list.push(item);
    return list;
  }
  return list.concat([item]);
}

/** The list without the spare capacity that `push` leaves (only lists that grew past EXACT_UP_TO were pushed to). */
function exactSize<T>(list: T[]): T[] {
  return list.length > EXACT_UP_TO ? list.slice() : list;
}
