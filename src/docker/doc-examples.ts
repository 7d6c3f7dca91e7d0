/**
 * Small, real-shaped Docker dumps for the rule docs' `bad`/`good` examples:
 * the default bridge with one container publishing 8080→80, as Docker 20.10
 * (G2) and 29.x (G4) write them. Rules derive their examples by editing lines.
 */
import { parse } from '../../grammar/index.js';
import { buildModel } from '../model/build.js';
import { readPolicy } from './policy.js';
import { parseStructured } from './structured-file.js';
import type { DockerContainerState, DockerInputs } from './types.js';

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

/**
 * Inputs the `bad`/`good` examples of input-driven Docker rules need (policy,
 * inspect state, the IPv4 companion of an ip6tables dump). Rules that only
 * read the dump need none.
 */
export interface DocExampleInputs {
  bad: DockerInputs;
  good: DockerInputs;
}

function inputs(extra: Partial<DockerInputs>): DockerInputs {
  return { kind: 'docker-inputs', files: {}, ...extra };
}

function policy(yamlText: string): DockerInputs {
  return inputs({ policy: readPolicy(parseStructured('docs-policy.yaml', yamlText)) });
}

const RUNNING_WEB: DockerContainerState = {
  name: 'web',
  endpoints: [{ network: 'bridge', ipv4: '172.17.0.2' }],
  ports: [{ protocol: 'tcp', containerPort: '80', hostPort: '8080', hostIp: '0.0.0.0' }],
  source: 'inspect',
};

export function docExampleInputs(ruleId: string): DocExampleInputs | undefined {
  switch (ruleId) {
    case 'docker-iptables-disabled':
      return { bad: inputs({ containers: [RUNNING_WEB] }), good: inputs({ containers: [RUNNING_WEB] }) };
    case 'docker-ip6tables-docker-user': {
      const withRestriction = g4Example({ after: '-A FORWARD -j DOCKER-FORWARD', insert: '-A DOCKER-USER -i eth0 ! -s 192.0.2.0/24 -j DROP' });
      const companion = buildModel(parse(withRestriction, { file: 'iptables.rules', family: 'ipv4' }));
      return { bad: inputs({ companionModel: companion }), good: inputs({ companionModel: companion }) };
    }
    case 'docker-user-restricts-external': {
      const restricted = policy('version: 1\ndockerUser:\n  restrictExternal: true\n  externalInterfaces: [eth0]\n');
      return { bad: restricted, good: restricted };
    }
    case 'docker-policy-published-port':
      return {
        bad: policy('version: 1\npublishedPorts:\n  - {port: 443, protocol: tcp}\n'),
        good: policy('version: 1\npublishedPorts:\n  - {port: 8080, protocol: tcp}\n'),
      };
    case 'docker-policy-network': {
      const noIcc = policy('version: 1\nnetworks:\n  bridge: {icc: false}\n');
      return { bad: noIcc, good: noIcc };
    }
    default:
      return undefined;
  }
}
