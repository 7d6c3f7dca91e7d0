#!/usr/bin/env node
// Deterministic generator for Docker-host `iptables-save` dumps plus matching
// `docker network inspect` / `docker inspect` JSON.
//
//   node bench/gen-docker.mjs [--networks 100] [--containers 1000] [--seed 1] [--flavor nft|legacy]
//
// Writes bench/out/docker-<N>n-<M>c-s<seed>.{rules,networks.json,containers.json}.
// --containers is the total number of containers, spread (skewed) over the
// user networks plus the default bridge.
//
// Rule layout is the classic bridge driver one used by Docker 20.10 up to 27.x
// (before 28.0 introduced DOCKER-FORWARD/DOCKER-BRIDGE/DOCKER-CT and raw-table
// rules), userland-proxy enabled (hairpin MASQUERADE per published port),
// ip6tables left out:
//   filter FORWARD   -j DOCKER-USER, -j DOCKER-ISOLATION-STAGE-1, then per
//                    bridge (newest first): RELATED,ESTABLISHED ACCEPT, -o br -j
//                    DOCKER, -i br ! -o br ACCEPT, -i br -o br ACCEPT|DROP (icc)
//   filter DOCKER    per published port: -d CIP/32 ! -i br -o br -p tcp -m tcp --dport P -j ACCEPT
//   DOCKER-ISOLATION-STAGE-1/2, internal networks' ! -s/! -d subnet DROPs, DOCKER-USER -j RETURN
//   nat POSTROUTING  per bridge -s subnet ! -o br -j MASQUERADE (if ip_masquerade),
//                    per published port hairpin -s CIP/32 -d CIP/32 ... -j MASQUERADE
//   nat DOCKER       per bridge -i br -j RETURN, per published port [-d HOSTIP/32] ! -i br
//                    -p tcp -m tcp --dport HP -j DNAT --to-destination CIP:P
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRng, ipToString, parseIp, LineWriter, saveTimestamp, parseArgs } from './lib/util.mjs';

export const DOCKER_GENERATOR_VERSION = 1;
const SAVE_DATE = new Date(Date.UTC(2024, 10, 28, 1, 10, 0));
const CREATED = '2024-11-27T09:00:00.000000000Z';

const NET_WORDS = ['frontend', 'backend', 'db', 'monitoring', 'traefik', 'proxy', 'app', 'ci', 'staging', 'media', 'mail',
  'auth', 'queue', 'logging', 'cache'];
const IMAGES = [
  ['nginx:1.27', [[80, 'tcp'], [443, 'tcp']]],
  ['postgres:16', [[5432, 'tcp']]],
  ['redis:7', [[6379, 'tcp']]],
  ['grafana/grafana:11.3.0', [[3000, 'tcp']]],
  ['prom/prometheus:v2.55.1', [[9090, 'tcp']]],
  ['traefik:v3.2', [[80, 'tcp'], [443, 'tcp'], [8080, 'tcp']]],
  ['node:20-alpine', [[3000, 'tcp']]],
  ['coredns/coredns:1.11.3', [[53, 'udp'], [53, 'tcp']]],
  ['minio/minio:latest', [[9000, 'tcp'], [9001, 'tcp']]],
  ['eclipse-mosquitto:2', [[1883, 'tcp']]],
  ['wireguard:latest', [[51820, 'udp']]],
  ['busybox:1.36', []],
];

function mac(ip) {
  return ['02', '42', ...[24, 16, 8, 0].map((s) => ((ip >>> s) & 255).toString(16).padStart(2, '0'))].join(':');
}

/**
 * @param {{networks:number, containers:number, seed?:number, flavor?:'nft'|'legacy', outBase:string}} opts
 * outBase: path without extension; writes .rules, .networks.json, .containers.json
 */
