/**
 * Properties of the grammar on generated VALID rulesets (test/property/ruleset.ts):
 * they parse without errors, printing is stable (printing twice gives the
 * same bytes, and a canonical input prints back byte for byte), and
 * parse∘print is the identity on the AST (spans aside).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, print, type ParseResult } from '../../grammar/index.js';
import { rulesetArbitrary, saveQuote } from './ruleset.js';

/** The AST without positions: what a reprint must preserve. */
function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'span' || key === 'bangSpan') continue;
    out[key] = withoutSpans(inner);
  }
  return out;
}

/** The AST's plain shape (what `toJSON` gives: nodes keep their words in private fields) without positions. */
function shape(result: ParseResult): unknown {
  const plain: unknown = JSON.parse(JSON.stringify({ statements: result.statements, tables: result.tables, format: result.format, family: result.family, errors: result.errors }));
  return withoutSpans(plain);
}

describe('grammar properties on generated valid rulesets', () => {
  const options = { seed: 20261128, numRuns: 150 };

  it('generated rulesets parse without errors', () => {
    fc.assert(
      fc.property(rulesetArbitrary(), ({ text, family, format }) => {
        expect(parse(text, { family, format }).errors).toEqual([]);
      }),
      options,
    );
  });

  it('print(parse(x)) is stable and canonical input prints back byte for byte', () => {
    fc.assert(
      fc.property(rulesetArbitrary(), ({ text, family, format }) => {
        const once = print(parse(text, { family, format }));
        expect(once).toBe(text);
        expect(print(parse(once, { family, format }))).toBe(once);
      }),
      options,
    );
  });

  it('parse∘print is the identity on the AST', () => {
    fc.assert(
      fc.property(rulesetArbitrary(), ({ text, family, format }) => {
        const first = parse(text, { family, format });
        const second = parse(print(first), { family, format });
        expect(shape(second)).toEqual(shape(first));
      }),
      options,
    );
  });

  it('quoted values come back as the text that was quoted', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', "'", 'é', '!', '-'), minLength: 1, maxLength: 30 }), (comment) => {
        const result = parse(`*filter\n-A INPUT -m comment --comment ${saveQuote(comment)} -j ACCEPT\nCOMMIT\n`);
        expect(result.errors).toEqual([]);
        const command = result.statements[1];
        const match = command?.kind === 'command' ? command.rule?.parts.find((part) => part.kind === 'match') : undefined;
        expect(match?.kind === 'match' ? match.options[0]?.values[0]?.text : undefined).toBe(comment);
      }),
      options,
    );
  });
});
