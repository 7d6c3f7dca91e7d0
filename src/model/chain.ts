/**
 * The model's Chain. Its span is read from the line that made the chain
 * (its first declaration, the `-N` or the first `-A`) when asked: a big dump
 * has a chain for every few rules, and a Span object kept per chain costs
 * more than the reference to the line.
 */
import type { ChainDeclaration, CommandLine, Span } from '../../grammar/ast.js';
import { itemsOf, withItem, type CompactList } from '../../grammar/compact-list.js';
import type { Chain, Rule, TableName } from './types.js';

/** Whatever gives the chain its span: a declaration, a command line, a word, or the table's header. */
export interface SpanSource {
  readonly span: Span;
}

export class ModelChain implements Chain {
  rules: Rule[] = [];
  /** Nearly every chain is declared once: one declaration is kept without an array. */
  private declared: CompactList<ChainDeclaration>;
  declare policy?: string;
  declare createdBy?: CommandLine;
  declare implicit?: boolean;

  constructor(
    public table: TableName,
    public name: string,
    public builtin: boolean,
    private readonly spanSource: SpanSource,
  ) {}

  get span(): Span {
    return this.spanSource.span;
  }

  get declarations(): ChainDeclaration[] {
    return itemsOf(this.declared);
  }

  addDeclaration(declaration: ChainDeclaration): void {
    this.declared = withItem(this.declared, declaration);
  }

  /** Plain data for `JSON.stringify` and test snapshots (the span is a getter, not an own property). */
  toJSON(): Chain {
    const json: Chain = { table: this.table, name: this.name, builtin: this.builtin, declarations: this.declarations, rules: this.rules, span: this.span };
    if (this.policy !== undefined) json.policy = this.policy;
    if (this.createdBy !== undefined) json.createdBy = this.createdBy;
    if (this.implicit !== undefined) json.implicit = this.implicit;
    return json;
  }
}
