#!/usr/bin/env node
// iptlint benchmark runner. See bench/README.md.
//
//   node bench/run.mjs [--sizes 10k,115k,250k] [--runs 5] [--quick] [--check-linear]
//                      [--linear-metric wall|cpu] [--tools iptlint,legacy,nft,split,floor] [--build]
//                      [--warmup 1] [--seed 1] [--timeout 900] [--json FILE]
//                      [--docker 100x1000|none]
//
// For every size it generates (once, cached in bench/out/) a kube-proxy dump and
// measures each tool in TOOLS on it, interleaved: run 1 of every tool, then run
// 2 of every tool, ... Then the same on a generated Docker host (NETWORKSxCONTAINERS,
// with its inspect JSON), where `iptlint reach` runs too. Wall/user/sys come from
// bash's `time` (ms resolution, RUSAGE_CHILDREN), peak RSS from GNU time's %M
// (wait4 ru_maxrss, KiB).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetns, deleteNetns, netnsUnavailableReason } from './lib/netns.mjs';
import { parseArgs, parseSize, sizeLabel } from './lib/util.mjs';
import { dockerBaseName, DOCKER_GENERATOR_VERSION, generateDocker } from './gen-docker.mjs';
import { generateKube, kubeFileName, KUBE_GENERATOR_VERSION } from './gen-kube.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const OUT = path.join(BENCH, 'out');
const NODE = process.execPath;
const READ_SPLIT = "console.log(require('fs').readFileSync(process.argv[1],'utf8').split('\\n').length)";

// ---------------------------------------------------------------------------
// The tools. Adding a command (e.g. `iptlint reach`) is one line here.
//   subject:  iptlint commands; ratios are computed subject ÷ every baseline
//   baseline: reference points for the ratios
//   netns:    run inside a fresh private network namespace (setup not timed)
//   ok:       exit codes that count as success
//   workload: 'docker' = only on the Docker host (it needs the inspect JSON); default: every dump
// A tool whose probe run (on a tiny dump) fails is skipped with a note.
// ---------------------------------------------------------------------------
// `$FILE` is the dump; `$FILE.x.json` is the file beside it with `.rules` replaced by `.x.json`.
const fileArg = (a, f) => (a === '$FILE' ? f : a.startsWith('$FILE.') ? f.replace(/\.rules$/, a.slice('$FILE'.length)) : a);
const iptlint = (...cmd) => (f) => [NODE, path.join(ROOT, 'bin/iptlint.js'), ...cmd.map((a) => fileArg(a, f))];
export const TOOLS = [
  { id: 'iptlint', label: 'iptlint check', argv: iptlint('check', '$FILE', '--format', 'json'), ok: [0, 1], subject: true, needsBuild: true },
  {
    id: 'reach', label: 'iptlint reach', workload: 'docker', ok: [0, 1], subject: true, needsBuild: true,
    argv: iptlint('reach', '$FILE', '--format', 'json', '--docker-networks', '$FILE.networks.json', '--docker-containers', '$FILE.containers.json'),
  },
  { id: 'legacy', label: 'legacy-restore --test', argv: (f) => ['iptables-legacy-restore', '--test', f], ok: [0], baseline: true, netns: true },
  { id: 'nft', label: 'nft-restore --test', argv: (f) => ['iptables-nft-restore', '--test', f], ok: [0], baseline: true, netns: true },
  { id: 'split', label: 'node read+split', argv: (f) => [NODE, '-e', READ_SPLIT, f], ok: [0], baseline: true },
  { id: 'floor', label: 'node line-scan floor', argv: (f) => [NODE, path.join(BENCH, 'lib/line-scan-floor.mjs'), f], ok: [0], baseline: true },
];

// Runs "$@" under bash `time` + GNU time; $1 = result file prefix, $2 = timeout s.
const MEASURE_SH = String.raw`
pfx=$1; lim=$2; shift 2
TIMEFORMAT='%3R %3U %3S'
{ time /usr/bin/time -f '%M' -o "$pfx.rss" timeout --kill-after=5 "$lim" "$@" >/dev/null 2>"$pfx.err" ; } 2>"$pfx.time"
rc=$?
exit $rc
`;

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

