#!/usr/bin/env node
// Deterministic generator for kube-proxy (iptables mode) `iptables-save` dumps.
//
//   node bench/gen-kube.mjs --rules 115k [--seed 1] [--flavor nft|legacy] [--out FILE]
//
// Output is what `iptables-save` prints on a node after kube-proxy (>= 1.27,
// iptables mode) has synced: header/footer comments, one block per table,
// built-in chains then user chains in strcmp order, then the rules grouped
// per chain in that same order, `COMMIT`. The spellings are the *saved*
// forms, not the forms kube-proxy writes into iptables-restore:
//   kube-proxy writes                     iptables-save prints
//   -m comment .. -m tcp -p tcp -d IP     -d IP/32 -p tcp -m comment .. -m tcp
//   --probability 0.3333333333            --probability 0.33333333349
//   -j MARK --or-mark 0x4000              -j MARK --set-xmark 0x4000/0x4000
//   -j MARK --xor-mark 0x4000             -j MARK --set-xmark 0x4000/0x0
// (bench/validate.mjs checks this by restoring a dump in a private network
// namespace and diffing `iptables-{legacy,nft}-save` against it.)
//
// "--rules N" is the exact number of `-A` lines in the output.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRng, kubeHash, ipToString, parseIp, LineWriter, saveTimestamp, parseArgs, parseSize, sizeLabel } from './lib/util.mjs';

export const KUBE_GENERATOR_VERSION = 3;

const SERVICE_CIDR = parseIp('10.96.0.0'); // /12
const CLUSTER_CIDR = '10.128.0.0/9';
const POD_BASE = parseIp('10.128.0.0');
const LB_BASE = parseIp('100.64.0.0'); // /10
const SAVE_DATE = new Date(Date.UTC(2024, 10, 28, 1, 10, 0));

const NS_WORDS = ['payments', 'checkout', 'catalog', 'search', 'identity', 'billing', 'analytics', 'ingest', 'ledger',
  'notify', 'inventory', 'shipping', 'recs', 'media', 'o11y', 'platform', 'pipeline', 'fraud', 'portal', 'partner-api'];
const ENV_WORDS = ['prod', 'staging', 'canary', 'eu', 'us', 'qa', 'perf'];
const SVC_WORDS = ['api', 'gateway', 'worker', 'web', 'backend', 'cache', 'redis', 'pg', 'kafka', 'grpc',
  'scheduler', 'ctrl', 'exporter', 'webhook', 'auth', 'sessions', 'indexer', 'query', 'router', 'resizer'];
const PORTS = [
  ['http', 'tcp', 80, 8080],
  ['https', 'tcp', 443, 8443],
  ['grpc', 'tcp', 9090, 9090],
  ['metrics', 'tcp', 9100, 9100],
  ['http-admin', 'tcp', 8081, 8081],
  ['redis', 'tcp', 6379, 6379],
  ['postgres', 'tcp', 5432, 5432],
  ['dns-udp', 'udp', 53, 5353],
  ['syslog', 'udp', 514, 5514],
];

function probability(n) {
  // kube-proxy: fmt.Sprintf("%0.10f", 1.0/float64(n)); libxt_statistic stores
  // lround(0x80000000 * p) and saves it with "%.11f".
  const p = Number((1 / n).toFixed(10));
  return (Math.round(0x80000000 * p) / 0x80000000).toFixed(11);
}

/**
 * Generate a dump. Returns stats; writes to opts.out.
 * @param {{rules:number, seed?:number, flavor?:'nft'|'legacy', out:string, comments?:boolean}} opts
 */
