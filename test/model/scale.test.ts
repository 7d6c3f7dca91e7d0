/**
 * The model must stay linear: a million-rule dump is built and linted without
 * quadratic work. The AST is made directly (the parser has its own benchmarks)
 * from a few shared nodes, so the test measures the model, not the parser.
 */
import { describe, expect, it } from 'vitest';
import type { CommandLine, ParseResult, Span, TableBlock, Word } from '../../grammar/ast.js';
import { lint } from '../../src/engine/lint.js';
import { buildModel } from '../../src/model/build.js';
import { structuralRules } from '../../rules/index.js';

function span(line: number): Span {
  return { line, column: 1, endLine: line, endColumn: 2, offset: line * 100 };
}

/** Words of one line share its span object: the test is about the model's memory, not the AST's. */
function word(text: string, s: Span): Word {
  return { text, raw: text, span: s };
}

/** `-A FORWARD -d 10.x.y.z/32 -p tcp -m tcp --dport N -j ACCEPT`, one per line. */
function dump(rules: number): ParseResult {
  const commands: CommandLine[] = [];
  for (let i = 0; i < rules; i++) {
    const line = i + 6;
    const s = span(line);
    commands.push({
      kind: 'command',
      command: 'append',
      commandWord: word('-A', s),
      chain: word('FORWARD', s),
      trailingBlank: false,
      span: s,
      rule: {
        span: s,
        parts: [
          { kind: 'base', name: 'destination', optionWord: word('-d', s), negation: 'none', values: [word(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`, s)], span: s },
          { kind: 'base', name: 'protocol', optionWord: word('-p', s), negation: 'none', values: [word('tcp', s)], span: s },
          { kind: 'match', name: word('tcp', s), matchWord: word('-m', s), known: true, span: s, options: [{ kind: 'ext-option', name: 'dport', optionWord: word('--dport', s), negation: 'none', values: [word(String((i % 65535) + 1), s)], span: s }] },
          { kind: 'target', via: 'jump', jumpWord: word('-j', s), name: word('ACCEPT', s), known: true, options: [], span: s },
        ],
      },
    });
  }
  const table: TableBlock = { name: 'filter', chains: [], commands, span: span(1) };
  return { file: 'scale.rules', format: 'save', family: 'ipv4', statements: [], tables: [table], errors: [], crlf: false, bom: false, missingFinalNewline: false };
}

describe('scale', () => {
  it('builds and lints a million rules', () => {
    const rules = 1_000_000;
    const source = dump(rules);
    const started = performance.now();
    const model = buildModel(source);
    expect(model.tables.get('filter')?.chains.get('FORWARD')?.rules).toHaveLength(rules);
    const findings = lint(model, { rules: structuralRules });
    expect(findings).toEqual([]);
    // Generous: linear work takes seconds; a quadratic step would take hours.
    expect(performance.now() - started).toBeLessThan(240_000);
  }, 600_000);
});
