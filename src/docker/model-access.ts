/** Small read helpers over the model that the Docker audit uses everywhere. */
import type { Span } from '../../grammar/ast.js';
import type { Chain, Model, Rule } from '../model/types.js';

export function chainOf(model: Model, table: string, name: string): Chain | undefined {
  return model.tables.get(table)?.chains.get(name);
}

export function rulesOf(model: Model, table: string, name: string): readonly Rule[] {
  return chainOf(model, table, name)?.rules ?? [];
}

export function hasChain(model: Model, table: string, name: string): boolean {
  return chainOf(model, table, name) !== undefined;
}

/** The rules of `from` that jump (or go) to `to`. */
export function jumpsTo(model: Model, table: string, from: string, to: string): Rule[] {
  return rulesOf(model, table, from).filter(
    (rule) => (rule.action.kind === 'jump' || rule.action.kind === 'goto') && rule.action.chain === to,
  );
}

const START: Span = { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0 };

export function chainDeclarationSpan(chain: Chain): Span {
  return chain.declarations[0]?.span ?? chain.span;
}

/**
 * Where a missing rule of `table`/`chain` should go: the chain's declaration,
 * else the table, else the start of the file.
 */
export function placeForRule(model: Model, table: string, chain: string): Span {
  const found = chainOf(model, table, chain);
  if (found) return chainDeclarationSpan(found);
  const tableNode = model.tables.get(table);
  if (tableNode) return tableNode.span;
  const first = model.source.statements.find((statement) => statement.kind !== 'blank' && statement.kind !== 'comment');
  return first?.span ?? START;
}

/** The rule specification as written (everything after `-A CHAIN`), for `-D` fix hints. */
export function ruleSpecText(rule: Rule): string {
  const words: string[] = [];
  for (const part of rule.command.rule?.parts ?? []) {
    if (part.kind === 'base') {
      if (part.negation === 'prefix') words.push('!');
      words.push(part.optionWord.raw);
      if (part.negation === 'infix') words.push('!');
      words.push(...part.values.map((value) => value.raw));
    } else if (part.kind === 'match') {
      if (part.matchWord) words.push(part.matchWord.raw, part.name.raw);
      for (const option of part.options) {
        if (option.negation === 'prefix') words.push('!');
        words.push(option.optionWord.raw);
        if (option.negation === 'infix') words.push('!');
        words.push(...option.values.map((value) => value.raw));
      }
    } else {
      words.push(part.jumpWord.raw, part.name.raw);
      for (const option of part.options) {
        if (option.negation === 'prefix') words.push('!');
        words.push(option.optionWord.raw);
        words.push(...option.values.map((value) => value.raw));
      }
    }
  }
  return words.join(' ');
}
