/**
 * The short fuzz run of the suite (the long one is `npm run fuzz`): mutated
 * real dumps and random bytes, with a fixed seed, through the API and the
 * CLI path. Every case must end with a result whose findings lie inside the
 * input, without internal errors, within its time budget.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { seedCorpus } from './fuzz/corpus.js';
import { generateCase } from './fuzz/generate.js';
import { fuzzCaseArbitrary, materialize, type FuzzCase } from './fuzz/mutations.js';
import { runCase } from './fuzz/run-case.js';

const corpus = seedCorpus();

// Loading the CLI's commands and the first JIT pass are not the cost of a case.
beforeAll(async () => {
  await runCase('warm-up', (corpus[0] as { bytes: Uint8Array }).bytes, { cli: true, reprint: true });
}, 60_000);

describe('fuzz (short run, fixed seed)', () => {
  it('has real dumps to mutate', () => {
    expect(corpus.length).toBeGreaterThan(40);
    expect(corpus.some((seed) => seed.name.startsWith('fixtures/docker/'))).toBe(true);
    expect(corpus.some((seed) => seed.name.startsWith('fixtures/kernel/'))).toBe(true);
  });

  it('every mutated dump ends with a result or located errors, in bounded time', async () => {
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fuzzCaseArbitrary(corpus.length), async (fuzzCase: FuzzCase) => {
        const { name, bytes } = materialize(fuzzCase, corpus);
        const outcome = await runCase(name, bytes, { cli: index % 4 === 0, reprint: true });
        index++;
        expect(outcome.problems).toEqual([]);
        expect(outcome.overBudget).toBeUndefined();
      }),
      { seed: 4711, numRuns: 30, endOnFailure: true },
    );
  }, 120_000);
});

describe('fuzz regressions', () => {
  const located = async (text: string): Promise<void> => {
    const outcome = await runCase('regression.rules', new TextEncoder().encode(text), { cli: true, reprint: true });
    expect(outcome.problems).toEqual([]);
  };

  it('a carriage return at the very end of the input is content, not an unlexable character', async () => {
    // Found by the fuzzer: the lexer took a final `\r` for half of a CRLF and stopped on it.
    for (const text of ['\r', 'a\r', '*filter\n-A INPUT\r', '*filter\n-A INPUT -j ACCEPT\r\nCOMMIT\r']) {
      await located(text);
      const errors = parse(text).errors;
      expect(errors.map((error) => error.code)).not.toContain('internal/lexer');
      expect(errors.map((error) => error.code)).toContain('syntax/binary');
    }
  });

  // Every case a long run (`npm run fuzz`) reported, replayed as it was generated.
  const reported: { seed: number; index: number; what: string }[] = [
    ...[27776, 28420, 32893, 45662, 87871].map((index) => ({ seed: 20261128, index, what: 'bridge name or port starting with "-"' })),
    ...[26395, 61435].map((index) => ({ seed: 20261128, index, what: 'UTF-8 BOM' })),
    ...[159, 182].map((index) => ({ seed: 7, index, what: 'no findings: the github format prints no command' })),
    { seed: 20261201, index: 5782, what: 'a 34 KB unknown option: "did you mean" computed edit distances to every option' },
    { seed: 20261128, index: 46782, what: '1,892 findings on one 24 KB line: fingerprints and the HTML report processed the line once per finding' },
  ];
  it.each(reported)('seed $seed case $index ($what) passes', async ({ seed, index }) => {
    const { name, bytes } = materialize(generateCase(seed, index, corpus.length), corpus);
    const outcome = await runCase(name, bytes, { cli: true, reprint: true });
    expect(outcome.problems).toEqual([]);
    expect(outcome.overBudget).toBeUndefined();
  }, 60_000);
});
