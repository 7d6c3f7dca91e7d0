/**
 * ruleLinesWith() (the shared index the line rules read) must select exactly
 * the lines that walking every line would: same lines, source order, each once.
 * Checked over every committed dump and the example.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleSpec } from '../../grammar/ast.js';
import { parse } from '../../grammar/index.js';
import { buildModel } from '../../src/model/build.js';
import { forEachPart, lineAt, ruleLines, ruleLinesWith, type RuleLine } from '../../rules/lib/commands.js';

const root = join(import.meta.dirname, '..', '..');

function dumpsUnder(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.rules'))
    .map((name) => join(root, folder, name));
}

const files = [...dumpsUnder('fixtures'), ...dumpsUnder('examples')];

type Part = RuleSpec['parts'][number];
type Wanted = Parameters<typeof ruleLinesWith>[1];

const selections: Wanted[] = [
  { match: ['state'] },
  { target: ['REJECT'] },
  { base: ['in-interface', 'out-interface'] },
  { base: ['source', 'destination'] },
  { match: ['tcp', 'udp', 'multiport'], target: ['DNAT', 'MASQUERADE'] },
  { match: ['comment'], target: ['ACCEPT', 'DOCKER'], base: ['protocol'] },
];

function has(part: Part, wanted: Wanted): boolean {
  const names = [...(wanted[part.kind] ?? [])];
  return names.includes(part.kind === 'base' ? part.name : part.name.text);
}

function describeLines(lines: readonly RuleLine[]): number[] {
  return lines.map((line) => line.command.span.offset);
}

describe('ruleLinesWith', () => {
  it('finds the committed dumps', () => expect(files.length).toBeGreaterThan(50));

  it('selects the same lines as a walk over every line, on every committed dump', () => {
    let selected = 0;
    for (const file of files) {
      const model = buildModel(parse(readFileSync(file, 'utf8'), { file: relative(root, file) }));
      for (const wanted of selections) {
        const walked = ruleLines(model).filter((line) => line.command.rule.parts.some((part) => has(part, wanted)));
        const indexed = ruleLinesWith(model, wanted);
        expect(describeLines(indexed), `${relative(root, file)} ${JSON.stringify(wanted)}`).toEqual(describeLines(walked));
        selected += indexed.length;
      }
    }
    expect(selected).toBeGreaterThan(1000);
  });

  it('gives a model built some other way (no recorded index) the same lines', () => {
    for (const file of files) {
      const model = buildModel(parse(readFileSync(file, 'utf8'), { file: relative(root, file) }));
      const copy = { ...model };
      for (const wanted of selections) expect(describeLines(ruleLinesWith(copy, wanted))).toEqual(describeLines(ruleLinesWith(model, wanted)));
    }
  });
});

describe('forEachPart', () => {
  it('visits the same parts, in source order, as a walk over every line, on every committed dump', () => {
    let visited = 0;
    for (const file of files) {
      const model = buildModel(parse(readFileSync(file, 'utf8'), { file: relative(root, file) }));
      for (const wanted of selections) {
        for (const kind of ['base', 'match', 'target'] as const) {
          const names = [...(wanted[kind] ?? [])];
          if (names.length === 0) continue;
          const walked = ruleLines(model).flatMap((line) => line.command.rule.parts.filter((part) => part.kind === kind && has(part, { [kind]: names })).map((part) => ({ part, line: line.command.span.line })));
          const seen: { part: Part; line: number }[] = [];
          forEachPart(model, kind, names, (part, at) => seen.push({ part, line: lineAt(model, at).command.span.line }));
          expect(seen, `${relative(root, file)} ${kind} ${names.join(',')}`).toEqual(walked);
          visited += seen.length;
        }
      }
    }
    expect(visited).toBeGreaterThan(1000);
  });
});