export function generateDocker(opts) {
  const rng = makeRng((opts.seed ?? 1) * 7919 + 17);
  const flavor = opts.flavor ?? 'nft';

  // ---- networks -----------------------------------------------------------
  const networks = [];
  const mkNet = (name, subnet, prefix, opts2) => {
    const id = rng.hex(64);
    const n = {
      name, id, subnetBase: parseIp(subnet), prefix,
      subnet: `${subnet}/${prefix}`,
      gateway: ipToString(parseIp(subnet) + 1),
      bridge: opts2.bridge ?? `br-${id.slice(0, 12)}`,
      internal: !!opts2.internal,
      icc: opts2.icc ?? true,
      masq: opts2.masq ?? true,
      isDefault: !!opts2.isDefault,
      nextHost: 2,
      capacity: 2 ** (32 - prefix) - 3,
      containers: [],
    };
    networks.push(n);
    return n;
  };
  mkNet('bridge', '172.17.0.0', 16, { bridge: 'docker0', isDefault: true });
  const usedNames = new Set();
  for (let i = 0; i < opts.networks; i++) {
    // 172.18-31/16 first (Docker's default pool), then a configured
    // default-address-pools base 10.200.0.0/14 size 24.
    const [subnet, prefix] = i < 14 ? [`172.${18 + i}.0.0`, 16] : [ipToString(parseIp('10.200.0.0') + (i - 14) * 256), 24];
    let name = `${rng.pick(NET_WORDS)}_${rng.pick(['default', 'net', 'internal', 'public'])}`;
    if (usedNames.has(name)) name = `${name}${i}`;
    usedNames.add(name);
    const internal = rng.chance(0.06);
    mkNet(name, subnet, prefix, { internal, icc: !rng.chance(0.1), masq: internal ? true : !rng.chance(0.05) });
  }

  // ---- containers ---------------------------------------------------------
  const containers = [];
  const hostPorts = { tcp: 8000, udp: 8000 };
  const weights = networks.map((n, i) => [n.isDefault ? 3 : 1 + (i % 7 === 0 ? 6 : 0) + rng.float() * 2, n]);
  for (let c = 0; c < opts.containers; c++) {
    let net = rng.weighted(weights);
    let guard = 0;
    while (net.nextHost > net.capacity && guard++ < 1000) net = rng.weighted(weights);
    const [image, exposed] = rng.pick(IMAGES);
    const name = `${image.split(/[/:]/).at(-2) ?? image.split(':')[0]}-${c}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
    const attach = [net];
    if (!net.isDefault && rng.chance(0.15)) {
      const second = rng.weighted(weights);
      if (second !== net && !second.isDefault && second.nextHost <= second.capacity) attach.push(second);
    }
    const ctr = { id: rng.hex(64), name, image, exposed, endpoints: [], published: [] };
    for (const n of attach) {
      const ip = n.subnetBase + n.nextHost++;
      ctr.endpoints.push({ net: n, ip, endpointId: rng.hex(64) });
      n.containers.push(ctr);
    }
    // Published ports only on the first (default-gateway) network, never on --internal ones.
    const nPub = net.internal ? 0 : rng.weighted([[40, 0], [40, 1], [15, 2], [5, rng.int(3, 4)]]);
    const candidates = exposed.length ? exposed : [[8080, 'tcp']];
    for (let k = 0; k < nPub; k++) {
      const [cport, proto] = candidates[k % candidates.length];
      if (ctr.published.some((p) => p.cport === cport && p.proto === proto)) continue;
      hostPorts[proto] += rng.int(1, 5);
      const hostIp = rng.weighted([[85, '0.0.0.0'], [10, '127.0.0.1'], [5, '192.0.2.10']]);
      ctr.published.push({ cport, proto, hport: hostPorts[proto], hostIp, hostIpSpecified: hostIp !== '0.0.0.0' });
    }
    containers.push(ctr);
  }

  // ---- rules --------------------------------------------------------------
  const filter = new Map([['INPUT', []], ['FORWARD', []], ['OUTPUT', []], ['DOCKER', []], ['DOCKER-ISOLATION-STAGE-1', []],
    ['DOCKER-ISOLATION-STAGE-2', []], ['DOCKER-USER', []]]);
  const nat = new Map([['PREROUTING', []], ['INPUT', []], ['OUTPUT', []], ['POSTROUTING', []], ['DOCKER', []]]);
  const F = (c) => filter.get(c);
  const N = (c) => nat.get(c);

  // Per-network rules are inserted at the top (-I), so the newest network comes first.
  const newestFirst = [...networks].reverse();
  F('FORWARD').push('-j DOCKER-USER', '-j DOCKER-ISOLATION-STAGE-1');
  for (const n of newestFirst) {
    const br = n.bridge;
    if (!n.internal) {
      F('FORWARD').push(`-o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`, `-o ${br} -j DOCKER`,
        `-i ${br} ! -o ${br} -j ACCEPT`);
    }
    F('FORWARD').push(`-i ${br} -o ${br} -j ${n.icc ? 'ACCEPT' : 'DROP'}`);
    if (n.internal) {
      F('DOCKER-ISOLATION-STAGE-1').push(`! -s ${n.subnet} -o ${br} -j DROP`, `! -d ${n.subnet} -i ${br} -j DROP`);
    } else {
      F('DOCKER-ISOLATION-STAGE-1').push(`-i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`);
      F('DOCKER-ISOLATION-STAGE-2').push(`-o ${br} -j DROP`);
      if (n.masq) N('POSTROUTING').push(`-s ${n.subnet} ! -o ${br} -j MASQUERADE`);
      N('DOCKER').push(`-i ${br} -j RETURN`);
    }
  }
  F('DOCKER-ISOLATION-STAGE-1').push('-j RETURN');
  F('DOCKER-ISOLATION-STAGE-2').push('-j RETURN');
  F('DOCKER-USER').push('-j RETURN');
  N('PREROUTING').push('-m addrtype --dst-type LOCAL -j DOCKER');
  N('OUTPUT').push('! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER');
  // Per published port, appended in container start order.
  for (const ctr of containers) {
    const ep = ctr.endpoints[0];
    const br = ep.net.bridge;
    const cip = ipToString(ep.ip);
    for (const p of ctr.published) {
      F('DOCKER').push(`-d ${cip}/32 ! -i ${br} -o ${br} -p ${p.proto} -m ${p.proto} --dport ${p.cport} -j ACCEPT`);
      N('POSTROUTING').push(`-s ${cip}/32 -d ${cip}/32 -p ${p.proto} -m ${p.proto} --dport ${p.cport} -j MASQUERADE`);
      const d = p.hostIp === '0.0.0.0' ? '' : `-d ${p.hostIp}/32 `;
      N('DOCKER').push(`${d}! -i ${br} -p ${p.proto} -m ${p.proto} --dport ${p.hport} -j DNAT --to-destination ${cip}:${p.cport}`);
    }
  }

  const w = new LineWriter(`${opts.outBase}.rules`);
  const ts = saveTimestamp(SAVE_DATE);
  const saveName = flavor === 'nft' ? 'iptables-save v1.8.9 (nf_tables)' : 'iptables-save v1.8.9';
  let rules = 0;
  const emit = (tname, chains, builtins, policies) => {
    w.line(`# Generated by ${saveName} on ${ts}`);
    w.line(`*${tname}`);
    for (const b of builtins) w.line(`:${b} ${policies[b] ?? 'ACCEPT'} [0:0]`);
    const user = [...chains.keys()].filter((c) => !builtins.includes(c)).sort();
    for (const c of user) w.line(`:${c} - [0:0]`);
    for (const c of [...builtins, ...user]) for (const r of chains.get(c)) (w.line(`-A ${c} ${r}`), rules++);
    w.line('COMMIT');
    w.line(`# Completed on ${ts}`);
  };
  emit('filter', filter, ['INPUT', 'FORWARD', 'OUTPUT'], { FORWARD: 'DROP' });
  emit('nat', nat, ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], {});
  const bytes = w.close();

  // ---- inspect JSON -------------------------------------------------------
  const netJson = networks.map((n) => ({
    Name: n.name,
    Id: n.id,
    Created: CREATED,
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.isDefault ? null : {}, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: n.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: Object.fromEntries(
      n.containers.map((c) => {
        const ep = c.endpoints.find((e) => e.net === n);
        return [c.id, { Name: c.name, EndpointID: ep.endpointId, MacAddress: mac(ep.ip), IPv4Address: `${ipToString(ep.ip)}/${n.prefix}`, IPv6Address: '' }];
      }),
    ),
    Options: {
      ...(n.isDefault ? { 'com.docker.network.bridge.default_bridge': 'true' } : {}),
      'com.docker.network.bridge.enable_icc': String(n.icc),
      'com.docker.network.bridge.enable_ip_masquerade': String(n.masq),
      ...(n.isDefault ? { 'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0' } : {}),
      'com.docker.network.bridge.name': n.bridge,
      ...(n.isDefault ? { 'com.docker.network.driver.mtu': '1500' } : {}),
    },
    Labels: {},
  }));
  for (const [name, driver] of [['host', 'host'], ['none', 'null']]) {
    netJson.push({ Name: name, Id: rng.hex(64), Created: CREATED, Scope: 'local', Driver: driver, EnableIPv6: false,
      IPAM: { Driver: 'default', Options: null, Config: null }, Internal: false, Attachable: false, Ingress: false,
      ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: {}, Labels: {} });
  }
  const ctrJson = containers.map((c) => {
    const primary = c.endpoints[0].net;
    const ports = {};
    const bindings = {};
    for (const [p, proto] of c.exposed) ports[`${p}/${proto}`] = null;
    for (const p of c.published) {
      const key = `${p.cport}/${p.proto}`;
      (bindings[key] ??= []).push({ HostIp: p.hostIpSpecified ? p.hostIp : '', HostPort: String(p.hport) });
      const list = (ports[key] ??= []);
      list.push({ HostIp: p.hostIp, HostPort: String(p.hport) });
      if (!p.hostIpSpecified) list.push({ HostIp: '::', HostPort: String(p.hport) });
    }
    return {
      Id: c.id,
      Created: CREATED,
      Name: `/${c.name}`,
      State: { Status: 'running', Running: true },
      Config: { Image: c.image, ExposedPorts: Object.fromEntries(c.exposed.map(([p, proto]) => [`${p}/${proto}`, {}])) },
      HostConfig: { NetworkMode: primary.isDefault ? 'default' : primary.name, PortBindings: bindings },
      NetworkSettings: {
        Ports: ports,
        Networks: Object.fromEntries(
          c.endpoints.map((e) => [e.net.name, {
            IPAMConfig: null, Links: null, Aliases: e.net.isDefault ? null : [c.name],
            MacAddress: mac(e.ip), NetworkID: e.net.id, EndpointID: e.endpointId, Gateway: e.net.gateway,
            IPAddress: ipToString(e.ip), IPPrefixLen: e.net.prefix, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
            DNSNames: e.net.isDefault ? null : [c.name, c.id.slice(0, 12)],
          }]),
        ),
      },
    };
  });
  fs.writeFileSync(`${opts.outBase}.networks.json`, JSON.stringify(netJson, null, 4) + '\n');
  fs.writeFileSync(`${opts.outBase}.containers.json`, JSON.stringify(ctrJson, null, 4) + '\n');
  return {
    kind: 'docker', rules, bytes, networks: networks.length, userNetworks: opts.networks, containers: containers.length,
    publishedPorts: containers.reduce((s, c) => s + c.published.length, 0),
    internalNetworks: networks.filter((n) => n.internal).length,
    iccDisabled: networks.filter((n) => !n.icc).length,
    masqDisabled: networks.filter((n) => !n.masq).length,
  };
}

export function dockerBaseName(networks, containers, seed = 1) {
  return `docker-${networks}n-${containers}c-s${seed}`;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = parseArgs(process.argv.slice(2), {
    networks: { type: 'number', default: 100 },
    containers: { type: 'number', default: 1000 },
    seed: { type: 'number', default: 1 },
    flavor: { type: 'string', default: 'nft' },
    'out-base': { type: 'string', default: '' },
  });
  const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const outBase = args['out-base'] || path.join(outDir, dockerBaseName(args.networks, args.containers, args.seed));
  const st = generateDocker({ networks: args.networks, containers: args.containers, seed: args.seed, flavor: args.flavor, outBase });
  console.log(`${path.relative(process.cwd(), outBase)}.{rules,networks.json,containers.json}: ${JSON.stringify(st)}`);
}
