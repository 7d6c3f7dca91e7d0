/**
 * `npm run lab:capture [-- [options] [scenario…]]`: runs lab scenarios and
 * writes their captures under fixtures/docker/ (Docker 20.10) or
 * fixtures/docker-<engine>/ (or --out).
 *
 *   --engine E        Docker engine for every scenario: 20.10 (the machine's docker.io), 26.1 (Debian trixie)
 *                     or 28.5 (Debian sid), fetched into .lab-cache/ on first use; default: each scenario's
 *                     daemon.engine, else 20.10
 *   --jobs N          scenarios run concurrently (default 3)
 *   --out DIR         fixture root (default fixtures/docker for 20.10, fixtures/docker-<engine> otherwise)
 *   --bin-dir DIR     engine binaries (dockerd, containerd, docker, runc, shims, docker-proxy),
 *                     e.g. an extracted docker-ce .deb's usr/bin
 *   --dockerd P / --containerd P / --docker P   individual binaries
 *   --busybox P       static busybox for the image and the probes (default /usr/bin/busybox)
 */
import { performance } from 'node:perf_hooks';
import { basename, resolve } from 'node:path';
import { mapLimit } from './exec.js';
import { checkLabAvailability } from './env.js';
import { checkExpectations, describeExpectation } from './facts.js';
import { ENGINES, engineBinaries, isEngineId, scenarioEngine, type EngineId } from './engines.js';
import { captureData, captureDirs, engineFixtureDir, writeCapture, writeIndex } from './fixtures.js';
import { cleanUpSharedRunDirs, installSignalCleanup, LabRunError, probeSummary, runLab, sweepStaleRuns } from './lab.js';
import { loadAllScenarios, type BinariesSpec, type Scenario } from './scenario.js';

interface CliOptions {
  engine?: EngineId;
  jobs: number;
  out?: string;
  binaries: BinariesSpec;
  busybox?: string;
  names: string[];
}

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { jobs: 3, binaries: {}, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--engine': {
        const engine = value();
        if (!isEngineId(engine)) throw new Error(`--engine ${engine}: not one of ${ENGINES.join(', ')}`);
        options.engine = engine;
        break;
      }
      case '--jobs':
        options.jobs = Math.max(1, Number(value()));
        break;
      case '--out':
        options.out = resolve(value());
        break;
      case '--bin-dir':
        options.binaries.dir = resolve(value());
        break;
      case '--dockerd':
        options.binaries.dockerd = resolve(value());
        break;
      case '--containerd':
        options.binaries.containerd = resolve(value());
        break;
      case '--docker':
        options.binaries.client = resolve(value());
        break;
      case '--busybox':
        options.busybox = resolve(value());
        break;
      case '-h':
      case '--help':
        process.stdout.write('usage: npm run lab:capture -- [--engine 20.10|26.1|28.5] [--jobs N] [--out DIR] [--bin-dir DIR] [--dockerd P] [--containerd P] [--docker P] [scenario…]\n');
        process.exit(0);
        break;
      default:
        if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
        options.names.push(arg);
    }
  }
  return options;
}

/**
 * Without scenario names: every scenario written for the engine (its
 * daemon.engine, 20.10 when absent) plus those already captured on it, so
 * that `--engine E` alone regenerates fixtures/docker-E/ as it is.
 */
function defaultSelection(all: readonly Scenario[], engine: EngineId | undefined): Scenario[] {
  if (!engine) return [...all];
  const captured = new Set(captureDirs(engineFixtureDir(engine)).map((d) => basename(d)));
  return all.filter((s) => scenarioEngine(s) === engine || captured.has(s.name));
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const all = loadAllScenarios();
  const unknown = options.names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (have: ${all.map((s) => s.name).join(', ')})`);
  const engineOf = (s: Scenario): EngineId => options.engine ?? scenarioEngine(s);
  const scenarios = options.names.length > 0 ? all.filter((s) => options.names.includes(s.name)) : defaultSelection(all, options.engine);
  const log = (m: string): void => void process.stderr.write(`${m}\n`);

  for (const engine of new Set(scenarios.map(engineOf))) {
    const availability = await checkLabAvailability({ ...(await engineBinaries(engine, log)), ...options.binaries });
    if (!availability.ok) throw new Error(`cannot run the lab here (engine ${engine}):\n  ${availability.problems.join('\n  ')}`);
  }
  const outDirs = new Set<string>();
  installSignalCleanup();
  for (const swept of await sweepStaleRuns()) process.stderr.write(`swept abandoned lab run ${swept}\n`);

  const started = performance.now();
  let failures = 0;
  await mapLimit(scenarios, options.jobs, async (scenario) => {
    const t0 = performance.now();
    try {
      const capture = await runLab(scenario, {
        engine: engineOf(scenario),
        binaries: options.binaries,
        ...(options.busybox ? { busybox: options.busybox } : {}),
        log,
      });
      const out = options.out ?? engineFixtureDir(engineOf(scenario));
      outDirs.add(out);
      const dir = await writeCapture(capture, out);
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      process.stdout.write(`✔ ${scenario.name} (${seconds} s, ${capture.probes.length} probes) → ${dir}\n    ${probeSummary(capture.probes)}\n`);
      for (const outcome of checkExpectations(captureData(capture))) {
        if (outcome.failures.length > 0) {
          failures++;
          process.stdout.write(`    ✘ expected ${describeExpectation(outcome.expectation)}\n      ${outcome.failures.join('\n      ')}\n`);
        }
      }
    } catch (error) {
      failures++;
      const message = error instanceof LabRunError || error instanceof Error ? error.message : String(error);
      process.stdout.write(`✘ ${scenario.name}: ${message}\n`);
    }
  });
  await cleanUpSharedRunDirs();
  for (const out of outDirs) await writeIndex(out);
  process.stdout.write(`${scenarios.length} scenario(s) in ${((performance.now() - started) / 1000).toFixed(1)} s, ${failures} problem(s)\n`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
