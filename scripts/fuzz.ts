/**
 * Long fuzz run: mutations of real dumps (and random bytes) through the API
 * and the CLI path, in worker threads with a memory cap and a watchdog.
 *
 *   npm run fuzz -- --cases 100000 [--seed 1] [--workers 2] [--hang-ms 30000] [--heap-mb 1024]
 *                   [--cli-every 16] [--reprint-every 4]   (every n-th case also runs the CLI / the reprint check)
 *   npm run fuzz -- --seed 1 --replay 4711     run one case and print it
 *   npm run fuzz -- --cases 100000 --seed 1 --largest 10   list the largest inputs of a run, without running them
 *
 * A crash is a case that threw, reported an internal error, produced a
 * finding located outside the input, broke print idempotence or invalid JSON,
 * or ran out of heap. A slow case took longer than its time budget
 * (test/hardening/fuzz/run-case.ts: 250 ms + 2 ms per KB per pass, plus 1 ms
 * per finding, times the load per core). A hang is a case still running after
 * the longer of --hang-ms and 5 times the budget of a case of its size with
 * every pass, counted from its start, with its findings once it is linted, at
 * the load of that moment (its worker is terminated). Exits 1 when there was
 * any crash, hang or slow case.
 */
import { Worker } from 'node:worker_threads';
import { seedCorpus } from '../test/hardening/fuzz/corpus.js';
import { generateCase } from '../test/hardening/fuzz/generate.js';
import { materialize } from '../test/hardening/fuzz/mutations.js';
import { loadFactor, MAX_PASSES, runCase, timeBudgetMs } from '../test/hardening/fuzz/run-case.js';
import type { WorkerReply, WorkerStart } from '../test/hardening/fuzz/worker.js';

interface Settings {
  cases: number;
  seed: number;
  workers: number;
  hangMs: number;
  heapMb: number;
  cliEvery: number;
  reprintEvery: number;
  replay?: number;
  largest?: number;
}

function readSettings(argv: readonly string[]): Settings {
  const settings: Settings = { cases: 10_000, seed: 1, workers: 1, hangMs: 30_000, heapMb: 1024, cliEvery: 16, reprintEvery: 4 };
  const numeric: Record<string, keyof Settings> = {
    '--cases': 'cases',
    '--seed': 'seed',
    '--workers': 'workers',
    '--hang-ms': 'hangMs',
    '--heap-mb': 'heapMb',
    '--cli-every': 'cliEvery',
    '--reprint-every': 'reprintEvery',
    '--replay': 'replay',
    '--largest': 'largest',
  };
  for (let i = 0; i < argv.length; i++) {
    const key = numeric[argv[i] as string];
    const value = Number(argv[i + 1]);
    if (key === undefined || !Number.isSafeInteger(value) || value < 0) {
      throw new Error(`usage: fuzz.ts [--cases N] [--seed N] [--workers N] [--hang-ms N] [--heap-mb N] [--cli-every N] [--reprint-every N] [--replay INDEX] [--largest N] (bad: ${argv[i]} ${argv[i + 1] ?? ''})`);
    }
    settings[key] = value;
    i++;
  }
  return settings;
}

interface Failure {
  index: number;
  kind: 'crash' | 'hang' | 'slow';
  name: string;
  description: string;
  problems: string[];
}

class Stats {
  done = 0;
  bytes = 0;
  totalMs = 0;
  maxMs = 0;
  maxMsCase = -1;
  maxMsPerKb = 0;
  maxBytes = 0;
  maxHeapBytes = 0;
  readonly failures: Failure[] = [];
  readonly started = performance.now();

  add(reply: WorkerReply): void {
    this.done++;
    this.bytes += reply.bytes;
    this.totalMs += reply.milliseconds;
    if (reply.milliseconds > this.maxMs) {
      this.maxMs = reply.milliseconds;
      this.maxMsCase = reply.index;
    }
    if (reply.bytes >= 8192) this.maxMsPerKb = Math.max(this.maxMsPerKb, reply.milliseconds / (reply.bytes / 1024));
    this.maxBytes = Math.max(this.maxBytes, reply.bytes);
    this.maxHeapBytes = Math.max(this.maxHeapBytes, reply.heapBytes);
    if (reply.problems.length > 0) {
      this.failures.push({ index: reply.index, kind: 'crash', name: reply.name, description: reply.description, problems: reply.problems });
    } else if (reply.overBudget) {
      this.failures.push({ index: reply.index, kind: 'slow', name: reply.name, description: reply.description, problems: [reply.overBudget] });
    }
  }

  count(kind: Failure['kind']): number {
    return this.failures.filter((failure) => failure.kind === kind).length;
  }

  line(): string {
    const seconds = (performance.now() - this.started) / 1000;
    return (
      `cases ${this.done}, crashes ${this.count('crash')}, hangs ${this.count('hang')}, over time budget ${this.count('slow')}, ` +
      `max ${this.maxMs.toFixed(0)} ms (case ${this.maxMsCase}), mean ${(this.totalMs / Math.max(1, this.done)).toFixed(1)} ms, ` +
      `max ${this.maxMsPerKb.toFixed(1)} ms/KB (inputs ≥ 8 KB), largest input ${(this.maxBytes / 1024).toFixed(0)} KB, ` +
      `peak heap ${(this.maxHeapBytes / 2 ** 20).toFixed(0)} MB, ${(this.bytes / 2 ** 20).toFixed(1)} MB fuzzed, ${seconds.toFixed(0)} s`
    );
  }
}

