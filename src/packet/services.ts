/**
 * Who answers a connection once the firewall has let its first packet
 * through: a server in a container, a socket on the host (docker-proxy), a
 * host beyond an uplink. The packet model alone cannot know what listens;
 * `openWorld` assumes something does (the reach report is about what the
 * firewall allows), the lab agreement test supplies the real listeners.
 */
import type { Family } from '../../grammar/ast.js';
import type { AddrSet } from './address.js';
import type { Condition } from './conditions.js';
import type { Flow } from './flow.js';
import { IntervalSet } from './intervals.js';
import { splitByConditions } from './match.js';
import type { NumSet } from './packet-set.js';

export interface Answer {
  answered: Flow[];
  refused: Flow[];
}

export interface Services {
  /** Flows delivered out of a bridge to a container address. */
  container(flows: Flow[], bridge: string): Answer;
  /** Flows delivered to a host socket that is not a docker-proxy listener. */
  host(flows: Flow[]): Answer;
  /** Flows sent out of a non-bridge interface. */
  outside(flows: Flow[], iface: string): Answer;
  /** Can the hosts beyond `iface` send to each flow's current destination (route the reply back)? */
  outsideRoutes(flows: Flow[], iface: string): { yes: Flow[]; no: Flow[] };
}

export interface Listener {
  family: Family;
  addresses: AddrSet;
  /** IANA protocol number. */
  proto: number;
  ports: NumSet;
}

const ICMP_ECHO = { ipv4: 8, ipv6: 128 } as const;

/** Splits flows into those some listener accepts (ICMP echo is always answered by the kernel). */
export function answerBy(flows: Flow[], listeners: readonly Listener[], answersPing = true): Answer {
  let rest = flows;
  const answered: Flow[] = [];
  if (answersPing) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const proto = family === 'ipv4' ? 1 : 58;
      const echo = IntervalSet.of(ICMP_ECHO[family] << 8, (ICMP_ECHO[family] << 8) | 0xff);
      const mine = rest.filter((flow) => flow.family === family);
      const split = splitByConditions(mine, [
        { kind: 'proto', set: IntervalSet.of(proto) },
        { kind: 'icmp', set: echo },
      ]);
      answered.push(...split.matched);
      rest = [...rest.filter((flow) => flow.family !== family), ...split.unmatched];
    }
  }
  for (const listener of listeners) {
    const mine = rest.filter((flow) => flow.family === listener.family);
    if (mine.length === 0) continue;
    const conditions: Condition[] = [
      { kind: 'proto', set: IntervalSet.of(listener.proto) },
      { kind: 'addr', which: 'dst', set: listener.addresses },
      { kind: 'port', which: 'dport', set: listener.ports },
    ];
    const split = splitByConditions(mine, conditions);
    answered.push(...split.matched);
    rest = [...rest.filter((flow) => flow.family !== listener.family), ...split.unmatched];
  }
  return { answered, refused: rest };
}

/** Something listens everywhere and every outside host routes back: the firewall alone decides. */
export const openWorld: Services = {
  container: (flows) => ({ answered: flows, refused: [] }),
  host: (flows) => ({ answered: flows, refused: [] }),
  outside: (flows) => ({ answered: flows, refused: [] }),
  outsideRoutes: (flows) => ({ yes: flows, no: [] }),
};
