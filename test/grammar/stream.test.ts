/**
 * DumpParser, fed the text in pieces as stdin delivers it, must give exactly
 * what parse() gives for the whole text: the same AST, errors, format and
 * family, whatever the cut points (inside a word, between `\r` and `\n`, one
 * character at a time, or batches of many lines).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, type ParseOptions, type ParseResult } from '../../grammar/index.js';
import { DumpParser } from '../../grammar/parse.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function rulesFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return rulesFiles(path);
      return name.endsWith('.rules') ? [path] : [];
    });
}

const dumps = [...rulesFiles(join(ROOT, 'fixtures')), ...rulesFiles(join(ROOT, 'examples'))].map((path) => ({
  name: path.slice(ROOT.length),
  text: readFileSync(path, 'utf8'),
}));

/** Pieces of `text` with lengths drawn from `sizes` in turn. */
function cut(text: string, sizes: readonly number[]): string[] {
  const pieces: string[] = [];
  for (let position = 0, turn = 0; position < text.length; turn++) {
    const size = sizes[turn % sizes.length] as number;
    pieces.push(text.slice(position, position + size));
    position += size;
  }
  return pieces;
}

function streamed(pieces: readonly string[], options: ParseOptions): ParseResult {
  const parser = new DumpParser(options);
  for (const piece of pieces) parser.write(piece);
  return parser.end();
}

function expectSameParse(text: string, sizes: readonly number[], options: ParseOptions = {}): void {
  expect(JSON.stringify(streamed(cut(text, sizes), options))).toBe(JSON.stringify(parse(text, options)));
}

describe('DumpParser gives what parse() gives', () => {
  it.each(dumps)('$name in pieces of 1-4 K characters', ({ text }) => {
    expectSameParse(text, [1000, 7, 4096, 333]);
  });

  it('a large input in stdin-sized pieces (several batches, lines cut anywhere)', () => {
    const text = dumps.map((dump) => dump.text).join('');
    expect(text.length).toBeGreaterThan(4 * 65536);
    expectSameParse(text, [65536, 12345, 1, 100000]);
  });

  it('one character at a time: BOM, CRLF, a rule before the first table, no final newline', () => {
    const text = '\uFEFF-A INPUT -j ACCEPT\r\n*filter\r\n:INPUT ACCEPT [0:0]\r\n-A INPUT -s ::1 -j DROP\r\nCOMMIT';
    expectSameParse(text, [1]);
    const result = streamed(cut(text, [1]), {});
    expect(result.format).toBe('save');
    expect(result.family).toBe('ipv6');
    expect(result.errors.map((error) => error.code)).toEqual(expect.arrayContaining(['syntax/bom', 'syntax/crlf']));
  });

  it('an iptables -S listing stays a listing until its end', () => {
    const text = '-P INPUT DROP\n-N DOCKER\n-A INPUT -j DOCKER\n';
    expectSameParse(text, [5]);
    expect(streamed(cut(text, [5]), {}).format).toBe('list');
  });

  it('an explicit format and table are kept', () => {
    expectSameParse('-A PREROUTING -j DOCKER\n', [3], { format: 'list', table: 'nat' });
  });
});
