#!/usr/bin/env node
// One-off validation of generated dumps against the real iptables binaries,
// run inside private network namespaces (never the host's firewall):
//   1. `iptables-{legacy,nft}-restore --test FILE` exits 0 (kernel-checked for nft);
//   2. round trip: restore FILE into a fresh namespace, `iptables-*-save`, and
//      compare with FILE table by table, ignoring `#` comment lines. Legacy
//      prints tables in kernel registration order, so tables are compared as
//      blocks; within a table the comparison is exact, line by line.
//
//   node bench/validate.mjs [FILE...]      (default: kube 115k + docker 100n/1000c)
// Writes bench/out/validation.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withNetns } from './lib/netns.mjs';
import { generateKube, kubeFileName } from './gen-kube.mjs';
import { generateDocker, dockerBaseName } from './gen-docker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'out');
fs.mkdirSync(outDir, { recursive: true });

let files = process.argv.slice(2);
if (files.length === 0) {
  const kube = path.join(outDir, kubeFileName(115000, 1));
  if (!fs.existsSync(kube)) generateKube({ rules: 115000, seed: 1, out: kube });
  const dockerBase = path.join(outDir, dockerBaseName(100, 1000, 1));
  if (!fs.existsSync(`${dockerBase}.rules`)) generateDocker({ networks: 100, containers: 1000, seed: 1, outBase: dockerBase });
  files = [kube, `${dockerBase}.rules`];
}

function tables(text) {
  const out = new Map();
  let cur = null;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      cur = [];
      out.set(line.slice(1), cur);
    }
    if (cur) cur.push(line);
  }
  return out;
}

function compare(expected, actual) {
  const a = tables(expected);
  const b = tables(actual);
  for (const [name, lines] of a) {
    const other = b.get(name);
    if (!other) return `table ${name} missing from save output`;
    for (let i = 0; i < Math.max(lines.length, other.length); i++) {
      if (lines[i] !== other[i]) return `table ${name} line ${i + 1}: expected ${JSON.stringify(lines[i])}, saved ${JSON.stringify(other[i])}`;
    }
  }
  for (const name of b.keys()) if (!a.has(name)) return `save output has extra table ${name}`;
  return null;
}

const results = [];
let failed = false;
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const rules = (text.match(/^-A /gm) ?? []).length;
  for (const variant of ['legacy', 'nft']) {
    const restore = `iptables-${variant}-restore`;
    const save = `iptables-${variant}-save`;
    const res = { file: path.relative(process.cwd(), file), bytes: Buffer.byteLength(text), rules, variant };
    await withNetns((ns) => {
      const t0 = performance.now();
      const r = spawnSync('ip', ['netns', 'exec', ns, restore, '--test', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
      res.test = { exitCode: r.status, ms: Math.round(performance.now() - t0), stderr: r.stderr.trim().slice(0, 2000) };
    });
    await withNetns((ns) => {
      const r = spawnSync('ip', ['netns', 'exec', ns, restore, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) {
        res.roundTrip = { ok: false, error: `restore exit ${r.status}: ${r.stderr.trim().slice(0, 2000)}` };
        return;
      }
      const s = spawnSync('ip', ['netns', 'exec', ns, save], { encoding: 'utf8', maxBuffer: 1 << 30 });
      const diff = s.status === 0 ? compare(text, s.stdout) : `save exit ${s.status}`;
      res.roundTrip = { ok: diff === null, ...(diff ? { error: diff } : {}), savedHeader: s.stdout.split('\n', 1)[0] };
    });
    if (res.test.exitCode !== 0 || !res.roundTrip.ok) failed = true;
    results.push(res);
    console.log(
      `${res.file} (${rules} rules, ${res.bytes} bytes) ${restore} --test: exit ${res.test.exitCode} in ${res.test.ms} ms` +
        `${res.test.stderr ? ` [${res.test.stderr.split('\n')[0]}]` : ''}; round trip via ${save}: ` +
        (res.roundTrip.ok ? 'identical' : `DIFFERS: ${res.roundTrip.error}`),
    );
  }
}
const iptablesVersion = spawnSync('iptables', ['--version'], { encoding: 'utf8' }).stdout.trim();
fs.writeFileSync(path.join(outDir, 'validation.json'), JSON.stringify({ date: new Date().toISOString(), iptablesVersion, results }, null, 2) + '\n');
process.exitCode = failed ? 1 : 0;
