/**
 * Worker thread of scripts/fuzz.ts: generates case `index` of the run from
 * the run's seed, runs it, and posts the outcome. A case that never returns
 * is a hang; the main thread's watchdog terminates this worker then.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { seedCorpus } from './corpus.js';
import { generateCase } from './generate.js';
import { materialize } from './mutations.js';
import { runCase } from './run-case.js';

export interface WorkerRequest {
  index: number;
}

/** Sent before a case runs and again once it is linted, so the watchdog can give it time in proportion to its size. */
export interface WorkerStart {
  started: number;
  bytes: number;
  findings: number;
}

export interface WorkerReply {
  index: number;
  name: string;
  description: string;
  problems: string[];
  overBudget?: string;
  milliseconds: number;
  bytes: number;
  heapBytes: number;
}

const { seed, cliEvery, reprintEvery } = workerData as { seed: number; cliEvery: number; reprintEvery: number };
const corpus = seedCorpus();
const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread of scripts/fuzz.ts');

// One unmutated case first, so that loading and JIT warm-up do not count against the first case's time.
await runCase('warm-up', (corpus[0] as { bytes: Uint8Array }).bytes, { cli: true, reprint: true });

port.on('message', (request: WorkerRequest) => {
  const fuzzCase = generateCase(seed, request.index, corpus.length);
  const { name, bytes } = materialize(fuzzCase, corpus);
  const progress = (findings: number): void => port.postMessage({ started: request.index, bytes: bytes.length, findings } satisfies WorkerStart);
  progress(0);
  void runCase(name, bytes, { cli: request.index % cliEvery === 0, reprint: request.index % reprintEvery === 0, onLinted: progress }).then((outcome) => {
    const reply: WorkerReply = {
      index: request.index,
      name,
      description: JSON.stringify(fuzzCase),
      problems: outcome.problems,
      ...(outcome.overBudget ? { overBudget: outcome.overBudget } : {}),
      milliseconds: outcome.milliseconds,
      bytes: outcome.bytes,
      heapBytes: getHeapStatistics().used_heap_size,
    };
    port.postMessage(reply);
  });
});