const args = (() => {
  try {
    return parseArgs(process.argv.slice(2), {
      sizes: { type: 'string', default: '' },
      runs: { type: 'number', default: 0 },
      quick: { type: 'boolean', default: false },
      'check-linear': { type: 'boolean', default: false },
      'linear-limit': { type: 'number', default: 4.5 },
      'linear-metric': { type: 'string', default: 'wall' },
      tools: { type: 'string', default: '' },
      build: { type: 'boolean', default: false },
      warmup: { type: 'number', default: -1 },
      seed: { type: 'number', default: 1 },
      timeout: { type: 'number', default: 900 },
      json: { type: 'string', default: path.join(OUT, 'results.json') },
      docker: { type: 'string', default: '100x1000' },
      help: { type: 'boolean', default: false },
    });
  } catch (e) {
    fail(e.message);
  }
})();
if (args.help) {
  const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

const linear = args['check-linear'];
const sizes = (args.sizes || (linear ? '250k,1M' : args.quick ? '10k,115k' : '10k,115k,250k')).split(',').map(parseSize);
const runs = args.runs || (args.quick ? 3 : linear ? 3 : 5);
const warmup = args.warmup >= 0 ? args.warmup : args.quick ? 0 : 1;
let tools = TOOLS;
if (args.tools) {
  const want = args.tools.split(',');
  for (const w of want) if (!TOOLS.some((t) => t.id === w)) fail(`unknown tool ${w} (have: ${TOOLS.map((t) => t.id).join(', ')})`);
  tools = TOOLS.filter((t) => want.includes(t.id));
} else if (linear) {
  tools = TOOLS.filter((t) => (t.subject && t.workload !== 'docker') || t.id === 'split');
}
const dockerHost = (() => {
  if (linear || args.docker === 'none' || !tools.some((t) => t.workload === 'docker')) return null;
  const m = /^(\d+)x(\d+)$/.exec(args.docker);
  if (!m) fail(`--docker wants NETWORKSxCONTAINERS (e.g. 100x1000) or none, got ${args.docker}`);
  return { networks: Number(m[1]), containers: Number(m[2]) };
})();
const runsOn = (t, workload) => t.workload === undefined || t.workload === workload;
if (linear && sizes.length !== 2) fail('--check-linear needs exactly two sizes (default 250k,1M)');

fs.mkdirSync(OUT, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iptlint-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

// ---- prerequisites ----------------------------------------------------------
if (spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).error) {
  fail('GNU time (/usr/bin/time) is required for peak RSS: apt-get install -y time');
}
if (args.build) {
  console.log('bench: npm run build');
  const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) console.warn(`bench: npm run build exited ${b.status}; continuing with whatever dist/ holds`);
}

function fileFor(rules) {
  const file = path.join(OUT, kubeFileName(rules, args.seed));
  const meta = `${file}.meta.json`;
  let st = null;
  try {
    st = JSON.parse(fs.readFileSync(meta, 'utf8'));
  } catch {
    /* regenerate */
  }
  if (!st || st.generatorVersion !== KUBE_GENERATOR_VERSION || !fs.existsSync(file) || fs.statSync(file).size !== st.bytes) {
    process.stdout.write(`bench: generating ${path.relative(ROOT, file)} ... `);
    st = { ...generateKube({ rules, seed: args.seed, out: file }), generatorVersion: KUBE_GENERATOR_VERSION };
    fs.writeFileSync(meta, JSON.stringify(st, null, 2) + '\n');
    console.log(`${st.bytes} bytes`);
  }
  return { file, ...st };
}

