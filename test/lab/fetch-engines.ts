/**
 * `npm run lab:engines [-- 26.1 28.5]`: fetches and unpacks the lab's Docker
 * engines into .lab-cache/ (what the first lab run would do), so that CI
 * shows the download as a step of its own. Prints each engine's packages.
 */
import { DEFAULT_ENGINE, ENGINES, engineBinaries, isEngineId, preparedEngine, type EngineId } from './engines.js';

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const bad = asked.filter((name) => !isEngineId(name));
  if (bad.length > 0) throw new Error(`unknown engine(s) ${bad.join(', ')} (have: ${ENGINES.join(', ')})`);
  const engines = (asked.length > 0 ? asked : ENGINES).filter((e): e is EngineId => isEngineId(e) && e !== DEFAULT_ENGINE);
  for (const engine of engines) {
    const started = Date.now();
    const { dir } = await engineBinaries(engine, (message) => process.stderr.write(`${message}\n`));
    const packages = preparedEngine(engine)?.packages.map((p) => `${p.name} ${p.version}`).join(', ') ?? '';
    process.stdout.write(`Docker ${engine}: ${packages} in ${dir ?? '?'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