async function replay(settings: Settings, index: number): Promise<number> {
  const corpus = seedCorpus();
  const fuzzCase = generateCase(settings.seed, index, corpus.length);
  const { name, bytes } = materialize(fuzzCase, corpus);
  console.log(`case ${index} (seed ${settings.seed}): ${name}\n${JSON.stringify(fuzzCase)}\ninput (${bytes.length} bytes): ${JSON.stringify(new TextDecoder().decode(bytes).slice(0, 2000))}`);
  const outcome = await runCase(name, bytes, { cli: true, reprint: true });
  console.log(`${outcome.milliseconds.toFixed(1)} ms, ${outcome.findings} findings`);
  for (const problem of outcome.problems) console.log(`problem: ${problem}`);
  if (outcome.overBudget) console.log(`over time budget: ${outcome.overBudget}`);
  return outcome.problems.length > 0 ? 1 : 0;
}

/** The `count` largest inputs among the run's cases: generated and materialized, not run. */
function largest(settings: Settings, count: number): number {
  const corpus = seedCorpus();
  const sizes: { index: number; bytes: number; name: string }[] = [];
  for (let index = 0; index < settings.cases; index++) {
    const { name, bytes } = materialize(generateCase(settings.seed, index, corpus.length), corpus);
    sizes.push({ index, bytes: bytes.length, name });
  }
  sizes.sort((a, b) => b.bytes - a.bytes);
  for (const { index, bytes, name } of sizes.slice(0, count)) console.log(`case ${index}: ${(bytes / 2 ** 20).toFixed(2)} MB (${name})`);
  return 0;
}

function run(settings: Settings): Promise<Stats> {
  const stats = new Stats();
  // The worker is TypeScript too: it registers tsx's loader, then imports worker.ts.
  const workerUrl = new URL('../test/hardening/fuzz/worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const workerBootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); });`;
  let next = 0;
  let lastReport = 0;
  return new Promise((resolveRun) => {
    let live = 0;
    const start = (): void => {
      if (next >= settings.cases) {
        if (live === 0) resolveRun(stats);
        return;
      }
      live++;
      const worker = new Worker(workerBootstrap, {
        eval: true,
        workerData: { seed: settings.seed, cliEvery: settings.cliEvery, reprintEvery: settings.reprintEvery },
        resourceLimits: { maxOldGenerationSizeMb: settings.heapMb },
      });
      let current = -1;
      let watchdog: NodeJS.Timeout | undefined;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(watchdog);
        live--;
        void worker.terminate();
        start();
      };
      const fail = (kind: Failure['kind'], problem: string): void => {
        const corpus = seedCorpus();
        const fuzzCase = generateCase(settings.seed, current, corpus.length);
        stats.done++;
        stats.failures.push({ index: current, kind, name: materialize(fuzzCase, corpus).name, description: JSON.stringify(fuzzCase), problems: [problem] });
      };
      const send = (): void => {
        if (next >= settings.cases) return finish();
        current = next++;
        startedAt = performance.now();
        arm(settings.hangMs);
        worker.postMessage({ index: current });
      };
      let startedAt = 0;
      /** (Re)sets the watchdog to fire `limit` ms after the case was sent. */
      const arm = (limit: number): void => {
        clearTimeout(watchdog);
        watchdog = setTimeout(
          () => {
            fail('hang', `no result after ${limit.toFixed(0)} ms`);
            finish();
          },
          Math.max(0, limit - (performance.now() - startedAt)),
        );
      };
      worker.on('message', (message: WorkerReply | WorkerStart) => {
        if ('started' in message) {
          arm(Math.max(settings.hangMs, 5 * timeBudgetMs(message.bytes, MAX_PASSES, message.findings)));
          return;
        }
        const reply = message;
        stats.add(reply);
        if (stats.done - lastReport >= 5000) {
          lastReport = stats.done;
          console.log(stats.line());
        }
        send();
      });
      worker.on('error', (error: Error) => {
        if (current >= 0) fail('crash', `worker died: ${error.message}`);
        finish();
      });
      worker.on('online', send);
    };
    for (let i = 0; i < Math.max(1, settings.workers); i++) start();
  });
}

async function mainFuzz(): Promise<number> {
  const settings = readSettings(process.argv.slice(2));
  if (settings.replay !== undefined) return replay(settings, settings.replay);
  if (settings.largest !== undefined) return largest(settings, settings.largest);
  const corpus = seedCorpus();
  console.log(`fuzz: ${settings.cases} cases, seed ${settings.seed}, ${settings.workers} worker(s), ${corpus.length} seed chunks, heap cap ${settings.heapMb} MB, ` +
      `hang after ${settings.hangMs} ms or 5 time budgets, load factor now ${loadFactor().toFixed(1)}`);
  const stats = await run(settings);
  console.log(stats.line());
  for (const failure of stats.failures.slice(0, 50)) {
    console.log(`\n${failure.kind} in case ${failure.index} (${failure.name}); replay: npm run fuzz -- --seed ${settings.seed} --replay ${failure.index}`);
    console.log(`  ${failure.description.slice(0, 500)}`);
    for (const problem of failure.problems.slice(0, 5)) console.log(`  - ${problem.split('\n').slice(0, 6).join('\n    ')}`);
  }
  return stats.failures.length > 0 ? 1 : 0;
}

process.exitCode = await mainFuzz();
