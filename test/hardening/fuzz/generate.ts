/** Case `index` of a run is a pure function of (seed, index), so any case can be replayed alone. */
import fc from 'fast-check';
import { fuzzCaseArbitrary, type FuzzCase } from './mutations.js';

export function generateCase(seed: number, index: number, corpusSize: number): FuzzCase {
  const [fuzzCase] = fc.sample(fuzzCaseArbitrary(corpusSize), { seed: (seed + index) | 0, numRuns: 1 });
  if (!fuzzCase) throw new Error(`fast-check generated no case for seed ${seed}, index ${index}`);
  return fuzzCase;
}