export function generateKube(opts) {
  const target = opts.rules;
  const rng = makeRng(opts.seed ?? 1);
  const flavor = opts.flavor ?? 'nft';
  // kube-proxy "large cluster mode" (> 1000 endpoints) drops the comments on the
  // KUBE-SVC -> KUBE-SEP jumps and on the KUBE-SEP rules. Every size we bench is
  // past that threshold; small dumps keep them.
  const largeClusterMode = opts.largeClusterMode ?? target >= 3000;
  const epComment = (c) => (largeClusterMode ? '' : `-m comment --comment "${c}"`);
  const join = (...parts) => parts.filter(Boolean).join(' ');

  // Per-table chain -> rule lines (without the "-A CHAIN " prefix handled at emit time).
  const tables = {
    mangle: { builtins: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], chains: new Map() },
    filter: { builtins: ['INPUT', 'FORWARD', 'OUTPUT'], chains: new Map() },
    nat: { builtins: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], chains: new Map() },
  };
  for (const t of Object.values(tables)) for (const b of t.builtins) t.chains.set(b, []);
  let count = 0;
  const chain = (table, name) => {
    const m = tables[table].chains;
    let c = m.get(name);
    if (!c) m.set(name, (c = []));
    return c;
  };
  const add = (table, name, spec) => {
    chain(table, name).push(spec);
    count++;
  };

  // --- fixed kubelet / kube-proxy plumbing ---------------------------------
  for (const c of ['KUBE-IPTABLES-HINT', 'KUBE-KUBELET-CANARY', 'KUBE-PROXY-CANARY']) chain('mangle', c);
  for (const c of ['KUBE-EXTERNAL-SERVICES', 'KUBE-FIREWALL', 'KUBE-FORWARD', 'KUBE-KUBELET-CANARY', 'KUBE-NODEPORTS',
    'KUBE-PROXY-CANARY', 'KUBE-PROXY-FIREWALL', 'KUBE-SERVICES']) chain('filter', c);
  for (const c of ['KUBE-KUBELET-CANARY', 'KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-PROXY-CANARY',
    'KUBE-SERVICES']) chain('nat', c);

  const NEW = '-m conntrack --ctstate NEW';
  add('filter', 'INPUT', `${NEW} -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL`);
  add('filter', 'INPUT', '-m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS');
  add('filter', 'INPUT', `${NEW} -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES`);
  add('filter', 'INPUT', '-j KUBE-FIREWALL');
  add('filter', 'FORWARD', `${NEW} -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL`);
  add('filter', 'FORWARD', '-m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD');
  add('filter', 'FORWARD', `${NEW} -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  add('filter', 'FORWARD', `${NEW} -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES`);
  add('filter', 'OUTPUT', `${NEW} -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL`);
  add('filter', 'OUTPUT', `${NEW} -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  add('filter', 'OUTPUT', '-j KUBE-FIREWALL');
  add('filter', 'KUBE-FIREWALL', '! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
  add('filter', 'KUBE-FIREWALL', '-m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP');
  add('filter', 'KUBE-FORWARD', '-m conntrack --ctstate INVALID -j DROP');
  add('filter', 'KUBE-FORWARD', '-m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT');
  add('filter', 'KUBE-FORWARD', '-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  add('nat', 'PREROUTING', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  add('nat', 'OUTPUT', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  add('nat', 'POSTROUTING', '-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING');
  add('nat', 'KUBE-MARK-MASQ', '-j MARK --set-xmark 0x4000/0x4000');
  add('nat', 'KUBE-POSTROUTING', '-m mark ! --mark 0x4000/0x4000 -j RETURN');
  add('nat', 'KUBE-POSTROUTING', '-j MARK --set-xmark 0x4000/0x0');
  add('nat', 'KUBE-POSTROUTING', '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
  const RESERVED_TAIL = 1; // nat KUBE-SERVICES -> KUBE-NODEPORTS, appended at the end
  if (target < count + RESERVED_TAIL) throw new Error(`--rules must be >= ${count + RESERVED_TAIL}`);

  // --- services ------------------------------------------------------------
  let nextClusterIp = SERVICE_CIDR + 10;
  let nextPodIp = POD_BASE + 2;
  let nextLbIp = LB_BASE + 1;
  let nextNodePort = 30000;
  const stats = { services: 0, servicePorts: 0, endpoints: 0, nodePorts: 0, loadBalancers: 0, noEndpoints: 0 };
  let svcIndex = 0;

  const allocPod = () => {
    nextPodIp += rng.int(1, 3);
    if ((nextPodIp & 255) === 0 || (nextPodIp & 255) === 255) nextPodIp += 2;
    return nextPodIp;
  };

  /** Number of rules a port of this service will produce. */
  const portRules = (svc) => {
    if (svc.endpoints.length === 0) return 1 + (svc.nodePort ? 1 : 0) + (svc.lb ? 1 : 0);
    let n = 2 + 3 * svc.endpoints.length; // SERVICES, SVC masq, per-EP: SVC jump + SEP masq + SEP DNAT
    if (svc.nodePort) n += svc.local ? 6 + svc.localCount : 3; // NODEPORTS + EXT chain (+ SVL chain, health check)
    if (svc.lb) n += svc.sourceRanges ? 2 + svc.sourceRanges.length + 1 : 1; // SERVICES->FW|EXT (+FW chain, PROXY-FIREWALL)
    return n;
  };

  const makeService = () => {
    const i = svcIndex++;
    const ns = `${NS_WORDS[i % NS_WORDS.length]}-${rng.pick(ENV_WORDS)}`;
    const name = `${rng.pick(SVC_WORDS)}-${rng.pick(SVC_WORDS)}-${i.toString(36)}`;
    const nPorts = rng.weighted([[70, 1], [24, 2], [6, 3]]);
    const ports = [];
    const used = new Set();
    while (ports.length < nPorts) {
      const p = rng.pick(PORTS);
      if (!used.has(p[0])) {
        used.add(p[0]);
        ports.push(p);
      }
    }
    const type = rng.weighted([[78, 'ClusterIP'], [14, 'NodePort'], [8, 'LoadBalancer']]);
    const nEp = rng.weighted([
      [3, 0], [22, 1], [25, 2], [22, 3], [14, rng.int(4, 6)], [11, rng.int(7, 20)], [3, rng.int(21, 60)],
    ]);
    const endpoints = [];
    for (let k = 0; k < nEp; k++) endpoints.push(allocPod());
    const svc = {
      ns, name, ports, endpoints,
      clusterIp: nextClusterIp++,
      nodePort: type !== 'ClusterIP',
      lb: type === 'LoadBalancer',
      local: type === 'LoadBalancer' && rng.chance(0.3),
      localCount: 0,
      sourceRanges: null,
    };
    if (svc.local) svc.localCount = Math.min(endpoints.length, rng.int(1, 2));
    if (svc.lb && rng.chance(0.3)) {
      svc.sourceRanges = Array.from({ length: rng.int(1, 3) }, () => `${rng.int(11, 199)}.${rng.int(0, 255)}.${rng.int(0, 255)}.0/24`);
    }
    return svc;
  };

  const emitService = (svc) => {
    stats.services++;
    if (svc.endpoints.length === 0) stats.noEndpoints++;
    if (svc.lb) svc.lbIp = nextLbIp++;
    const cip = `${ipToString(svc.clusterIp)}/32`;
    for (const [portName, proto, port, targetPort] of svc.ports) {
      stats.servicePorts++;
      const spn = `${svc.ns}/${svc.name}:${portName}`;
      const svcChain = `KUBE-SVC-${kubeHash(spn, proto)}`;
      const extChain = `KUBE-EXT-${kubeHash(spn, proto)}`;
      const fwChain = `KUBE-FW-${kubeHash(spn, proto)}`;
      const svlChain = `KUBE-SVL-${kubeHash(spn, proto)}`;
      const pm = `-p ${proto}`;
      const mm = `-m ${proto}`;
      let nodePort = 0;
      if (svc.nodePort) {
        if (nextNodePort > 32767) {
          svc.nodePort = false; // NodePort range exhausted: degrade to ClusterIP like a full apiserver would refuse
          svc.lb = false;
        } else {
          nodePort = nextNodePort++;
          stats.nodePorts++;
        }
      }
      if (svc.lb) stats.loadBalancers++;
      if (svc.local && svc.nodePort && !svc.healthCheckNodePort) {
        if (nextNodePort > 32767) svc.local = false;
        else svc.healthCheckNodePort = nextNodePort++;
      }
      const lbIp = svc.lb ? `${ipToString(svc.lbIp)}/32` : null;

      if (svc.endpoints.length === 0) {
        add('filter', 'KUBE-SERVICES', `-d ${cip} ${pm} -m comment --comment "${spn} has no endpoints" ${mm} --dport ${port} -j REJECT --reject-with icmp-port-unreachable`);
        if (nodePort) add('filter', 'KUBE-EXTERNAL-SERVICES', `${pm} -m comment --comment "${spn} has no endpoints" -m addrtype --dst-type LOCAL ${mm} --dport ${nodePort} -j REJECT --reject-with icmp-port-unreachable`);
        if (lbIp) add('filter', 'KUBE-EXTERNAL-SERVICES', `-d ${lbIp} ${pm} -m comment --comment "${spn} has no endpoints" ${mm} --dport ${port} -j REJECT --reject-with icmp-port-unreachable`);
        continue;
      }

      add('nat', 'KUBE-SERVICES', `-d ${cip} ${pm} -m comment --comment "${spn} cluster IP" ${mm} --dport ${port} -j ${svcChain}`);
      add('nat', svcChain, `! -s ${CLUSTER_CIDR} -d ${cip} ${pm} -m comment --comment "${spn} cluster IP" ${mm} --dport ${port} -j KUBE-MARK-MASQ`);
      const n = svc.endpoints.length;
      const sepChains = [];
      svc.endpoints.forEach((ep, k) => {
        const epStr = `${ipToString(ep)}:${targetPort}`;
        const sep = `KUBE-SEP-${kubeHash(spn, proto, epStr)}`;
        sepChains.push([sep, epStr]);
        const stat = k < n - 1 ? `-m statistic --mode random --probability ${probability(n - k)}` : '';
        add('nat', svcChain, join(epComment(`${spn} -> ${epStr}`), stat, `-j ${sep}`));
        add('nat', sep, join(`-s ${ipToString(ep)}/32`, epComment(spn), '-j KUBE-MARK-MASQ'));
        add('nat', sep, join(pm, epComment(spn), mm, `-j DNAT --to-destination ${epStr}`));
        stats.endpoints++;
      });

      if (nodePort) {
        add('nat', 'KUBE-NODEPORTS', `${pm} -m comment --comment "${spn}" ${mm} --dport ${nodePort} -j ${extChain}`);
        if (svc.local) {
          add('filter', 'KUBE-NODEPORTS', `-p tcp -m comment --comment "${spn} health check node port" -m tcp --dport ${svc.healthCheckNodePort} -j ACCEPT`);
          add('nat', extChain, `-s ${CLUSTER_CIDR} -m comment --comment "pod traffic for ${spn} external destinations" -j ${svcChain}`);
          add('nat', extChain, `-m comment --comment "masquerade LOCAL traffic for ${spn} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
          add('nat', extChain, `-m comment --comment "route LOCAL traffic for ${spn} external destinations" -m addrtype --src-type LOCAL -j ${svcChain}`);
          add('nat', extChain, `-j ${svlChain}`);
          const local = sepChains.slice(0, svc.localCount);
          local.forEach(([sep, epStr], k) => {
            const stat = k < local.length - 1 ? `-m statistic --mode random --probability ${probability(local.length - k)}` : '';
            add('nat', svlChain, join(epComment(`${spn} -> ${epStr}`), stat, `-j ${sep}`));
          });
        } else {
          add('nat', extChain, `-m comment --comment "masquerade traffic for ${spn} external destinations" -j KUBE-MARK-MASQ`);
          add('nat', extChain, `-j ${svcChain}`);
        }
      }
      if (lbIp) {
        if (svc.sourceRanges) {
          add('nat', 'KUBE-SERVICES', `-d ${lbIp} ${pm} -m comment --comment "${spn} loadbalancer IP" ${mm} --dport ${port} -j ${fwChain}`);
          for (const r of svc.sourceRanges) add('nat', fwChain, `-s ${r} -m comment --comment "${spn} loadbalancer IP" -j ${extChain}`);
          add('nat', fwChain, `-m comment --comment "other traffic to ${spn} will be dropped by KUBE-PROXY-FIREWALL"`);
          add('filter', 'KUBE-PROXY-FIREWALL', `-d ${lbIp} ${pm} -m comment --comment "${spn} traffic not accepted by ${fwChain}" ${mm} --dport ${port} -j DROP`);
        } else {
          add('nat', 'KUBE-SERVICES', `-d ${lbIp} ${pm} -m comment --comment "${spn} loadbalancer IP" ${mm} --dport ${port} -j ${extChain}`);
        }
      }
    }
  };

  while (true) {
    const remaining = target - RESERVED_TAIL - count;
    if (remaining <= 0) break;
    const svc = makeService();
    let need = portRules(svc) * svc.ports.length;
    if (svc.nodePort && nextNodePort + svc.ports.length + 1 > 32768) {
      // NodePort range (30000-32767) exhausted: further services are ClusterIP only.
      svc.nodePort = svc.lb = svc.local = false;
      svc.sourceRanges = null;
      need = portRules(svc) * svc.ports.length;
    }
    if (need > remaining) {
      // Last service(s): shrink to fit exactly; pad with endpoint-less ClusterIP services (1 rule each).
      svc.nodePort = svc.lb = svc.local = false;
      svc.sourceRanges = null;
      svc.ports = svc.ports.slice(0, 1);
      const eps = Math.floor((remaining - 2) / 3);
      if (eps >= 1 && remaining - (2 + 3 * Math.min(eps, svc.endpoints.length || eps)) >= 0) {
        while (svc.endpoints.length > eps) svc.endpoints.pop();
        while (svc.endpoints.length < eps && svc.endpoints.length < 60) svc.endpoints.push(allocPod());
      } else {
        svc.endpoints = [];
      }
      need = portRules(svc);
      if (need > remaining) svc.endpoints = [];
    }
    emitService(svc);
  }
  add('nat', 'KUBE-SERVICES', '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  if (count !== target) throw new Error(`internal: generated ${count} rules, wanted ${target}`);

  // --- emit in iptables-save order -------------------------------------------
  const w = new LineWriter(opts.out);
  const ts = saveTimestamp(SAVE_DATE);
  const saveName = flavor === 'nft' ? 'iptables-save v1.8.9 (nf_tables)' : 'iptables-save v1.8.9';
  let chains = 0;
  for (const [tname, t] of Object.entries(tables)) {
    w.line(`# Generated by ${saveName} on ${ts}`);
    w.line(`*${tname}`);
    const user = [...t.chains.keys()].filter((c) => !t.builtins.includes(c)).sort();
    const order = [...t.builtins, ...user];
    for (const b of t.builtins) w.line(`:${b} ACCEPT [0:0]`);
    for (const c of user) w.line(`:${c} - [0:0]`);
    chains += order.length;
    for (const c of order) {
      const prefix = `-A ${c} `;
      for (const r of t.chains.get(c)) w.line(prefix + r);
    }
    w.line('COMMIT');
    w.line(`# Completed on ${ts}`);
  }
  const bytes = w.close();
  return { kind: 'kube', rules: count, bytes, chains, seed: opts.seed ?? 1, flavor, ...stats };
}

export function kubeFileName(rules, seed = 1) {
  return `kube-${sizeLabel(rules)}-s${seed}.rules`;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = parseArgs(process.argv.slice(2), {
    rules: { type: 'string', default: '10k' },
    seed: { type: 'number', default: 1 },
    flavor: { type: 'string', default: 'nft' },
    out: { type: 'string', default: '' },
    all: { type: 'boolean', default: false },
  });
  const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(outDir, { recursive: true });
  const sizes = args.all ? ['10k', '100k', '115k', '250k', '500k', '1M'] : String(args.rules).split(',');
  for (const s of sizes) {
    const rules = parseSize(s);
    const out = args.out && sizes.length === 1 ? args.out : path.join(outDir, kubeFileName(rules, args.seed));
    const t0 = performance.now();
    const st = generateKube({ rules, seed: args.seed, flavor: args.flavor, out });
    // Same cache marker bench/run.mjs writes, so the runner reuses this file.
    if (args.flavor === 'nft') writeFileSync(`${out}.meta.json`, JSON.stringify({ ...st, generatorVersion: KUBE_GENERATOR_VERSION }, null, 2) + '\n');
    console.log(
      `${path.relative(process.cwd(), out)}: ${st.rules} rules, ${st.bytes} bytes (${(st.bytes / 1e6).toFixed(2)} MB), ` +
        `${st.chains} chains, ${st.services} services / ${st.servicePorts} ports / ${st.endpoints} endpoints ` +
        `(${(performance.now() - t0).toFixed(0)} ms)`,
    );
  }
}
