/** Small read helpers over the model that the Docker audit uses everywhere. */
import type { Span, Word } from '../../grammar/ast.js';
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

/** The rule's words after `-A CHAIN`, as written (`raw`, quotes kept) or as iptables reads them (`text`). */
export function ruleSpecWords(rule: Rule, form: 'raw' | 'text' = 'text'): string[] {
  const words: string[] = [];
  const word = (entry: Word): string => entry[form];
  for (const part of rule.command.rule?.parts ?? []) {
    if (part.kind === 'base') {
      if (part.negation === 'prefix') words.push('!');
      words.push(word(part.optionWord));
      if (part.negation === 'infix') words.push('!');
      words.push(...part.values.map(word));
    } else if (part.kind === 'match') {
      if (part.matchWord) words.push(word(part.matchWord), word(part.name));
      for (const option of part.options) {
        if (option.negation === 'prefix') words.push('!');
        words.push(word(option.optionWord));
        if (option.negation === 'infix') words.push('!');
        words.push(...option.values.map(word));
      }
    } else {
      words.push(word(part.jumpWord), word(part.name));
      for (const option of part.options) {
        if (option.negation === 'prefix') words.push('!');
        words.push(word(option.optionWord));
        words.push(...option.values.map(word));
      }
    }
  }
  return words;
}

/** The rule specification as written (everything after `-A CHAIN`), for messages. */
export function ruleSpecText(rule: Rule): string {
  return ruleSpecWords(rule, 'raw').join(' ');
}
