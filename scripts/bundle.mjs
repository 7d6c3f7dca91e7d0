// Bundles the CLI into dist/cli/ (bin/iptlint.js runs it): one file per
// command instead of ~250 modules, because resolving and compiling them
// separately costs ~0.1 s at every start. Packages stay external; the
// library entry (dist/src/index.js) is tsc's output.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/cli/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  logLevel: 'warning',
});
