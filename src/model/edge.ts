/**
 * The model's JumpEdge. `from` and `via` are read from the rule (its chain
 * and its action): a big dump has an edge for most of its rules, and the
 * edge keeps only what its rule does not already say.
 */
import type { JumpEdge, Rule } from './types.js';

export class ModelEdge implements JumpEdge {
  constructor(
    public rule: Rule,
    public to: string,
  ) {}

  get from(): string {
    return this.rule.chain;
  }

  get via(): 'jump' | 'goto' {
    return this.rule.action.kind === 'goto' ? 'goto' : 'jump';
  }

  /** Plain data for `JSON.stringify` and test snapshots (getters are not own properties). */
  toJSON(): JumpEdge {
    return { from: this.from, to: this.to, via: this.via, rule: this.rule };
  }
}
