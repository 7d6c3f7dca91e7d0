/**
 * Mutations of real dumps, as data (so fast-check can generate and shrink
 * them, and a failing case is printed as something a human can replay):
 * byte flips, truncation, line shuffles, token deletion, huge repeats,
 * insertion of hostile text (random bytes, unicode, escapes) and whole-input
 * random bytes. Positions are plain numbers taken modulo the input length.
 */
import fc from 'fast-check';
import type { Seed } from './corpus.js';

export type Mutation =
  | { kind: 'flip-bit'; at: number; bit: number }
  | { kind: 'set-byte'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'delete-line'; at: number }
  | { kind: 'delete-token'; at: number }
  | { kind: 'duplicate-token'; at: number }
  | { kind: 'repeat-line'; at: number; times: number }
  | { kind: 'repeat-bytes'; at: number; length: number; times: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'insert-bytes'; at: number; bytes: number[] }
  | { kind: 'splice-line'; at: number; from: number; line: number };

export interface FuzzCase {
  /** Index into the seed corpus; `-1` means "random bytes only". */
  seed: number;
  mutations: Mutation[];
  /** For seed -1: the whole input. */
  random?: number[];
}

const NL = 0x0a;
const SPACE = 0x20;

/** Text that attacks tokenisers and terminals, inserted anywhere. */
const HOSTILE = [
  '"', "'", '\\', '\\"', '!', ' ! ', '--', '-', '=', '#', '*', ':', '[', ']', '[0:0]', '\t', '\r', '\r\n', '\n', '\0',
  '\x1b[2J', '\x1b]8;;https://evil.example\x07x\x1b]8;;\x07', '\x9b31m', '\u202e', '\u2066', '\ufeff', '\ud800', '\uffff',
  '<script>alert(1)</script>', '__proto__', 'constructor', '-m comment --comment', '-j', '-g', '-N', '-X', '-P', 'COMMIT\n',
  '*filter\n', '*nat\n', ':INPUT DROP [0:0]\n', '-A INPUT -j INPUT\n', '-m', '--dport', '65536', '-1', '999999999999999999999',
  '0x', '1.2.3.4/33', '::/129', 'ACCEPT', 'DOCKER', 'DOCKER-USER', '-j DOCKER\n', '%', '${IFS}', '$(id)', '`id`',
];

/** Huge repeats make big inputs, so they are drawn less often than the cheap mutations. */
const repeatArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('repeat-line' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 500 }) }),
  fc.record({
    kind: fc.constant('repeat-bytes' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 16 }),
    times: fc.integer({ min: 2, max: 4000 }),
  }),
);

const smallArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip-bit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set-byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete-token' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-token' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 12 })),
  }),
  fc.record({ kind: fc.constant('insert-bytes' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('splice-line' as const), at: fc.nat(), from: fc.nat(), line: fc.nat() }),
);

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof({ weight: 12, arbitrary: smallArbitrary }, { weight: 1, arbitrary: repeatArbitrary });

export function fuzzCaseArbitrary(corpusSize: number): fc.Arbitrary<FuzzCase> {
  const mutated = fc.record({ seed: fc.nat({ max: corpusSize - 1 }), mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }) });
  const random = fc.record({
    seed: fc.constant(-1),
    mutations: fc.array(mutationArbitrary, { maxLength: 2 }),
    random: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 2048 }),
  });
  return fc.oneof({ weight: 9, arbitrary: mutated }, { weight: 1, arbitrary: random });
}

