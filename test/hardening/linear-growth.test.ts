/**
 * SECURITY.md: "Parsing is linear". The lexer and parser are timed on inputs
 * built to make backtracking or rescanning code super-linear: runs of quotes,
 * backslashes, `!` and spaces, unterminated quotes, one line of several MB,
 * thousands of `-m` modules on one rule, many tiny lines. Each input is parsed
 * at n and 4n bytes; linear work takes about 4 times as long, quadratic work 16
 * times. Robust to a loaded machine: n and 4n runs alternate, the fastest of
 * five of each counts, the bound is 6 times, and a pair over it is measured
 * again, up to three times (quadratic work is over it every time). n starts at a size per
 * input and doubles until the n run takes at least 100 ms (at most 4 MiB), so
 * timer noise and V8's heap growing from 1 to 4 MB cannot decide.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const RUNS = 5;
const BOUND = 6;
const MIN_MS = 100;
const ATTEMPTS = 3;
const MAX_N = 4 * MiB;

/** `unit` repeated to at least `bytes` characters. */
function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length));
}

interface Pathological {
  name: string;
  n: number;
  make: (bytes: number) => string;
}

const inputs: Pathological[] = [
  { name: 'a run of quotes', n: 1 * MiB, make: (b) => `-A INPUT -m comment --comment ${fill('"', b)}\n` },
  { name: 'escaped quotes inside a quote', n: 1 * MiB, make: (b) => `-A INPUT -m comment --comment "${fill('\\"', b)}"\n` },
  { name: 'an unterminated quote', n: 1 * MiB, make: (b) => `-A INPUT -m comment --comment "${fill('a b ', b)}\n` },
  { name: 'a run of backslashes', n: 1 * MiB, make: (b) => `-A INPUT -m comment --comment ${fill('\\', b)}\n` },
  { name: 'negations separated by spaces', n: 1 * MiB, make: (b) => `-A INPUT ${fill('! ', b)}-j ACCEPT\n` },
  { name: 'a run of !', n: 1 * MiB, make: (b) => `-A INPUT ${fill('!', b)}\n` },
  { name: 'a run of spaces', n: 1 * MiB, make: (b) => `-A INPUT${fill(' ', b)}-j ACCEPT\n` },
  { name: 'one line of repeated options (1 MiB and 4 MiB)', n: 1 * MiB, make: (b) => `-A INPUT${fill(' -s 192.0.2.1', b)} -j ACCEPT\n` },
  { name: 'thousands of -m modules on one rule', n: 1 * MiB, make: (b) => `-A INPUT${fill(' -m tcp', b)} -j ACCEPT\n` },
  { name: 'many lines, each an unterminated quote', n: 256 * KiB, make: (b) => fill('-A INPUT -m comment --comment "x\n', b) },
  { name: 'many chain declarations', n: 256 * KiB, make: (b) => `*filter\n${fill(':C - [0:0]\n', b)}COMMIT\n` },
  { name: 'empty lines only', n: 64 * KiB, make: (b) => fill('\n', b) },
  { name: 'a run of --', n: 64 * KiB, make: (b) => `-A INPUT ${fill('--', b)}\n` },
];

function timedParse(text: string): number {
  const started = performance.now();
  const result = parse(text);
  const elapsed = performance.now() - started;
  expect(result.errors.filter((error) => error.code.startsWith('internal')).map((error) => error.message)).toEqual([]);
  return elapsed;
}

/** The fastest of RUNS parses of each text, alternating, so a burst of load slows both alike. */
function fastestParses(small: string, large: string): [number, number] {
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let run = 0; run < RUNS; run++) {
    bestSmall = Math.min(bestSmall, timedParse(small));
    bestLarge = Math.min(bestLarge, timedParse(large));
  }
  return [bestSmall, bestLarge];
}

describe('the lexer and parser take linear time on pathological input', () => {
  it.each(inputs)('$name: 4n bytes take at most 6 times as long as n', ({ n: start, make }) => {
    timedParse(make(start / 4));
    let n = start;
    while (Math.min(timedParse(make(n)), timedParse(make(n))) < MIN_MS && n < MAX_N) n *= 2;
    let [small, large] = fastestParses(make(n), make(4 * n));
    for (let attempt = 1; attempt < ATTEMPTS && large > BOUND * small; attempt++) [small, large] = fastestParses(make(n), make(4 * n));
    expect(large, `n = ${n / KiB} KiB: ${small.toFixed(1)} ms, 4n: ${large.toFixed(1)} ms`).toBeLessThanOrEqual(BOUND * small);
  }, 120_000);
});
