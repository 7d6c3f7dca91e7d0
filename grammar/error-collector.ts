/**
 * Collects the parse errors of one input. Repeats of the same error (same
 * code and message, e.g. one per line of a binary file) are capped so a bad
 * input cannot flood the output; a last error says how many were left out.
 */
import type { ParseError } from './ast.js';

export const REPEATED_ERROR_LIMIT = 20;

interface Repeats {
  count: number;
  firstSuppressed?: ParseError;
}

export class ErrorCollector {
  private readonly errors: ParseError[] = [];
  private readonly repeats = new Map<string, Repeats>();

  constructor(private readonly limit: number = REPEATED_ERROR_LIMIT) {}

  add(error: ParseError): void {
    const key = `${error.code}\n${error.message}`;
    let repeats = this.repeats.get(key);
    if (repeats === undefined) {
      repeats = { count: 0 };
      this.repeats.set(key, repeats);
    }
    repeats.count++;
    if (repeats.count <= this.limit) this.errors.push(error);
    else repeats.firstSuppressed ??= error;
  }

  /** The errors in input order, then one summary per capped kind. */
  finish(): ParseError[] {
    const sorted = this.errors.slice().sort((a, b) => a.span.offset - b.span.offset);
    for (const repeats of this.repeats.values()) {
      const first = repeats.firstSuppressed;
      if (first === undefined) continue;
      const more = repeats.count - this.limit;
      sorted.push({
        code: first.code,
        message: `${more} more error${more === 1 ? '' : 's'} like this (not listed): ${first.message}`,
        span: first.span,
      });
    }
    return sorted;
  }
}