function linesOf(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === NL) {
      lines.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** [start, end) of the token (run of non-blank, non-newline bytes) at or after `at`, if any. */
function tokenAt(bytes: Uint8Array, at: number): [number, number] | undefined {
  let start = at;
  while (start < bytes.length && (bytes[start] === SPACE || bytes[start] === NL)) start++;
  if (start >= bytes.length) return undefined;
  while (start > 0 && bytes[start - 1] !== SPACE && bytes[start - 1] !== NL) start--;
  let end = start;
  while (end < bytes.length && bytes[end] !== SPACE && bytes[end] !== NL) end++;
  return [start, end];
}

function insertAt(bytes: Uint8Array, at: number, piece: Uint8Array): Uint8Array {
  const position = bytes.length === 0 ? 0 : at % (bytes.length + 1);
  return concat([bytes.subarray(0, position), piece, bytes.subarray(position)]);
}

export function applyMutation(bytes: Uint8Array, mutation: Mutation, corpus: readonly Seed[]): Uint8Array {
  const length = bytes.length;
  switch (mutation.kind) {
    case 'flip-bit': {
      if (length === 0) return bytes;
      const out = bytes.slice();
      const at = mutation.at % length;
      out[at] = (out[at] as number) ^ (1 << mutation.bit);
      return out;
    }
    case 'set-byte': {
      if (length === 0) return bytes;
      const out = bytes.slice();
      out[mutation.at % length] = mutation.value;
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, mutation.at % (length + 1));
    case 'swap-lines': {
      const lines = linesOf(bytes);
      if (lines.length < 2) return bytes;
      const a = mutation.a % lines.length;
      const b = mutation.b % lines.length;
      [lines[a], lines[b]] = [lines[b] as Uint8Array, lines[a] as Uint8Array];
      return concat(lines);
    }
    case 'delete-line': {
      const lines = linesOf(bytes);
      if (lines.length === 0) return bytes;
      lines.splice(mutation.at % lines.length, 1);
      return concat(lines);
    }
    case 'delete-token':
    case 'duplicate-token': {
      if (length === 0) return bytes;
      const token = tokenAt(bytes, mutation.at % length);
      if (!token) return bytes;
      const [start, end] = token;
      const middle = mutation.kind === 'delete-token' ? [] : [bytes.subarray(start, end), Uint8Array.of(SPACE), bytes.subarray(start, end)];
      return concat([bytes.subarray(0, start), ...middle, bytes.subarray(end)]);
    }
    case 'repeat-line': {
      const lines = linesOf(bytes);
      if (lines.length === 0) return bytes;
      const index = mutation.at % lines.length;
      const line = lines[index] as Uint8Array;
      const whole = line[line.length - 1] === NL ? line : concat([line, Uint8Array.of(NL)]);
      lines.splice(index, 1, ...new Array<Uint8Array>(mutation.times).fill(whole));
      return concat(lines);
    }
    case 'repeat-bytes': {
      if (length === 0) return bytes;
      const start = mutation.at % length;
      const piece = bytes.subarray(start, Math.min(length, start + mutation.length));
      return concat([bytes.subarray(0, start), ...new Array<Uint8Array>(mutation.times).fill(piece), bytes.subarray(start)]);
    }
    case 'insert':
      return insertAt(bytes, mutation.at, new TextEncoder().encode(mutation.text));
    case 'insert-bytes':
      return insertAt(bytes, mutation.at, Uint8Array.from(mutation.bytes));
    case 'splice-line': {
      const donor = corpus[mutation.from % corpus.length];
      const donorLines = donor ? linesOf(donor.bytes) : [];
      if (donorLines.length === 0) return bytes;
      const lines = linesOf(bytes);
      lines.splice(lines.length === 0 ? 0 : mutation.at % (lines.length + 1), 0, donorLines[mutation.line % donorLines.length] as Uint8Array);
      return concat(lines);
    }
  }
}

export function materialize(fuzzCase: FuzzCase, corpus: readonly Seed[]): { name: string; bytes: Uint8Array } {
  const seed = fuzzCase.seed >= 0 ? corpus[fuzzCase.seed % corpus.length] : undefined;
  let bytes = seed ? seed.bytes : Uint8Array.from(fuzzCase.random ?? []);
  for (const mutation of fuzzCase.mutations) bytes = applyMutation(bytes, mutation, corpus);
  return { name: seed ? seed.name : '<random bytes>', bytes };
}
