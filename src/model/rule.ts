/**
 * The model's Rule. Normalized predicates, the option lists and the id are
 * computed on first use: a million-rule dump should not pay in memory for
 * predicates no analysis reads.
 */
import type { BaseOption, CommandLine, Family, MatchSpec, RulePart, Span, TargetSpec } from '../../grammar/ast.js';
import { NO_ACTION } from './actions.js';
import { ALWAYS_TRUE_MATCHES, buildPredicates, isUnconditional } from './predicates.js';
import type { Rule, RuleAction, RulePredicates, TableName } from './types.js';

const NO_PARTS: readonly RulePart[] = [];

function targetOf(parts: readonly RulePart[]): TargetSpec | undefined {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as RulePart;
    if (part.kind === 'target') return part;
  }
  return undefined;
}

/** What every rule of a table has in common: one object per table, not two fields per rule. */
export interface RuleScope {
  readonly table: TableName;
  readonly family: Family;
}

export class ModelRule implements Rule {
  chain: string;
  index = -1;
  action: RuleAction = NO_ACTION;
  readonly targetName: string | undefined;
  readonly command: CommandLine;
  private readonly scope: RuleScope;
  private cachedPredicates: RulePredicates | undefined;

  /** `shareName` gives the one string the model keeps for a target name (the grammar cuts a new one from the source on each read). */
  constructor(scope: RuleScope, chain: string, command: CommandLine, shareName: (name: string) => string) {
    this.scope = scope;
    this.chain = chain;
    this.command = command;
    const name = this.target?.name.text;
    this.targetName = name === undefined ? undefined : shareName(name);
  }

  /** Found again on each read (a walk over a few parts): one field less on each of a dump's rules. */
  get target(): TargetSpec | undefined {
    return targetOf(this.parts);
  }

  get table(): TableName {
    return this.scope.table;
  }

  get span(): Span {
    return this.command.span;
  }

  get id(): string {
    return `${this.table}/${this.chain}#${this.index}`;
  }

  private get parts(): readonly RulePart[] {
    return this.command.rule?.parts ?? NO_PARTS;
  }

  get baseOptions(): BaseOption[] {
    return this.parts.filter((p) => p.kind === 'base');
  }

  get matches(): MatchSpec[] {
    return this.parts.filter((p) => p.kind === 'match');
  }

  get predicates(): RulePredicates {
    this.cachedPredicates ??= buildPredicates(this.baseOptions, this.matches, this.scope.family);
    return this.cachedPredicates;
  }

  /** Worked out on each read (a walk over a few parts, the predicates only for base options): few checks ask. */
  get unconditional(): boolean {
    let hasBaseCondition = false;
    for (const part of this.parts) {
      if (part.kind === 'match' && !ALWAYS_TRUE_MATCHES.has(part.name.text)) return false;
      if (part.kind === 'base' && part.name !== 'set-counters') hasBaseCondition = true;
    }
    // Only base options can still be trivially true (`-s 0.0.0.0/0`, `-p all`): those need the predicates.
    return !hasBaseCondition || isUnconditional(this.predicates, this.baseOptions, this.matches);
  }

  /** Plain data for `JSON.stringify` and test snapshots (getters are not own properties). */
  toJSON(): Omit<Rule, 'command' | 'target' | 'targetName'> {
    return {
      id: this.id,
      table: this.table,
      chain: this.chain,
      index: this.index,
      action: this.action,
      predicates: this.predicates,
      baseOptions: this.baseOptions,
      matches: this.matches,
      unconditional: this.unconditional,
      span: this.span,
    };
  }
}
