/**
 * `npx tsx test/diff/capture-before-edits.ts [scenario…]` (root): runs each
 * broken-* lab scenario without its hand edits and writes the capture to
 * fixtures/docker-recapture/before-edits/<scenario>/: the healthy host that
 * the scenario breaks, for `iptlint diff` tests (healthy → broken).
 * The scenario's expectations describe the broken host, so they are dropped.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkLabAvailability } from '../lab/env.js';
import { mapLimit } from '../lab/exec.js';
import { REPO_ROOT, writeCapture } from '../lab/fixtures.js';
import { cleanUpSharedRunDirs, installSignalCleanup, runLab } from '../lab/lab.js';
import { loadAllScenarios, type Scenario } from '../lab/scenario.js';

const OUT = join(REPO_ROOT, 'fixtures', 'docker-recapture', 'before-edits');

function beforeEdits(scenario: Scenario): Scenario {
  const { edits: _edits, expect: _expect, probeHostPorts: _ports, ...rest } = scenario;
  return { ...rest, description: `${scenario.description} Captured before the hand edits (the healthy host).` };
}

async function main(): Promise<number> {
  const names = process.argv.slice(2);
  const scenarios = loadAllScenarios().filter((s) => s.name.startsWith('broken-') && (names.length === 0 || names.includes(s.name)));
  const availability = await checkLabAvailability({});
  if (!availability.ok) throw new Error(`cannot run the lab here:\n  ${availability.problems.join('\n  ')}`);
  installSignalCleanup();
  let failures = 0;
  await mapLimit(scenarios, 3, async (scenario) => {
    try {
      const capture = await runLab(beforeEdits(scenario), { log: (m) => process.stderr.write(`${m}\n`) });
      const dir = await writeCapture(capture, OUT);
      const readme = join(dir, 'README.md');
      const text = await readFile(readme, 'utf8');
      await writeFile(readme, text.replace(/npm run lab:capture -- .*/, `npx tsx test/diff/capture-before-edits.ts ${scenario.name}`));
      process.stdout.write(`✔ ${scenario.name} → ${dir}\n`);
    } catch (error) {
      failures++;
      process.stdout.write(`✘ ${scenario.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
  await cleanUpSharedRunDirs();
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
