/**
 * Small, real-shaped Docker dumps for the rule docs' `bad`/`good` examples:
 * the default bridge with one container publishing 8080→80, as Docker 20.10
 * (G2) and 29.x (G4) write them. Rules derive their examples by editing lines.
 */
import { parse } from '../../grammar/index.js';
import { buildModel } from '../model/build.js';
import { dockerInputsFrom } from './load-inputs.js';
import { parseStructured } from './structured-file.js';
import type { DockerInputs } from './types.js';

const G2_DUMP = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
`;

const G4_DUMP = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-BRIDGE - [0:0]
:DOCKER-CT - [0:0]
:DOCKER-FORWARD - [0:0]
:DOCKER-INTERNAL - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-FORWARD
-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER ! -i docker0 -o docker0 -j DROP
-A DOCKER-BRIDGE -o docker0 -j DOCKER
-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-INTERNAL
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i docker0 -j ACCEPT
COMMIT
`;

export type DumpEdit = { remove: string } | { replace: string; with: string } | { after: string; insert: string };

function applyEdits(dump: string, edits: readonly DumpEdit[]): string {
  let lines = dump.split('\n');
  for (const edit of edits) {
    if ('remove' in edit) lines = lines.filter((line) => line !== edit.remove);
    else if ('replace' in edit) lines = lines.map((line) => (line === edit.replace ? edit.with : line));
    else {
      const at = lines.indexOf(edit.after);
      lines.splice(at + 1, 0, ...edit.insert.split('\n'));
    }
  }
  return lines.join('\n');
}

/** The Docker 20.10 (G2) default-bridge dump, edited. */
export function g2Example(...edits: DumpEdit[]): string {
  return applyEdits(G2_DUMP, edits);
}

/** The Docker 29.x (G4) default-bridge dump, edited. */
export function g4Example(...edits: DumpEdit[]): string {
  return applyEdits(G4_DUMP, edits);
}

/** A file an input-driven example needs besides its dump, as a user gives it to `iptlint check`. */
export interface DocExampleFile {
  /** The option that takes it; absent for the host's other dump, which is simply a second FILE. */
  option?: '--policy' | '--docker-containers';
  name: string;
  text: string;
}

/**
 * What the `bad`/`good` examples of input-driven Docker rules need (policy,
 * inspect output, the IPv4 dump beside an ip6tables dump): the files, and the
 * inputs read from them by the code the CLI reads them with. Rules that only
 * read the dump need none.
 */
export interface DocExampleInputs {
  bad: DockerInputs;
  good: DockerInputs;
  badFiles: DocExampleFile[];
  goodFiles: DocExampleFile[];
}

function readFiles(files: readonly DocExampleFile[]): DockerInputs {
  const taking = (option: DocExampleFile['option']) => files.find((file) => file.option === option);
  const policy = taking('--policy');
  const containers = taking('--docker-containers');
  const otherDump = taking(undefined);
  return dockerInputsFrom({
    ...(policy ? { policy: parseStructured(policy.name, policy.text) } : {}),
    ...(containers ? { containers: parseStructured(containers.name, containers.text) } : {}),
    ...(otherDump ? { companionModel: buildModel(parse(otherDump.text, { file: otherDump.name, family: 'ipv4' })) } : {}),
  });
}

function example(badFiles: DocExampleFile[], goodFiles: DocExampleFile[] = badFiles): DocExampleInputs {
  return { bad: readFiles(badFiles), good: readFiles(goodFiles), badFiles, goodFiles };
}

function policyFile(yamlText: string): DocExampleFile {
  return { option: '--policy', name: 'policy.yaml', text: yamlText };
}

/** `docker inspect web`, cut down to the keys iptlint reads. */
const RUNNING_WEB = `[
  {
    "Name": "/web",
    "State": { "Running": true },
    "NetworkSettings": {
      "Ports": { "80/tcp": [{ "HostIp": "0.0.0.0", "HostPort": "8080" }] },
      "Networks": { "bridge": { "IPAddress": "172.17.0.2" } }
    }
  }
]
`;

export function docExampleInputs(ruleId: string): DocExampleInputs | undefined {
  switch (ruleId) {
    case 'docker-iptables-disabled':
      return example([{ option: '--docker-containers', name: 'containers.json', text: RUNNING_WEB }]);
    case 'docker-ip6tables-docker-user': {
      const withRestriction = g4Example({ after: '-A FORWARD -j DOCKER-FORWARD', insert: '-A DOCKER-USER -i eth0 ! -s 192.0.2.0/24 -j DROP' });
      return example([{ name: 'iptables.rules', text: withRestriction }]);
    }
    case 'docker-user-restricts-external':
      return example([policyFile('version: 1\ndockerUser:\n  restrictExternal: true\n  externalInterfaces: [eth0]\n')]);
    case 'docker-policy-published-port':
      return example([policyFile('version: 1\npublishedPorts:\n  - {port: 443, protocol: tcp}\n')], [policyFile('version: 1\npublishedPorts:\n  - {port: 8080, protocol: tcp}\n')]);
    case 'docker-policy-network':
      return example([policyFile('version: 1\nnetworks:\n  bridge: {icc: false}\n')]);
    default:
      return undefined;
  }
}