function dockerFileFor({ networks, containers }) {
  const outBase = path.join(OUT, dockerBaseName(networks, containers, args.seed));
  const file = `${outBase}.rules`;
  const meta = `${file}.meta.json`;
  let st = null;
  try {
    st = JSON.parse(fs.readFileSync(meta, 'utf8'));
  } catch {
    /* regenerate */
  }
  const complete = ['.rules', '.networks.json', '.containers.json'].every((ext) => fs.existsSync(outBase + ext));
  if (!st || st.generatorVersion !== DOCKER_GENERATOR_VERSION || !complete || fs.statSync(file).size !== st.bytes) {
    process.stdout.write(`bench: generating ${path.relative(ROOT, outBase)}.{rules,networks.json,containers.json} ... `);
    st = { ...generateDocker({ networks, containers, seed: args.seed, outBase }), generatorVersion: DOCKER_GENERATOR_VERSION };
    fs.writeFileSync(meta, JSON.stringify(st, null, 2) + '\n');
    console.log(`${st.bytes} bytes`);
  }
  return { file, size: `docker ${networks}n×${containers}c`, ...st };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let seq = 0;
function measure(tool, file) {
  const pfx = path.join(tmp, `m${seq++}`);
  let ns = null;
  let cmd = ['bash', '-c', MEASURE_SH, 'measure', pfx, String(args.timeout), ...tool.argv(file)];
  if (tool.netns) {
    ns = createNetns(); // not timed: the timer runs inside the namespace
    cmd = ['ip', 'netns', 'exec', ns, ...cmd];
  }
  try {
    const r = spawnSync(cmd[0], cmd.slice(1), { cwd: ROOT, encoding: 'utf8' });
    if (r.error) return { error: String(r.error.message) };
    const read = (ext) => {
      try {
        return fs.readFileSync(`${pfx}.${ext}`, 'utf8');
      } catch {
        return '';
      }
    };
    const exit = r.status;
    const [wall, user, sys] = read('time').trim().split('\n').at(-1).split(/\s+/).map(Number);
    const rssKB = Number(read('rss').trim().split('\n').at(-1));
    const stderr = read('err');
    const sample = { wall, user, sys, cpu: +(user + sys).toFixed(3), rssKB, exit };
    if (![wall, user, sys, rssKB].every(Number.isFinite)) {
      sample.error = `no timing recorded (exit ${exit}): ${stderr.trim().split('\n')[0] ?? ''}`.slice(0, 400);
    } else if (!tool.ok.includes(exit)) {
      sample.error = exit === 124 || exit === 137 ? `timed out after ${args.timeout}s` : `exit ${exit}: ${stderr.trim().split('\n').slice(0, 3).join(' | ').slice(0, 400)}`;
    }
    return sample;
  } finally {
    if (ns) deleteNetns(ns);
  }
}

// ---- availability probe -----------------------------------------------------
const probe = path.join(tmp, 'probe.rules');
generateKube({ rules: 500, seed: 1, out: probe });
const dockerProbe = path.join(tmp, 'probe-docker');
if (dockerHost) generateDocker({ networks: 3, containers: 12, seed: 1, outBase: dockerProbe });
const nsReason = tools.some((t) => t.netns) ? netnsUnavailableReason() : null;
const notes = [];
const active = [];
for (const t of tools) {
  let why = null;
  if (t.workload === 'docker' && !dockerHost) continue;
  if (t.needsBuild && !fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) why = 'dist/ not built (npm run build, or pass --build)';
  else if (t.netns && nsReason) why = `cannot create a network namespace: ${nsReason}`;
  else {
    const s = measure(t, t.workload === 'docker' ? `${dockerProbe}.rules` : probe);
    if (s.error) why = `probe on a 500-rule dump failed: ${s.error}`;
  }
  if (why) {
    notes.push(`skipped ${t.label}: ${why}`);
    console.log(`bench: skipping ${t.label}: ${why}`);
  } else active.push(t);
}
if (active.length === 0) fail('no tool is available');

// ---- machine ------------------------------------------------------------------
function sh(cmd, a) {
  const r = spawnSync(cmd, a, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const cpuModel = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model;
const machine = {
  nproc: Number(sh('nproc', [])) || os.availableParallelism(),
  cpuModel,
  memTotal: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  kernel: os.release(),
  node: process.version,
  iptables: sh('iptables', ['--version']),
  gnuTime: sh('/usr/bin/time', ['--version'])?.split('\n')[0] ?? null,
};
// What the harness itself costs (bash + GNU time + timeout around `true`); it is
// included in every wall/cpu number and matters only for the smallest sizes.
{
  const noop = { argv: () => ['true'], ok: [0] };
  const xs = Array.from({ length: 5 }, () => measure(noop, '')).filter((x) => !x.error);
  if (xs.length) machine.harnessOverhead = { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), rssKB: median(xs.map((x) => x.rssKB)) };
}

// ---- run ----------------------------------------------------------------------

const results = [];
const workloads = [
  ...sizes.map((rules) => ({ kind: 'kube', load: () => ({ size: sizeLabel(rules), ...fileFor(rules) }) })),
  ...(dockerHost ? [{ kind: 'docker', load: () => dockerFileFor(dockerHost) }] : []),
];
for (const workload of workloads) {
  const f = workload.load();
  const entry = { size: f.size, workload: workload.kind, rules: f.rules, bytes: f.bytes, file: path.relative(ROOT, f.file), tools: {} };
  const here = active.filter((t) => runsOn(t, workload.kind));
  for (const t of here) entry.tools[t.id] = { label: t.label, argv: t.argv('FILE').map((a) => (a === NODE ? 'node' : path.isAbsolute(a) ? path.relative(ROOT, a) : a)), samples: [], errors: [], failedSamples: [] };
  entry.loadavgBefore = os.loadavg()[0];
  const total = warmup + runs;
  for (let i = 0; i < total; i++) {
    progress(`bench: ${entry.size} ${i < warmup ? 'warm-up' : `run ${i - warmup + 1}/${runs}`} ...`);
    for (const t of here) {
      const e = entry.tools[t.id];
      if (e.errors.length >= 2) continue; // give up on a tool that keeps failing at this size
      const s = measure(t, f.file);
      if (s.error) {
        e.errors.push(s.error);
        e.failedSamples.push(s);
      } else if (i >= warmup) e.samples.push(s);
    }
  }
  progress('');
  entry.loadavgAfter = os.loadavg()[0];
  for (const t of here) {
    const e = entry.tools[t.id];
    if (e.samples.length === 0) {
      notes.push(`${t.label} @ ${entry.size}: no successful run (${e.errors[0] ?? 'unknown'})`);
      continue;
    }
    const m = Object.fromEntries(['wall', 'user', 'sys', 'cpu', 'rssKB'].map((k) => [k, median(e.samples.map((s) => s[k]))]));
    const walls = e.samples.map((s) => s.wall);
    e.median = m;
    e.wallMin = Math.min(...walls);
    e.wallMax = Math.max(...walls);
    e.mbPerS = m.wall > 0 ? entry.bytes / 1e6 / m.wall : null;
    e.rulesPerS = m.wall > 0 ? entry.rules / m.wall : null;
  }
  entry.ratios = {};
  for (const s of here.filter((t) => t.subject)) {
    for (const b of here.filter((t) => t.baseline)) {
      const x = entry.tools[s.id].median;
      const y = entry.tools[b.id].median;
      if (!x || !y) continue;
      entry.ratios[`${s.id}/${b.id}`] = {
        wall: x.wall / y.wall,
        cpu: y.cpu > 0 ? x.cpu / y.cpu : null,
        rss: x.rssKB / y.rssKB,
      };
    }
  }
  // One more run of each iptlint command with --timing, outside the measured runs: where its time goes.
  entry.stages = {};
  for (const t of here.filter((tool) => tool.subject)) {
    const stages = timingStages([...t.argv(f.file), '--timing']);
    if (stages) entry.stages[t.id] = stages;
  }
  results.push(entry);
  printSize(entry);
}

/** The --timing table an iptlint command prints on stderr, as label → seconds. */
function timingStages(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const block = r.stderr.slice(r.stderr.indexOf('timing (wall clock, seconds):'));
  const stages = {};
  for (const line of block.split('\n').slice(1)) {
    const m = /^ {2}(\S.*?)\s+(\d+\.\d{3})(?:\s+\d+%)?$/.exec(line);
    if (m) stages[m[1]] = Number(m[2]);
  }
  return Object.keys(stages).length > 0 ? stages : null;
}

function progress(msg) {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${msg}`);
}
function fmt(n, d = 2) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  return n.toFixed(d);
}
function human(n) {
  if (n === null || n === undefined) return '-';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
function printSize(entry) {
  const head = ['size', 'MB', 'rules', 'tool', 'wall s', '±', 'cpu s', 'RSS MiB', 'MB/s', 'rules/s'];
  const rows = [];
  let first = true;
  for (const t of active.filter((t) => entry.tools[t.id])) {
    const e = entry.tools[t.id];
    const m = e.median;
    const spread = m ? (e.wallMax - e.wallMin) / 2 / m.wall : null;
    rows.push([
      first ? entry.size : '', first ? fmt(entry.bytes / 1e6) : '', first ? String(entry.rules) : '', t.label,
      m ? fmt(m.wall, 3) : 'FAILED', m ? `${fmt(spread * 100, 0)}%` : '', m ? fmt(m.cpu, 3) : '-', m ? fmt(m.rssKB / 1024, 1) : '-',
      m ? fmt(e.mbPerS, 1) : '-', m ? human(e.rulesPerS) : '-',
    ]);
    first = false;
  }
  table(head, rows, [false, true, true, false, true, true, true, true, true, true]);
  const load = Math.max(entry.loadavgBefore, entry.loadavgAfter);
  if (load > machine.nproc) {
    console.log(`  warning: 1-min load average ${fmt(load, 1)} on ${machine.nproc} CPUs while measuring; wall times include waiting for a CPU, compare cpu s`);
  }
  for (const [k, r] of Object.entries(entry.ratios)) {
    const [s, b] = k.split('/');
    console.log(`  ${entry.tools[s].label} ÷ ${entry.tools[b].label}: wall ${fmt(r.wall)}×, cpu ${fmt(r.cpu)}×, RSS ${fmt(r.rss)}×`);
  }
  for (const [id, stages] of Object.entries(entry.stages ?? {})) {
    const shown = Object.entries(stages).map(([stage, s]) => `${stage.replace(/ \(.*\)$/, '')} ${fmt(s)}`);
    console.log(`  ${entry.tools[id].label} --timing (one more run): ${shown.join(', ')}`);
  }
  console.log('');
}
function table(head, rows, right) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (right[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows) console.log(line(r));
}

// Summary of the ratios across sizes.
const ratioKeys = [...new Set(results.flatMap((r) => Object.keys(r.ratios)))];
if (ratioKeys.length) {
  console.log('ratios (median wall / cpu / peak RSS):');
  const head = ['size', ...ratioKeys.map((k) => k.split('/').map((id) => TOOLS.find((t) => t.id === id).label.split(' ')[0] === 'iptlint' ? TOOLS.find((t) => t.id === id).label : TOOLS.find((t) => t.id === id).id).join(' ÷ '))];
  const rows = results.map((r) => [r.size, ...ratioKeys.map((k) => (r.ratios[k] ? `${fmt(r.ratios[k].wall)} / ${fmt(r.ratios[k].cpu)} / ${fmt(r.ratios[k].rss)}` : '-'))]);
  table(head, rows, head.map((_, i) => i > 0));
  console.log('');
}

// ---- linear check ------------------------------------------------------------------
let exitCode = 0;
let linearResult = null;
if (linear) {
  const [small, big] = results;
  const factor = big.rules / small.rules;
  const limit = args['linear-limit'] * (factor / 4);
  linearResult = { small: small.size, big: big.size, factor, limit, tools: {} };
  const subjects = active.filter((t) => t.subject);
  if (subjects.length === 0) {
    console.log('check-linear: no iptlint command available; cannot check');
    exitCode = 2;
  }
  for (const t of subjects) {
    const a = small.tools[t.id]?.median;
    const b = big.tools[t.id]?.median;
    if (!a) {
      console.log(`check-linear: ${t.label}: no successful run at ${small.size}; cannot check`);
      exitCode = 2;
      continue;
    }
    if (!b) {
      // It runs at the small size but not at the big one (crash, OOM, timeout): that fails the check.
      const why = big.tools[t.id]?.errors[0] ?? 'no successful run';
      linearResult.tools[t.id] = { pass: false, error: why };
      console.log(`check-linear: ${t.label} ${big.size}: no successful run (${why.slice(0, 160)}) -> FAIL`);
      exitCode = 1;
      continue;
    }
    const metric = args['linear-metric'] === 'cpu' ? 'cpu' : 'wall';
    const ratio = b[metric] / a[metric];
    const pass = ratio <= limit;
    linearResult.metric = metric;
    linearResult.tools[t.id] = { wallRatio: b.wall / a.wall, cpuRatio: b.cpu / a.cpu, rssRatio: b.rssKB / a.rssKB, pass };
    console.log(
      `check-linear: ${t.label} ${big.size} vs ${small.size} (${fmt(factor, 1)}× rules): ${metric} ${fmt(ratio)}× ` +
        `(${metric === 'wall' ? 'cpu' : 'wall'} ${fmt(metric === 'wall' ? b.cpu / a.cpu : b.wall / a.wall)}×, RSS ${fmt(b.rssKB / a.rssKB)}×), ` +
        `limit ${fmt(limit)}× -> ${pass ? 'PASS' : 'FAIL'}`,
    );
    if (!pass && exitCode === 0) exitCode = 1;
  }
}

for (const n of notes) console.log(`note: ${n}`);
const report = {
  date: new Date().toISOString(),
  machine,
  config: { sizes: sizes.map(sizeLabel), dockerHost, runs, warmup, seed: args.seed, interleaved: true, tools: active.map((t) => t.id), timeout: args.timeout },
  method: 'wall/user/sys: bash `time` (ms); peak RSS: GNU time %M (KiB, wait4 ru_maxrss); medians over runs; netns setup excluded',
  results,
  ...(linearResult ? { linearCheck: linearResult } : {}),
  notes,
};
fs.writeFileSync(args.json, JSON.stringify(report, null, 2) + '\n');
console.log(`bench: wrote ${path.relative(process.cwd(), args.json)}`);
process.exitCode = exitCode;
