#!/usr/bin/env node
/**
 * How much of `iptlint check` hides behind a slow writer on stdin: stdin is
 * parsed while it arrives, so after the writer's last byte only the rest of
 * the work is left. Per round (interleaved): `check FILE`, and
 * `paced-writer FILE S | check -` where the writer spreads the file over S s.
 *
 *   node bench/stdin-stream.mjs [--size 115k] [--seconds 3] [--runs 5] [--seed 1]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKube, kubeFileName } from './gen-kube.mjs';
import { parseArgs, parseSize } from './lib/util.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseArgs(process.argv.slice(2), {
  size: { type: 'string', default: '115k' },
  seconds: { type: 'number', default: 3 },
  runs: { type: 'number', default: 5 },
  seed: { type: 'number', default: 1 },
});
const rules = parseSize(args.size);
const file = path.join(ROOT, 'bench/out', kubeFileName(rules, args.seed));
if (!fs.existsSync(file)) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  generateKube({ rules, seed: args.seed, out: file });
}
const iptlint = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/iptlint.js'))} check --format json --fail-on never`;
const writer = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bench/lib/paced-writer.mjs'))} ${JSON.stringify(file)} ${args.seconds}`;

function wallSeconds(command) {
  const run = spawnSync('bash', ['-c', `set -o pipefail; start=$EPOCHREALTIME; ${command} > /dev/null; status=$?; end=$EPOCHREALTIME; echo "$start $end"; exit $status`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`failed (${run.status}): ${command}\n${run.stderr}`);
  const [start, end] = run.stdout.trim().split(' ').map(Number);
  return end - start;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fromFile = [];
const piped = [];
for (let round = 0; round < args.runs; round++) {
  fromFile.push(wallSeconds(`${iptlint} ${JSON.stringify(file)}`));
  piped.push(wallSeconds(`${writer} | ${iptlint} -`));
}
const direct = median(fromFile);
const pipe = median(piped);
const tail = pipe - args.seconds;
console.log(`${path.relative(ROOT, file)}, writer spread over ${args.seconds} s, medians of ${args.runs} runs (wall):`);
console.log(`  check FILE                  ${direct.toFixed(2)} s`);
console.log(`  writer | check -            ${pipe.toFixed(2)} s`);
console.log(`  left after the last byte    ${tail.toFixed(2)} s  (${Math.round((100 * (direct - tail)) / direct)}% of check FILE hidden behind the writer)`);
